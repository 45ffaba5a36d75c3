"""`apiforge ingest`: load descriptions from files, folders and URLs into the catalog."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from apiforge.catalog import Catalog, IngestResult
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, short
from apiforge.cli._state import open_catalog
from apiforge.errors import SpecFetchError
from apiforge.spec import find_spec_files

__all__ = ["expand_sources", "ingest", "register", "report", "run_ingest"]

HELP = """\
Ingest API descriptions (OpenAPI 3.x, Swagger 2.0; JSON or YAML) into the catalog.

PATH may be a file, a folder (every .json/.yaml/.yml under it) or an http(s) URL. Ingest is idempotent: an
unchanged spec is skipped, a changed one replaces its old version, and a spec that fails leaves nothing behind.

Examples:

\b
  apiforge ingest openapi.yaml
  apiforge ingest specs/ --json
  apiforge ingest https://example.com/openapi.json --id example

Exit codes: 0 when at least one spec was added, updated or unchanged (failures are still listed; add --strict
to exit 1 on any failure), 2 when nothing could be ingested.
"""

SOURCES_HELP = "Files, folders or http(s) URLs of API descriptions."


def expand_sources(paths: list[str]) -> tuple[list[str], list[IngestResult]]:
    """Folders become the spec files under them; missing paths and empty folders become failed results."""
    sources: list[str] = []
    failures: list[IngestResult] = []
    for text in paths:
        if text.startswith(("http://", "https://")):
            sources.append(text)
            continue
        path = Path(text)
        if path.is_dir():
            found = [str(p) for p in find_spec_files(path)]
            if not found:
                failures.append(
                    _failed(text, SpecFetchError("no .json, .yaml or .yml files in this folder", source=text))
                )
            sources.extend(found)
        elif path.exists():
            sources.append(text)
        else:
            failures.append(_failed(text, SpecFetchError("no such file or folder", source=text)))
    return sources, failures


def _failed(source: str, exc: Exception) -> IngestResult:
    return IngestResult(
        source=source, status="failed", error=f"{type(exc).__name__}: {exc}", error_type=type(exc).__name__
    )


def run_ingest(
    catalog: Catalog, sources: list[str], *, api_id: str | None, workers: int | None, show_progress: bool
) -> list[IngestResult]:
    """Ingest with a progress bar on stderr (when it is a terminal and `show_progress`)."""
    console = make_console(stderr=True)
    if not show_progress or not console.is_terminal or len(sources) < 2:
        if api_id is not None:
            return [catalog.ingest(s, api_id=api_id) for s in sources]
        return catalog.ingest_many(sources, workers=workers)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("ingesting", total=len(sources))

        def step(result: IngestResult, done: int, total: int) -> None:
            bar.update(task, completed=done, description=f"{short(Path(result.source).name, 40):40}")

        return catalog.ingest_many(sources, progress=step, workers=workers)


def summary(results: list[IngestResult]) -> dict[str, int]:
    counts = Counter(r.status for r in results)
    return {
        "specs": len(results),
        **{status: counts.get(status, 0) for status in ("added", "updated", "unchanged", "failed")},
        "operations": sum(r.operations for r in results if r.is_ok),
        "warnings": sum(len(r.warnings) for r in results if r.is_ok),
    }


def exit_code(results: list[IngestResult], *, strict: bool) -> int:
    if not any(r.is_ok for r in results):
        return 2
    return 1 if strict and any(not r.is_ok for r in results) else 0


def report(results: list[IngestResult], *, verbose: bool = False, table_limit: int = 40) -> None:
    """Human summary: a row per spec (up to `table_limit`), the totals, every failure, and warnings if verbose."""
    from rich.markup import escape
    from rich.table import Table

    console = make_console()
    styles = {"added": "green", "updated": "cyan", "unchanged": "dim", "failed": "bold red"}
    if len(results) <= table_limit:
        table = Table("Status", "API", "Operations", "Warnings", "Source", title="Ingest", title_justify="left")
        for r in results:
            table.add_row(
                f"[{styles[r.status]}]{r.status}[/]",
                escape(r.api_id or "-"),
                str(r.operations) if r.is_ok else "-",
                str(len(r.warnings)) if r.is_ok else "-",
                escape(short(r.source, 60)),
            )
        console.print(table)
    s = summary(results)
    console.print(
        f"{s['specs']} specs: [green]{s['added']} added[/], [cyan]{s['updated']} updated[/], "
        f"{s['unchanged']} unchanged, [{'bold red' if s['failed'] else 'green'}]{s['failed']} failed[/] · "
        f"{s['operations']} operations · {s['warnings']} warnings"
    )
    failures = [r for r in results if not r.is_ok]
    if failures:
        table = Table("Source", "Error", title="Failures", title_justify="left", show_lines=True)
        for r in failures:
            table.add_row(escape(r.source), f"[red]{escape(r.error)}[/]")
        console.print(table)
    if verbose:
        for r in results:
            for w in r.warnings:
                console.print(f"[yellow]warning[/] {escape(r.api_id)}: {escape(w)}")
    elif s["warnings"]:
        console.print("[dim](use -v to list the warnings)[/]")


def ingest(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(metavar="PATH_OR_URL", help=SOURCES_HELP, show_default=False)],
    api_id: Annotated[
        str | None, typer.Option("--id", help="Store under this id (one spec only).", show_default=False)
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", min=1, help="Parser processes (default: one per CPU for big batches)."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 if any spec failed.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every loader warning.")] = False,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    sources, failures = expand_sources(paths)
    if api_id is not None and len(sources) + len(failures) > 1:
        raise typer.BadParameter("--id names one API, but the paths hold several specs", param_hint="--id")
    with open_catalog(ctx, catalog_path) as catalog:
        results = failures + run_ingest(catalog, sources, api_id=api_id, workers=workers, show_progress=not json_output)
        location = str(catalog.path)
    if json_output:
        emit_json({"catalog": location, "summary": summary(results), "results": [r.to_dict() for r in results]})
    else:
        report(results, verbose=verbose)
    raise typer.Exit(exit_code(results, strict=strict))


def register(app: typer.Typer) -> None:
    app.command("ingest", help=HELP, no_args_is_help=True)(ingest)
