"""`apiforge ingest` and `apiforge quickstart` through the real loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.catalog.test_real_specs import MIXED, raw_operation_count
from tests.cli.conftest import Run

TINY = MIXED / "tiny.openapi.yaml"


def test_quickstart_ingests_examples_and_is_rerunnable(run: Run) -> None:
    data = run.json("quickstart")
    assert data["summary"]["failed"] == 0
    assert [a["id"] for a in data["apis"]] == ["bookshop", "notes", "weather"]
    assert {r["status"] for r in data["results"]} == {"added"}
    # It answers its demo requests with `ask`: the right operation, the stated value, a valid request, code.
    book, forecast = data["answers"]
    assert (book["api"], book["operation"]) == ("bookshop", "createBook")
    assert {"name": "title", "value": "Dune", "provenance": "request", "evidence": "Dune"} in book["arguments"]
    assert book["check"]["valid"] and {"shell_curl", "python_requests"} <= set(book["code"])
    assert (forecast["api"], forecast["operation"]) == ("weather", "getForecast")
    again = run("quickstart").stdout
    assert "3 unchanged" in again and "bookshop" in again and "POST /books" in again


def test_show_on_bundled_examples(run: Run) -> None:
    run("quickstart")
    out = run("show", "bookshop", "createBook").stdout
    assert "POST /books" in out and "apiKey: API key in header 'X-Api-Key'" in out
    assert "genre: Genre → string enum" in out
    category = run("show", "bookshop", "getCategory", "--json").stdout
    assert '"Category"' in category
    assert "OAuth 2 (clientCredentials)" in run("show", "weather").stdout
    assert "multipart/form-data" in run("show", "notes", "uploadAttachment").stdout


def test_ingest_folder_reports_broken_and_keeps_good(run: Run) -> None:
    data = run.json("ingest", str(MIXED))
    assert data["summary"] == {
        "specs": 4,
        "added": 1,
        "updated": 0,
        "unchanged": 0,
        "failed": 3,
        "operations": 2,
        "warnings": data["summary"]["warnings"],
    }
    failed = {Path(r["source"]).name: r["error"] for r in data["results"] if r["status"] == "failed"}
    assert set(failed) == {"broken-yaml.yaml", "bad-ref.json", "not-openapi.json"}
    assert all(name in error for name, error in failed.items())
    human = run("ingest", str(MIXED))
    assert "Failures" in human.stdout and "broken-yaml.yaml" in human.stdout and "1 unchanged" in human.stdout
    run("ingest", str(MIXED), "--strict", code=1)


def test_ingest_exit_codes(run: Run, tmp_path: Path) -> None:
    run("ingest", str(MIXED / "broken-yaml.yaml"), code=2)
    run("ingest", str(tmp_path / "missing.yaml"), code=2)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no .json, .yaml or .yml files" in run("ingest", str(empty), code=2).stdout
    assert "--id" in run("ingest", str(MIXED), "--id", "x", code=2).stderr
    assert run.json("ingest", str(TINY), "--id", "renamed")["results"][0]["api_id"] == "renamed"
    assert run.json("apis")[0]["id"] == "renamed"


@pytest.mark.slow
def test_ops_json_lists_every_directory_operation(run: Run, shared_dir: Path) -> None:
    directory = shared_dir / "specs" / "directory"
    assert run.json("ingest", str(directory))["summary"]["failed"] == 0
    ops = run.json("ops")
    expected = sum(raw_operation_count(p) for p in directory.glob("*.json"))
    assert len(ops) == expected == 2885
    assert len({(o["api_id"], o["id"]) for o in ops}) == 2885
