from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.servers import start_server, stop_server, unused_port

SPECS = Path(__file__).resolve().parent.parent / "data" / "specs"


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """`tests/data/specs`: small hand-written descriptions, good and broken."""
    return SPECS


@pytest.fixture(scope="session")
def specs_url() -> Iterator[str]:
    """`tests/data/specs` served by a real `python -m http.server` on a free port (for URL loading)."""
    port = unused_port()
    argv = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(SPECS)]
    server = start_server(argv, port)
    try:
        yield server.url
    finally:
        stop_server(server)
