"""Suites, systems and runs: formats, cached reruns, saved predictions, and the raw-model baseline's prompts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from apiforge.catalog import Catalog
from apiforge.evaluate import PredictionsFile, RawModelSystem, Scorer, load_run, load_suite, run_suite
from apiforge.evaluate.suites import SuiteError
from apiforge.llm import Message, Usage

DATA = Path(__file__).resolve().parents[1] / "data"
FUNCTIONS_SUITE = DATA / "eval" / "functions_suite.jsonl"


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def apipack_suite(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> tuple[Path, Path]:
    """An API Pack-format suite made from the paper's API DB rows, and the catalog holding their specs."""
    folder = tmp_path_factory.mktemp("apipack")
    catalog_path = folder / "catalog.db"
    fixtures = shared_dir / "fixtures" / "apipack"
    ids: dict[str, str] = {}
    with Catalog(catalog_path) as catalog:
        for spec in sorted((fixtures / "specs").glob("*.json")):
            result = catalog.ingest(spec)
            assert result.is_ok, result.error
            ids[spec.stem] = result.api_id
    rows = []
    for file in sorted((fixtures / "api_db").glob("*.json")):
        api_id = ids[file.name.removesuffix("_api_calls_api_db.json")]
        for n, row in enumerate(json.loads(file.read_text())):
            rows.append(
                {
                    "id": f"{api_id}-{n}",
                    "instruction": row["functionality"] or row["description"],
                    "api_call": row["api_call"],
                    "lang": row["lang"],
                    "api_name": row["api_name"],
                    "api": api_id,
                    "level": "1" if n % 2 else "3",
                    "path": row["path"],
                    "method": row["method"],
                }
            )
    return write_jsonl(folder / "suite.jsonl", rows), catalog_path


def test_apipack_truth_scores_itself_on_every_metric(apipack_suite: tuple[Path, Path], tmp_path: Path) -> None:
    suite, catalog_path = apipack_suite
    items = load_suite(suite)
    assert len(items) == 580 and {i.kind for i in items} == {"apipack"}
    preds = write_jsonl(tmp_path / "preds.jsonl", [{"id": i.id, "api_call": i.gold["api_call"]} for i in items])
    with Catalog(catalog_path) as catalog:
        run = run_suite(items, PredictionsFile(preds), Scorer(catalog), tmp_path / "run")
    overall = run.summary["overall"]
    assert overall["apipack_endpoint"] > 0.99 and overall["apipack_api_call"] > 0.99  # bar the PATCH/HEAD quirk
    assert overall["structural"] == 1.0
    assert overall["hallucinated"] == 0.0
    assert set(run.summary["groups"]["level"]) == {"1", "3"}
    assert len(run.summary["groups"]["lang"]) == 10


def test_apipack_shuffled_predictions_score_near_zero(apipack_suite: tuple[Path, Path], tmp_path: Path) -> None:
    suite, catalog_path = apipack_suite
    items = load_suite(suite)
    # Each item gets the call of the item 300 rows later (another API, same language mix).
    preds = [{"id": i.id, "api_call": items[(k + 300) % len(items)].gold["api_call"]} for k, i in enumerate(items)]
    with Catalog(catalog_path) as catalog:
        run = run_suite(items, PredictionsFile(write_jsonl(tmp_path / "p.jsonl", preds)), Scorer(catalog), tmp_path)
    overall = run.summary["overall"]
    assert overall["apipack_api_call"] < 0.02 and overall["structural"] < 0.02
    assert overall["hallucinated"] > 0.8  # another API's host matches no operation of this one
    assert run.summary["failures"]["hallucinated"] > 400


