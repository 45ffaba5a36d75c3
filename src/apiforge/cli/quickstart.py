"""`apiforge quickstart`: the README's main job, offline and without keys.

For now it ingests the bundled example APIs into the catalog and lists their APIs and operations; later stages
(ask, snippets, execute) extend it without changing the command line.
"""

from __future__ import annotations

import typer

from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console
from apiforge.cli._state import open_catalog
from apiforge.cli.apis import print_apis
from apiforge.cli.ingest import exit_code, report, summary
from apiforge.cli.ops import print_operations
from apiforge.examples import example_paths

__all__ = ["quickstart", "register"]

HELP = """\
Ingest the bundled example APIs (a bookshop, a notes service, a weather service) and show what the catalog
now holds. Needs no network and no keys; safe to run again (unchanged specs are skipped).

Examples:

\b
  apiforge quickstart
  apiforge --catalog /tmp/demo.db quickstart --json
"""


def quickstart(ctx: typer.Context, json_output: JsonOption = False, catalog_path: CatalogOption = None) -> None:
    with open_catalog(ctx, catalog_path) as catalog:
        results = catalog.ingest_many([str(p) for p in example_paths()], workers=1)
        ids = [r.api_id for r in results if r.is_ok]
        operations = [op for api_id in ids for op in catalog.operations(api_id)]
        apis = [catalog.api_row(api_id) for api_id in ids]
        location = str(catalog.path)
    if json_output:
        emit_json(
            {
                "catalog": location,
                "summary": summary(results),
                "results": [r.to_dict() for r in results],
                "apis": [a.to_dict() for a in apis],
                "operations": [op.to_dict() for op in operations],
            }
        )
    else:
        report(results)
        print_apis(apis)
        print_operations(operations, len(operations))
        console = make_console()
        console.print(f"Catalog: {location}")
        console.print("Next: [bold]apiforge show bookshop createBook[/]  ·  [bold]apiforge ingest PATH|URL[/]")
    raise typer.Exit(exit_code(results, strict=True))


def register(app: typer.Typer) -> None:
    app.command("quickstart", help=HELP)(quickstart)
