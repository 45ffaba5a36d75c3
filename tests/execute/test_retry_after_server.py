"""Retry-After honoured by `send`: httpbin's /status/429 sends none, so a tiny real server here does."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from apiforge.execute import CredentialStore, send
from apiforge.http._models import HttpRequest
from apiforge.spec.model import Api, Operation, Response

pytestmark = pytest.mark.server


class _Handler(BaseHTTPRequestHandler):
    hits = 0
    retry_after = "2"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).hits += 1
        if type(self).hits == 1:
            self.send_response(429)
            self.send_header("Retry-After", type(self).retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.hits = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(("retry_after", "expected"), [("2", 2.0), ("120", 5.0)])
def test_retry_after_is_waited_and_capped(server: str, tmp_path, retry_after: str, expected: float) -> None:
    _Handler.retry_after = retry_after
    op = Operation(id="get", method="GET", path="/", responses=(Response(status="200"),))
    api = Api(id="local", title="local", version="1", operations=(op,))
    waits: list[float] = []
    result = send(
        api,
        op,
        HttpRequest("GET", server + "/"),
        CredentialStore(tmp_path / "none.toml", environ={}),
        retries=2,
        max_delay=5.0,
        sleep=waits.append,
    )
    assert result.status == 200 and result.is_success and result.body == {"ok": True}
    assert waits == [expected] and [a.status for a in result.attempts] == [429, 200]
