"""Run stages over records, resumably: each stage's output for each record is checkpointed in SQLite.

A stage is a pure function of one record (plus read-only context: specs, a model). Its result is stored under
`(stage, record key, config hash)`, where the config holds everything that changes the answer (model, k, seed,
prompt version...). A run killed at any point loses at most the calls in flight: the next run with the same
config reads the stored results and computes only what is missing — finished model calls are never repeated.
Changing a stage's config starts that stage afresh (old results stay, under their own hash).

Engines: `local` runs a stage's records on a thread pool (`workers`); `ray` sends them to Ray tasks (local Ray
on one machine, or a cluster via `RAY_ADDRESS`). Results are written by this process only, in input order of
completion, and returned in input order: the output never depends on the engine or on timing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from apiforge.dataset.records import stable_hash
from apiforge.errors import ApiforgeError

__all__ = ["ENGINES", "Checkpoint", "RateLimiter", "Runner", "Stage", "StageStats"]

ENGINES = ("local", "ray")


@dataclass(frozen=True, slots=True)
class Stage:
    """One step of the pipeline: `fn(record) -> result` (JSON-serialisable), keyed by `key(record)`."""

    name: str
    fn: Callable[[dict[str, Any]], Any]
    key: Callable[[dict[str, Any]], str]
    config: dict[str, Any] = field(default_factory=dict)
    """Everything that changes the results: hashed into the checkpoint key."""
    uses_model: bool = False

    @property
    def config_hash(self) -> str:
        return stable_hash([self.name, self.config])


@dataclass(slots=True)
class StageStats:
    """What one stage did in one run."""

    name: str
    total: int = 0
    reused: int = 0
    """Results read from the checkpoint (no work, no model call)."""
    computed: int = 0
    seconds: float = 0.0
    uses_model: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.name,
            "total": self.total,
            "reused": self.reused,
            "computed": self.computed,
            "seconds": round(self.seconds, 3),
            "uses_model": self.uses_model,
        }


class Checkpoint:
    """The SQLite store of stage results (`None` path: in memory, nothing survives the process)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = str(path) if path else ":memory:"
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS results (stage TEXT NOT NULL, key TEXT NOT NULL, config TEXT NOT NULL, "
                "value BLOB NOT NULL, seconds REAL NOT NULL, created REAL NOT NULL, PRIMARY KEY (stage, key, config))"
            )
        except sqlite3.DatabaseError as exc:
            raise ApiforgeError(f"{self.path}: not a usable checkpoint database ({exc})") from exc
        self._lock = threading.Lock()
        self._pending = 0

    def close(self) -> None:
        self.flush()
        self._db.close()

    def load(self, stage: str, config: str) -> dict[str, Any]:
        """Every stored result of `stage` under `config`, by record key."""
        with self._lock:
            rows = self._db.execute(
                "SELECT key, value FROM results WHERE stage = ? AND config = ?", (stage, config)
            ).fetchall()
        return {key: orjson.loads(value) for key, value in rows}

    def put(self, stage: str, key: str, config: str, value: Any, seconds: float, *, commit: bool = True) -> None:
        with self._lock:
            if not self._pending:
                self._db.execute("BEGIN")
            self._db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?)",
                (stage, key, config, orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS), seconds, time.time()),
            )
            self._pending += 1
            if commit:
                self._db.execute("COMMIT")
                self._pending = 0

    def flush(self) -> None:
        with self._lock:
            if self._pending:
                self._db.execute("COMMIT")
                self._pending = 0

    def counts(self) -> dict[str, int]:
        """Stored results per stage (all configs)."""
        with self._lock:
            rows = self._db.execute("SELECT stage, COUNT(*) FROM results GROUP BY stage").fetchall()
        return {stage: count for stage, count in rows}


class RateLimiter:
    """At most `per_second` starts per second across threads (0 = unlimited): spaced, not bursty."""

    def __init__(self, per_second: float = 0.0) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


ProgressHook = Callable[[str, int, int], None]
"""`(stage, done, total)`, called as results arrive (the CLI draws rich progress bars with it)."""


