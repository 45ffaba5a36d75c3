"""Per-invocation state: the `--catalog` given to the group, overridable per command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer

from apiforge.catalog import Catalog

__all__ = ["CliState", "open_catalog"]


@dataclass(slots=True)
class CliState:
    catalog: Path | None = None


def open_catalog(ctx: typer.Context, override: Path | None = None) -> Catalog:
    """Open the catalog named by the command's `--catalog`, else the group's, else the default."""
    state = ctx.find_object(CliState)
    return Catalog(override or (state.catalog if state else None))
