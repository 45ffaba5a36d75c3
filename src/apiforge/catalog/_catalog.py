"""The catalog: a SQLite store of ingested APIs and their operations.

Usage::

    from apiforge.catalog import Catalog

    with Catalog() as catalog:                      # --catalog / $APIFORGE_CATALOG / user data dir
        results = catalog.ingest_many(["specs/"])   # idempotent; one transaction per spec
        api, op = catalog.get_operation("xkcd.com", "getComicById")

Ingest is idempotent (same digest → `unchanged`), a changed spec replaces its old version wholesale, and each
spec is written in one transaction, so a spec that fails halfway leaves nothing behind and never stops the
others.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import orjson

from apiforge.catalog._paths import default_catalog_path
from apiforge.catalog._prepare import Failure, PreparedSpec, describe_error, load_and_prepare, prepare
from apiforge.catalog._rows import ApiRow, IngestResult, OperationRow
from apiforge.catalog._schema import migrate
from apiforge.errors import ApiNotFound, CatalogError, OperationNotFound
from apiforge.spec import Api, LoadedSpec, Operation, SpecWarning

__all__ = ["POOL_THRESHOLD", "AmbiguousApi", "Catalog", "ProgressCallback", "Source"]

Source = str | os.PathLike[str] | LoadedSpec
ProgressCallback = Callable[[IngestResult, int, int], None]
"""Called after each spec with `(result, done, total)`."""

#: Below this many specs a process pool costs more to start than it saves: starting the forkserver and workers
#: takes 1.5-2 s on 2 cores, while the 20 shared directory specs parse in about 1.2 s serially
#: (benchmarks/ingest.py).
POOL_THRESHOLD = 64

_API_COLUMNS = (
    "id, title, version, description, source, digest, spec_version, kind, "
    "operation_count, schema_count, warning_count, size"
)


class AmbiguousApi(ApiNotFound):
    """More than one API matches the text given; `candidates` lists their ids."""

    def __init__(self, text: str, candidates: Sequence[str]) -> None:
        self.api_id = text
        self.candidates = list(candidates)
        shown = ", ".join(f"'{c}'" for c in self.candidates[:8]) + (" ..." if len(self.candidates) > 8 else "")
        CatalogError.__init__(self, f"'{text}' matches {len(self.candidates)} APIs: {shown}. Use the full id.")


class Catalog:
    """A catalog database; open it with `Catalog(path)` (or `Catalog()` for the default) and `close()` it."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path: Path = default_catalog_path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per spec.
            self._conn = sqlite3.connect(self.path, isolation_level=None)
            self._conn.execute("PRAGMA busy_timeout = 10000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            migrate(self._conn, path=str(self.path))
        except (sqlite3.Error, OSError) as exc:
            raise CatalogError(f"{self.path}: cannot open the catalog: {exc}") from exc

    # -- lifecycle -------------------------------------------------------------------------------------------

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- ingest ----------------------------------------------------------------------------------------------

    def ingest(self, source: Source, *, api_id: str | None = None) -> IngestResult:
        """Load (unless given a `LoadedSpec`) and store one description; never raises for a bad spec."""
        if isinstance(source, LoadedSpec):
            return self._write(_prepare_loaded(source, api_id))
        return self._write(load_and_prepare(os.fspath(source), api_id))

    def ingest_many(
        self,
        sources: Iterable[Source],
        *,
        progress: ProgressCallback | None = None,
        workers: int | None = None,
    ) -> list[IngestResult]:
        """Ingest every source, each in its own transaction; results come back in the order given.

        Parsing runs in a process pool of `workers` processes (default: one per CPU when there are at least
        `POOL_THRESHOLD` sources, else in-process); writes always happen here, in this process.
        """
        items = list(sources)
        total = len(items)
        if workers is None:
            workers = (os.cpu_count() or 1) if total >= POOL_THRESHOLD else 1
        results: list[IngestResult] = []

        def record(result: IngestResult) -> None:
            results.append(result)
            if progress is not None:
                progress(result, len(results), total)

        paths = [os.fspath(i) for i in items if not isinstance(i, LoadedSpec)]
        if workers <= 1 or len(paths) < 2:
            for item in items:
                record(self.ingest(item))
            return results
        from concurrent.futures import ProcessPoolExecutor  # here: ~0.1 s of imports most commands never need
        from multiprocessing import get_context

        # forkserver, not fork: the caller may run threads (a progress bar) and forking those is unsafe.
        context = get_context("forkserver")
        with ProcessPoolExecutor(max_workers=min(workers, len(paths) or 1), mp_context=context) as pool:
            prepared = pool.map(load_and_prepare, paths, chunksize=1)
            try:
                for item in items:
                    record(self.ingest(item) if isinstance(item, LoadedSpec) else self._write(next(prepared)))
            except BaseException:  # Ctrl-C or a failing callback: do not parse the remaining specs first
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return results

    def _write(self, prepared: PreparedSpec | Failure) -> IngestResult:
        """Store prepared rows in one transaction, replacing an older version of the same API."""
        if isinstance(prepared, Failure):
            return IngestResult(
                source=prepared.source,
                status="failed",
                error=prepared.error,
                error_type=prepared.error_type,
                seconds=prepared.seconds,
            )
        start = time.perf_counter()
        conn = self._conn
        base = dict(source=prepared.source, api_id=prepared.api_id, title=prepared.title, warnings=prepared.warnings)
        try:
            conn.execute("BEGIN IMMEDIATE")
            old = conn.execute("SELECT digest, operation_count FROM apis WHERE id = ?", (prepared.api_id,)).fetchone()
            if old is not None and old[0] == prepared.digest:
                conn.execute("ROLLBACK")
                return IngestResult(
                    status="unchanged", operations=old[1], previous_operations=old[1], seconds=prepared.seconds, **base
                )
            if old is not None:
                conn.execute("DELETE FROM warnings WHERE api_id = ?", (prepared.api_id,))
                conn.execute("DELETE FROM operations WHERE api_id = ?", (prepared.api_id,))
                conn.execute("DELETE FROM apis WHERE id = ?", (prepared.api_id,))
            now = datetime.now(UTC).isoformat(timespec="seconds")
            conn.execute(
                f"INSERT INTO apis ({_API_COLUMNS}, json, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*prepared.api_row, now),
            )
            conn.executemany(
                "INSERT INTO operations (api_id, id, method, path, summary, description, tags, deprecated, json) "
                "VALUES (?,?,?,?,?,?,?,?,?)",
                prepared.operation_rows,
            )
            conn.executemany(
                "INSERT INTO warnings (api_id, seq, message, pointer) VALUES (?,?,?,?)", prepared.warning_rows
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            message = str(exc)
            if "UNIQUE constraint failed: operations" in message:
                message = "two operations share one id (operation ids must be unique within an API)"
            return IngestResult(
                status="failed",
                error=f"CatalogError: {prepared.source}: {message}; nothing was stored",
                error_type="CatalogError",
                seconds=prepared.seconds + time.perf_counter() - start,
                **base,
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return IngestResult(
            status="updated" if old is not None else "added",
            operations=len(prepared.operation_rows),
            previous_operations=old[1] if old is not None else 0,
            seconds=prepared.seconds + time.perf_counter() - start,
            **base,
        )

    # -- APIs ------------------------------------------------------------------------------------------------

    def apis(self) -> list[ApiRow]:
        """Every API, sorted by id."""
        rows = self._conn.execute(f"SELECT {_API_COLUMNS}, ingested_at FROM apis ORDER BY id").fetchall()
        return [ApiRow(*r) for r in rows]

    def api_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT id FROM apis ORDER BY id")]

    def api_row(self, api_id: str) -> ApiRow:
        """The listing row of one API (exact id)."""
        row = self._conn.execute(f"SELECT {_API_COLUMNS}, ingested_at FROM apis WHERE id = ?", (api_id,)).fetchone()
        if row is None:
            raise ApiNotFound(api_id, self.api_ids())
        return ApiRow(*row)

    def find_api(self, text: str) -> ApiRow:
        """An API by exact id, else by a unique case-insensitive id/title match, else by a unique prefix of either."""
        rows = self._conn.execute("SELECT id, title FROM apis ORDER BY id").fetchall()
        if any(r[0] == text for r in rows):
            return self.api_row(text)
        needle = text.casefold()
        for match in (
            lambda i, t: needle in (i.casefold(), t.casefold()),
            lambda i, t: i.casefold().startswith(needle) or t.casefold().startswith(needle),
        ):
            found = [i for i, t in rows if match(i, t)]
            if len(found) == 1:
                return self.api_row(found[0])
            if len(found) > 1:
                raise AmbiguousApi(text, found)
        raise ApiNotFound(text, [r[0] for r in rows])

    def get_api(self, api_id: str) -> Api:
        """The full `Api`, operations included, rebuilt from the stored JSON (exact id)."""
        row = self._conn.execute("SELECT json FROM apis WHERE id = ?", (api_id,)).fetchone()
        if row is None:
            raise ApiNotFound(api_id, self.api_ids())
        ops = self._conn.execute("SELECT json FROM operations WHERE api_id = ? ORDER BY pk", (api_id,))
        d = orjson.loads(row[0])
        d["operations"] = [orjson.loads(o[0]) for o in ops]
        return Api.from_dict(d)

    def warnings(self, api_id: str) -> list[SpecWarning]:
        """The loader's warnings for an API, as stored at ingest time."""
        self.api_row(api_id)
        rows = self._conn.execute("SELECT message, pointer FROM warnings WHERE api_id = ? ORDER BY seq", (api_id,))
        return [SpecWarning(m, p) for m, p in rows]

    def remove(self, api_id: str) -> ApiRow:
        """Delete an API and everything stored for it (exact id); returns what was removed."""
        row = self.api_row(api_id)
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM warnings WHERE api_id = ?", (api_id,))
            conn.execute("DELETE FROM operations WHERE api_id = ?", (api_id,))
            conn.execute("DELETE FROM apis WHERE id = ?", (api_id,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return row

    # -- operations ------------------------------------------------------------------------------------------

    def operations(
        self,
        api_id: str | None = None,
        *,
        tag: str | None = None,
        method: str | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> list[OperationRow]:
        """Operations (all APIs, or one by exact id), filtered by tag and method (case-insensitive) and by
        `text`, a case-insensitive substring of the id, path, summary or description."""
        where, params = _operation_filter(api_id, tag, method, text)
        sql = f"SELECT api_id, id, method, path, summary, tags, deprecated FROM operations {where} ORDER BY api_id, pk"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = self._conn.execute(sql, params).fetchall()
        return [OperationRow(a, i, m, p, s, tuple(orjson.loads(t)), bool(d)) for a, i, m, p, s, t, d in rows]

    def count_operations(
        self, api_id: str | None = None, *, tag: str | None = None, method: str | None = None, text: str | None = None
    ) -> int:
        """How many operations `operations()` would list without a limit."""
        where, params = _operation_filter(api_id, tag, method, text)
        return int(self._conn.execute(f"SELECT count(*) FROM operations {where}", params).fetchone()[0])

    def get_operation(self, api_id: str, operation: str) -> tuple[Api, Operation]:
        """One operation by id (exact, else case-insensitive) or as `METHOD /path`, with its API.

        For speed the returned `Api` carries its servers, security schemes and schemas but only this one
        operation in `operations`; use `get_api` for all of them.
        """
        api_row = self._conn.execute("SELECT json FROM apis WHERE id = ?", (api_id,)).fetchone()
        if api_row is None:
            raise ApiNotFound(api_id, self.api_ids())
        ids = self._conn.execute("SELECT id, method, path FROM operations WHERE api_id = ?", (api_id,)).fetchall()
        chosen = _match_operation(operation, ids)
        if chosen is None:
            raise OperationNotFound(api_id, operation, [i for i, _, _ in ids])
        op_json = self._conn.execute(
            "SELECT json FROM operations WHERE api_id = ? AND id = ?", (api_id, chosen)
        ).fetchone()[0]
        op = Operation.from_dict(orjson.loads(op_json))
        api = Api.from_dict(orjson.loads(api_row[0]))
        return dataclasses.replace(api, operations=(op,)), op


def _prepare_loaded(loaded: LoadedSpec, api_id: str | None) -> PreparedSpec | Failure:
    if api_id:
        loaded = dataclasses.replace(loaded, api=dataclasses.replace(loaded.api, id=api_id))
    try:
        return prepare(loaded)
    except Exception as exc:  # noqa: BLE001 - e.g. a value JSON cannot hold; reported, not raised
        kind, message = describe_error(exc)
        return Failure(loaded.api.source or loaded.api.id, message, kind)


def _match_operation(text: str, ids: list[tuple[str, str, str]]) -> str | None:
    for op_id, _, _ in ids:
        if op_id == text:
            return op_id
    folded = [i for i, _, _ in ids if i.casefold() == text.casefold()]
    if len(folded) == 1:
        return folded[0]
    method, _, path = text.strip().partition(" ")
    path = path.strip()
    for op_id, m, p in ids:
        if path and m == method.upper() and p == path:
            return op_id
    return None


def _operation_filter(
    api_id: str | None, tag: str | None, method: str | None, text: str | None
) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if api_id is not None:
        clauses.append("api_id = ?")
        params.append(api_id)
    if method:
        clauses.append("method = ?")
        params.append(method.upper())
    if tag:
        clauses.append("EXISTS (SELECT 1 FROM json_each(operations.tags) WHERE lower(value) = lower(?))")
        params.append(tag)
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            "(id LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\' "
            "OR description LIKE ? ESCAPE '\\')"
        )
        params.extend([like] * 4)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
