"""A run: one system on one suite, stored in a folder so runs are comparable, reportable and cached.

Layout of a run folder:

- `config.json`: the suite (path, item count, digest), the system's config (system, backend, strategy, ...),
  the scoring settings (threshold, rule, execution) and timestamps;
- `outputs.jsonl`: one `Prediction` per item (prompt, raw output, parsed answer) with the item's fingerprint and
  the system config's digest: rerunning reuses every output whose item and system are unchanged, so only the
  scoring is redone;
- `scores.jsonl`: one score record per item (see `apiforge.evaluate.scoring`);
- `summary.json`: the rates overall, per level / language / API / kind, and failure counts.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apiforge.errors import ApiforgeError
from apiforge.evaluate.scoring import Scorer, summarize
from apiforge.evaluate.suites import EvalItem
from apiforge.evaluate.systems import Prediction, System

__all__ = ["Run", "RunError", "load_run", "run_suite"]

Progress = Callable[[int, int, float], None]
"""Called after each item with (done, total, running accuracy)."""


class RunError(ApiforgeError):
    """A run folder is missing or incomplete."""


@dataclass(frozen=True, slots=True)
class Run:
    folder: Path
    config: dict[str, Any]
    scores: list[dict[str, Any]]
    summary: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.config.get("name") or self.folder.name)


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue  # a line cut by an interrupted run: that item is simply run again
    return rows


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=True, default=str), encoding="utf-8")
    tmp.replace(path)


def run_suite(
    items: Sequence[EvalItem],
    system: System,
    scorer: Scorer,
    folder: str | Path,
    *,
    suite: str = "",
    name: str = "",
    progress: Progress | None = None,
    rescore_only: bool = False,
) -> Run:
    """Run `system` on `items`, reusing cached outputs in `folder`, score everything and write the run files."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    system_config = system.config()
    system_key = _digest(system_config)
    # An interrupted run leaves `outputs.jsonl.partial`: its outputs are reused too.
    previous = _read_jsonl(out / "outputs.jsonl") + _read_jsonl(out / "outputs.jsonl.partial")
    cached = {(row.get("fingerprint"), row.get("system_key")): row for row in previous if "prediction" in row}
    started = time.time()
    config = {
        "name": name or out.name,
        "suite": suite,
        "suite_digest": _digest([i.fingerprint for i in items]),
        "items": len(items),
        "system": system_config,
        "scoring": {
            "threshold": scorer.threshold,
            "rule": scorer.rule,
            "execution": scorer.prism is not None,
        },
        "started": started,
    }
    outputs: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    reused = 0
    correct = 0
    with (out / "outputs.jsonl.partial").open("w", encoding="utf-8") as partial:
        for done, item in enumerate(items, 1):
            key = (item.fingerprint, system_key)
            if key in cached:
                prediction = Prediction.from_dict(cached[key]["prediction"])
                reused += 1
            elif rescore_only:
                prediction = Prediction(item.id, error="no cached output (rescore only)")
            else:
                prediction = system.predict(item)
            row = {"id": item.id, "fingerprint": item.fingerprint, "system_key": system_key}
            row["prediction"] = prediction.to_dict()
            partial.write(json.dumps(row, default=str) + "\n")
            partial.flush()
            outputs.append(row)
            record = scorer.score(item, prediction)
            scores.append(record)
            correct += bool(record.get("correct"))
            if progress is not None:
                progress(done, len(items), correct / done)
    (out / "outputs.jsonl.partial").replace(out / "outputs.jsonl")
    (out / "scores.jsonl").write_text("".join(json.dumps(s, default=str) + "\n" for s in scores), encoding="utf-8")
    summary = summarize(scores)
    summary["reused_outputs"] = reused
    if scorer.prism is not None and scorer.prism.failures:
        summary["execution_failures"] = dict(scorer.prism.failures)
    config["finished"] = time.time()
    _write_json(out / "config.json", config)
    _write_json(out / "summary.json", summary)
    return Run(out, config, scores, summary)


def load_run(folder: str | Path) -> Run:
    """Read a finished run folder; raises `RunError` naming what is missing."""
    path = Path(folder)
    for needed in ("config.json", "scores.jsonl", "summary.json"):
        if not (path / needed).is_file():
            raise RunError(f"{path} is not a finished run folder: {needed} is missing")
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    return Run(path, config, _read_jsonl(path / "scores.jsonl"), summary)
