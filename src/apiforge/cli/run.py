"""`apiforge run`: run a saved workflow, an Arazzo document, or a request planned on the spot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, parse_arg_pairs
from apiforge.cli._state import open_catalog

if TYPE_CHECKING:
    from apiforge.workflow import RunResult, Step, Workflow

__all__ = ["register", "run_command"]

HELP = """\
Run a workflow for real: each step is built from the spec, checked, sent with credentials (`apiforge auth set`),
retries and pagination, and recorded with secrets masked. A failed step is repaired alone from the checker's
diagnostics, the spec and the response (dropping a rejected argument, filling one the server asks for, relaxing a
filter that found nothing, retrying a transient failure), at most --heal-rounds times; every repair is shown.
If it still fails, the run stops there and names the step, its request and the diagnostics.

Examples:

\b
  apiforge run plan.yaml
  apiforge run plan.yaml --input username=bob --json
  apiforge run flow.arazzo.yaml --workflow star-newest
  apiforge run "delete the customer with email jane@example.com" --api stripe.com
  apiforge run plan.json --server kinto=http://127.0.0.1:8888/v1

PLAN is a file written by `apiforge plan -o` (or by hand), an Arazzo 1.0 document, or a request in words (then
planned first, as `apiforge plan` would). Exit codes: 0 every step succeeded, 1 a step failed, 2 usage error.
"""


def run_command(
    ctx: typer.Context,
    plan: Annotated[
        str, typer.Argument(metavar="PLAN", help="A workflow file, an Arazzo document, or a request in words.")
    ],
    inputs: Annotated[list[str] | None, typer.Option("--input", "-i", help="NAME=VALUE (repeatable).")] = None,
    api: Annotated[list[str] | None, typer.Option("--api", "-a", help="For a request: only this API.")] = None,
    workflow_id: Annotated[str | None, typer.Option("--workflow", help="Arazzo: which workflow to run.")] = None,
    server: Annotated[
        list[str] | None, typer.Option("--server", help="API=URL: send that API's calls to this server.")
    ] = None,
    heal_rounds: Annotated[int, typer.Option("--heal-rounds", min=0, help="Repairs per failed step.")] = 2,
    timeout: Annotated[float, typer.Option(help="Seconds per attempt.", min=0.001)] = 30.0,
    retries: Annotated[int, typer.Option(help="Retries after the first attempt.", min=0)] = 2,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    from apiforge.execute import CredentialStore
    from apiforge.workflow import ApiSource, run_workflow

    values: dict[str, Any] = {k: _value(v) for k, v in parse_arg_pairs(inputs or []).items()}
    servers = parse_arg_pairs(server or [])
    with open_catalog(ctx, catalog_path) as catalog:
        workflow, base = _load(ctx, plan, api, workflow_id, catalog, json_output)
        source = ApiSource(catalog=catalog, base=base)
        progress_display = None if json_output else _Progress(len(workflow.steps))
        try:
            result = run_workflow(
                workflow,
                source,
                CredentialStore(),
                inputs=values,
                servers=servers,
                heal_rounds=heal_rounds,
                timeout=timeout,
                retries=retries,
                progress=progress_display.update if progress_display else None,
            )
        finally:
            if progress_display:
                progress_display.close()
    if json_output:
        emit_json(result.to_dict())
    else:
        _print_result(result)
    raise typer.Exit(0 if result.ok else 1)


def _value(text: str) -> Any:
    """`--input n=5` → 5, `--input tags=["a"]` → a list; anything else stays text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _load(
    ctx: typer.Context, plan: str, api: list[str] | None, workflow_id: str | None, catalog: Any, quiet: bool
) -> tuple[Workflow, Path | None]:
    from apiforge.workflow import Workflow, WorkflowError
    from apiforge.workflow.arazzo import from_arazzo, is_arazzo
    from apiforge.workflow.model import read_document

    path = Path(plan)
    if path.suffix.lower() in (".json", ".yaml", ".yml") or path.is_file():
        document = read_document(path)
        if is_arazzo(document):
            workflows, _sources = from_arazzo(document, base=path.parent, workflow_id=workflow_id)
            if len(workflows) > 1:
                names = ", ".join(w.id for w in workflows)
                raise WorkflowError(
                    f"the document has {len(workflows)} workflows ({names}): choose one with --workflow"
                )
            return workflows[0], path.parent
        try:
            return Workflow.from_dict(document), path.parent
        except WorkflowError as exc:
            raise WorkflowError(str(exc), source=str(path)) from None
    from apiforge.catalog.search import SearchIndex
    from apiforge.cli.plan import print_workflow
    from apiforge.cli.search import _update_with_progress
    from apiforge.workflow import plan_request

    scope = [catalog.find_api(a).id for a in api] if api else None
    index = SearchIndex(catalog)
    _update_with_progress(index, quiet=quiet)
    planned = plan_request(plan, catalog, api=scope, index=index).workflow
    if not quiet:
        print_workflow(planned)
    return planned, None


class _Progress:
    """A rich progress bar on stderr, one tick per finished step."""

    def __init__(self, total: int) -> None:
        from rich.progress import Progress

        self.bar = Progress(console=make_console(stderr=True), transient=True)
        self.task = self.bar.add_task("running", total=total)
        self.bar.start()

    def update(self, event: str, step: Step, index: int, total: int) -> None:
        if event == "start":
            self.bar.update(self.task, description=f"{index + 1}/{total} {step.id}")
        else:
            self.bar.update(self.task, completed=index + 1)

    def close(self) -> None:
        self.bar.stop()


def _print_result(result: RunResult) -> None:
    from rich.markup import escape

    err = make_console(stderr=True)
    for record in result.steps:
        mark = "[green]ok[/green]" if record.ok else "[red]failed[/red]"
        calls = len(record.calls)
        statuses = ", ".join(str(c.status) for c in record.calls[:5]) + ("…" if calls > 5 else "")
        err.print(f"{mark} {escape(record.id)}  {escape(record.operation)}  ({calls} call(s): {statuses})")
        for repair in record.repairs:
            err.print(f"   [yellow]repair {repair.round}[/yellow] ({repair.kind}): {escape(repair.detail)}")
        if not record.ok:
            err.print(f"   [red]why[/red]: {escape(record.failure)}")
            if record.calls:
                last = record.calls[-1]
                err.print(f"   request: {escape(last.request.get('method', ''))} {escape(last.url)}")
                body = json.dumps(last.body, ensure_ascii=False)[:500] if last.body is not None else ""
                if body:
                    err.print(f"   response: {escape(body)}")
            for diagnostic in record.diagnostics:
                err.print(f"   diagnostic: {escape(diagnostic)}")
    if result.ok:
        typer.echo(json.dumps(result.output, indent=2, ensure_ascii=False, default=str))
    else:
        where = f" at step '{result.failed_step}'" if result.failed_step else ""
        err.print(f"[bold red]workflow failed{escape(where)}[/bold red]: {escape(result.error)}")


def register(app: typer.Typer) -> None:
    app.command("run", help=HELP)(run_command)
