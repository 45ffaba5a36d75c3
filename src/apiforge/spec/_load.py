"""Read API descriptions from files, folders and URLs into the normalised `Api` model.

(Interface fixed; implementation owned by the spec-loading work.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from apiforge.spec.model import Api

__all__ = ["LoadedSpec", "SpecWarning", "find_spec_files", "load_spec"]


@dataclass(frozen=True, slots=True)
class SpecWarning:
    """Something odd in a description that did not stop it loading (empty `paths`, duplicate operationId...)."""

    message: str
    pointer: str = ""
    """JSON pointer into the source document, e.g. `/paths/~1pets/get/operationId`."""

    def __str__(self) -> str:
        return f"#{self.pointer}: {self.message}" if self.pointer else self.message


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    api: Api
    warnings: tuple[SpecWarning, ...] = ()
    digest: str = ""
    """sha256 of the source bytes (of the root document and every file it references), to detect changes."""
    size: int = 0
    """Bytes read."""
    document: dict = field(default_factory=dict, repr=False)
    """The raw root document as parsed (before normalisation)."""


def find_spec_files(path: str | Path) -> Iterator[Path]:
    """Every `.json`, `.yaml` and `.yml` file under `path` (recursively, sorted); `path` itself if it is a file."""
    raise NotImplementedError


def load_spec(source: str | Path, *, api_id: str | None = None) -> LoadedSpec:
    """Load one description from a file path or an http(s) URL. Raises a `SpecError` subclass on failure."""
    raise NotImplementedError
