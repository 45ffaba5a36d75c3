"""Browser XHR snippets run in jsdom windows (see xhr_page.js), many per node process."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import Completed, Runner, run_command
from tests.snippets.runners._tools import NODE_MODULES, node_reason

PAGE = Path(__file__).with_name("xhr_page.js")
_ENV = {"NODE_PATH": str(NODE_MODULES)}
_END = "@@apiforge-snippet-end@@\n"


def run(code: str, workdir: Path) -> Completed:
    return run_many([code], workdir)[0]


def run_many(codes: Sequence[str], workdir: Path) -> list[Completed]:
    workdir.mkdir(parents=True, exist_ok=True)
    names = []
    for index, code in enumerate(codes):
        name = f"snippet{index:04d}.js"
        (workdir / name).write_text(code, encoding="utf-8")
        names.append(name)
    done = run_command(["node", str(PAGE), *names], workdir, env=_ENV, timeout=600)
    chunks = done.stdout.split(_END)
    results = []
    for index in range(len(codes)):
        out = chunks[index] if index < len(chunks) - 1 else ""
        failed = index >= len(chunks) - 1 or "@@apiforge-snippet-failed@@" in out
        results.append(subprocess.CompletedProcess(["snippet", str(index)], 1 if failed else 0, out, done.stderr))
    return results


RUNNER = Runner(target="javascript_xhr", available=lambda: node_reason("jsdom"), run=run, run_many=run_many)
