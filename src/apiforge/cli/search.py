"""`apiforge search`: hybrid (keyword + embedding) search over the catalog's operations."""

from __future__ import annotations

from typing import Annotated

import typer

from apiforge.catalog.search import SearchIndex
from apiforge.cli._output import CatalogOption, JsonOption, emit_json, make_console, short
from apiforge.cli._state import open_catalog

__all__ = ["register", "search"]

HELP = """\
Find operations by what they do: BM25 keyword search fused with embeddings of the embedded
all-MiniLM-L6-v2 model (offline). The first search after an ingest indexes the new APIs.

Examples:

\b
  apiforge search "list open issues of a repository"
  apiforge search "refund a charge" --api stripe.com -k 3
  apiforge search "send a message to a channel" --json | jq '.[0].operation'
"""


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What you want to do, in your own words.")],
    api: Annotated[str | None, typer.Option("--api", "-a", help="Only search this API (id or unique prefix).")] = None,
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=100, help="How many results.")] = 10,
    json_output: JsonOption = False,
    catalog_path: CatalogOption = None,
) -> None:
    with open_catalog(ctx, catalog_path) as catalog:
        api_id = catalog.find_api(api).id if api else None
        index = SearchIndex(catalog)
        _update_with_progress(index, quiet=json_output)
        hits = index.search(query, api=api_id, k=k)
    if json_output:
        emit_json([h.to_dict() for h in hits])
        return
    from rich.markup import escape
    from rich.table import Table

    console = make_console()
    if index.dense_unavailable:
        console.print(f"[yellow]keyword search only[/]: {escape(index.dense_unavailable)}")
    if not hits:
        console.print("No operation matches. Is the catalog empty? Try [bold]apiforge apis[/].")
        return
    table = Table("#", "API", "Operation", "Method", "Path", "Summary", "Score", title_justify="left")
    for rank, hit in enumerate(hits, 1):
        table.add_row(
            str(rank),
            escape(hit.api_id),
            escape(hit.operation_id),
            hit.method,
            escape(short(hit.path, 50)),
            escape(short(hit.summary, 50)),
            f"{hit.score:.4f}",
        )
    console.print(table)


def _update_with_progress(index: SearchIndex, *, quiet: bool) -> None:
    """Index new or changed APIs first, with a progress bar when there is real work to do."""
    stale = index.stale_apis()
    if not stale or quiet:
        index.update()
        return
    from rich.progress import Progress

    with Progress(console=make_console(stderr=True), transient=True) as progress:
        task = progress.add_task("indexing", total=len(stale))
        index.update(lambda api_id, done, total: progress.update(task, completed=done, description=api_id))


def register(app: typer.Typer) -> None:
    app.command("search", help=HELP)(search)
