"""Does a model help `ask`, and in which step? Accuracy and latency with the model used for nothing, for choosing
the operation only, for filling arguments only, and for both, on the development set (tests/data/ask/dev.jsonl).

The request's API is given (the `scoped` setting of ask_accuracy.py). For each model step it also counts how often
the model changed the deterministic answer, and whether the change fixed or broke it. Usage:

    python benchmarks/llm_steps.py --catalog /tmp/bench.db                 # local model, every request
    python benchmarks/llm_steps.py --catalog /tmp/bench.db --stride 4      # every 4th request (all APIs stay in)
    python benchmarks/llm_steps.py --model qwen2.5 --base-url http://127.0.0.1:11434/v1 --variant choose
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from ask_accuracy import DEV, build_catalog, normalise  # noqa: E402

from apiforge.ask.pipeline import ask  # noqa: E402
from apiforge.catalog import Catalog  # noqa: E402
from apiforge.catalog.search import SearchIndex  # noqa: E402
from apiforge.llm import ModelBackend, Usage, get_backend  # noqa: E402

VARIANTS: dict[str, tuple[str, ...]] = {
    "none": (),
    "choose": ("choose",),
    "fill": ("fill",),
    "both": ("choose", "fill"),
}


def run(
    items: list[dict[str, Any]],
    catalog: Catalog,
    index: SearchIndex,
    backend: ModelBackend | None,
    steps: tuple[str, ...],
) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        started = time.perf_counter()
        answer = ask(
            item["request"],
            catalog,
            api=item["api"],
            backend=backend if steps else None,
            index=index,
            langs=(),
            k=5,
            use_model_for=steps,
        )
        seconds = time.perf_counter() - started
        top1 = (answer.api_id, answer.operation_id) == (item["api"], item["operation"])
        args = top1 and normalise(answer.arguments_dict) == normalise(item.get("arguments", {}))
        rows.append(
            {"id": item["id"], "op": answer.operation_id, "args": answer.arguments_dict, "top1": top1, "ok": args,
             "seconds": seconds}
        )  # fmt: skip
    return rows


def summary(name: str, rows: list[dict[str, Any]], base: list[dict[str, Any]] | None) -> str:
    n = len(rows)
    top1 = sum(r["top1"] for r in rows) / n
    args = sum(r["ok"] for r in rows) / n
    lat = sorted(r["seconds"] for r in rows)
    p50, p95 = 1000 * lat[n // 2], 1000 * lat[int(n * 0.95)]
    line = f"{name:>7}: n={n} top1={top1:.3f} args={args:.3f} p50={p50:.0f}ms p95={p95:.0f}ms"
    if base is not None:
        changed_op = [(b, r) for b, r in zip(base, rows, strict=True) if b["op"] != r["op"]]
        changed_args = [
            (b, r) for b, r in zip(base, rows, strict=True) if b["op"] == r["op"] and b["args"] != r["args"]
        ]
        for label, pairs, key in (("operation", changed_op, "top1"), ("arguments", changed_args, "ok")):
            if pairs:
                fixed = sum(1 for b, r in pairs if r[key] and not b[key])
                broke = sum(1 for b, r in pairs if b[key] and not r[key])
                line += f"\n         changed the {label} {len(pairs)}× (fixed {fixed}, broke {broke})"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="local", help="local, or a model name on an OpenAI-compatible server")
    parser.add_argument("--base-url")
    parser.add_argument("--variant", action="append", choices=list(VARIANTS), help="repeatable; default all")
    parser.add_argument("--stride", type=int, default=1, help="use every N-th request")
    parser.add_argument("--catalog", type=Path, help="reuse this catalog file (created when missing)")
    parser.add_argument("--json", type=Path, help="write every row here")
    parser.add_argument("--show-changes", action="store_true", help="print requests where the model changed the answer")
    args = parser.parse_args()
    items = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()][:: args.stride]
    variants = ["none", *[v for v in args.variant or VARIANTS if v != "none"]]
    backend = get_backend(args.model, base_url=args.base_url)
    with tempfile.TemporaryDirectory() as tmp:
        catalog = build_catalog(args.catalog or Path(tmp) / "catalog.db", {i["api"] for i in items})
        index = SearchIndex(catalog)
        index.update()
        if backend is not None:  # load the model and warm it up outside the timings
            backend.complete_json([{"role": "user", "content": "Say yes."}], {"enum": ["yes"]}, max_tokens=8)
            backend.usage = Usage()
        results: dict[str, list[dict[str, Any]]] = {}
        for name in variants:
            calls_before = backend.usage.calls if backend else 0
            results[name] = run(items, catalog, index, backend, VARIANTS[name])
            print(summary(name, results[name], results["none"] if name != "none" else None), flush=True)
            if backend is not None and name != "none":
                print(f"         model calls: {backend.usage.calls - calls_before}")
            if args.show_changes and name != "none":
                for b, r, item in zip(results["none"], results[name], items, strict=True):
                    if (b["op"], b["args"]) != (r["op"], r["args"]):
                        mark = "+" if r["ok"] and not b["ok"] else "-" if b["ok"] and not r["ok"] else "~"
                        print(f"   {mark} {item['request']!r}\n       gold {item['operation']} {item.get('arguments')}")
                        print(f"       none {b['op']} {b['args']}\n       {name:<4} {r['op']} {r['args']}")
        catalog.close()
    if backend is not None:
        u = backend.usage
        print(
            f"model {backend.name}: {u.calls} calls, {u.prompt_tokens} prompt + {u.completion_tokens} completion "
            f"tokens "
            f"in {u.seconds:.1f}s ({u.tokens_per_second:.1f} completion tok/s, "
            f"{(u.prompt_tokens + u.completion_tokens) / max(u.seconds, 1e-9):.0f} tok/s all), {u.retries} retries"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
