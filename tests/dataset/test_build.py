"""The whole pipeline without a model: deterministic, exported files that Hugging Face `datasets` loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apiforge.cli.app import app
from apiforge.dataset import PipelineConfig, build_dataset
from apiforge.errors import ApiforgeError
from apiforge.spec import load_spec
from tests.dataset.conftest import NOTES

TARGETS = ("shell_curl", "python_python3", "go_native")


@pytest.fixture(scope="module")
def apis(shared_dir: Path) -> list:
    specs = sorted((shared_dir / "fixtures" / "apipack" / "specs").glob("*.json"))
    if not specs:
        pytest.skip("API Pack fixture specs absent")
    return [load_spec(p).api for p in specs] + [load_spec(NOTES).api]


def test_same_seed_same_dataset_and_datasets_loads_it(apis: list, tmp_path: Path, hf_offline: None) -> None:
    import datasets

    config = PipelineConfig(targets=TARGETS, k=3, seed=3, level3_apis=1, level2_endpoints=0.2)
    first = build_dataset(apis, tmp_path / "a", config)
    second = build_dataset(apis, tmp_path / "b", config)
    assert second.written == first.written
    for split in first.written:
        assert (tmp_path / "a" / f"{split}.jsonl").read_bytes() == (tmp_path / "b" / f"{split}.jsonl").read_bytes()
    assert set(first.written) == {"train", "test_level1", "test_level2", "test_level3"}
    loaded = datasets.load_dataset(str(tmp_path / "a"))  # the card's configs point at the Parquet files
    assert {name: loaded[name].num_rows for name in loaded} == first.written
    row = loaded["train"][0]
    assert row["completion"] == row["api_call"] and row["prompt_0shot"].endswith("<<<api_call>>>: ")
    assert row["prompt_3shot_random"].count("###Instruction:") == 4
    as_json = datasets.load_dataset("json", data_files=str(tmp_path / "a" / "test_level2.jsonl"), split="train")
    assert as_json.num_rows == first.written["test_level2"]
    card = (tmp_path / "a" / "README.md").read_text()
    assert "| notes-api | Notes API | notes.json | MIT |" in card and "| endpoints_kept |" in card
    assert "- note: no model: back-translation replaced by the overlap score" in card
    counts = first.counts
    assert counts["api_db_records"] == counts["endpoints"] * len(TARGETS)
    assert sum(first.written.values()) - first.written["test_level1"] == counts["instances"]


def test_k_below_two_and_an_unknown_judge_are_errors(apis: list, tmp_path: Path) -> None:
    with pytest.raises(ApiforgeError, match="k must be at least 2"):
        build_dataset(apis, tmp_path, PipelineConfig(k=1))
    with pytest.raises(ApiforgeError, match="unknown judge 'vibes'"):
        build_dataset(apis, tmp_path, PipelineConfig(judge="vibes"))


def test_cli_build_and_api_db(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["dataset", "build", "--spec", str(NOTES), "--out", str(out), "--lang", "shell_curl", "--json"]
    result = runner.invoke(app, [*args, "--level3-apis", "0", "--level2-endpoints", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["written"] == {"train": 2, "test_level1": 1, "test_level2": 1}
    assert [s["computed"] for s in report["stages"]] == [1, 3, 3, 9, 3]
    again = json.loads(runner.invoke(app, [*args, "--level3-apis", "0", "--level2-endpoints", "1"]).output)
    assert [s["computed"] for s in again["stages"]] == [0, 0, 0, 0, 0]
    db = tmp_path / "db.jsonl"
    result = runner.invoke(app, ["dataset", "api-db", "--spec", str(NOTES), "--out", str(db), "--json"])
    assert json.loads(result.output) == {"file": str(db), "apis": 1, "records": 30}
    first = json.loads(db.read_text().splitlines()[0])
    assert first["lang"] == "cURL" and "X-Api-Key" in first["api_call"]
    missing = runner.invoke(app, ["dataset", "build", "--spec", str(tmp_path / "nope.json"), "--out", str(out)])
    assert missing.exit_code != 0


def test_cli_builds_from_catalog_apis_and_names_an_unknown_one(tmp_path: Path) -> None:
    from apiforge.catalog import Catalog

    with Catalog() as catalog:  # APIFORGE_CATALOG points into tmp_path (tests/conftest.py)
        catalog.ingest(str(NOTES))
    runner = CliRunner()
    args = ["dataset", "build", "--out", str(tmp_path / "o"), "--lang", "go_native", "--level3-apis", "0"]
    result = runner.invoke(app, [*args, "--api", "notes-api", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["api_db_records"] == 3
    unknown = runner.invoke(app, [*args, "--api", "nope"])
    assert unknown.exit_code == 2 and "No API 'nope'" in unknown.output
