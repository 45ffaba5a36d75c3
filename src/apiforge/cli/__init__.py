"""The `apiforge` command line (typer + rich): `apiforge --help` lists the commands."""

from apiforge.cli.app import COMMANDS, app, main

__all__ = ["COMMANDS", "app", "main"]
