"""`apiforge ask`: a request in plain words → the right operation, its arguments, a checked request, and code.

With `--run` the answered call is then sent for real through the same path as `apiforge call`
(`apiforge.cli.call.execute_built`), once nothing but credentials is left to fill.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from apiforge.ask.pipeline import Answer, ask, function_call_text
from apiforge.ask.shots import load_examples
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, short
from apiforge.cli._state import open_catalog
from apiforge.cli.search import _update_with_progress
from apiforge.llm import get_backend

if TYPE_CHECKING:
    from apiforge.catalog import Catalog
    from apiforge.cli.call import RunOptions

__all__ = ["ask_command", "missing_values", "print_answer", "register"]

HELP = """\
Answer a request with the right API call: retrieve candidate operations, choose one, fill its
arguments from your words, build the request from the spec, check it, and print it as code.
Nothing the model says can add an endpoint or a parameter: the spec builds the call.

Models (--model): none (default: no generative model; retrieval + deterministic extraction),
local (the embedded SmolLM2-135M, needs the local extra), or any model name on an
OpenAI-compatible server (--base-url, key from APIFORGE_API_KEY or OPENAI_API_KEY).
A server model chooses the operation and fills the arguments. The embedded model takes no step
unless --model-steps says so: on our development set it made both steps worse (README, "Ask").

Examples:

\b
  apiforge ask "list the open issues of go-gitea/gitea sorted by update time" --lang go
  apiforge ask "refund charge ch_123" --api stripe.com --lang python --lang curl
  apiforge ask "what's the weather in Paris for 3 days" --api assistant-tools
  apiforge ask "create a droplet" --model qwen2.5 --base-url http://127.0.0.1:11434/v1 --json
  apiforge ask "return a UUID4" --api httpbin --run
  apiforge ask "return status code 418" --api httpbin --run --server http://127.0.0.1:8080 --json
  apiforge ask "list the records of blog/notes" --api kinto --run --all --max-pages 20

