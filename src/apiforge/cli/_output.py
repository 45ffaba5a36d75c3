"""Console output shared by the commands: lazy rich consoles, JSON to stdout, errors as `ErrorType: message`.

rich is imported inside the functions so that `apiforge --help` and `--json` runs do not pay for it up front.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["CatalogOption", "JsonOption", "emit_json", "make_console", "parse_arg_pairs", "print_error", "short"]

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON to stdout (nothing else).")]
CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog database file (default: $APIFORGE_CATALOG, else the user data dir).",
        dir_okay=False,
        show_default=False,
    ),
]


def make_console(*, stderr: bool = False) -> Console:
    """A console on the current stdout/stderr (looked up now, so test runners that swap streams work).

    `NO_COLOR` turns colour off (https://no-color.org); off a terminal the width is fixed so that output does not
    depend on where it runs.
    """
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    is_tty = stream.isatty()
    width = None if is_tty or os.environ.get("COLUMNS") else 120
    return Console(
        file=stream, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, width=width, soft_wrap=False
    )


def emit_json(value: Any) -> None:
    """Write `value` as indented JSON to stdout: the only thing a `--json` run prints there."""
    data = orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS)
    typer.echo(data.decode())


def print_error(exc: BaseException) -> None:
    """Print `ErrorType: message` in red on stderr (never a traceback)."""
    from rich.markup import escape

    # soft_wrap: an error is one line however narrow the terminal, so it greps and pipes cleanly.
    make_console(stderr=True).print(f"[bold red]{type(exc).__name__}[/bold red]: {escape(str(exc))}", soft_wrap=True)


def short(text: str, limit: int = 80) -> str:
    """First line of `text`, cut to `limit` characters with an ellipsis."""
    line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def parse_arg_pairs(pairs: list[str]) -> dict[str, str]:
    """`--arg NAME=VALUE` options as a dict (values stay strings: the builder coerces them per the spec)."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise typer.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--arg")
        out[name.strip()] = value
    return out
