"""httpbin, plus the raw request body in its `/anything` echo (`raw_body`, base64).

httpbin's echo reports multipart files as `{name: content}` only; comparing snippets needs each part's file name
and content type too, and the exact bytes of raw bodies, so this WSGI wrapper hands httpbin a copy of the body
and adds the original bytes to the JSON it returns. Two more repairs, both outside httpbin's own logic:
- an `OPTIONS` request (not a CORS preflight) is answered by Flask itself without reaching `/anything`; the
  wrapper passes it to httpbin as `PATCH` and restores `OPTIONS` in the echo;
- a chunked body is handed over with a `Content-Length` (httpbin's WSGI server reads by length);
- `/anything/` (an API's root path) is routed to `/anything`; `raw_uri` keeps the target as sent.

Serve with: gunicorn tests.snippets.echo_app:app
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from httpbin import app as httpbin_app

__all__ = ["app"]

StartResponse = Callable[..., Any]


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    raw = environ["wsgi.input"].read()
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    method = environ["REQUEST_METHOD"]
    if method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" not in environ:
        environ["REQUEST_METHOD"] = "PATCH"
    if not environ.get("PATH_INFO", "").startswith("/anything"):
        return httpbin_app(environ, start_response)
    if environ["PATH_INFO"] == "/anything/":  # httpbin routes /anything and /anything/<path> only
        environ["PATH_INFO"] = "/anything"

    captured: dict[str, Any] = {}

    def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
        captured["status"], captured["headers"] = status, headers
        return lambda data: None

    result = httpbin_app(environ, capture)
    try:
        body = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    headers = captured["headers"]
    if body and method != "HEAD":
        try:
            echo = json.loads(body)
        except ValueError:
            echo = None
        if isinstance(echo, dict):
            echo["method"] = method
            echo["raw_body"] = base64.b64encode(raw).decode()
            # httpbin hides headers a hosting proxy would add (X-Request-Id, X-Forwarded-*): report all of them
            echo["raw_headers"] = _headers(environ)
            echo["raw_uri"] = environ.get("RAW_URI", "")  # the request target exactly as sent (gunicorn)
            body = json.dumps(echo, indent=2).encode() + b"\n"
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
    start_response(captured["status"], headers)
    return [body]


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    out = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
    for key in ("CONTENT_TYPE",):
        if environ.get(key):
            out[key.replace("_", "-").title()] = environ[key]
    return out
