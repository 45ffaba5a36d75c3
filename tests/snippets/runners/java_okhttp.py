"""Runs `java_okhttp` snippets against the OkHttp 4.12 jars in ~/.m2 (see .ci/install.d/21-snippet-runtimes-b.sh)."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import Runner
from tests.snippets.runners._java import OKHTTP_JARS, java_missing, okhttp_classpath, run_java, run_java_many


def _available() -> str | None:
    if okhttp_classpath() is None:
        missing = ", ".join(jar.name for jar in OKHTTP_JARS if not jar.is_file())
        return f"OkHttp jars missing from ~/.m2: {missing}"
    return java_missing()


def _run(code: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    return run_java(code, workdir, okhttp_classpath() or "")


def _run_many(codes: Sequence[str], workdir: Path) -> list[subprocess.CompletedProcess[str]]:
    return run_java_many(codes, workdir, okhttp_classpath() or "")


RUNNER = Runner(target="java_okhttp", available=_available, run=_run, run_many=_run_many)
