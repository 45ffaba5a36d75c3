"""`apiforge call`: build the request from the spec, check it, send it for real, print the answer.

The status line goes to stderr and the body to stdout, so `apiforge call ... > out.json` keeps only the data.
Every printed text is masked: a secret the server echoes back shows as `••••` (use --out for the raw body).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from apiforge.check import check_request
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, parse_arg_pairs
from apiforge.cli._state import open_catalog
from apiforge.http.build import BuiltRequest, build_request

if TYPE_CHECKING:
    from apiforge.execute import CallResult
    from apiforge.execute.paginate import PageResult
    from apiforge.spec.model import Api, Operation

__all__ = ["call", "register"]

_STYLES = "link, header, url, cursor, has_more, page, offset."

HELP = """\
Call an operation for real: build the request from the spec (--arg NAME=VALUE), check it (an invalid request
is refused unless --force), fill credentials (`apiforge auth set`, or APIFORGE_CRED_<API>_<SCHEME>), send it with
retries (429 with Retry-After, 5xx and connection errors; POST/PATCH only with an Idempotency-Key header), and
check the response against the spec.

Examples:

\b
  apiforge call httpbin bearer --verbose
  apiforge call gitea.io repoGet --arg owner=go-gitea --arg repo=gitea --json
  apiforge call example getImage --arg id=7 --out image.png
  apiforge call kinto listRecords --arg bid=blog --arg cid=notes --arg _limit=50 --all --max-pages 20

With --all, every next page is followed (Link / Next-Page headers, tokens or next URLs in the body, has_more,
page or offset counters, detected from the spec and the responses; --paginate STYLE forces one) and the items of
all pages are printed as one JSON array (--out FILE writes that array).

