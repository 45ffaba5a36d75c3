"""`apiforge ops`: list and filter operations."""

from __future__ import annotations

from typing import Annotated

import typer

from apiforge.catalog import OperationRow
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, short
from apiforge.cli._state import open_catalog

__all__ = ["ops", "print_operations", "register"]

HELP = """\
List operations, of one API or of all, filtered by tag, method and text.

API is an id, or a unique prefix or title. --grep matches (case-insensitively) the operation id, path, summary
and description.

Examples:

\b
  apiforge ops xkcd.com
  apiforge ops stripe --method post --grep customer
  apiforge ops --tag pets --limit 0 --json
"""

DEFAULT_LIMIT = 200


def print_operations(rows: list[OperationRow], total: int, *, with_api: bool = True) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = make_console()
    headers = (["API"] if with_api else []) + ["Operation", "Method", "Path", "Summary"]
    table = Table(*headers, title=f"{total} operations", title_justify="left")
    for r in rows:
        cells = [escape(r.id), r.method, escape(r.path), escape(short(r.summary, 60))]
        table.add_row(*([escape(r.api_id)] if with_api else []), *cells)
    console.print(table)
    if len(rows) < total:
        console.print(f"[dim]showing {len(rows)} of {total}; use --limit 0 for all[/]")


def ops(
    ctx: typer.Context,
    api: Annotated[str | None, typer.Argument(help="API id, or a unique prefix or title.", show_default=False)] = None,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only operations with this tag.")] = None,
    method: Annotated[str | None, typer.Option("--method", "-X", help="Only this HTTP method.")] = None,
    grep: Annotated[str | None, typer.Option("--grep", "-g", help="Only operations mentioning this text.")] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=0, help=f"At most N rows; 0 = all (default: {DEFAULT_LIMIT}, all with --json)."
        ),
    ] = None,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    if limit is None:
        limit = 0 if json_output else DEFAULT_LIMIT
    with open_catalog(ctx, catalog_path) as catalog:
        api_id = catalog.find_api(api).id if api else None
        rows = catalog.operations(api_id, tag=tag, method=method, text=grep, limit=limit or None)
        total = catalog.count_operations(api_id, tag=tag, method=method, text=grep) if limit else len(rows)
    if json_output:
        emit_json([r.to_dict() for r in rows])
    else:
        print_operations(rows, total, with_api=api_id is None)


def register(app: typer.Typer) -> None:
    app.command("ops", help=HELP)(ops)
