"""The `apiforge` command group: one module per command, registered from `COMMANDS`.

To add a command, write `src/apiforge/cli/<name>.py` with a `register(app: typer.Typer) -> None` function and
add `"<name>"` to `COMMANDS` below; nothing else changes.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from apiforge import __version__
from apiforge.cli._output import print_error
from apiforge.cli._state import CliState
from apiforge.errors import ApiforgeError

__all__ = ["COMMANDS", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "app", "main"]

#: Command modules under `apiforge.cli`, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = (
    "quickstart",
    "ask",
    "search",
    "snippet",
    "check",
    "call",
    "plan",
    "run",
    "auth",
    "ingest",
    "apis",
    "ops",
    "show",
    "remove",
    "eval",
    "dataset",
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
"""0: success; 1: checks or calls failed; 2: usage or input error (click's own usage errors exit 2 as well)."""

HELP = """\
apiforge: correct API calls, grounded in the API's own description.

Examples:

\b
  apiforge quickstart                      # ingest the bundled example APIs and list them
  apiforge ingest specs/ https://example.com/openapi.json
  apiforge apis
  apiforge ops stripe --method post --grep customer
  apiforge show xkcd.com getComicById
  apiforge --catalog /tmp/cat.db apis --json

Exit codes: 0 ok, 1 checks failed, 2 usage or input error.
"""


class _Group(TyperGroup):
    """Turns apiforge errors into `ErrorType: message` and exit code 2, and unexpected ones into exit 1."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):  # typer's own control flow and usage errors
            raise
        except ApiforgeError as exc:
            print_error(exc)
            raise typer.Exit(EXIT_USAGE) from None
        except Exception as exc:
            if os.environ.get("APIFORGE_DEBUG"):
                raise
            print_error(exc)
            typer.echo("(an internal error; run again with APIFORGE_DEBUG=1 for the traceback)", err=True)
            raise typer.Exit(EXIT_FAILED) from None


app = typer.Typer(
    cls=_Group,
    help=HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"apiforge {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    catalog: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="Catalog database file (default: $APIFORGE_CATALOG, else the user data dir).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    ctx.obj = CliState(catalog=catalog)


for _name in COMMANDS:
    importlib.import_module(f"apiforge.cli.{_name}").register(app)


def main() -> None:
    """Console-script entry point (`apiforge`)."""
    app(prog_name="apiforge")
