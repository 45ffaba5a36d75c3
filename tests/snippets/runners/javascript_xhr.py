"""Browser XHR snippets run in jsdom windows (see xhr_page.js), many per node process."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import Completed, Runner
from tests.snippets.runners._tools import node_batch, node_reason

PAGE = Path(__file__).with_name("xhr_page.js")


def run_many(codes: Sequence[str], workdir: Path) -> list[Completed]:
    return node_batch(codes, workdir, PAGE)


def run(code: str, workdir: Path) -> Completed:
    return run_many([code], workdir)[0]


RUNNER = Runner(target="javascript_xhr", available=lambda: node_reason("jsdom"), run=run, run_many=run_many)
