"""Runs `ruby_native` snippets with the system `ruby` (net/http is in the standard library)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.snippets.runners import Runner, run_command


def _run(code: str, workdir: Path):  # type: ignore[no-untyped-def]
    (workdir / "main.rb").write_text(code, encoding="utf-8")
    return run_command(["ruby", "main.rb"], workdir)


RUNNER = Runner(
    target="ruby_native",
    available=lambda: None if shutil.which("ruby") else "ruby is not installed",
    run=_run,
)
