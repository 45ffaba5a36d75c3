"""`apiforge snippet`: the request for one operation, built from the spec, as code in any target language."""

from __future__ import annotations

from typing import Annotated

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, parse_arg_pairs
from apiforge.cli._state import open_catalog
from apiforge.http.build import build_request
from apiforge.snippets import get_target, targets

__all__ = ["register", "snippet"]

HELP = """\
Print runnable code for one operation: the request is built from the spec (arguments where the spec says,
auth as placeholders such as REPLACE_API_KEY, missing required values from the spec's examples or as
{{placeholders}}), then rendered. The code goes to stdout alone, so it can be piped or saved.

--lang takes a target name, an alias or a language: curl, python (requests), python_httpx, http.client,
node (fetch), node_request, javascript (XHR), javascript_fetch, go, java (java.net.http), okhttp, ruby, php,
swift, c (libcurl). `--lang all` prints every target. `apiforge snippet --list` lists them.

Examples:

\b
  apiforge snippet gitea.io issueListIssues --lang go --arg owner=go-gitea --arg repo=gitea --arg state=open
  apiforge snippet stripe.com PostCustomers --lang python --arg email=ada@example.com > create.py
  apiforge snippet xkcd.com "GET /{comicId}/info.0.json" --lang curl --arg comicId=614
  apiforge snippet bookshop createBook --lang all --json
"""


def snippet(
    ctx: typer.Context,
    api: Annotated[str | None, typer.Argument(help="API id (or unique prefix).")] = None,
    operation: Annotated[str | None, typer.Argument(help='Operation id, or "METHOD /path".')] = None,
    lang: Annotated[list[str] | None, typer.Option("--lang", "-l", help="Target(s); 'all' for every one.")] = None,
    arg: Annotated[
        list[str] | None, typer.Option("--arg", "-a", help="NAME=VALUE (repeatable); JSON for arrays/objects.")
    ] = None,
    synthesize: Annotated[
        str, typer.Option(help="Fill missing values: required (default), all (optional ones too) or none.")
    ] = "required",
    server: Annotated[str | None, typer.Option(help="Server URL or index to use instead of the first.")] = None,
    list_targets: Annotated[bool, typer.Option("--list", help="List the targets and exit.")] = False,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    if list_targets:
        rows = [
            {"name": t.name, "language": t.language, "client": t.client, "aliases": list(t.aliases)} for t in targets()
        ]
        if json_output:
            emit_json(rows)
        else:
            for row in rows:
                aliases = f"  (also: {', '.join(row['aliases'])})" if row["aliases"] else ""
                typer.echo(f"{row['name']:<20} {row['language']:<11} {row['client']}{aliases}")
        return
    if api is None or operation is None:
        raise typer.BadParameter("give an API and an OPERATION (or --list)", param_hint="API OPERATION")
    names = [t.name for t in targets()] if lang == ["all"] else [get_target(x).name for x in lang or ["curl"]]
    with open_catalog(ctx, catalog_path) as catalog:
        api_model, op = catalog.get_operation(catalog.find_api(api).id, operation)
    if synthesize not in ("required", "all", "none"):
        raise typer.BadParameter("use required, all or none", param_hint="--synthesize")
    chosen_server: str | int | None = int(server) if server is not None and server.isdigit() else server
    built = build_request(api_model, op, parse_arg_pairs(arg or []), server=chosen_server, synthesize=synthesize)  # type: ignore[arg-type]
    code = {name: get_target(name).render(built.request) for name in names}
    if json_output:
        emit_json(
            {
                "api": api_model.id,
                "operation": op.id,
                "request": built.request.to_har(),
                "provenance": built.provenance,
                "placeholders": list(built.placeholders),
                "warnings": list(built.warnings),
                "code": code,
            }
        )
        return
    err = make_console(stderr=True)
    for name, text in code.items():
        if len(code) > 1:
            typer.echo(f"# --- {name} ---")
        typer.echo(text.rstrip("\n"))
    if built.placeholders:
        err.print(f"[yellow]fill in before running[/]: {', '.join(built.placeholders)}")
    for warning in built.warnings:
        err.print(f"[dim]note: {warning}[/]")


def register(app: typer.Typer) -> None:
    app.command("snippet", help=HELP)(snippet)