class Runner:
    """Runs stages with checkpointing on an engine.

    Usage::

        runner = Runner(Checkpoint("run/checkpoint.db"), workers=2)
        results = runner.run(Stage("upper", lambda r: r["text"].upper(), key=lambda r: r["id"]), records)
        runner.stats[-1].reused, runner.stats[-1].computed
    """

    def __init__(
        self,
        checkpoint: Checkpoint | None = None,
        *,
        workers: int = 1,
        engine: str = "local",
        progress: ProgressHook | None = None,
        batch_commit: int = 500,
    ) -> None:
        if engine not in ENGINES:
            raise ApiforgeError(f"unknown engine {engine!r}; known: {', '.join(ENGINES)}")
        self.checkpoint = checkpoint or Checkpoint()
        self.workers = max(1, workers)
        self.engine = engine
        self.progress = progress
        self.batch_commit = batch_commit
        self.stats: list[StageStats] = []

    def run(self, stage: Stage, records: Sequence[dict[str, Any]]) -> list[Any]:
        """`stage.fn` over `records`, in input order, reusing stored results; each new one is stored at once
        (model stages commit every result; others in batches of `batch_commit`)."""
        started = time.perf_counter()
        config = stage.config_hash
        keys = [stage.key(r) for r in records]
        if len(set(keys)) != len(keys):
            raise ApiforgeError(f"stage {stage.name}: record keys are not unique")
        done = self.checkpoint.load(stage.name, config)
        results: list[Any] = [done.get(k) for k in keys]
        todo = [i for i, k in enumerate(keys) if k not in done]
        stats = StageStats(stage.name, len(records), len(records) - len(todo), 0, 0.0, stage.uses_model)
        self.stats.append(stats)
        self._report(stage.name, stats.reused, stats.total)
        commit_every = 1 if stage.uses_model else self.batch_commit
        try:
            for index, value, seconds in self._execute(stage, records, todo):
                results[index] = value
                stats.computed += 1
                commit = stats.computed % commit_every == 0
                self.checkpoint.put(stage.name, keys[index], config, value, seconds, commit=commit)
                self._report(stage.name, stats.reused + stats.computed, stats.total)
        finally:
            self.checkpoint.flush()
            stats.seconds = time.perf_counter() - started
        return results

    def _report(self, name: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(name, done, total)

    def _execute(
        self, stage: Stage, records: Sequence[dict[str, Any]], todo: list[int]
    ) -> Iterator[tuple[int, Any, float]]:
        if not todo:
            return
        if self.engine == "ray":
            yield from _run_ray(stage, records, todo, self.workers)
            return
        if self.workers == 1:
            for i in todo:
                yield (i, *_timed(stage.fn, records[i]))
            return
        with ThreadPoolExecutor(self.workers, thread_name_prefix=f"stage-{stage.name}") as pool:
            pending: dict[Future[tuple[Any, float]], int] = {}
            queue = iter(todo)
            try:
                for i in queue:  # keep at most 2 × workers in flight: a kill loses little, memory stays flat
                    pending[pool.submit(_timed, stage.fn, records[i])] = i
                    if len(pending) >= 2 * self.workers:
                        break
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        i = pending.pop(future)
                        yield (i, *future.result())
                        nxt = next(queue, None)
                        if nxt is not None:
                            pending[pool.submit(_timed, stage.fn, records[nxt])] = nxt
            finally:
                for future in pending:
                    future.cancel()


def _timed(fn: Callable[[dict[str, Any]], Any], record: dict[str, Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn(record)
    return value, time.perf_counter() - started


def _run_ray(
    stage: Stage, records: Sequence[dict[str, Any]], todo: list[int], workers: int
) -> Iterator[tuple[int, Any, float]]:
    """The records as Ray tasks (at most 2 × workers in flight), yielded as they finish."""
    try:
        import ray
    except ImportError as exc:
        raise ApiforgeError("the ray engine needs Ray: pip install 'ray>=2.9'") from exc
    if not ray.is_initialized():
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
    remote = ray.remote(_timed)
    fn_ref = ray.put(stage.fn)
    queue = iter(todo)
    pending: dict[Any, int] = {}
    for i in queue:
        pending[remote.remote(fn_ref, records[i])] = i
        if len(pending) >= 2 * workers:
            break
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        for ref in ready:
            i = pending.pop(ref)
            value, seconds = ray.get(ref)
            yield i, value, seconds
            nxt = next(queue, None)
            if nxt is not None:
                pending[remote.remote(fn_ref, records[nxt])] = nxt
