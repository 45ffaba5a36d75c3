from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tests.conftest import ROOT
from tests.fixtures.servers import start_server, stop_server, unused_port


@pytest.fixture(scope="session")
def echo_url() -> Iterator[str]:
    """A real httpbin whose `/anything` echo also carries the raw body (see echo_app.py)."""
    pytest.importorskip("httpbin", reason="httpbin is not installed (pip install -e '.[test]')")
    port = unused_port()
    argv = [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT), "-b", f"127.0.0.1:{port}", "-w", "2"]
    server = start_server([*argv, "--threads", "8", "tests.snippets.echo_app:app"], port)
    try:
        yield server.url
    finally:
        stop_server(server)
