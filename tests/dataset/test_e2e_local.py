"""End to end with the embedded model: a killed build resumes without making a finished model call again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from apiforge.llm.local import local_unavailable_reason
from tests.dataset.conftest import NOTES

MODEL_STAGES = ("instructions", "judge", "select")


def _build(out: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from apiforge.cli.app import main; main()",
        "dataset",
        "build",
        "--spec",
        str(NOTES),
        "--out",
        str(out),
        "--model",
        "local",
        "-k",
        "2",
        "--lang",
        "shell_curl",
        "--lang",
        "python_python3",
        "--max-tokens",
        "48",
        "--judge",
        "rules",  # SmolLM2-135M judges nearly everything bad (benchmarks/judge_agreement.py); rules keep rows
        "--level3-apis",
        "0",
        "--level2-endpoints",
        "1",
        "--json",
    ]


def _stored(db: Path) -> tuple[dict[str, int], int]:
    """Results stored per model stage, and the model calls those results cost."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT stage, value FROM results").fetchall()
    counts = {stage: 0 for stage in MODEL_STAGES}
    calls = 0
    for stage, value in rows:
        if stage in MODEL_STAGES:
            counts[stage] += 1
            calls += orjson.loads(value)["usage"][0]
    return counts, calls


@pytest.mark.slow
def test_killed_build_resumes_without_repeating_model_calls(tmp_path: Path, hf_offline: None) -> None:
    reason = local_unavailable_reason()
    if reason:
        pytest.skip(reason)
    import datasets

    out = tmp_path / "out"
    db = out / "checkpoint.db"
    env = {**os.environ, "APIFORGE_LOCAL_THREADS": "1"}
    proc = subprocess.Popen(_build(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:  # kill once the first endpoint is written
            if db.exists() and _stored(db)[0]["instructions"] >= 1:
                break
            time.sleep(0.2)
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    at_kill, calls_at_kill = _stored(db)
    assert 1 <= at_kill["instructions"] < 3 and calls_at_kill >= 2  # mid-stage: 3 endpoints, k=2 calls each

    done = subprocess.run(_build(out), capture_output=True, env=env, timeout=600, check=True)
    report = json.loads(done.stdout)
    stages = {s["stage"]: s for s in report["stages"]}
    assert stages["instructions"]["reused"] == at_kill["instructions"]
    assert stages["instructions"]["computed"] == 3 - at_kill["instructions"]
    usage = report["usage"]
    # Every model call of this run was for a result not stored before the kill: none was made twice.
    assert usage["this_run"]["calls"] == usage["stored_results"]["calls"] - calls_at_kill
    assert usage["this_run"]["calls"] > 0 and usage["backend"].startswith("local:")

    again = json.loads(subprocess.run(_build(out), capture_output=True, env=env, timeout=600, check=True).stdout)
    assert again["usage"]["this_run"]["calls"] == 0
    assert all(s["computed"] == 0 for s in again["stages"])

    loaded = datasets.load_dataset(str(out))
    assert {name: loaded[name].num_rows for name in loaded} == report["written"]
    assert report["written"]["train"] > 0
    rows = [json.loads(line) for line in (out / "train.jsonl").read_text().splitlines()]
    assert {r["score_kind"] for r in rows} == {"logprob"}  # back-translation scored by the model's log-probs
    assert all("Notes API" in r["instruction"] for r in rows)
