"""`apiforge apis`: list the APIs in the catalog."""

from __future__ import annotations

import typer

from apiforge.catalog import ApiRow
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, short
from apiforge.cli._state import open_catalog

__all__ = ["apis", "print_apis", "register"]

HELP = """\
List the APIs in the catalog: id, title, version, operation count, spec version and source.

Examples:

\b
  apiforge apis
  apiforge apis --json | jq '.[].id'
"""


def print_apis(rows: list[ApiRow]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console = make_console()
    if not rows:
        console.print("The catalog is empty. Try [bold]apiforge quickstart[/] or [bold]apiforge ingest PATH[/].")
        return
    table = Table("ID", "Title", "Version", "Ops", "Spec", "Source", title=f"{len(rows)} APIs", title_justify="left")
    for r in rows:
        table.add_row(
            escape(r.id),
            escape(short(r.title, 40)),
            escape(short(r.version, 16)),
            str(r.operation_count),
            escape(r.spec_version),
            escape(short(r.source, 50)),
        )
    console.print(table)


def apis(ctx: typer.Context, json_output: JsonOption = False, catalog_path: CatalogOption = None) -> None:
    with open_catalog(ctx, catalog_path) as catalog:
        rows = catalog.apis()
    if json_output:
        emit_json([r.to_dict() for r in rows])
    else:
        print_apis(rows)


def register(app: typer.Typer) -> None:
    app.command("apis", help=HELP)(apis)