--run sends the answered call for real, with the options of `apiforge call` (--arg NAME=VALUE to give or
override a value, --all/--max-pages/--paginate, --server, --timeout, --retries, --verbose, --out, --no-auth).
It runs only when every value is known except credentials (those come from `apiforge auth set` or the
environment); otherwise it lists what to give with --arg and exits 2. With --json the output is
{"answer": ..., "call": ...}.
"""


def ask_command(
    ctx: typer.Context,
    request: Annotated[str, typer.Argument(help="What you want, in your own words.")],
    api: Annotated[str | None, typer.Option("--api", "-a", help="Only consider this API (id or prefix).")] = None,
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", "-l", help="Code target(s): curl, python, node, go, java, ruby, php, swift, c, ..."),
    ] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="none, local, or a model name on --base-url.")] = "none",
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1.")
    ] = None,
    k: Annotated[int, typer.Option("-k", "--candidates", min=1, max=50, help="Candidates to consider.")] = 5,
    strategy: Annotated[
        str,
        typer.Option(
            help="Few-shot examples for the model: 0-shot, 3-shot-random, 3-shot-retrieved (needs --examples)."
        ),
    ] = "0-shot",
    model_steps: Annotated[
        str | None,
        typer.Option(
            "--model-steps",
            metavar="STEPS",
            help="Steps the model takes, comma-separated: choose, fill (default: as measured best per backend).",
        ),
    ] = None,
    examples: Annotated[
        Path | None,
        typer.Option(help="JSONL of solved requests (request, api, operation, arguments) to draw examples from."),
    ] = None,
    run: Annotated[bool, typer.Option("--run", help="Send the answered call (see below).")] = False,
    arg: Annotated[list[str] | None, typer.Option("--arg", help="With --run: NAME=VALUE to give or override.")] = None,
    all_pages: Annotated[bool, typer.Option("--all", help="With --run: follow every next page.")] = False,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=1, help="With --run: page cap (implies --all).")
    ] = None,
    paginate_style: Annotated[
        str | None, typer.Option("--paginate", metavar="STYLE", help="With --run: force a pagination style.")
    ] = None,
    server: Annotated[str | None, typer.Option(help="With --run: server URL or index instead of the first.")] = None,
    timeout: Annotated[float, typer.Option(help="With --run: seconds per attempt.", min=0.001)] = 30.0,
    retries: Annotated[int, typer.Option(help="With --run: retries after the first attempt.", min=0)] = 2,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="With --run: the masked trace on stderr.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", dir_okay=False, help="With --run: body to FILE.")] = None,
    force: Annotated[bool, typer.Option("--force", help="With --run: send even if the check finds errors.")] = False,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="With --run: send no credentials.")] = False,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    run_flags = [arg, all_pages, max_pages, paginate_style, server, verbose, out, force, no_auth]
    if not run and any(run_flags):
        raise typer.BadParameter("the call options (--arg, --all, --server, ...) need --run", param_hint="--run")
    steps = None if model_steps is None else tuple(s.strip() for s in model_steps.split(",") if s.strip())
    if steps is not None and not set(steps) <= {"choose", "fill"}:
        raise typer.BadParameter(f"{model_steps!r}: give choose, fill or both", param_hint="--model-steps")
    backend = get_backend(model, base_url=base_url)
    with open_catalog(ctx, catalog_path) as catalog:
        api_id = catalog.find_api(api).id if api else None
        from apiforge.catalog.search import SearchIndex

        index = SearchIndex(catalog)
        _update_with_progress(index, quiet=json_output)
        shots = load_examples(examples) if examples else []
        answer = ask(
            request,
            catalog,
            api=api_id,
            backend=backend,
            langs=lang or ["curl"],
            k=k,
            index=index,
            strategy=strategy,
            examples=shots,
            use_model_for=steps,
        )
        if run:
            from apiforge.cli.call import run_options

            arguments, options = run_options(
                arg,
                all_pages=all_pages,
                max_pages=max_pages,
                paginate_style=paginate_style,
                server=server,
                timeout=timeout,
                retries=retries,
                verbose=verbose,
                out=out,
                force=force,
                no_auth=no_auth,
                json_output=json_output,
            )
            _run_answer(answer, catalog, arguments, options)
    if json_output:
        emit_json(answer.to_dict())
    else:
        print_answer(answer)
    if answer.status == "no-match" or (answer.check is not None and not answer.check.is_valid):
        raise typer.Exit(1)


def missing_values(answer: Answer, given: dict[str, str]) -> list[str]:
    """Arguments the answer could only leave as `{{placeholders}}` and `given` (--arg) does not supply.

    Credentials are never among them: they are not arguments but the auth plan's placeholders, filled at send
    time from `apiforge auth set` or the environment.
    """
    return [a.name for a in answer.arguments if a.provenance == "placeholder" and a.name not in given]


def _run_answer(answer: Answer, catalog: Catalog, given: dict[str, str], options: RunOptions) -> None:
    """Print the answer, then send its call like `apiforge call` would; always ends with `typer.Exit`."""
    from apiforge.cli.call import build_with_uploads, execute_built, without_auth

    data: dict[str, Any] = {"answer": answer.to_dict()}
    if answer.status == "no-match" or answer.kind != "openapi" or not answer.operation_id:
        why = "no operation matched" if answer.status == "no-match" else "the answer is not an HTTP operation"
        _not_run(answer, data, options, f"not run: {why}", code=1)
    missing = missing_values(answer, given)
    if missing:
        flags = " ".join(f"--arg {name}=VALUE" for name in missing)
        data["missing"] = missing
        _not_run(answer, data, options, f"not run: the request leaves {', '.join(missing)} to give; add {flags}")
    api_model, op = catalog.get_operation(answer.api_id, answer.operation_id)
    if options.no_auth:
        op = without_auth(op)
    arguments: dict[str, Any] = {**answer.arguments_dict, **given}
    built = build_with_uploads(api_model, op, arguments, options.uploads, server=options.server_choice)  # trims uploads
    if not options.json_output:
        print_answer(answer)
    result, code = execute_built(api_model, op, built, options)
    if options.json_output:
        data["call"] = result
        emit_json(data)
    raise typer.Exit(code)


def _not_run(answer: Answer, data: dict[str, Any], options: RunOptions, message: str, code: int = 2) -> None:
    data["call"] = None
    data["not_run"] = message
    if options.json_output:
        emit_json(data)
    else:
        print_answer(answer)
    typer.echo(message, err=True)
    raise typer.Exit(code)


def print_answer(answer: Answer) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.syntax import Syntax
    from rich.table import Table

    console = make_console()
    if answer.status == "no-match":
        console.print(f"[yellow]No match[/]: {escape(' '.join(answer.notes))}")
        _print_alternatives(console, answer, "Nearest operations")
        return
    title = f"[bold]{answer.method} {escape(answer.path)}[/]  ({escape(answer.api_id)} · {escape(answer.operation_id)})"
    console.print(title)
    if answer.summary:
        console.print(escape(answer.summary))
    console.print(f"[dim]why: {escape(answer.why)}[/]")
    if answer.status == "ambiguous":
        console.print("[yellow]Ambiguous[/]: other operations fit almost as well (see the alternatives below).")
    if len(answer.function_calls) > 1:
        count = len(answer.function_calls)
        console.print(f"[bold]{count} parallel calls[/] (the details below are for the request as one call):")
        for call in answer.function_calls:
            console.print(f"  • {escape(function_call_text(call['name'], call['arguments']))}")
    if answer.arguments:
        table = Table("Argument", "Value", "From", title="Arguments", title_justify="left")
        for arg in answer.arguments:
            value = "" if arg.value is None else short(str(arg.value), 60)
            origin = arg.provenance + (f' ("{short(arg.evidence, 30)}")' if arg.evidence else "")
            style = "yellow" if arg.provenance == "placeholder" else ""
            table.add_row(escape(arg.name), escape(value), escape(origin), style=style)
        console.print(table)
    if answer.check is not None:
        if answer.check.is_valid:
            console.print("[green]✓ valid against the spec[/]")
        for d in answer.check.diagnostics:
            color = "red" if d.severity == "error" else "yellow"
            console.print(
                f"[{color}]{d.severity}[/] {escape(d.code)} at {escape(d.location or '-')}: {escape(d.message)}"
            )
    for note in answer.notes:
        console.print(f"[dim]note: {escape(note)}[/]")
    for target, code in answer.code.items():
        lexer = {"call": "python"}.get(target, target.split("_", 1)[0].replace("shell", "bash"))
        console.print(Panel(Syntax(code, lexer, word_wrap=True), title=target, title_align="left"))
    _print_alternatives(console, answer, "Alternatives")


def _print_alternatives(console: object, answer: Answer, title: str) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not answer.alternatives:
        return
    table = Table("API", "Operation", "Method", "Path", "Summary", title=title, title_justify="left")
    for hit in answer.alternatives:
        table.add_row(
            escape(hit.api_id),
            escape(hit.operation_id),
            hit.method,
            escape(short(hit.path, 50)),
            escape(short(hit.summary, 50)),
        )
    console.print(table)  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    app.command("ask", help=HELP)(ask_command)
