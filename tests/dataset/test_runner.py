"""The stage runner: checkpointed results are reused, never recomputed; config changes start afresh."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from apiforge.dataset import Checkpoint, Runner, Stage
from apiforge.errors import ApiforgeError

RECORDS = [{"id": f"r{i}", "text": f"text {i}"} for i in range(20)]


class Counting:
    """A stage function that counts its calls (thread-safe), like a model stage would count model calls."""

    def __init__(self, fail_at: str | None = None) -> None:
        self.calls: list[str] = []
        self.fail_at = fail_at
        self._lock = threading.Lock()

    def __call__(self, record: dict[str, Any]) -> dict[str, Any]:
        if record["id"] == self.fail_at:
            raise KeyboardInterrupt  # an interrupt in the middle of a stage
        with self._lock:
            self.calls.append(record["id"])
        return {"upper": record["text"].upper()}


def stage(fn: Counting, **config: Any) -> Stage:
    return Stage("upper", fn, key=lambda r: r["id"], config=config, uses_model=True)


def test_second_run_reuses_every_result(tmp_path: Path) -> None:
    first, second = Counting(), Counting()
    out1 = Runner(Checkpoint(tmp_path / "c.db")).run(stage(first), RECORDS)
    runner = Runner(Checkpoint(tmp_path / "c.db"))
    out2 = runner.run(stage(second), RECORDS)
    assert out1 == out2 == [{"upper": r["text"].upper()} for r in RECORDS]
    assert len(first.calls) == 20 and second.calls == []
    assert (runner.stats[0].reused, runner.stats[0].computed) == (20, 0)


def test_interrupted_stage_resumes_without_repeating_finished_records(tmp_path: Path) -> None:
    interrupted = Counting(fail_at="r12")
    with pytest.raises(KeyboardInterrupt):
        Runner(Checkpoint(tmp_path / "c.db")).run(stage(interrupted), RECORDS)
    assert interrupted.calls == [f"r{i}" for i in range(12)]
    resumed = Counting()
    runner = Runner(Checkpoint(tmp_path / "c.db"))
    out = runner.run(stage(resumed), RECORDS)
    assert resumed.calls == [f"r{i}" for i in range(12, 20)]
    assert out[0] == {"upper": "TEXT 0"} and out[19] == {"upper": "TEXT 19"}


def test_a_changed_config_recomputes_and_keeps_the_old_results(tmp_path: Path) -> None:
    Runner(Checkpoint(tmp_path / "c.db")).run(stage(Counting(), k=2), RECORDS)
    again = Counting()
    Runner(Checkpoint(tmp_path / "c.db")).run(stage(again, k=3), RECORDS)
    assert len(again.calls) == 20
    assert Checkpoint(tmp_path / "c.db").counts() == {"upper": 40}


def test_threads_give_the_same_results_in_input_order() -> None:
    fn = Counting()
    out = Runner(workers=4).run(stage(fn), RECORDS)
    assert out == [{"upper": r["text"].upper()} for r in RECORDS]
    assert sorted(fn.calls) == sorted(r["id"] for r in RECORDS)


def test_duplicate_keys_and_unknown_engines_are_errors() -> None:
    with pytest.raises(ApiforgeError, match="not unique"):
        Runner().run(stage(Counting()), [RECORDS[0], RECORDS[0]])
    with pytest.raises(ApiforgeError, match="unknown engine 'spark'"):
        Runner(engine="spark")


def test_a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "c.db"
    bad.write_text("not a database, just text " * 100)
    with pytest.raises(ApiforgeError, match="not a usable checkpoint database"):
        Checkpoint(bad)


def _double(record: dict[str, Any]) -> int:
    return int(record["id"][1:]) * 2


@pytest.mark.slow
@pytest.mark.xdist_group("ray")
def test_ray_engine_gives_the_same_results_as_threads(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    runner = Runner(Checkpoint(tmp_path / "c.db"), engine="ray", workers=2)
    try:
        out = runner.run(Stage("double", _double, key=lambda r: r["id"]), RECORDS)
    finally:
        ray.shutdown()
    assert out == [i * 2 for i in range(20)]
    assert Checkpoint(tmp_path / "c.db").counts() == {"double": 20}
