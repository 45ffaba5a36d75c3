"""`apiforge call`: build the request from the spec, check it, send it for real, print the answer.

The status line goes to stderr and the body to stdout, so `apiforge call ... > out.json` keeps only the data.
Every printed text is masked: a secret the server echoes back shows as `••••` (use --out for the raw body).
`execute_built` is the part after building, shared with `apiforge ask --run`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from apiforge.check import check_request
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, parse_arg_pairs
from apiforge.cli._state import open_catalog
from apiforge.errors import BuildError
from apiforge.http import MultipartBody
from apiforge.http.build import BuiltRequest, build_request

if TYPE_CHECKING:
    from apiforge.execute import CallResult
    from apiforge.execute.paginate import PageResult
    from apiforge.spec.model import Api, Operation

__all__ = ["RunOptions", "call", "execute_built", "register", "run_options", "split_uploads", "without_auth"]

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
  apiforge call files upload --arg file=@photo.jpg --arg title=Holiday
  apiforge call kinto update_account --arg id=ada --arg 'body={"data": {"password": "..."}}' --no-auth

--arg NAME=@PATH uploads the file at PATH as the multipart file part NAME (any other argument gets the file's
text as its value); write NAME=@@text for a value that starts with a literal "@".

With --all, every next page is followed (Link / Next-Page headers, tokens or next URLs in the body, has_more,
page or offset counters, detected from the spec and the responses; --paginate STYLE forces one) and the items of
all pages are printed as one JSON array (--out FILE writes that array).

Exit codes: 0 a 2xx answer, 1 a failed call, 2 a usage error (invalid request, missing credential or file).
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
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Send no credentials, whatever the spec asks (sign-up, public reads).")
    ] = False,
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
    if no_auth:
        op = without_auth(op)
    arguments, options = run_options(
        arg,
        verbose=verbose,
        out=out,
        timeout=timeout,
        retries=retries,
        server=server,
        force=force,
        no_auth=no_auth,
        all_pages=all_pages,
        max_pages=max_pages,
        paginate_style=paginate_style,
        json_output=json_output,
    )
    built = build_with_uploads(api_model, op, arguments, options.uploads, server=options.server_choice)
    data, code = execute_built(api_model, op, built, options)
    if json_output:
        emit_json(data)
    raise typer.Exit(code)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How to send a built request: the options `call` and `ask --run` share."""

    verbose: bool = False
    out: Path | None = None
    timeout: float = 30.0
    retries: int = 2
    force: bool = False
    all_pages: bool = False
    max_pages: int = 100
    paginate_style: str | None = None
    json_output: bool = False
    uploads: dict[str, Path] = field(default_factory=dict)
    """Multipart file parts → files to send as their content (`--arg NAME=@PATH`)."""
    server: str | None = None
    """`--server` as given: a URL the spec does not list is then the user's choice, not a check error."""
    no_auth: bool = False
    """`--no-auth`: the operation was built without credentials on purpose (see `without_auth`)."""

    @property
    def server_choice(self) -> str | int | None:
        """`--server` as `build_request` takes it: digits are an index into the spec's servers."""
        return int(self.server) if self.server is not None and self.server.isdigit() else self.server


def run_options(
    arg: list[str] | None,
    *,
    verbose: bool,
    out: Path | None,
    timeout: float,
    retries: int,
    server: str | None,
    force: bool,
    no_auth: bool,
    all_pages: bool,
    max_pages: int | None,
    paginate_style: str | None,
    json_output: bool,
) -> tuple[dict[str, str], RunOptions]:
    """The `--arg` values and the send options from the flags `call` and `ask --run` both take.

    `--max-pages` or `--paginate` imply `--all`; `--arg NAME=@PATH` becomes an upload (see `split_uploads`).
    """
    arguments, uploads = split_uploads(parse_arg_pairs(arg or []))
    options = RunOptions(
        verbose=verbose,
        out=out,
        timeout=timeout,
        retries=retries,
        force=force,
        all_pages=all_pages or paginate_style is not None or max_pages is not None,
        max_pages=max_pages or 100,
        paginate_style=paginate_style,
        json_output=json_output,
        uploads=uploads,
        server=server,
        no_auth=no_auth,
    )
    return arguments, options


def without_auth(op: Operation) -> Operation:
    """`op` needing no credentials: specs often mark every operation secured although some work anonymously."""
    return dataclasses.replace(op, security=())


def split_uploads(arguments: dict[str, str]) -> tuple[dict[str, str], dict[str, Path]]:
    """`NAME=@PATH` values → uploads (the argument becomes the file's name); `@@x` is the literal `@x`."""
    plain: dict[str, str] = {}
    uploads: dict[str, Path] = {}
    for name, value in arguments.items():
        if value.startswith("@@"):
            plain[name] = value[1:]
        elif value.startswith("@") and len(value) > 1:
            path = Path(value[1:]).expanduser()
            if not path.is_file():
                from apiforge.execute.errors import CallError  # lazily: the package pulls in httpx

                raise CallError(f"--arg {name}=@{path}: no such file (write {name}=@@... for a literal '@')")
            uploads[name] = path
            plain[name] = path.name
        else:
            plain[name] = value
    return plain, uploads


