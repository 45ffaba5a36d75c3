"""`apiforge eval`: run a system on a suite (cached, scored, stored in a run folder) and report on runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console
from apiforge.cli._state import open_catalog

if TYPE_CHECKING:
    from apiforge.evaluate import EvalItem, Run, Scorer
    from apiforge.evaluate.systems import System

__all__ = ["register"]

RUN_HELP = """\
Run a system on a suite and score it; everything is stored in the run folder OUT.

SUITE is a JSONL file in one of three formats (docs/evaluation.md): API Pack rows, BFCL-style function-calling
items, or NL → operation + arguments (tests/data/ask/dev.jsonl). Systems: `ask` (apiforge, any --model and
--strategy), `raw` (the model writes the call itself, prompted like API Pack) and `predictions` (a saved JSONL
file of answers from any outside system). Rerunning into the same folder reuses cached outputs; only changed
items or a changed system are run again. Decoding is deterministic (temperature 0, fixed seed).

Examples:

\b
  apiforge eval run tests/data/ask/dev.jsonl --out runs/ask-none --limit 50
  apiforge eval run tests/data/eval/functions_suite.jsonl --out runs/fc-local --model local
  apiforge eval run apipack_level3.jsonl --system raw --model gpt-4o --strategy 3-shot-retrieved --out runs/gpt4o
  apiforge eval run suite.jsonl --system predictions --predictions preds.jsonl --out runs/theirs --execute
  apiforge eval report runs/ask-none runs/fc-local --out runs/report
"""

REPORT_HELP = """\
Write report.html (self-contained: plotly inlined, opens offline), report.csv and report.json for RUN folders.

Runs are shown side by side: headline metrics, accuracy by level / language / API / kind, failure kinds and
examples of each failure kind.

Examples:

\b
  apiforge eval report runs/ask-none --out runs/report
  apiforge eval report runs/a runs/b --out cmp --title "ask vs raw" --json
