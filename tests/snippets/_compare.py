"""Compare the request httpbin received (its `/anything` echo, see echo_app.py) with the `HttpRequest` rendered.

What counts: method, path, query (per key, in order; keys in any order), every header the request names
(case-insensitive; headers clients add on their own are ignored), cookies, the body's media type and the body
itself (JSON by value, form fields per key, multipart parts with file names and file content types, raw bytes).
Placeholders are expected as the snippets print them (`REPLACE_X`).
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import json
import urllib.parse
from typing import Any

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, RawBody, placeholder_to_code

__all__ = ["compare", "echo_from_output"]


def echo_from_output(stdout: str) -> dict[str, Any] | None:
    """httpbin's JSON echo in a snippet's output (the first JSON object printed), or None."""
    start = stdout.find("{")
    while start != -1:
        try:
            value, _ = json.JSONDecoder().raw_decode(stdout, start)
        except ValueError:
            start = stdout.find("{", start + 1)
            continue
        return value if isinstance(value, dict) and "method" in value else None
    return None


def compare(request: HttpRequest, echo: dict[str, Any], *, cookies: bool = True) -> list[str]:
    """What differs between `request` and what the server received, as readable lines ([] when they agree).

    `cookies=False` for browser targets, where the page cannot set a Cookie header (the browser's jar does).
    """
    problems = []
    if echo.get("method") != request.method:
        problems.append(f"method: sent {echo.get('method')!r}, expected {request.method!r}")
    got_path = urllib.parse.unquote(urllib.parse.urlsplit(echo.get("raw_uri") or echo.get("url", "")).path)
    want_path = _code(urllib.parse.unquote(request.path))
    if got_path != want_path:
        problems.append(f"path: sent {got_path!r}, expected {want_path!r}")
    got_query = {k: v if isinstance(v, list) else [v] for k, v in echo.get("args", {}).items()}
    want_query = _grouped((_code(k), _code(v)) for k, v in request.query)
    if got_query != want_query:
        problems.append(f"query: sent {got_query!r}, expected {want_query!r}")
    headers = {k.lower(): v for k, v in echo.get("raw_headers", echo.get("headers", {})).items()}
    wanted: dict[str, list[str]] = {}
    for name, value in request.headers:
        wanted.setdefault(name.lower(), []).append(_code(value))
    for name, values in wanted.items():
        if headers.get(name) != ", ".join(values):
            problems.append(f"header {name}: sent {headers.get(name)!r}, expected {', '.join(values)!r}")
    if cookies:
        got_cookies = dict(c.strip().split("=", 1) for c in headers.get("cookie", "").split(";") if "=" in c)
        want_cookies = {_code(k): _code(v) for k, v in request.cookies}
        if got_cookies != want_cookies:
            problems.append(f"cookies: sent {got_cookies!r}, expected {want_cookies!r}")
    raw = base64.b64decode(echo.get("raw_body", ""))
    problems += _compare_body(request, raw, headers.get("content-type", ""))
    return problems


def _compare_body(request: HttpRequest, raw: bytes, content_type: str) -> list[str]:
    body = request.body
    if isinstance(body, FormBody) and not body.fields:
        body = None  # a form with no fields sends nothing: renderers send no body
    if body is None:
        return [f"body: sent {raw[:200]!r}, expected none"] if raw else []
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != body.media_type.lower() and not (
        isinstance(body, MultipartBody) and media_type == "multipart/form-data"
    ):
        return [f"content type: sent {content_type!r}, expected {body.media_type!r}"]
    if isinstance(body, JsonBody):
        try:
            got = json.loads(raw)
        except ValueError:
            return [f"JSON body: sent invalid JSON {raw[:200]!r}"]
        want = _code_json(body.value)
        return [] if got == want else [f"JSON body: sent {got!r}, expected {want!r}"]
    if isinstance(body, FormBody):
        got_form = _grouped(urllib.parse.parse_qsl(raw.decode(), keep_blank_values=True))
        want_form = _grouped((_code(k), _code(v)) for k, v in body.fields)
        return [] if got_form == want_form else [f"form: sent {got_form!r}, expected {want_form!r}"]
    if isinstance(body, MultipartBody):
        return _compare_parts(body, raw, content_type)
    assert isinstance(body, RawBody)
    content = body.content if isinstance(body.content, bytes) else _code(body.content).encode()
    return [] if raw == content else [f"raw body: sent {raw[:200]!r}, expected {content[:200]!r}"]


def _compare_parts(body: MultipartBody, raw: bytes, content_type: str) -> list[str]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
    )
    got = []
    for part in message.iter_parts():
        disposition = part.get("Content-Disposition")
        name = disposition.params.get("name") if disposition else None
        filename = disposition.params.get("filename") if disposition else None
        payload = part.get_payload(decode=True) or b""
        got.append((name, filename, payload.decode("utf-8", "replace"), part.get("Content-Type")))
    want = [(_code(p.name), p.filename, _code(p.value), p.content_type) for p in body.parts]
    if len(got) != len(want):
        return [f"multipart: sent {len(got)} parts {got!r}, expected {len(want)} {want!r}"]
    problems = []
    for (name, filename, value, ctype), (w_name, w_filename, w_value, w_ctype) in zip(got, want, strict=True):
        if (name, filename, value) != (w_name, w_filename, w_value):
            problems.append(f"part: sent {(name, filename, value)!r}, expected {(w_name, w_filename, w_value)!r}")
        # a file part's type is the snippet's to set; a plain field's type cannot be set through FormData
        if w_filename is not None and w_ctype and (ctype or "").split(";")[0].strip() != w_ctype:
            problems.append(f"part {w_name!r} content type: sent {ctype!r}, expected {w_ctype!r}")
    return problems


def _code(text: str) -> str:
    return placeholder_to_code(text)


def _code_json(value: Any) -> Any:
    if isinstance(value, str):
        return _code(value)
    if isinstance(value, dict):
        return {_code(k): _code_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_code_json(v) for v in value]
    return value


def _grouped(pairs: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out