Exit codes: 0 a 2xx answer, 1 a failed call, 2 a usage error (invalid request, missing credential).
"""


def call(
    ctx: typer.Context,
    api: Annotated[str, typer.Argument(help="API id (or unique prefix).")],
    operation: Annotated[str, typer.Argument(help='Operation id, or "METHOD /path".')],
    arg: Annotated[list[str] | None, typer.Option("--arg", "-a", help="NAME=VALUE (repeatable).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print the masked trace to stderr.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the raw body to FILE.", dir_okay=False)] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per attempt.", min=0.001)] = 30.0,
    retries: Annotated[int, typer.Option(help="Retries after the first attempt.", min=0)] = 2,
    server: Annotated[str | None, typer.Option(help="Server URL or index to use instead of the first.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Send even when the request check finds errors.")] = False,
    all_pages: Annotated[bool, typer.Option("--all", help="Follow every next page and merge the items.")] = False,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", help="Page cap for --all (implies --all) [default: 100].", min=1)
    ] = None,
    paginate_style: Annotated[
        str | None,
        typer.Option("--paginate", metavar="STYLE", help="Force a pagination style (implies --all): " + _STYLES),
    ] = None,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    with open_catalog(ctx, catalog_path) as catalog:
        api_model, op = catalog.get_operation(catalog.find_api(api).id, operation)
    chosen: str | int | None = int(server) if server is not None and server.isdigit() else server
    built = build_request(api_model, op, parse_arg_pairs(arg or []), server=chosen)
    checked = check_request(built.request, api_model)
    if not checked.is_valid and not force:
        for diag in checked.errors:
            typer.echo(str(diag), err=True)
        typer.echo("refusing to send an invalid request (use --force to send it anyway)", err=True)
        raise typer.Exit(2)
    from apiforge.execute import CredentialStore, send  # lazily: httpx is not needed for --help

    if all_pages or paginate_style is not None or max_pages is not None:
        pages = max_pages or 100
        _call_all(api_model, op, built, paginate_style, pages, timeout, retries, verbose, out, json_output)
    result = send(api_model, op, built.request, CredentialStore(), timeout=timeout, retries=retries)
    if verbose:
        for line in result.trace:
            typer.echo(line, err=True)
    if out is not None and result.status is not None:
        out.write_bytes(result.content)
    if json_output:
        data = result.to_dict()
        data.update(api=api_model.id, operation=op.id, build_warnings=list(built.warnings))
        if out is not None:
            data["saved_to"] = str(out)
        emit_json(data)
    else:
        _print_human(result, out)
    for warning in (*built.warnings, *result.warnings):
        typer.echo(f"note: {warning}", err=True)
    raise typer.Exit(0 if result.is_success else 1)


def _print_human(result: CallResult, out: Path | None) -> None:
    err = make_console(stderr=True)
    colour = "green" if result.is_success else "red"
    attempts = f"{len(result.attempts)} attempt{'s' if len(result.attempts) != 1 else ''}"
    status = f"{result.status} {result.reason}" if result.status is not None else "no response"
    err.print(f"[bold {colour}]{status}[/]  {result.request.method} {result.url}  ({attempts})", highlight=False)
    if result.failure:
        err.print(f"[red]failed[/red]: {result.failure}", markup=True, highlight=False)
    if out is not None:
        err.print(f"saved {len(result.content)} bytes to {out}")
        return
    if isinstance(result.body, bytes):
        err.print(f"<binary body, {len(result.content)} bytes, {result.media_type or 'no media type'}; use --out FILE>")
    elif isinstance(result.body, dict | list):
        typer.echo(json.dumps(result.body, indent=2, ensure_ascii=False))
    elif result.body:
        typer.echo(str(result.body))


def _call_all(
    api_model: Api,
    op: Operation,
    built: BuiltRequest,
    style: str | None,
    max_pages: int,
    timeout: float,
    retries: int,
    verbose: bool,
    out: Path | None,
    json_output: bool,
) -> None:
    """`--all`: paginate, print the merged items (masked, as each page was), exit 0 only if every page was 2xx."""
    from apiforge.execute import CredentialStore
    from apiforge.execute.paginate import STYLES, paginate

    if style is not None and style not in STYLES:
        typer.echo(f"unknown pagination style {style!r}; choose one of {', '.join(STYLES)}", err=True)
        raise typer.Exit(2)
    result = paginate(
        api_model,
        op,
        built.request,
        CredentialStore(),
        max_pages=max_pages,
        style=style,
        timeout=timeout,
        retries=retries,
    )
    if verbose:
        for page in result.results:
            for line in page.trace:
                typer.echo(line, err=True)
    items = list(result.items)
    if out is not None:
        out.write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    if json_output:
        data = _page_dict(result)
        data.update(api=api_model.id, operation=op.id, build_warnings=list(built.warnings))
        if out is not None:
            data["saved_to"] = str(out)
            del data["items"]
        emit_json(data)
    else:
        err = make_console(stderr=True)
        colour = "green" if result.is_success else "red"
        summary = f"{len(items)} items from {result.pages} page{'s' if result.pages != 1 else ''}"
        err.print(f"[bold {colour}]{summary}[/]  style {result.style or 'none'}", highlight=False)
        err.print(f"stopped: {result.stopped_because}", markup=False, highlight=False)
        if out is not None:
            err.print(f"saved {len(items)} items to {out}")
        else:
            typer.echo(json.dumps(items, indent=2, ensure_ascii=False))
    for warning in (*built.warnings, *dict.fromkeys(w for page in result.results for w in page.warnings)):
        typer.echo(f"note: {warning}", err=True)
    raise typer.Exit(0 if result.is_success else 1)


def _page_dict(result: PageResult) -> dict[str, Any]:
    return {
        "ok": result.is_success,
        "items": list(result.items),
        "count": len(result.items),
        "pages": result.pages,
        "style": result.style,
        "stopped_because": result.stopped_because,
        "page_results": [
            {"status": r.status, "url": r.url, "failure": r.failure or None, "attempts": len(r.attempts)}
            for r in result.results
        ],
    }


def register(app: typer.Typer) -> None:
    app.command("call", help=HELP)(call)