"""


def eval_run(
    ctx: typer.Context,
    suite: Annotated[Path, typer.Argument(help="Suite file (JSONL).", exists=True, dir_okay=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Run folder (created; reused as a cache).")],
    system: Annotated[str, typer.Option("--system", "-s", help="ask, raw or predictions.")] = "ask",
    model: Annotated[str, typer.Option("--model", "-m", help="none, local, or a model name.")] = "none",
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
    strategy: Annotated[
        str, typer.Option("--strategy", help="0-shot, 3-shot-random, 3-shot-retrieved (ask: also oracle).")
    ] = "0-shot",
    examples: Annotated[
        Path | None, typer.Option("--examples", help="Shots for ask (JSONL of solved requests).", dir_okay=False)
    ] = None,
    predictions: Annotated[
        Path | None, typer.Option("--predictions", help="Answers file for --system predictions.", dir_okay=False)
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="Only the first N items.")] = None,
    model_steps: Annotated[
        str | None,
        typer.Option("--model-steps", help="ask: steps the model does: choose,fill ('' none; default: ask's)."),
    ] = None,
    unscoped: Annotated[
        bool, typer.Option("--unscoped", help="ask searches the whole catalog instead of the item's API.")
    ] = False,
    execute: Annotated[bool, typer.Option("--execute", help="Also send calls to Prism mocking the spec.")] = False,
    rule: Annotated[
        str, typer.Option("--threshold-rule", help="API Pack similarity test: gt (released code, > 0.9) or ge.")
    ] = "gt",
    name: Annotated[str, typer.Option("--name", help="Run name in reports (default: the folder name).")] = "",
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    from apiforge.evaluate import PredictionsFile, PrismPool, RawModelSystem, Scorer, load_suite
    from apiforge.evaluate.systems import AskSystem
    from apiforge.llm import get_backend

    if rule not in ("gt", "ge"):
        raise typer.BadParameter("must be gt or ge", param_hint="--threshold-rule")
    items = load_suite(suite, limit=limit)
    if not items:
        raise typer.BadParameter("the suite has no items", param_hint="SUITE")
    with open_catalog(ctx, catalog_path) as catalog:
        if system == "ask":
            from apiforge.ask.shots import load_examples

            shots = load_examples(examples) if examples else []
            runner: System = AskSystem(
                catalog,
                backend=get_backend(model, base_url=base_url),
                backend_name=model,
                strategy=strategy,
                examples=shots,
                scoped=not unscoped,
                work_dir=out / "work",
                use_model_for=[x for x in model_steps.split(",") if x.strip()] if model_steps is not None else None,
            )
        elif system == "raw":
            backend = get_backend(model, base_url=base_url)
            if backend is None:
                raise typer.BadParameter("the raw-model system needs a model (--model local or a name)")
            runner = RawModelSystem(backend, items, backend_name=model, strategy=strategy, catalog=catalog)
        elif system == "predictions":
            if predictions is None:
                raise typer.BadParameter("--system predictions needs --predictions FILE")
            runner = PredictionsFile(predictions)
        else:
            raise typer.BadParameter(f"unknown system {system!r}: ask, raw or predictions", param_hint="--system")
        prism = PrismPool() if execute else None
        try:
            scorer = Scorer(catalog, prism, rule=rule)  # type: ignore[arg-type]
            run = _with_progress(items, runner, scorer, out, str(suite), name, quiet=json_output)
        finally:
            if prism is not None:
                prism.close()
    if json_output:
        emit_json({"folder": str(run.folder), "config": run.config, "summary": run.summary})
        return
    _print_summary(run)


def _with_progress(
    items: Sequence[EvalItem], runner: System, scorer: Scorer, out: Path, suite: str, name: str, *, quiet: bool
) -> Run:
    """Run with a progress bar on stderr that shows the accuracy so far (none with --json)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from apiforge.evaluate import run_suite

    if quiet:
        return run_suite(items, runner, scorer, out, suite=suite, name=name)
    columns = (
        TextColumn("[bold]eval[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("accuracy so far {task.fields[accuracy]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=make_console(stderr=True), transient=True) as bar:
        task = bar.add_task("eval", total=len(items), accuracy="–")

        def update(done: int, total: int, accuracy: float) -> None:
            bar.update(task, completed=done, accuracy=f"{100 * accuracy:.1f} %")

        return run_suite(items, runner, scorer, out, suite=suite, name=name, progress=update)


def _print_summary(run: Run) -> None:
    from rich.table import Table

    from apiforge.evaluate.scoring import LOWER_IS_BETTER, METRICS

    console = make_console()
    overall = run.summary["overall"]
    table = Table("metric", "rate", "items", title=f"{run.name}: {overall['n']} items", title_justify="left")
    for metric in METRICS:
        if metric in overall:
            note = " (lower is better)" if metric in LOWER_IS_BETTER else ""
            table.add_row(metric + note, f"{100 * overall[metric]:.1f} %", str(overall[f"{metric}_n"]))
    console.print(table)
    if run.summary.get("failures"):
        console.print("failures: " + ", ".join(f"{k} {v}" for k, v in run.summary["failures"].items()))
    console.print(f"reused cached outputs: {run.summary.get('reused_outputs', 0)}; run folder: {run.folder}")


def eval_report(
    runs: Annotated[list[Path], typer.Argument(help="Run folders.", exists=True, file_okay=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.html, report.csv, report.json.")],
    title: Annotated[str, typer.Option("--title", help="Report title.")] = "apiforge evaluation",
    json_output: JsonOption = False,
) -> None:
    from apiforge.evaluate import load_run, write_reports
    from apiforge.evaluate.report import report_json

    loaded = [load_run(r) for r in runs]
    paths = write_reports(loaded, out, title=title)
    if json_output:
        emit_json({"files": {k: str(v) for k, v in paths.items()}, **report_json(loaded)})
        return
    console = make_console()
    for kind, path in paths.items():
        console.print(f"{kind}: {path}")


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Evaluate systems and models on API-call suites; report on runs.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    group.command("run", help=RUN_HELP)(eval_run)
    group.command("report", help=REPORT_HELP)(eval_report)
    app.add_typer(group, name="eval")
