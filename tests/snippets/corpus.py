"""Requests every snippet target must render faithfully: hand-made edge cases, plus requests built from the
operations of the shared specs (sampled deterministically)."""

from __future__ import annotations

import zlib
from pathlib import Path

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody

__all__ = ["HANDMADE", "spec_requests"]

_API = "https://api.example.com/v1"
_TRICKY = "Zoë says \"hi\" & 'bye'\\n\nline2\ttab $HOME `id` #{x} \\(x) %s 100% ☃ 😀"

HANDMADE: list[tuple[str, HttpRequest]] = [
    ("get-plain", HttpRequest("GET", f"{_API}/items")),
    (
        "get-query-repeated",
        HttpRequest(
            "GET",
            f"{_API}/items",
            query=(("tag", "a"), ("limit", "10"), ("tag", "b c"), ("tag", "ü&=?/"), ("empty", "")),
            headers=(("Accept", "application/json"),),
        ),
    ),
    (
        "headers-quotes",
        HttpRequest(
            "GET",
            f"{_API}/quotes",
            headers=(
                # (no lone character between two spaces: jsdom's XHR rejects such values, browsers do not)
                ("X-Quote", 'say "hi" it\'s $HOME `x` \\back'),
                ("Authorization", "Bearer {{token}}"),
                ("X-Api-Key", "{{api_key}}"),
            ),
        ),
    ),
    ("cookies", HttpRequest("GET", f"{_API}/me", cookies=(("session", "{{session}}"), ("theme", "dark")))),
    (
        "json-tricky",
        HttpRequest(
            "POST",
            f"{_API}/notes",
            query=(("draft", "true"),),
            headers=(("X-Request-Id", "42"),),
            body=JsonBody(
                {
                    "title": _TRICKY,
                    "tags": ["a", "b\u2028c", ""],
                    "count": 3,
                    "ratio": 0.25,
                    "big": 12345678901234,
                    "ok": True,
                    "none": None,
                    "nested": {"deep": [{"x": 1}, [], {}], 'key with "quote"': "v"},
                    "secret": "{{api_key}}",
                }
            ),
        ),
    ),
    ("json-array", HttpRequest("PUT", f"{_API}/list", body=JsonBody([1, "two", {"three": 3}]))),
    ("json-scalar-string", HttpRequest("PUT", f"{_API}/name", body=JsonBody("just a 'string'"))),
    ("json-null", HttpRequest("PUT", f"{_API}/nothing", body=JsonBody(None))),
    (
        "json-vendor-type",
        HttpRequest("PATCH", f"{_API}/items/7", body=JsonBody({"op": "x"}, "application/merge-patch+json")),
    ),
    (
        "form",
        HttpRequest(
            "POST",
            f"{_API}/login",
            body=FormBody(
                (("user", "zoë@example.com"), ("password", "p&ss=w0rd \"'$"), ("scope", "a"), ("scope", "b"))
            ),
        ),
    ),
    ("form-odd-names", HttpRequest("POST", f"{_API}/odd", body=FormBody((("a b[c]", "1"), ("x=y", "2"), ("", "e"))))),
    (
        "multipart-file",
        HttpRequest(
            "POST",
            f"{_API}/upload",
            headers=(("Authorization", "Bearer {{token}}"),),
            body=MultipartBody(
                (
                    Part("title", 'Quarterly "report"; draft'),
                    Part("note", "@not-a-file"),
                    Part("file", 'id,name\n1,Zoë "Z"\n2,$x\n', filename="report 2024.csv", content_type="text/csv"),
                    Part("blob", "plain bytes\\n", filename="data.bin"),
                )
            ),
        ),
    ),
    (
        "multipart-repeated",
        HttpRequest(
            "POST",
            f"{_API}/photos",
            body=MultipartBody(
                (
                    Part("tag", "one"),
                    Part("tag", "two"),
                    Part("photo", "\u263a", filename="a.txt", content_type="text/plain"),
                    Part("photo", "second", filename="b.json", content_type="application/json"),
                )
            ),
        ),
    ),
    ("raw-text", HttpRequest("POST", f"{_API}/echo", body=RawBody("line 1\nline 2 'q' \"dq\" $x ☃\n"))),
    ("raw-xml", HttpRequest("PUT", f"{_API}/doc", body=RawBody('<a href="x">&amp;</a>', "application/xml"))),
    ("delete", HttpRequest("DELETE", f"{_API}/items/7", headers=(("If-Match", '"etag-1"'),))),
    ("head", HttpRequest("HEAD", f"{_API}/items")),
    ("options", HttpRequest("OPTIONS", f"{_API}/items", headers=(("X-Probe", "yes"),))),
    ("patch-form", HttpRequest("PATCH", f"{_API}/settings", body=FormBody((("dark", "1"),)))),
    (
        "path-encoded",
        HttpRequest("GET", f"{_API}/files/a%20b/%C3%BC%2Fslash", query=(("q", "x+y z"),), cookies=(("a", "1"),)),
    ),
    ("placeholder-path", HttpRequest("GET", f"{_API}/users/{{{{user_id}}}}/repos", query=(("key", "{{api_key}}"),))),
]


def spec_requests(shared_dir: Path, count: int = 240) -> list[tuple[str, HttpRequest]]:
    """`count` requests built from the shared specs' operations (all optional values filled), chosen by a stable
    hash of `file:operation` so the sample is the same on every machine and spread over every spec."""
    from apiforge.http import build_http_request
    from apiforge.spec import find_spec_files, load_spec

    built = []
    for path in sorted(find_spec_files(shared_dir / "specs")):
        api = load_spec(path).api
        for operation in api.operations:
            key = f"{path.name}:{operation.id}"
            built.append((zlib.crc32(key.encode()), key, api, operation))
    built.sort(key=lambda item: item[:2])
    return [(key, build_http_request(api, op, synthesize="all")) for _, key, api, op in built[:count]]
