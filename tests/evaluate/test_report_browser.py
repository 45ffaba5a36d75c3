"""End to end through the CLI: the embedded system (`ask`, backend none) on a slice of the ask development set (with
execution against Prism) and on the function-calling suite, then the HTML report opened in headless Chromium."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from apiforge.cli.app import app
from apiforge.evaluate.execution import find_prism

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.xdist_group("eval-report")]

DATA = Path(__file__).resolve().parents[1] / "data"
SLICE_APIS = ("mozilla.com_kinto", "netlify.com")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def cli(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> dict[str, Path]:
    if find_prism() is None:
        pytest.skip("Prism is not installed (.ci/install.d/30-prism.sh)")
    folder = tmp_path_factory.mktemp("eval")
    db = str(folder / "catalog.db")
    for api in SLICE_APIS:
        cli("--catalog", db, "ingest", str(shared_dir / "specs" / "directory" / f"{api}.json"))
    cli("--catalog", db, "ingest", str(DATA / "ask" / "functions.json"), "--id", "assistant-tools")
    rows = [json.loads(line) for line in (DATA / "ask" / "dev.jsonl").read_text().splitlines()]
    tools = [r for r in rows if r["api"] == "assistant-tools"][:15]
    dev_slice = [r for r in rows if r["api"] in SLICE_APIS] + tools
    (folder / "dev-slice.jsonl").write_text("".join(json.dumps(r) + "\n" for r in dev_slice))
    out = {"dev": folder / "ask-dev", "fc": folder / "ask-functions", "report": folder / "report"}
    cli("--catalog", db, "eval", "run", str(folder / "dev-slice.jsonl"), "--out", str(out["dev"]), "--execute")
    cli("--catalog", db, "eval", "run", str(DATA / "eval" / "functions_suite.jsonl"), "--out", str(out["fc"]))
    cli("eval", "report", str(out["dev"]), str(out["fc"]), "--out", str(out["report"]), "--title", "embedded")
    return out


def test_runs_store_config_outputs_and_scores(runs: dict[str, Path]) -> None:
    for name in ("dev", "fc"):
        for file in ("config.json", "outputs.jsonl", "scores.jsonl", "summary.json"):
            assert (runs[name] / file).is_file()
    summary = json.loads((runs["dev"] / "summary.json").read_text())
    overall = summary["overall"]
    assert overall["n"] == 50
    # `ask` builds calls from the spec: nothing it answers can be hallucinated, and Prism accepts what it builds.
    assert overall["hallucinated"] == 0.0
    assert overall["executed"] > 0.9
    assert 0.3 < overall["correct"] < 1.0
    assert set(summary["groups"]["api"]) == {*SLICE_APIS, "assistant-tools"}
    outputs = [json.loads(line) for line in (runs["dev"] / "outputs.jsonl").read_text().splitlines()]
    assert all(o["prediction"]["raw"] for o in outputs)


def test_rerun_reuses_outputs_and_prints_json(runs: dict[str, Path]) -> None:
    result = cli("eval", "run", str(DATA / "eval" / "functions_suite.jsonl"), "--out", str(runs["fc"]), "--json")
    data = json.loads(result.stdout)
    assert data["summary"]["reused_outputs"] == 34
    assert set(data["summary"]["groups"]["category"]) == {"simple", "multiple", "parallel", "irrelevance"}


def test_report_files(runs: dict[str, Path]) -> None:
    report = runs["report"]
    rows = list(csv.DictReader((report / "report.csv").open()))
    assert {r["run"] for r in rows} == {"ask-dev", "ask-functions"}
    assert any(r["group"] == "failure" for r in rows)
    data = json.loads((report / "report.json").read_text())
    assert [r["name"] for r in data["runs"]] == ["ask-dev", "ask-functions"]
    html = (report / "report.html").read_text()
    # Self-contained: plotly.js is inlined, nothing is loaded from elsewhere (no src= scripts, no stylesheets).
    assert "<script src=" not in html and "<link" not in html
    assert len(html) > 3_000_000
    assert "Examples of each failure kind" in html


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/install.d/70-chromium.sh)")
def test_charts_render_in_headless_chromium(runs: dict[str, Path]) -> None:
    page = runs["report"] / "report.html"
    charts = page.read_text().count('class="plotly-graph-div"')
    assert charts >= 5
    argv = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=15000",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True).stdout
    # plotly draws each chart as <svg class="main-svg"> (two layers per chart) with one bar path per point.
    assert dom.count('class="main-svg"') >= 2 * charts
    assert dom.count('class="point"') > 10
