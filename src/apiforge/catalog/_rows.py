"""Lightweight rows the catalog returns for listings (no schemas, no parsing of the stored JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["ApiRow", "IngestResult", "IngestStatus", "OperationRow"]

IngestStatus = Literal["added", "updated", "unchanged", "failed"]


@dataclass(frozen=True, slots=True)
class ApiRow:
    """One API as listed by `Catalog.apis()`."""

    id: str
    title: str
    version: str
    description: str
    source: str
    digest: str
    spec_version: str
    kind: str
    operation_count: int
    schema_count: int
    warning_count: int
    size: int
    ingested_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class OperationRow:
    """One operation as listed by `Catalog.operations()`; `Catalog.get_operation` gives the full `Operation`."""

    api_id: str
    id: str
    method: str
    path: str
    summary: str
    tags: tuple[str, ...]
    deprecated: bool

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["tags"] = list(self.tags)
        return d


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What ingesting one source did. `failed` results carry `error`; nothing of a failed spec is stored."""

    source: str
    status: IngestStatus
    api_id: str = ""
    title: str = ""
    operations: int = 0
    """Operations stored for this API (0 when failed)."""
    previous_operations: int = 0
    """Operations the replaced version had (for `updated`)."""
    warnings: tuple[str, ...] = ()
    error: str = ""
    """`ErrorType: message`, naming the file and location when the loader knows them."""
    error_type: str = ""
    seconds: float = 0.0

    @property
    def is_ok(self) -> bool:
        return self.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        d["seconds"] = round(self.seconds, 4)
        return d
