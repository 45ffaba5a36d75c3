from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apiforge.cli import app


class Run:
    """Invoke the CLI in-process; `--json` output is parsed for you."""

    def __init__(self, catalog: Path) -> None:
        self.catalog = catalog
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, env: dict[str, str] | None = None) -> Any:
        result = self.runner.invoke(app, ["--catalog", str(self.catalog), *args], env=env)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str, code: int = 0) -> Any:
        return json.loads(self(*args, "--json", code=code).stdout)


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., Any]:
    return Run(tmp_path / "cli.db")
