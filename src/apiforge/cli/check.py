"""`apiforge check`: is this call right? Hallucinated hosts and endpoints, wrong arguments, broken bodies."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console
from apiforge.cli._state import open_catalog
from apiforge.errors import CatalogError

if TYPE_CHECKING:
    from apiforge.check import CheckResult

__all__ = ["EmptyCatalog", "check", "print_result", "register"]

HELP = """\
Check a call against the specs in the catalog: the API and operation it calls, and everything wrong with it.

FILE holds code (curl, Python, JavaScript, ...) or a HAR request object; '-' or no FILE reads stdin.
Without --api the call is matched against every API in the catalog. Exit code 0 when the call is valid,
1 when it is not, 2 for a usage or input error.

Examples:

\b
  apiforge check call.sh
  echo 'curl https://api.stripe.com/v1/charges?limit=x' | apiforge check --api stripe.com
  apiforge check request.har.json --json
"""


def print_result(result: CheckResult) -> None:
    """The human-readable report: the matched operation, then a table of diagnostics."""
    from rich.markup import escape
    from rich.table import Table

    console = make_console()
    target = (
        f"[bold]{escape(result.api_id or '?')}[/] {escape(result.operation_id or '(no operation)')}"
        if result.api_id
        else "[bold]no matching API[/]"
    )
    verdict = "[green]valid[/]" if result.is_valid else "[red]invalid[/]"
    console.print(f"{verdict}: {target}")
    if result.path_params:
        console.print("path parameters: " + ", ".join(f"{k}={escape(v)}" for k, v in result.path_params.items()))
    if not result.diagnostics:
        return
    table = Table("Severity", "Code", "Location", "Message", title_justify="left")
    colours = {"error": "red", "warning": "yellow", "info": "blue"}
    for d in result.diagnostics:
        colour = colours.get(d.severity, "white")
        table.add_row(f"[{colour}]{d.severity}[/]", d.code, escape(d.location), escape(d.message))
    console.print(table)


def check(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="File with the code or HAR request; '-' for stdin.")] = "-",
    api: Annotated[str | None, typer.Option("--api", "-a", help="Check against this API only.")] = None,
    lang: Annotated[
        str, typer.Option("--lang", "-l", help="Language of the code: auto, curl, python, har, ...")
    ] = "auto",
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    from apiforge.check import Checker, check_code

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {file}: {exc.strerror or exc}", param_hint="FILE") from None
    if not text.strip():
        raise typer.BadParameter("no code to check (empty input)", param_hint="FILE")
    with open_catalog(ctx, catalog_path) as catalog:
        if api:
            apis = [catalog.get_api(catalog.find_api(api).id)]
        else:
            apis = [catalog.get_api(row.id) for row in catalog.apis()]
    if not apis:
        raise EmptyCatalog()
    result = check_code(text, Checker(apis), lang)
    if json_output:
        emit_json(result.to_dict())
    else:
        print_result(result)
    raise typer.Exit(0 if result.is_valid else 1)


class EmptyCatalog(CatalogError):
    """The catalog holds no API to check against (an input error: ingest specs first)."""

    def __init__(self) -> None:
        super().__init__("The catalog is empty: add specs with `apiforge ingest PATH` first.")


def register(app: typer.Typer) -> None:
    app.command("check", help=HELP)(check)
