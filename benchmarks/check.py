"""Checker throughput: checks/s on Stripe (452 operations) after one-time preparation, and on Gitea for apiforge
vs the same requests judged by Prism (`prism mock --errors`) in the same run, with the ratio.

Run from the repo root: `python benchmarks/check.py [--rounds N] [--no-prism]`.
The requests are the valid ones apiforge builds for every operation plus their systematic mutations (the same
set as the Prism agreement test). Prism's rate is measured with 12 concurrent keep-alive connections, apiforge's
on one thread: the comparison is generous to Prism.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHONHASHSEED", "0")

from tests.check._prism import CRASHED, Case, Referee, cases_for, prism_bin  # noqa: E402

from apiforge.check import Checker, prepare  # noqa: E402
from apiforge.spec import load_spec  # noqa: E402

SHARED = ROOT.parent / "shared" / "specs" / "directory"


def _cases(name: str) -> list[Case]:
    api = load_spec(SHARED / f"{name}.json").api
    return [case for op in api.operations for case in cases_for(api, op)]


def apiforge_rate(name: str, rounds: int, cases: list[Case] | None = None) -> tuple[float, int, float]:
    """(checks/s, requests, preparation seconds) for one spec."""
    api = load_spec(SHARED / f"{name}.json").api
    requests = [case.request for case in (cases if cases is not None else _cases(name))]
    start = time.perf_counter()
    checker = Checker(prepare(api).warm())
    for request in requests:  # first use compiles the validators of mutated paths too
        checker.check(request)
    prepared = time.perf_counter() - start
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    for _ in range(rounds):
        for request in requests:
            checker.check(request)
    elapsed = time.perf_counter() - start
    gc.unfreeze()
    return rounds * len(requests) / elapsed, len(requests), prepared


def prism_rate(name: str, cases: list[Case]) -> tuple[float, list[Case]]:
    """Prism's requests/s on `cases`, timed on a second pass without the requests that crash it."""
    referee = Referee(SHARED / f"{name}.json")
    try:
        verdicts = asyncio.run(referee.judge(cases))  # also the warm-up: Prism compiles validators lazily
        survivors = [c for c, v in zip(cases, verdicts, strict=True) if v != CRASHED]
        start = time.perf_counter()
        asyncio.run(referee.judge(survivors))
        elapsed = time.perf_counter() - start
    finally:
        referee.close()
    return len(survivors) / elapsed, survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-prism", action="store_true")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"shared specs not found at {SHARED}")
    for name in ("stripe.com", "gitea.io"):
        rate, count, prepared = apiforge_rate(name, args.rounds)
        print(
            f"apiforge {name:12} {rate:9,.0f} checks/s  ({count} requests x {args.rounds}; prepared in {prepared:.2f}s)"
        )
        if name == "stripe.com":
            print(f"  target >= 2,000 checks/s: {'met' if rate >= 2000 else 'NOT met'}")
    if args.no_prism or prism_bin() is None:
        print("Prism: skipped (not installed: run .ci/install.d/30-prism.sh)" if not args.no_prism else "")
        return
    theirs, survivors = prism_rate("gitea.io", _cases("gitea.io"))
    ours, count, _ = apiforge_rate("gitea.io", args.rounds, survivors)
    print(f"prism    gitea.io     {theirs:9,.0f} requests/s ({count} requests, 12 concurrent connections)")
    print(f"apiforge gitea.io     {ours:9,.0f} checks/s   (the same {count} requests, one thread)")
    print(f"ratio apiforge / Prism on gitea.io: {ours / theirs:.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
