"""Scoring throughput of every evaluation metric (items per second), on 10,000 items each.

Items are made from real golden data: API Pack's openapi-snippet snippets (10 languages, lightly perturbed so the
scores are not all trivial matches) against their spec, and the function-calling suite of tests/data/eval.
Execution sends requests to a real Prism mock of an API Pack spec. Usage:

    python benchmarks/evaluate.py                  # 10,000 items per metric
    python benchmarks/evaluate.py --items 2000 --no-execution
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from apiforge.check import Checker, check_code  # noqa: E402
from apiforge.evaluate.apipack import score_apipack  # noqa: E402
from apiforge.evaluate.arguments import match_operation_arguments  # noqa: E402
from apiforge.evaluate.execution import PrismPool, find_prism  # noqa: E402
from apiforge.evaluate.functions import check_function_calls  # noqa: E402
from apiforge.evaluate.structural import structural_match, structural_match_code  # noqa: E402
from apiforge.evaluate.suites import load_suite  # noqa: E402
from apiforge.evaluate.systems import snippet_target_for  # noqa: E402
from apiforge.evaluate.validity import validity  # noqa: E402
from apiforge.http.parse import parse_code  # noqa: E402
from apiforge.spec import load_spec  # noqa: E402

APIPACK = ROOT.parent / "shared" / "fixtures" / "apipack"


def golden(n: int) -> list[dict[str, Any]]:
    rows = []
    for file in sorted((APIPACK / "openapi-snippet").glob("*.json")):
        spec = APIPACK / "specs" / (file.name.removesuffix("_api_calls.json") + ".json")
        document = json.loads(file.read_text())
        for item in document["paths"].values():
            for op in item.values():
                if isinstance(op, dict):
                    for call in op.get("api_calls", []):
                        rows.append({"spec": spec, "lang": call["id"], "code": call["content"]})
    rng = random.Random(0)
    out = []
    while len(out) < n:
        for row in rows:
            chars = list(row["code"])
            for _ in range(rng.choice((0, 0, 2, 8))):
                chars[rng.randrange(len(chars))] = rng.choice("abxyz/")
            out.append({**row, "pred": "".join(chars)})
    return out[:n]


def measure(name: str, items: list[Any], fn: Callable[[Any], object]) -> float:
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    for item in items:
        fn(item)
    seconds = time.perf_counter() - started
    gc.unfreeze()
    rate = len(items) / seconds
    print(f"{name:<38} {len(items):>7,} items {seconds:8.2f} s {rate:>12,.0f} items/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--no-execution", action="store_true", help="skip the Prism execution metric")
    parser.add_argument("--only-execution", action="store_true", help="measure the Prism execution metric alone")
    args = parser.parse_args()
    n = args.items
    if not APIPACK.is_dir():
        raise SystemExit(f"golden data not found at {APIPACK}")
    items = golden(n)
    specs = {row["spec"] for row in items}
    apis = {spec: load_spec(str(spec)).api for spec in specs}
    checkers = {spec: Checker(api) for spec, api in apis.items()}
    print(f"evaluation metrics, {n:,} items each (API Pack golden snippets, 10 languages, perturbed)\n")
    if not args.only_execution:
        pure_metrics(items, checkers, n)
    parsed = parse_pairs(items, checkers)
    if args.no_execution:
        return
    if find_prism() is None:
        print("execution: skipped (Prism is not installed: .ci/install.d/30-prism.sh)")
        return
    spec = next(s for s in specs if "1password" in s.name)
    requests = [p for p in parsed if p[3] == spec]
    requests = [requests[k % len(requests)] for k in range(n)]
    with PrismPool() as pool:
        pool.execute(requests[0][1], apis[spec])  # start Prism outside the timing
        measure("execution (Prism mock, sequential)", requests, lambda p: pool.execute(p[0], apis[spec]))


def parse_pairs(items: list[dict[str, Any]], checkers: dict[Path, Checker]) -> list[tuple[Any, ...]]:
    """(predicted request, gold request, checker, spec) for every item whose perturbed code still parses."""
    parsed = []
    for r in items:
        try:
            pred, gold = parse_code(r["pred"], r["lang"]), parse_code(r["code"], r["lang"])
        except Exception:  # noqa: BLE001 - a perturbation may break the code; those are counted as unparseable
            continue
        parsed.append((pred, gold, checkers[r["spec"]], r["spec"]))
    return parsed


def pure_metrics(items: list[dict[str, Any]], checkers: dict[Path, Checker], n: int) -> None:
    """Every metric that needs no server."""
    measure("apipack (endpoint + API-call match)", items, lambda r: score_apipack(r["pred"], r["code"], r["lang"]))
    parsed = parse_pairs(items, checkers)
    measure(
        "structural, code (parse both + compare)",
        items,
        lambda r: structural_match_code(r["pred"], r["code"], r["lang"], checkers[r["spec"]]),
    )
    measure("structural, requests (compare only)", parsed, lambda p: structural_match(p[0], p[1], p[2]))
    measure(
        "hallucination / invalid args (check)",
        items,
        lambda r: validity(check_code(r["pred"], checkers[r["spec"]], snippet_target_for(r["lang"]))),
    )
    suite = load_suite(ROOT / "tests" / "data" / "eval" / "functions_suite.jsonl")
    calls = []
    for k in range(n):
        item = suite[k % len(suite)]
        truth = [
            {"name": name, "arguments": {a: v[0] for a, v in args_.items() if v[0] != ""}}
            for gold in item.gold["ground_truth"]
            for name, args_ in gold.items()
        ]
        calls.append((truth if k % 3 else truth[::-1], item))
    measure(
        "function calls (BFCL rules)",
        calls,
        lambda c: check_function_calls(c[0], c[1].gold["ground_truth"], c[1].gold["functions"]),
    )
    dev = load_suite(ROOT / "tests" / "data" / "ask" / "dev.jsonl")
    pairs = [dev[k % len(dev)] for k in range(n)]
    measure(
        "operation + arguments (ask set)",
        pairs,
        lambda i: match_operation_arguments(
            i.gold["api"],
            i.gold["operation"],
            {**i.gold["arguments"]},
            i.gold["api"],
            i.gold["operation"],
            i.gold["arguments"],
        ),
    )


if __name__ == "__main__":
    main()
