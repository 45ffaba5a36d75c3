"""`apiforge eval`: bad input gets a specific error and exit code 2; a predictions run works without a catalog."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from apiforge.cli.app import app

SUITE = Path(__file__).resolve().parents[1] / "data" / "eval" / "functions_suite.jsonl"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_help_teaches_with_examples() -> None:
    code, out = run("eval", "run", "--help")
    assert code == 0 and "apiforge eval run tests/data/ask/dev.jsonl" in out and "--threshold-rule" in out
    code, out = run("eval", "report", "--help")
    assert code == 0 and "report.html" in out


def test_bad_suite_line_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"question": "x"}\n')
    code, out = run("eval", "run", str(bad), "--out", str(tmp_path / "run"))
    assert code == 2 and "SuiteError" in out and "bad.jsonl:1" in out


def test_usage_errors(tmp_path: Path) -> None:
    code, out = run("eval", "run", str(SUITE), "--out", str(tmp_path / "r"), "--system", "raw")
    assert code == 2 and "needs a model" in out
    code, out = run("eval", "run", str(SUITE), "--out", str(tmp_path / "r"), "--system", "oracle")
    assert code == 2 and "unknown system" in out
    code, out = run("eval", "run", str(SUITE), "--out", str(tmp_path / "r"), "--system", "predictions")
    assert code == 2 and "--predictions" in out
    code, out = run("eval", "report", str(tmp_path), "--out", str(tmp_path / "rep"))
    assert code == 2 and "RunError" in out and "config.json is missing" in out


def test_predictions_run_and_report_as_json(tmp_path: Path) -> None:
    preds = tmp_path / "preds.jsonl"
    preds.write_text("".join(json.dumps({"id": f"fc-{n:03d}", "calls": []}) + "\n" for n in range(1, 35)))
    code, out = run(
        "eval",
        "run",
        str(SUITE),
        "--system",
        "predictions",
        "--predictions",
        str(preds),
        "--out",
        str(tmp_path / "r"),
        "--json",
    )
    assert code == 0, out
    summary = json.loads(out)["summary"]
    assert summary["overall"]["function_call"] == 7 / 34  # "no call" is right only on the 7 irrelevant items
    assert summary["failures"] == {"no-call": 27}
    code, out = run("eval", "report", str(tmp_path / "r"), "--out", str(tmp_path / "rep"), "--json")
    assert code == 0 and json.loads(out)["files"]["html"].endswith("report.html")
