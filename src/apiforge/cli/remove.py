"""`apiforge remove`: delete an API and its operations from the catalog."""

from __future__ import annotations

from typing import Annotated

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console
from apiforge.cli._state import open_catalog

__all__ = ["register", "remove"]

HELP = """\
Remove an API (and its operations and warnings) from the catalog.

API is an id, or a unique prefix or title.

Examples:

\b
  apiforge remove xkcd.com
  apiforge remove xkcd --json
"""


def remove(
    ctx: typer.Context,
    api: Annotated[str, typer.Argument(help="API id, or a unique prefix or title.", show_default=False)],
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    with open_catalog(ctx, catalog_path) as catalog:
        row = catalog.remove(catalog.find_api(api).id)
    if json_output:
        emit_json({"removed": row.to_dict()})
    else:
        from rich.markup import escape

        make_console().print(f"Removed [bold]{escape(row.id)}[/] ({row.operation_count} operations).")


def register(app: typer.Typer) -> None:
    app.command("remove", help=HELP, no_args_is_help=True)(remove)
