"""`apiforge plan`: a multi-step request in words → a workflow of real operations, shown, saved, or drawn."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console
from apiforge.cli._state import open_catalog
from apiforge.cli.search import _update_with_progress
from apiforge.llm import get_backend

if TYPE_CHECKING:
    from apiforge.workflow import Plan, Workflow

__all__ = ["plan_command", "print_workflow", "register"]

HELP = """\
Plan a multi-step request from the spec: find the operation that does what you ask, then the cheapest chain of
operations whose responses fill its missing inputs (a name → search → id, a list → each item), passing values
between steps with safe selectors. No model is needed; with --model the model only ranks finished plans made of
real operations.

Examples:

\b
  apiforge plan "star alice's most recently updated repo" --api gitea.io
  apiforge plan "delete the customer with email jane@example.com" --api stripe.com --mermaid
  apiforge plan "show the top tracks of the artist Radiohead" --api spotify.com -o plan.yaml
  apiforge plan "close every open issue in acme/web" --api gitea.io --arazzo close.arazzo.yaml
  apiforge run plan.yaml --input username=bob

-o writes the workflow (YAML for .yaml/.yml, else JSON): `apiforge run FILE` re-runs it with no model.
--arazzo writes it as an Arazzo 1.0 document instead (other tools can run it; so can `apiforge run`).
Exit codes: 0 planned, 2 usage error (empty request, unknown API).
"""


def plan_command(
    ctx: typer.Context,
    request: Annotated[str, typer.Argument(metavar="REQUEST", help="What you want done, in your own words.")],
    api: Annotated[list[str] | None, typer.Option("--api", "-a", help="Only use this API (repeatable).")] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="none, local, or a model name on --base-url.")] = "none",
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
    mermaid_out: Annotated[bool, typer.Option("--mermaid", help="Also print a Mermaid flowchart.")] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Save the workflow (.yaml or .json).")] = None,
    arazzo: Annotated[Path | None, typer.Option("--arazzo", help="Save it as an Arazzo 1.0 document.")] = None,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    from apiforge.catalog.search import SearchIndex
    from apiforge.workflow import ApiSource, plan_request, save_workflow
    from apiforge.workflow.diagram import mermaid

    with open_catalog(ctx, catalog_path) as catalog:
        scope = [catalog.find_api(a).id for a in api] if api else None
        index = SearchIndex(catalog)
        _update_with_progress(index, quiet=json_output)
        plan = plan_request(request, catalog, api=scope, backend=get_backend(model, base_url=base_url), index=index)
        workflow = plan.workflow
        if out is not None:
            save_workflow(workflow, out)
        if arazzo is not None:
            from apiforge.workflow.arazzo import to_arazzo

            _write_document(to_arazzo(workflow, ApiSource(catalog=catalog)), arazzo)
    if json_output:
        data = plan.to_dict()
        if mermaid_out:
            data["mermaid"] = mermaid(workflow)
        emit_json(data)
        return
    print_workflow(workflow, plan)
    if mermaid_out:
        typer.echo("\n" + mermaid(workflow))
    err = make_console(stderr=True)
    for path in (out, arazzo):
        if path is not None:
            err.print(f"saved to {path}", markup=False)


def _write_document(document: dict[str, object], path: Path) -> None:
    import json

    import yaml

    if path.suffix.lower() in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    else:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def print_workflow(workflow: Workflow, plan: Plan | None = None) -> None:
    """The steps as a numbered list: operation, arguments (with where each value comes from), outputs."""
    from rich.markup import escape

    console = make_console()
    title = workflow.summary or workflow.id
    console.print(
        f"[bold]{escape(title)}[/bold]  ({len(workflow.steps)} step{'s' if len(workflow.steps) != 1 else ''})"
    )
    if workflow.inputs:
        shown = ", ".join(f"{k}={v!r}" for k, v in workflow.inputs.items())
        console.print(f"  inputs: {escape(shown)}")
    for number, step in enumerate(workflow.steps, 1):
        loop = f"  [magenta]for each in {escape(step.for_each)}[/magenta]" if step.for_each else ""
        console.print(f"  [cyan]{number}. {escape(step.id)}[/cyan]: {escape(step.api)} {escape(step.operation)}{loop}")
        for name, value in step.arguments.items():
            console.print(f"       {escape(name)} = {escape(str(value))}")
        for name, value in step.outputs.items():
            console.print(f"       [green]→ {escape(name)}[/green] = {escape(value)}")
    if plan is not None:
        for reason in plan.reasons:
            console.print(f"  [dim]why: {escape(reason)}[/dim]")
        for other in plan.alternatives:
            console.print(f"  [dim]alternative: {escape(' → '.join(op for _a, op in other.operations))}[/dim]")
    for note in workflow.notes:
        console.print(f"  [yellow]note[/yellow]: {escape(note)}")


def register(app: typer.Typer) -> None:
    app.command("plan", help=HELP)(plan_command)
