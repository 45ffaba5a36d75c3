"""`apiforge dataset`: build API Pack-style instruction datasets (`build`) or just the API DB (`api-db`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console
from apiforge.cli._state import open_catalog
from apiforge.errors import ApiforgeError
from apiforge.spec import Api, find_spec_files, load_spec

__all__ = ["register"]

HELP = """\
Build instruction → API-call datasets (the API Pack pipeline), resumable and checked.

Examples:

\b
  apiforge dataset api-db --spec specs/ --out api_db.jsonl
  apiforge dataset build --spec specs/ --out out/ --model none
  apiforge dataset build --api xkcd.com --out out/ --model local -k 3 --lang shell_curl --lang python_python3
  apiforge dataset build --spec specs/ --out out/ --model qwen2.5 --base-url http://127.0.0.1:8000/v1 \\
      --workers 4 --rate 5 --price-prompt 0.15 --price-completion 0.6

A killed build resumes where it stopped: run the same command again (results are stored in
OUT/checkpoint.db by stage, record and config; finished model calls are never made twice).
"""

SpecOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--spec", help="Spec files or folders (loaded directly, not through the catalog).", show_default=False
    ),
]
ApiOption = Annotated[
    list[str] | None,
    typer.Option(
        "--api", help="Catalog API ids (default with no --spec: every API in the catalog).", show_default=False
    ),
]
LangOption = Annotated[
    list[str] | None,
    typer.Option(
        "--lang", help="Snippet targets (default: API Pack's ten, e.g. shell_curl, python_python3).", show_default=False
    ),
]


def _load_apis(
    ctx: typer.Context, specs: list[Path] | None, api_ids: list[str] | None, catalog: Path | None
) -> list[Api]:
    apis: list[Api] = []
    for path in specs or []:
        files = find_spec_files(path) if path.is_dir() else [path]
        if not files:
            raise typer.BadParameter(f"no spec files in {path}", param_hint="--spec")
        apis.extend(load_spec(f).api for f in files)
    if api_ids or not specs:
        with open_catalog(ctx, catalog) as store:
            ids = api_ids or store.api_ids()
            apis.extend(store.get_api(store.find_api(i).id) for i in ids)
    if not apis:
        raise ApiforgeError("no APIs: pass --spec PATH or --api ID, or ingest specs into the catalog first")
    return apis


def api_db(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL file to write.", dir_okay=False)],
    specs: SpecOption = None,
    api_ids: ApiOption = None,
    langs: LangOption = None,
    json_output: JsonOption = False,
    catalog: CatalogOption = None,
) -> None:
    """Write the API DB: one record per endpoint × language, API Pack's fields, `api_call` from our snippets."""
    from apiforge.dataset import DEFAULT_TARGETS, api_db_records

    apis = _load_apis(ctx, specs, api_ids, catalog)
    count = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as stream:
        for api in apis:
            for record in api_db_records(api, tuple(langs or DEFAULT_TARGETS)):
                stream.write(orjson.dumps(record) + b"\n")
                count += 1
    if json_output:
        emit_json({"file": str(out), "apis": len(apis), "records": count})
    else:
        make_console().print(f"{count} records from {len(apis)} APIs → {out}")


def build(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the dataset (and its checkpoint).", file_okay=False)
    ],
    specs: SpecOption = None,
    api_ids: ApiOption = None,
    langs: LangOption = None,
    model: Annotated[
        str, typer.Option("--model", "-m", help="none, local (embedded SmolLM2), or a served model name.")
    ] = "none",
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server for --model.")] = None,
    k: Annotated[int, typer.Option("-k", min=2, help="Instruction candidates per endpoint.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Seed for templates, splits and shots.")] = 0,
    judge: Annotated[
        str,
        typer.Option(
            "--judge", help="auto (rules for none/local, model for a served model), model, model-shots or rules."
        ),
    ] = "auto",
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=8, help="Per instruction rewrite.")] = 80,
    workers: Annotated[int, typer.Option("--workers", "-j", min=1, help="Concurrent records per stage.")] = 1,
    rate: Annotated[float, typer.Option("--rate", min=0, help="Model calls per second at most (0: no limit).")] = 0.0,
    engine: Annotated[str, typer.Option("--engine", help="local (threads) or ray.")] = "local",
    level3: Annotated[float, typer.Option("--level3-apis", help="Held-out APIs: fraction (<1) or count.")] = 0.2,
    level2: Annotated[float, typer.Option("--level2-endpoints", help="Held-out endpoints: fraction or count.")] = 0.1,
    level1: Annotated[float, typer.Option("--level1-endpoints", help="Paraphrase tests: fraction or count.")] = 0.1,
    price_prompt: Annotated[float, typer.Option("--price-prompt", help="Price per 1M prompt tokens.")] = 0.0,
    price_completion: Annotated[
        float, typer.Option("--price-completion", help="Price per 1M completion tokens.")
    ] = 0.0,
    json_output: JsonOption = False,
    catalog: CatalogOption = None,
) -> None:
    """Run the whole pipeline: API DB, call checks, instructions, judge, selection, splits, prompts, export."""
    from apiforge.dataset import DEFAULT_TARGETS, PipelineConfig, build_dataset

    apis = _load_apis(ctx, specs, api_ids, catalog)
    config = PipelineConfig(
        targets=tuple(langs or DEFAULT_TARGETS),
        k=k,
        seed=seed,
        model=model,
        base_url=base_url,
        max_tokens=max_tokens,
        workers=workers,
        rate=rate,
        engine=engine,
        judge=judge,
        level3_apis=level3,
        level2_endpoints=level2,
        level1_endpoints=level1,
        price_prompt=price_prompt,
        price_completion=price_completion,
    )
    console = make_console(stderr=True)
    if json_output or not console.is_terminal:
        result = build_dataset(apis, out, config)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description:14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as bar:
            tasks: dict[str, Any] = {}

            def step(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            result = build_dataset(apis, out, config, progress=step)
    if json_output:
        emit_json(result.to_dict())
        return
    from rich.table import Table

    table = Table("stage", "records", "reused", "computed", "seconds", title="Stages", title_justify="left")
    for s in result.stages:
        table.add_row(s["stage"], str(s["total"]), str(s["reused"]), str(s["computed"]), f"{s['seconds']:.2f}")
    stdout = make_console()
    stdout.print(table)
    usage = result.usage["this_run"]
    stdout.print(
        f"model {result.usage['backend']}: {usage['calls']} calls, {usage['prompt_tokens']} prompt + "
        f"{usage['completion_tokens']} completion tokens, cost {result.usage['cost_this_run']:.4f}"
    )
    rows = ", ".join(f"{name} {count}" for name, count in result.written.items()) or "no rows"
    stdout.print(f"{rows} → {out} ({len(result.drops)} records dropped, see drops.jsonl and README.md)")


def register(app: typer.Typer) -> None:
    group = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None)
    group.command("build", no_args_is_help=True)(build)
    group.command("api-db", no_args_is_help=True)(api_db)
    app.add_typer(group, name="dataset")
