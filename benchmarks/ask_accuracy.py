"""Accuracy of `apiforge ask` on the development set (tests/data/ask/dev.jsonl).

Prints top-1 / top-5 operation accuracy and exact argument accuracy per backend and per API, and writes a markdown
table that the README quotes. Usage:

    python benchmarks/ask_accuracy.py                       # backend none
    python benchmarks/ask_accuracy.py --model none --model local --markdown out.md
    python benchmarks/ask_accuracy.py --model local --model-steps choose   # the embedded model chooses
    python benchmarks/ask_accuracy.py --limit 50 --show-failures
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
sys.path.insert(0, str(ROOT))

from apiforge.ask.pipeline import ask  # noqa: E402
from apiforge.catalog import Catalog  # noqa: E402
from apiforge.catalog.search import SearchIndex  # noqa: E402
from apiforge.evaluate.arguments import normalise_value  # noqa: E402
from apiforge.llm import get_backend  # noqa: E402

DEV = ROOT / "tests" / "data" / "ask" / "dev.jsonl"
FUNCTIONS = ROOT / "tests" / "data" / "ask" / "functions.json"
SHARED = ROOT.parent / "shared" / "specs" / "directory"


def build_catalog(path: Path, apis: set[str]) -> Catalog:
    catalog = Catalog(path)
    sources = [p for p in sorted(SHARED.glob("*.json"))]
    catalog.ingest_many(sources)
    if "assistant-tools" in apis:
        result = catalog.ingest(str(FUNCTIONS), api_id="assistant-tools")
        if not result.is_ok:
            raise SystemExit(f"cannot ingest {FUNCTIONS}: {result.error}")
    return catalog


def run(
    items: list[dict[str, Any]],
    catalog: Catalog,
    model: str,
    show: bool,
    scoped: bool,
    steps: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    backend = get_backend(model)
    index = SearchIndex(catalog)
    index.update()
    per_api: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    latencies: list[float] = []
    for item in items:
        started = time.perf_counter()
        scope = item["api"] if scoped else None
        answer = ask(
            item["request"], catalog, api=scope, backend=backend, index=index, langs=(), k=5, use_model_for=steps
        )
        latencies.append(time.perf_counter() - started)
        ranked = [(answer.api_id, answer.operation_id)] + [(h.api_id, h.operation_id) for h in answer.alternatives]
        gold = (item["api"], item["operation"])
        top1 = ranked[0] == gold
        top5 = gold in ranked[:5]
        args_ok = top1 and normalise_value(answer.arguments_dict) == normalise_value(item.get("arguments", {}))
        per_api[item["api"]].append((top1, top5, args_ok))
        if show and not args_ok:
            print(
                f"  ✗ {item['id']}: {item['request']!r}\n"
                f"      gold {gold[1]} {item.get('arguments', {})}\n"
                f"      got  {ranked[0][1]} {answer.arguments_dict}"
            )
    rows = {api: _rates(r) for api, r in sorted(per_api.items())}
    everything = [x for r in per_api.values() for x in r]
    latencies.sort()
    return {
        "model": model if steps is None or backend is None else f"{model} ({'+'.join(steps) or 'no step'})",
        "setting": "--api given" if scoped else "whole catalog",
        "n": len(everything),
        "overall": _rates(everything),
        "per_api": rows,
        "p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0.0,
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)] if latencies else 0.0,
    }


def _rates(rows: list[tuple[bool, bool, bool]]) -> dict[str, float]:
    n = max(len(rows), 1)
    return {
        "n": len(rows),
        "top1": sum(r[0] for r in rows) / n,
        "top5": sum(r[1] for r in rows) / n,
        "args": sum(r[2] for r in rows) / n,
        "args_given_op": sum(r[2] for r in rows) / max(sum(r[0] for r in rows), 1),
    }


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| backend | setting | requests | top-1 operation | top-5 operation | exact arguments "
        "| args when op right | p50 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        o = r["overall"]
        lines.append(
            f"| {r['model']} | {r['setting']} | {r['n']} | {o['top1']:.1%} | {o['top5']:.1%} | {o['args']:.1%} | "
            f"{o['args_given_op']:.1%} | {r['p50_ms']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", help="none, local, or a model name (repeatable)")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument(
        "--model-steps",
        help="steps a model takes, comma-separated: choose, fill (default: apiforge.ask.pipeline.default_model_steps)",
    )
    parser.add_argument("--show-failures", action="store_true")
    parser.add_argument("--markdown", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--catalog", type=Path, help="reuse this catalog file (created when missing)")
    parser.add_argument("--api", action="append", help="only requests for this API (repeatable)")
    parser.add_argument(
        "--setting",
        choices=["both", "scoped", "open"],
        default="both",
        help="scoped: the request's API is given (--api); open: search the whole catalog",
    )
    args = parser.parse_args()
    items = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    if args.api:
        items = [i for i in items if i["api"] in args.api]
    if args.limit:
        items = items[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        catalog = build_catalog(args.catalog or Path(tmp) / "catalog.db", {i["api"] for i in items})
        results = []
        settings = {"both": [True, False], "scoped": [True], "open": [False]}[args.setting]
        for model, scoped in [(m, s) for m in args.model or ["none"] for s in settings]:
            steps = None if args.model_steps is None else tuple(x for x in args.model_steps.split(",") if x)
            result = run(items, catalog, model, args.show_failures, scoped, steps)
            results.append(result)
            o = result["overall"]
            print(
                f"{model:>8} ({result['setting']}): n={result['n']} top1={o['top1']:.3f} top5={o['top5']:.3f} "
                f"args={o['args']:.3f} "
                f"(args|op={o['args_given_op']:.3f}) p50={result['p50_ms']:.0f}ms p95={result['p95_ms']:.0f}ms"
            )
            for api, rates in result["per_api"].items():
                print(f"          {api:<22} n={rates['n']:<3} top1={rates['top1']:.2f} args={rates['args']:.2f}")
        catalog.close()
    table = markdown(results)
    print(table)
    if args.markdown:
        args.markdown.write_text(table + "\n")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