def build_with_uploads(
    api_model: Api, op: Operation, arguments: dict[str, Any], uploads: dict[str, Path], *, server: str | int | None
) -> BuiltRequest:
    """Build the request; an `@PATH` argument that is not a multipart file part gets the file's text instead.

    `uploads` is trimmed to the arguments that really are file parts (their bytes are read at send time).
    """
    try:
        built: BuiltRequest | None = build_request(api_model, op, arguments, server=server)
    except BuildError:
        if not uploads:
            raise
        built = None  # a file's name is no value for a JSON body or a number: use the files' text below
    body = built.request.body if built is not None else None
    file_parts = {p.name for p in body.parts if p.is_file} if isinstance(body, MultipartBody) else set()
    as_text = [name for name in uploads if name not in file_parts]
    if built is not None and not as_text:
        return built
    for name in as_text:
        path = uploads.pop(name)
        try:
            arguments[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            from apiforge.execute.errors import CallError

            raise CallError(
                f"--arg {name}=@{path}: '{name}' is not a file part of the request body, and the file is not UTF-8 "
                "text to use as its value"
            ) from None
    return build_request(api_model, op, arguments, server=server)


def execute_built(
    api_model: Api, op: Operation, built: BuiltRequest, options: RunOptions
) -> tuple[dict[str, Any], int]:
    """Check, send (one page or `--all`), print the human output unless `--json`; return (JSON data, exit code).

    An invalid request is refused with exit code 2 unless `options.force`.
    """
    checked = check_request(built.request, api_model)
    # What the user chose on purpose is not an error: a server the spec does not list, sending no credentials.
    waived = {"unknown-server"} if options.server else set()
    if options.no_auth:
        waived.add("missing-credentials")
    errors = [d for d in checked.errors if d.code not in waived]
    if errors and not options.force:
        for diag in errors:
            typer.echo(str(diag), err=True)
        typer.echo("refusing to send an invalid request (use --force to send it anyway)", err=True)
        raise typer.Exit(2)
    if options.all_pages:
        return _call_all(api_model, op, built, options)
    from apiforge.execute import CredentialStore, send  # lazily: httpx is not needed for --help

    result = send(
        api_model,
        op,
        built.request,
        CredentialStore(),
        timeout=options.timeout,
        retries=options.retries,
        files=options.uploads,
    )
    if options.verbose:
        for line in result.trace:
            typer.echo(line, err=True)
    out = options.out
    if out is not None and result.status is not None:
        out.write_bytes(result.content)
    data = result.to_dict()
    data.update(api=api_model.id, operation=op.id, build_warnings=list(built.warnings))
    if out is not None:
        data["saved_to"] = str(out)
    if not options.json_output:
        _print_human(result, out)
    for warning in (*built.warnings, *result.warnings):
        typer.echo(f"note: {warning}", err=True)
    return data, 0 if result.is_success else 1


def _print_human(result: CallResult, out: Path | None) -> None:
    from rich.markup import escape

    err = make_console(stderr=True)
    colour = "green" if result.is_success else "red"
    attempts = f"{len(result.attempts)} attempt{'s' if len(result.attempts) != 1 else ''}"
    status = f"{result.status} {result.reason}" if result.status is not None else "no response"
    err.print(f"[bold {colour}]{status}[/]  {result.request.method} {result.url}  ({attempts})", highlight=False)
    for hop in result.redirects:
        err.print(f"redirected: {hop}", markup=False, highlight=False)
    if result.failure:
        err.print(f"[red]failed[/red]: {escape(result.failure)}", markup=True, highlight=False)
    if out is not None:
        err.print(f"saved {len(result.content)} bytes to {out}")
        return
    if isinstance(result.body, bytes):
        err.print(f"<binary body, {len(result.content)} bytes, {result.media_type or 'no media type'}; use --out FILE>")
    elif isinstance(result.body, dict | list):
        typer.echo(json.dumps(result.body, indent=2, ensure_ascii=False))
    elif result.body:
        typer.echo(str(result.body))


def _call_all(api_model: Api, op: Operation, built: BuiltRequest, options: RunOptions) -> tuple[dict[str, Any], int]:
    """`--all`: paginate, print the merged items (masked, as each page was); exit 0 only if every page was 2xx."""
    from apiforge.execute import CredentialStore
    from apiforge.execute.paginate import STYLES, paginate

    style = options.paginate_style
    if style is not None and style not in STYLES:
        typer.echo(f"unknown pagination style {style!r}; choose one of {', '.join(STYLES)}", err=True)
        raise typer.Exit(2)
    result = paginate(
        api_model,
        op,
        built.request,
        CredentialStore(),
        max_pages=options.max_pages,
        style=style,
        timeout=options.timeout,
        retries=options.retries,
        files=options.uploads,
    )
    if options.verbose:
        for page in result.results:
            for line in page.trace:
                typer.echo(line, err=True)
    items = list(result.items)
    out = options.out
    if out is not None:
        out.write_text(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
    data = _page_dict(result)
    data.update(api=api_model.id, operation=op.id, build_warnings=list(built.warnings))
    if out is not None:
        data["saved_to"] = str(out)
        del data["items"]
    if not options.json_output:
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
    return data, 0 if result.is_success else 1


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
