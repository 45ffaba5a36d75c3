"""Plan accuracy of `apiforge plan` on the multi-step development set (tests/data/workflow/dev.jsonl).

For each request the planner gets the API (`--api`, as `apiforge plan --api` would) and must produce the gold
operation sequence. Prints, per backend: exact sequence accuracy (the planned operations equal the gold ones, or
one of the listed acceptable alternatives, in order), target accuracy (the last operation is right), producer
accuracy (the steps before the last are right) and latency. Usage:

    python benchmarks/workflow_accuracy.py                         # backend none
    python benchmarks/workflow_accuracy.py --model none --model local --show-failures
    python benchmarks/workflow_accuracy.py --catalog /tmp/wf.db    # reuse a catalog between runs
    python benchmarks/workflow_accuracy.py --model local --model-margin 0.5   # let the model break near-ties
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from apiforge.catalog import Catalog  # noqa: E402
from apiforge.catalog.search import SearchIndex  # noqa: E402
from apiforge.llm import get_backend  # noqa: E402
from apiforge.workflow.planner import plan_request  # noqa: E402

DEV = ROOT / "tests" / "data" / "workflow" / "dev.jsonl"
SHARED = ROOT.parent / "shared" / "specs" / "directory"


def build_catalog(path: Path, apis: set[str]) -> Catalog:
    catalog = Catalog(path)
    missing = [a for a in sorted(apis) if a not in catalog.api_ids()]
    if missing:
        catalog.ingest_many([SHARED / f"{a}.json" for a in missing])
    SearchIndex(catalog).update()
    return catalog


def run(
    items: list[dict[str, Any]], catalog: Catalog, model: str, show: bool, margin: float | None = None
) -> dict[str, Any]:
    backend = get_backend(model)
    index = SearchIndex(catalog)
    per_api: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    per_split: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    latencies: list[float] = []
    cache: dict[str, Any] = {}
    for item in items:
        started = time.perf_counter()
        try:
            plan = plan_request(
                item["request"],
                catalog,
                api=item["api"],
                backend=backend,
                index=index,
                cache=cache,
                model_margin=margin,
            )
            got = [op for _api, op in plan.workflow.operations]
        except Exception as exc:  # a crash counts as a miss, and is shown
            got = [f"<{type(exc).__name__}: {exc}>"]
        latencies.append(time.perf_counter() - started)
        golds = [item["steps"], *item.get("also", [])]
        exact = got in golds
        target = bool(got) and got[-1] in {g[-1] for g in golds}
        producers = got[:-1] in [g[:-1] for g in golds]
        per_api[item["api"]].append((exact, target, producers))
        per_split[item.get("split", "tuned")].append((exact, target, producers))
        if show and not exact:
            print(f"  x {item['id']}: {item['request']!r}\n      gold {' -> '.join(item['steps'])}\n"
                  f"      got  {' -> '.join(got)}")  # fmt: skip
    everything = [r for rows in per_api.values() for r in rows]
    latencies.sort()
    return {
        "model": model,
        "n": len(everything),
        "overall": _rates(everything),
        "per_api": {api: _rates(rows) for api, rows in sorted(per_api.items())},
        "per_split": {split: _rates(rows) for split, rows in sorted(per_split.items())},
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0.0,
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)] if latencies else 0.0,
    }


def _rates(rows: list[tuple[bool, bool, bool]]) -> dict[str, float]:
    n = max(len(rows), 1)
    return {
        "n": len(rows),
        "exact": sum(r[0] for r in rows) / n,
        "target": sum(r[1] for r in rows) / n,
        "producers": sum(r[2] for r in rows) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", help="none, local, or a model name (repeatable)")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--api", action="append", help="only requests for this API (repeatable)")
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--catalog", type=Path, help="reuse this catalog file (created when missing)")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--model-margin",
        type=float,
        help="let the model choose among plans this close to the best (default: 0 for local, 0.5 for a server)",
    )
    args = parser.parse_args()
    items = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    if args.api:
        items = [i for i in items if i["api"] in args.api]
    if args.limit:
        items = items[: args.limit]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        catalog = build_catalog(args.catalog or Path(tmp) / "catalog.db", {i["api"] for i in items})
        for model in args.model or ["none"]:
            setting = (
                f" (model margin {args.model_margin})" if args.model_margin is not None and model != "none" else ""
            )
            result = run(items, catalog, model, args.show_failures, args.model_margin)
            results.append(result)
            o = result["overall"]
            print(
                f"{model:>8}{setting}: n={result['n']} exact-sequence={o['exact']:.3f} target-op={o['target']:.3f} "
                f"producers={o['producers']:.3f} p50={result['p50_ms']:.0f}ms p95={result['p95_ms']:.0f}ms"
            )
            for split, rates in result["per_split"].items():
                print(
                    f"          split {split:<12} n={rates['n']:<3} "
                    f"exact={rates['exact']:.3f} target={rates['target']:.3f}"
                )
            for api, rates in result["per_api"].items():
                print(f"          {api:<18} n={rates['n']:<3} exact={rates['exact']:.2f} target={rates['target']:.2f}")
        catalog.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
