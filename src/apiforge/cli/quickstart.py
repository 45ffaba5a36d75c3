"""`apiforge quickstart`: the README's main job, offline and without keys.

It ingests the bundled example APIs into the catalog, then answers two requests in plain words with `ask` on the
embedded default (retrieval with the embedded embedding model, deterministic argument extraction, no generative
model): the operation, its arguments, the checked request, and code.
"""

from __future__ import annotations

import typer

from apiforge.ask.pipeline import ask
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console
from apiforge.cli._state import open_catalog
from apiforge.cli.apis import print_apis
from apiforge.cli.ask import print_answer
from apiforge.cli.ingest import exit_code, report, summary
from apiforge.examples import example_paths

__all__ = ["DEMO_REQUESTS", "quickstart", "register"]

#: What the quick start asks, and in which languages it shows the code.
DEMO_REQUESTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("add the book 'Dune' to the catalogue", ("curl", "python")),
    ("hourly forecast for Lisbon", ("node",)),
)

HELP = """\
Ingest the bundled example APIs (a bookshop, a notes service, a weather service), then answer two requests
in plain words with `apiforge ask`. Needs no network and no keys; safe to run again (unchanged specs are skipped).

Examples:

\b
  apiforge quickstart
  apiforge --catalog /tmp/demo.db quickstart --json
"""


def quickstart(ctx: typer.Context, json_output: JsonOption = False, catalog_path: CatalogOption = None) -> None:
    with open_catalog(ctx, catalog_path) as catalog:
        results = catalog.ingest_many([str(p) for p in example_paths()], workers=1)
        ids = [r.api_id for r in results if r.is_ok]
        apis = [catalog.api_row(api_id) for api_id in ids]
        location = str(catalog.path)
        answers = [ask(request, catalog, api=ids, langs=langs) for request, langs in DEMO_REQUESTS]
    if json_output:
        emit_json(
            {
                "catalog": location,
                "summary": summary(results),
                "results": [r.to_dict() for r in results],
                "apis": [a.to_dict() for a in apis],
                "answers": [a.to_dict() for a in answers],
            }
        )
    else:
        report(results)
        print_apis(apis)
        console = make_console()
        for answer in answers:
            console.rule(f"apiforge ask {answer.request!r}")
            print_answer(answer)
        console.print(f"Catalog: {location}")
        console.print(
            'Next: [bold]apiforge ask "..." --lang go[/]  ·  [bold]apiforge search "..."[/]  ·  '
            "[bold]apiforge ingest PATH|URL[/]  ·  [bold]apiforge show bookshop createBook[/]"
        )
    raise typer.Exit(exit_code(results, strict=True))


def register(app: typer.Typer) -> None:
    app.command("quickstart", help=HELP)(quickstart)