def test_rerun_reuses_cached_outputs_and_a_changed_system_does_not(tmp_path: Path) -> None:
    items = load_suite(FUNCTIONS_SUITE)
    preds = [
        {
            "id": i.id,
            "calls": [
                {n: {k: v[0] for k, v in a.items() if v[0] != ""}} for c in i.gold["ground_truth"] for n, a in c.items()
            ],
        }
        for i in items
    ]
    first_file = write_jsonl(tmp_path / "a.jsonl", preds)
    run = run_suite(items, PredictionsFile(first_file), Scorer(), tmp_path / "run")
    assert run.summary["overall"]["function_call"] == 1.0 and run.summary["reused_outputs"] == 0
    again = run_suite(items, PredictionsFile(first_file), Scorer(), tmp_path / "run")
    assert again.summary["reused_outputs"] == len(items)
    assert load_run(tmp_path / "run").summary["overall"] == run.summary["overall"]
    # An interrupted run leaves its outputs in `outputs.jsonl.partial`; they are reused as well.
    (tmp_path / "run" / "outputs.jsonl").rename(tmp_path / "run" / "outputs.jsonl.partial")
    assert run_suite(items, PredictionsFile(first_file), Scorer(), tmp_path / "run").summary["reused_outputs"] == 34
    # A corrected gold answer only rescores: the system saw the same item.
    fixed = [json.loads(line) for line in FUNCTIONS_SUITE.read_text().splitlines()]
    fixed[0]["ground_truth"] = [{"get_current_weather": {"location": ["Paris"]}}]
    rescored = run_suite(
        load_suite(write_jsonl(tmp_path / "fixed.jsonl", fixed)),
        PredictionsFile(first_file),
        Scorer(),
        tmp_path / "run",
    )
    assert rescored.summary["reused_outputs"] == len(items)
    assert rescored.summary["overall"]["function_call"] == pytest.approx(33 / 34)
    changed = write_jsonl(tmp_path / "a.jsonl", [{"id": p["id"], "calls": []} for p in preds])
    third = run_suite(items, PredictionsFile(changed), Scorer(), tmp_path / "run")
    assert third.summary["reused_outputs"] == 0
    assert third.summary["overall"]["function_call"] == pytest.approx(7 / 34)  # only the irrelevant ones
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert config["system"]["system"] == "predictions" and config["items"] == 34


def test_suite_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"request": "x", "api": "a", "operation": "b"}\n{"what": 1}\n')
    with pytest.raises(SuiteError, match=r"bad.jsonl:2: no known suite format"):
        load_suite(bad)
    bad.write_text("{not json\n")
    with pytest.raises(SuiteError, match=r"bad.jsonl:1: not a JSON line"):
        load_suite(bad)
    with pytest.raises(SuiteError, match="cannot read"):
        load_suite(tmp_path / "missing.jsonl")


def test_the_ask_dev_set_loads_as_ask_items() -> None:
    items = load_suite(DATA / "ask" / "dev.jsonl")
    assert len(items) == 384 and {i.kind for i in items} == {"ask"}


class ScriptedModel:
    """A stand-in for a hosted model API (the one boundary we cannot reach in tests): answers from a script."""

    name = "scripted"

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.usage = Usage()
        self.seen: list[list[Message]] = []

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256, purpose: str = ""
    ) -> Any:
        self.seen.append(list(messages))
        return self.answers.pop(0)


def test_raw_model_is_prompted_like_api_pack_and_its_answer_extracted(tmp_path: Path) -> None:
    gold = "curl --request GET --url https://api.example.com/v1/items"
    rows = [
        {"id": f"i{n}", "instruction": f"list the items {n}", "api_call": gold, "lang": "cURL", "api_name": "Ex"}
        for n in range(5)
    ]
    items = load_suite(write_jsonl(tmp_path / "s.jsonl", rows))
    answer = f"**domain**:Ex\n**api_call**:{gold}\n**api_provider**:ex\n**lang**:cURL"
    model = ScriptedModel([{"answer": answer}, {"answer": "curl --url https://api.example.com/v1/other"}])
    system = RawModelSystem(model, items, strategy="3-shot-retrieved")
    run = run_suite(items[:2], system, Scorer(), tmp_path / "run")
    prompt = model.seen[0]
    assert prompt[0]["role"] == "system" and "**api_call**" in prompt[0]["content"]
    shots = [m for m in prompt[1:-1] if m["role"] == "user"]
    assert len(shots) == 3 and all("list the items 0" not in m["content"] for m in shots)  # never itself
    assert prompt[-1]["content"].startswith("### Instruction: list the items 0")
    assert [s["correct"] for s in run.scores] == [True, False]
    # `/v1/other` vs `/v1/items` is the same endpoint to API Pack (URL ratio > 0.9): the whole call text fails.
    # Structural match sees the different path.
    assert (run.scores[1]["failure"], run.scores[1]["apipack_endpoint"]) == ("call-text", True)
    assert (run.scores[1]["structural"], run.scores[1]["structural_part"]) == (False, "path")
    zero = RawModelSystem(model, items, strategy="0-shot")
    assert len(zero.prompt(items[0])) == 2
    with pytest.raises(Exception, match="raw model takes"):
        RawModelSystem(model, items, strategy="oracle")


def test_raw_model_function_calls(tmp_path: Path) -> None:
    items = load_suite(FUNCTIONS_SUITE, limit=2)
    truth = [{"name": "get_current_weather", "arguments": {"location": "Lyon"}}]
    model = ScriptedModel([{"calls": truth}, {"calls": []}])
    run = run_suite(items, RawModelSystem(model, items), Scorer(), tmp_path / "run")
    assert [s["correct"] for s in run.scores] == [True, False]
    assert run.scores[1]["failure"] == "no-call"
    assert "get_weather_forecast" in model.seen[1][0]["content"]  # the item's own function schemas are shown
