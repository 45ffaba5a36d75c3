"""The whole API Pack pipeline over a set of APIs: stages, checkpointing, accounting, splits, export.

Stages (each a pure function of one record, checkpointed; see `runner`):

1. `api_db` (per API) → records, one per endpoint × language;
2. `check_call` (per record) → the call parsed back and checked against the spec;
3. `instructions` (per endpoint, model) → k candidates, shared by every language;
4. `judge` (per candidate, model) → good / bad and why;
5. `select` (per endpoint, model log-probs) → instruction + paraphrase, or dropped and why.

Then, in memory (cheap, deterministic): assembling instances, Level 1/2/3 splits, prompts, export and card.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from apiforge.check import Checker
from apiforge.dataset.api_db import api_db_records
from apiforge.dataset.export import export_splits, write_card
from apiforge.dataset.instructions import write_candidates
from apiforge.dataset.judge import judge_candidate
from apiforge.dataset.prompts import add_prompts
from apiforge.dataset.records import DEFAULT_TARGETS, endpoint_key, record_key, stable_hash
from apiforge.dataset.runner import Checkpoint, ProgressHook, RateLimiter, Runner, Stage
from apiforge.dataset.select import select_candidates
from apiforge.dataset.splits import make_splits
from apiforge.dataset.validate import check_call
from apiforge.errors import ApiforgeError
from apiforge.llm import Message, ModelBackend, ModelError, Usage, get_backend
from apiforge.spec.model import Api

__all__ = ["JUDGES", "BuildResult", "PipelineConfig", "StageContext", "build_dataset"]

JUDGES = ("auto", "model", "model-shots", "rules")

_VERSION = {"api_db": 1, "check_call": 2, "instructions": 1, "judge": 1, "select": 3}
"""Bump a stage's number when its code changes its output: stored results of the old version are not reused."""


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    targets: tuple[str, ...] = DEFAULT_TARGETS
    k: int = 3
    """Instruction candidates per endpoint (2 at least: one to train on, one as the paraphrase)."""
    seed: int = 0
    model: str = "none"
    """`none` (templates + rule judge + overlap score), `local` (embedded SmolLM2), or a served model name."""
    base_url: str | None = None
    max_tokens: int = 80
    workers: int = 1
    rate: float = 0.0
    """Model calls per second, across workers (0: unlimited)."""
    engine: str = "local"
    judge: str = "auto"
    """`auto`: `rules` for `none` and the embedded model (SmolLM2 judges most human-approved candidates bad: see
    benchmarks/judge_agreement.py), `model` for a served model. `model`: rules, then the model's verdict on what
    the rules pass; `model-shots`: the same with few-shot
    examples; `rules`: the rules alone (no judge calls, e.g. when the model is too weak to judge)."""
    level3_apis: float = 0.2
    level2_endpoints: float = 0.1
    level1_endpoints: float = 0.1
    price_prompt: float = 0.0
    """Price per million prompt tokens, for the cost estimate."""
    price_completion: float = 0.0


class _Limited:
    """A backend whose calls wait for the shared rate limiter; `prompt_logprobs` raises `ModelError` when the
    wrapped backend has none (so selection falls back and says why)."""

    def __init__(self, inner: ModelBackend, limiter: RateLimiter) -> None:
        self.inner = inner
        self.name = inner.name
        self.usage = inner.usage
        self._limiter = limiter

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256, purpose: str = ""
    ) -> Any:
        self._limiter.wait()
        return self.inner.complete_json(messages, schema, max_tokens=max_tokens, purpose=purpose)

    def prompt_logprobs(self, context: str, continuation: str, *, purpose: str = "") -> list[float]:
        method = getattr(self.inner, "prompt_logprobs", None)
        if method is None:
            raise ModelError("this backend cannot give prompt log-probs", backend=self.name)
        self._limiter.wait()
        return list(method(context, continuation, purpose=purpose))


