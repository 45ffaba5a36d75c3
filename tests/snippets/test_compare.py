"""The round-trip comparison must notice a wrong request, or the round trip proves nothing."""

from __future__ import annotations

import base64
import json

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part
from tests.snippets._compare import compare, echo_from_output


def _echo(method: str, uri: str, headers: dict[str, str], raw: bytes, args: dict[str, object]) -> dict[str, object]:
    return {
        "method": method,
        "url": "http://h" + uri,
        "raw_uri": uri,
        "args": args,
        "raw_headers": headers,
        "raw_body": base64.b64encode(raw).decode(),
    }


REQUEST = HttpRequest(
    "POST",
    "http://h/anything/x",
    query=(("a", "1"), ("a", "2")),
    headers=(("X-Key", "{{api_key}}"),),
    cookies=(("s", "1"),),
    body=JsonBody({"n": 1, "t": "{{token}}"}),
)
GOOD = _echo(
    "POST",
    "/anything/x?a=1&a=2",
    {"X-Key": "REPLACE_API_KEY", "Cookie": "s=1", "Content-Type": "application/json"},
    json.dumps({"t": "REPLACE_TOKEN", "n": 1}).encode(),
    {"a": ["1", "2"]},
)


def test_matching_echo_passes() -> None:
    assert compare(REQUEST, GOOD) == []


def test_each_kind_of_difference_is_reported() -> None:
    cases = {
        "method": {**GOOD, "method": "PUT"},
        "path": {**GOOD, "raw_uri": "/anything/y?a=1&a=2"},
        "query": {**GOOD, "args": {"a": ["2", "1"]}},
        "header x-key": {**GOOD, "raw_headers": {**GOOD["raw_headers"], "X-Key": "other"}},  # type: ignore[dict-item]
        "cookies": {**GOOD, "raw_headers": {"X-Key": "REPLACE_API_KEY", "Content-Type": "application/json"}},
        "JSON body": {**GOOD, "raw_body": base64.b64encode(b'{"n": 2, "t": "REPLACE_TOKEN"}').decode()},
    }
    for what, echo in cases.items():
        problems = compare(REQUEST, echo)
        assert any(p.startswith(what) for p in problems), (what, problems)


def test_form_and_multipart_differences_are_reported() -> None:
    form = HttpRequest("POST", "http://h/anything", body=FormBody((("a", "1"), ("a", "2"))))
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    assert compare(form, _echo("POST", "/anything", ctype, b"a=1&a=2", {})) == []
    assert compare(form, _echo("POST", "/anything", ctype, b"a=2&a=1", {}))

    parts = HttpRequest(
        "POST", "http://h/anything", body=MultipartBody((Part("f", "x", filename="a.csv", content_type="text/csv"),))
    )
    raw = b'--B\r\nContent-Disposition: form-data; name="f"; filename="a.csv"\r\nContent-Type: %s\r\n\r\nx\r\n--B--\r\n'
    mp = {"Content-Type": "multipart/form-data; boundary=B"}
    assert compare(parts, _echo("POST", "/anything", mp, raw % b"text/csv", {})) == []
    assert compare(parts, _echo("POST", "/anything", mp, raw % b"text/plain", {}))


def test_echo_is_found_after_a_status_line() -> None:
    assert echo_from_output('200 OK\n{"method": "GET"}\n') == {"method": "GET"}
    assert echo_from_output("500\nerror") is None
