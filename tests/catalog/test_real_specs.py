"""Ingest real descriptions through the real loader: the shared collection and small broken files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apiforge.catalog import Catalog
from apiforge.spec import find_spec_files
from tests.catalog.factory import dump

MIXED = Path(__file__).resolve().parent.parent / "data" / "catalog" / "mixed"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch")  # not TRACE


def raw_operation_count(path: Path) -> int:
    """Operations counted straight from the JSON, independently of the loader."""
    doc = json.loads(path.read_text())
    return sum(1 for item in doc.get("paths", {}).values() for key in item if key in METHODS)


def shared_specs(shared: Path) -> list[Path]:
    return [
        *sorted((shared / "specs" / "directory").glob("*.json")),
        *sorted((shared / "specs" / "swagger2").glob("*.json")),
        *sorted((shared / "fixtures" / "apipack" / "specs").glob("*.json")),
    ]


@pytest.mark.slow
def test_shared_collection_ingests_without_failure(shared_dir: Path, tmp_path: Path) -> None:
    specs = shared_specs(shared_dir)
    assert len(specs) == 26
    with Catalog(tmp_path / "c.db") as cat:
        results = cat.ingest_many(specs)
        failed = [r.error for r in results if not r.is_ok]
        assert failed == []
        assert len({r.api_id for r in results}) == 26
        directory = sorted((shared_dir / "specs" / "directory").glob("*.json"))
        expected = {p.name: raw_operation_count(p) for p in directory}
        assert sum(expected.values()) == 2885
        by_source = {Path(r.source).name: r.operations for r in results}
        assert {name: by_source[name] for name in expected} == expected
        # ingest again: every spec is unchanged and nothing in the database moves
        before = dump(cat.path)
        assert {r.status for r in cat.ingest_many(specs)} == {"unchanged"}
        assert dump(cat.path) == before


@pytest.mark.slow
def test_pool_and_serial_ingest_store_the_same(shared_dir: Path, tmp_path: Path) -> None:
    specs = sorted((shared_dir / "specs" / "directory").glob("*.json"))[:6]
    contents = []
    for workers in (1, 2):
        with Catalog(tmp_path / f"c{workers}.db") as cat:
            assert all(r.status == "added" for r in cat.ingest_many(specs, workers=workers))
            contents.append([(a.id, a.digest, a.operation_count) for a in cat.apis()])
            contents.append([o.to_dict() for o in cat.operations()])
    assert contents[0] == contents[2] and contents[1] == contents[3]


def test_real_file_idempotence_and_update(shared_dir: Path, tmp_path: Path) -> None:
    spec = tmp_path / "xkcd.json"
    shutil.copy(shared_dir / "specs" / "directory" / "xkcd.com.json", spec)
    with Catalog(tmp_path / "c.db") as cat:
        first = cat.ingest(spec)
        assert first.status == "added" and first.operations == 2
        assert cat.ingest(spec).status == "unchanged"
        doc = json.loads(spec.read_text())
        doc["paths"] = {"/new/{n}": {"get": {"operationId": "brandNew", "responses": {"200": {"description": "x"}}}}}
        spec.write_text(json.dumps(doc))
        result = cat.ingest(spec)
        assert (result.status, result.operations, result.previous_operations) == ("updated", 1, 2)
        assert [o.id for o in cat.operations(result.api_id)] == ["brandNew"]


def test_folder_with_good_and_broken_specs(tmp_path: Path) -> None:
    with Catalog(tmp_path / "c.db") as cat:
        results = {Path(r.source).name: r for r in cat.ingest_many(list(find_spec_files(MIXED)))}
        assert set(results) == {"tiny.openapi.yaml", "broken-yaml.yaml", "bad-ref.json", "not-openapi.json"}
        assert results["tiny.openapi.yaml"].status == "added"
        for name in ("broken-yaml.yaml", "bad-ref.json", "not-openapi.json"):
            assert results[name].status == "failed", name
            assert name in results[name].error  # the message names the file
        assert results["broken-yaml.yaml"].error_type == "SpecParseError"
        assert "line" in results["broken-yaml.yaml"].error
        assert "Missing" in results["bad-ref.json"].error
        assert [a.id for a in cat.apis()] == [results["tiny.openapi.yaml"].api_id]
        assert cat.count_operations() == 2


@pytest.mark.slow
def test_interrupted_pool_ingest_keeps_what_was_committed(shared_dir: Path, tmp_path: Path) -> None:
    specs = sorted((shared_dir / "specs" / "directory").glob("*.json"))

    def stop_after_first(result: object, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with Catalog(tmp_path / "c.db") as cat:
        with pytest.raises(KeyboardInterrupt):
            cat.ingest_many(specs, workers=2, progress=stop_after_first)
        assert len(cat.apis()) == 1  # the first spec was committed before the callback ran; nothing else