class StageContext:
    """What stage functions may read: the APIs, and a model made on first use in each process (so the context
    pickles for Ray: backends and checkers are rebuilt on the worker, never shipped)."""

    def __init__(self, apis: dict[str, Api], model: str, base_url: str | None, rate: float) -> None:
        self.apis = apis
        self.model = model
        self.base_url = base_url
        self.rate = rate
        self._backend: _Limited | None = None
        self._checkers: dict[str, Checker] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"apis": self.apis, "model": self.model, "base_url": self.base_url, "rate": self.rate}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def backend(self) -> _Limited | None:
        if self.model in ("", "none"):
            return None
        with self._lock:
            if self._backend is None:
                inner = get_backend(self.model, base_url=self.base_url)
                assert inner is not None
                self._backend = _Limited(inner, RateLimiter(self.rate))
            return self._backend

    def usage(self) -> Usage:
        backend = self.backend()
        return backend.usage if backend else Usage()

    def checker(self, api_id: str) -> Checker:
        with self._lock:
            if api_id not in self._checkers:
                self._checkers[api_id] = Checker(self.apis[api_id])
            return self._checkers[api_id]


def _metered(ctx: StageContext, fn: Callable[[], Any]) -> dict[str, Any]:
    """`fn()` with the model usage it caused (exact with one worker or on Ray; with several threads, calls in
    flight at the same time may be counted by both — stage totals are exact either way)."""
    usage = ctx.usage()
    before = (usage.calls, usage.prompt_tokens, usage.completion_tokens)
    value = fn()
    spent = [usage.calls - before[0], usage.prompt_tokens - before[1], usage.completion_tokens - before[2]]
    return {"out": value, "usage": spent}


def _api_db(ctx: StageContext, targets: tuple[str, ...], item: dict[str, Any]) -> list[dict[str, Any]]:
    return api_db_records(ctx.apis[item["api_id"]], targets)


def _check(ctx: StageContext, record: dict[str, Any]) -> dict[str, Any]:
    return check_call(record, ctx.apis[record["api_id"]], ctx.checker(record["api_id"]))


def _instructions(ctx: StageContext, k: int, seed: int, max_tokens: int, endpoint: dict[str, Any]) -> dict[str, Any]:
    return _metered(ctx, lambda: write_candidates(endpoint, ctx.backend(), k=k, seed=seed, max_tokens=max_tokens))


def _judge(ctx: StageContext, mode: str, item: dict[str, Any]) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        backend = None if mode == "rules" else ctx.backend()
        good, reasons = judge_candidate(item["candidate"], item, backend, shots=mode == "model-shots")
        return {"good": good, "reasons": reasons}

    return _metered(ctx, run)


def _select(ctx: StageContext, item: dict[str, Any]) -> dict[str, Any]:
    return _metered(ctx, lambda: select_candidates(item, item["candidates"], item["verdicts"], ctx.backend()))


_ENDPOINT_FIELDS = (
    "api_id",
    "operation_id",
    "api_name",
    "endpoint",
    "functionality",
    "description",
    "method",
    "path",
)


def _fingerprint(api: Api) -> str:
    return stable_hash([api.title, api.version, api.description, [op.to_dict() for op in api.operations]])


@dataclass(slots=True)
class BuildResult:
    """What a build did: rows per split, stage statistics, model usage and cost, drops."""

    folder: Path
    written: dict[str, int]
    stages: list[dict[str, Any]]
    usage: dict[str, Any]
    counts: dict[str, int]
    drops: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["folder"] = str(self.folder)
        out["drops"] = len(self.drops)
        return out


