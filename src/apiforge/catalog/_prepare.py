"""Turn a loaded spec into ready-to-insert rows: pure functions, so they can run in worker processes.

Parsing and serialising dominate ingest time, while SQLite writes are cheap and must stay in one process; so
`ingest_many` runs `load_and_prepare` in a process pool and only the writes in the parent. Rows are plain
tuples of str/int (cheap to pickle); the raw document is never sent back.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from pathlib import Path

import orjson

from apiforge.spec import LoadedSpec, load_spec

__all__ = ["Failure", "PreparedSpec", "describe_error", "load_and_prepare", "prepare"]


@dataclass(frozen=True, slots=True)
class PreparedSpec:
    source: str
    api_id: str
    title: str
    digest: str
    api_row: tuple[object, ...]
    """Values for `apis` except `ingested_at` (added at write time)."""
    operation_rows: tuple[tuple[object, ...], ...]
    warning_rows: tuple[tuple[object, ...], ...]
    warnings: tuple[str, ...]
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Failure:
    source: str
    error: str
    error_type: str
    seconds: float = 0.0


def _dumps(value: object) -> str:
    # OPT_NON_STR_KEYS: YAML specs have integer keys (e.g. response codes 200) that JSON cannot key on otherwise.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def describe_error(exc: BaseException) -> tuple[str, str]:
    """`(error_type, "ErrorType: message")`; our errors already name the file and JSON pointer in the message."""
    kind = type(exc).__name__
    return kind, f"{kind}: {exc}"


def prepare(loaded: LoadedSpec, *, source: str = "") -> PreparedSpec:
    """Serialise a loaded spec into rows. A missing digest is computed from the serialised rows themselves."""
    api = loaded.api
    api_json = _dumps(api.to_dict(with_operations=False))
    op_rows = []
    hasher = hashlib.sha256(api_json.encode()) if not loaded.digest else None
    for op in api.operations:
        op_json = _dumps(op.to_dict())
        if hasher is not None:
            hasher.update(op_json.encode())
        op_rows.append(
            (
                api.id,
                op.id,
                op.method.upper(),
                op.path,
                op.summary or "",
                op.description or "",
                _dumps(list(op.tags)),
                int(op.deprecated),
                op_json,
            )
        )
    digest = loaded.digest or "sha256:" + hasher.hexdigest()  # type: ignore[union-attr]
    warnings = tuple(str(w) for w in loaded.warnings)
    warning_rows = tuple((api.id, i, w.message, w.pointer) for i, w in enumerate(loaded.warnings))
    api_row = (
        api.id,
        api.title,
        api.version,
        api.description or "",
        api.source or source,
        digest,
        api.spec_version,
        api.kind,
        len(op_rows),
        len(api.schemas),
        len(warnings),
        loaded.size,
        api_json,
    )
    return PreparedSpec(
        source=api.source or source,
        api_id=api.id,
        title=api.title,
        digest=digest,
        api_row=api_row,
        operation_rows=tuple(op_rows),
        warning_rows=warning_rows,
        warnings=warnings,
    )


def load_and_prepare(source: str | Path, api_id: str | None = None) -> PreparedSpec | Failure:
    """Load and serialise one source; every exception becomes a `Failure` so one bad spec never stops a batch."""
    start = time.perf_counter()
    try:
        prepared = prepare(load_spec(source, api_id=api_id), source=str(source))
    except Exception as exc:  # noqa: BLE001 - a loader bug on one spec must not abort the other 2,600
        kind, message = describe_error(exc)
        return Failure(str(source), message, kind, time.perf_counter() - start)
    return replace(prepared, seconds=time.perf_counter() - start)
