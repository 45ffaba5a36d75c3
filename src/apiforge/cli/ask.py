"""`apiforge ask`: a request in plain words → the right operation, its arguments, a checked request, and code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from apiforge.ask.pipeline import Answer, ask
from apiforge.ask.shots import load_examples
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, short
from apiforge.cli._state import open_catalog
from apiforge.cli.search import _update_with_progress
from apiforge.llm import get_backend

__all__ = ["ask_command", "print_answer", "register"]

HELP = """\
Answer a request with the right API call: retrieve candidate operations, choose one, fill its
arguments from your words, build the request from the spec, check it, and print it as code.
Nothing the model says can add an endpoint or a parameter: the spec builds the call.

Models (--model): none (default: no generative model; retrieval + deterministic extraction),
local (the embedded SmolLM2-135M, needs the local extra), or any model name on an
OpenAI-compatible server (--base-url, key from APIFORGE_API_KEY or OPENAI_API_KEY).

Examples:

\b
  apiforge ask "list the open issues of go-gitea/gitea sorted by update time" --lang go
  apiforge ask "refund charge ch_123" --api stripe.com --lang python --lang curl
  apiforge ask "what's the weather in Paris for 3 days" --api assistant-tools
  apiforge ask "create a droplet" --model qwen2.5 --base-url http://127.0.0.1:11434/v1 --json
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
    examples: Annotated[
        Path | None,
        typer.Option(help="JSONL of solved requests (request, api, operation, arguments) to draw examples from."),
    ] = None,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
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
        )
    if json_output:
        emit_json(answer.to_dict())
    else:
        print_answer(answer)
    if answer.status == "no-match" or (answer.check is not None and not answer.check.is_valid):
        raise typer.Exit(1)


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