def build_dataset(
    apis: Sequence[Api],
    folder: str | Path,
    config: PipelineConfig | None = None,
    *,
    checkpoint: str | Path | None = None,
    progress: ProgressHook | None = None,
) -> BuildResult:
    """Run the pipeline over `apis` and write the dataset to `folder` (checkpoint: `folder/checkpoint.db` unless
    given). Running it again with the same inputs and config reuses every stored result.

    Example::

        result = build_dataset([api], "out/", PipelineConfig(model="local", k=3, targets=("shell_curl",)))
        result.written  # {'train': ..., 'test_level1': ..., ...}
    """
    config = config or PipelineConfig()
    if config.k < 2:
        raise ApiforgeError(f"k must be at least 2 (one instruction and one paraphrase per endpoint), not {config.k}")
    if not apis:
        raise ApiforgeError("no APIs to build a dataset from")
    if config.judge not in JUDGES:
        raise ApiforgeError(f"unknown judge {config.judge!r}; known: {', '.join(JUDGES)}")
    if config.judge == "auto":
        config = replace(config, judge="rules" if config.model in ("none", "local") else "model")
    folder = Path(folder)
    store = Checkpoint(checkpoint or folder / "checkpoint.db")
    by_id = {api.id: api for api in apis}
    ctx = StageContext(by_id, config.model, config.base_url, config.rate)
    runner = Runner(store, workers=config.workers, engine=config.engine, progress=progress)
    model_config = {"model": config.model, "base_url": config.base_url or ""}
    started = time.perf_counter()
    usage_before = asdict(ctx.usage())
    try:
        # 1. API DB
        items = [{"api_id": api.id, "fingerprint": _fingerprint(api)} for api in apis]
        stage = Stage(
            "api_db",
            functools.partial(_api_db, ctx, config.targets),
            key=lambda r: f"{r['api_id']}@{r['fingerprint']}",
            config={"v": _VERSION["api_db"], "targets": list(config.targets)},
        )
        records = [r for rows in runner.run(stage, items) for r in rows]
        # 2. calls checked against the spec
        stage = Stage(
            "check_call",
            functools.partial(_check, ctx),
            key=lambda r: f"{record_key(r)}@{stable_hash(r['api_call'])}",
            config={"v": _VERSION["check_call"]},
        )
        checks = runner.run(stage, records)
        # 3. instructions, once per endpoint
        endpoints: dict[str, dict[str, Any]] = {}
        for r in records:
            endpoints.setdefault(endpoint_key(r), {f: r[f] for f in _ENDPOINT_FIELDS})
        endpoint_list = list(endpoints.values())
        stage = Stage(
            "instructions",
            functools.partial(_instructions, ctx, config.k, config.seed, config.max_tokens),
            key=lambda e: f"{endpoint_key(e)}@{stable_hash(e)}",
            config={"v": _VERSION["instructions"], "k": config.k, "seed": config.seed, "max_tokens": config.max_tokens}
            | model_config,
            uses_model=config.model != "none",
        )
        written_by = runner.run(stage, endpoint_list)
        # 4. judge each candidate
        judge_items = [
            {**e, "index": i, "candidate": text}
            for e, w in zip(endpoint_list, written_by, strict=True)
            for i, text in enumerate(w["out"]["candidates"])
        ]
        stage = Stage(
            "judge",
            functools.partial(_judge, ctx, config.judge),
            key=lambda j: f"{endpoint_key(j)}:{j['index']}@{stable_hash([j['candidate'], j['api_name']])}",
            config={"v": _VERSION["judge"], "judge": config.judge} | model_config,
            uses_model=config.model != "none" and config.judge != "rules",
        )
        verdicts = runner.run(stage, judge_items)
        per_endpoint: dict[str, list[dict[str, Any]]] = {}
        for j, v in zip(judge_items, verdicts, strict=True):
            per_endpoint.setdefault(endpoint_key(j), []).append(v["out"])
        # 5. select by back-translation
        select_items = [
            {**e, "candidates": w["out"]["candidates"], "verdicts": per_endpoint.get(endpoint_key(e), [])}
            for e, w in zip(endpoint_list, written_by, strict=True)
        ]
        stage = Stage(
            "select",
            functools.partial(_select, ctx),
            key=lambda s: f"{endpoint_key(s)}@{stable_hash([s['candidates'], s['verdicts']])}",
            config={"v": _VERSION["select"]} | model_config,
            uses_model=config.model != "none",
        )
        selections = runner.run(stage, select_items)
    finally:
        store.close()
    chosen = {endpoint_key(s): sel["out"] for s, sel in zip(select_items, selections, strict=True)}
    # assemble, split, prompt, export
    drops: list[dict[str, Any]] = []
    instances: list[dict[str, Any]] = []
    for record, check in zip(records, checks, strict=True):
        pick = chosen[endpoint_key(record)]
        if not check["call_ok"]:
            kind = "call not built" if record.get("build_error") else "call fails the spec check"
            reason = "; ".join(check["call_problems"])
            drops.append({"key": record_key(record), "stage": "check_call", "category": kind, "reason": reason})
        elif not pick["kept"]:
            kind = "fewer than 2 good instruction candidates"
            reason = pick["drop_reason"]
            drops.append({"key": record_key(record), "stage": "select", "category": kind, "reason": reason})
        else:
            best = next(k for k, v in pick["scores"].items() if v == max(pick["scores"].values()))
            instances.append(
                {
                    **record,
                    "instruction": pick["instruction"],
                    "paraphrase": pick["paraphrase"],
                    "score": pick["scores"][best],
                    "score_kind": pick["score_kind"],
                }
            )
    splits, split_notes = make_splits(
        instances,
        seed=config.seed,
        level3_apis=config.level3_apis,
        level2_endpoints=config.level2_endpoints,
        level1_endpoints=config.level1_endpoints,
    )
    add_prompts(splits, seed=config.seed)
    written = export_splits(splits, folder)
    with (folder / "drops.jsonl").open("wb") as out:
        for drop in drops:
            out.write(orjson.dumps(drop) + b"\n")
    usage_now = asdict(ctx.usage())
    spent = {k: usage_now[k] - usage_before[k] for k in ("calls", "retries", "prompt_tokens", "completion_tokens")}
    model_results = [*written_by, *verdicts, *selections]
    stored = [sum(r["usage"][i] for r in model_results) for i in range(3)]  # calls, prompt, completion tokens
    cost = (spent["prompt_tokens"] * config.price_prompt + spent["completion_tokens"] * config.price_completion) / 1e6
    usage = {
        "this_run": spent,
        "stored_results": {"calls": stored[0], "prompt_tokens": stored[1], "completion_tokens": stored[2]},
        "cost_this_run": round(cost, 6),
        "backend": ctx.backend().name if ctx.backend() else "none",
    }
    candidates = sum(len(w["out"]["candidates"]) for w in written_by)
    good = sum(1 for v in verdicts if v["out"]["good"])
    counts = {
        "apis": len(apis),
        "api_db_records": len(records),
        "calls_ok": sum(1 for c in checks if c["call_ok"]),
        "endpoints": len(endpoint_list),
        "candidates": candidates,
        "good_candidates": good,
        "endpoints_kept": sum(1 for s in chosen.values() if s["kept"]),
        "instances": len(instances),
        **{f"rows_{name}": count for name, count in written.items()},
    }
    drop_reasons = Counter(f"{d['stage']}: {d['category']}" for d in drops)
    report = {
        "apis": [{"id": a.id, "title": a.title, "source": Path(a.source).name, "license": a.license} for a in apis],
        "counts": counts,
        "drop_reasons": dict(drop_reasons.most_common()),
        "split_notes": split_notes,
        "notes": sorted({note for pick in chosen.values() for note in pick.get("notes", [])}),
        "run": {"config": asdict(config), "usage": usage, "seconds": round(time.perf_counter() - started, 2)},
    }
    write_card(folder, written, report)
    return BuildResult(folder, written, [s.to_dict() for s in runner.stats], usage, counts, drops)
