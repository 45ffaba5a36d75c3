"""parse(render(request, target)) gives the request back: exactly for curl and the Python targets, method/URL/body
for the others. Known gaps are listed with their cause (renderer or parser) and must stay exactly those."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from apiforge.errors import RenderError
from apiforge.http import FormBody, HttpRequest, MultipartBody
from apiforge.http.parse import parse_code
from apiforge.snippets import render
from apiforge.snippets._registry import targets
from tests.snippets.corpus import HANDMADE, spec_requests

EXACT = {"shell_curl", "python_requests", "python_httpx", "python_python3"}

# (target, case) → why it does not come back. A fix must remove the entry (the test fails on stale entries).
KNOWN: dict[tuple[str, str], str] = {
    ("swift_nsurlsession", "multipart-file"): "parser: the multipart body is built in a loop (not followed)",
    ("swift_nsurlsession", "multipart-repeated"): "parser: the multipart body is built in a loop (not followed)",
}


@pytest.fixture(scope="module")
def corpus(shared_dir: Path) -> list[tuple[str, HttpRequest]]:
    cases = [*HANDMADE, *spec_requests(shared_dir, 80)]
    # An empty form/multipart body has no bytes to render: no code can tell it from "no body".
    return [(n, r) for n, r in cases if not (isinstance(r.body, (FormBody, MultipartBody)) and not _fields(r.body))]


def _fields(body: FormBody | MultipartBody) -> tuple[object, ...]:
    return body.fields if isinstance(body, FormBody) else body.parts


def _expected(request: HttpRequest) -> HttpRequest:
    """A file part with no media type is sent as application/octet-stream (`Part.content_type` says so)."""
    if isinstance(request.body, MultipartBody):
        parts = tuple(
            replace(p, content_type="application/octet-stream") if p.is_file and not p.content_type else p
            for p in request.body.parts
        )
        return request.with_body(replace(request.body, parts=parts))
    return request


@pytest.mark.parametrize("target", sorted(t.name for t in targets()))
def test_round_trip(target: str, corpus: list[tuple[str, HttpRequest]]) -> None:
    fields = ("method", "url", "query", "headers", "cookies", "body") if target in EXACT else ("method", "url", "body")
    failures: dict[str, str] = {}
    checked = 0
    for name, request in corpus:
        try:
            code = render(request, target)
        except RenderError:
            continue  # e.g. OkHttp refuses a GET with a body: nothing to parse
        checked += 1
        try:
            parsed = _expected(parse_code(code, target))
        except Exception as exc:  # noqa: BLE001 - reported with the case name
            failures[name] = f"{type(exc).__name__}: {exc}"
            continue
        want = _expected(request)
        wrong = [f for f in fields if getattr(parsed, f) != getattr(want, f)]
        if wrong:
            failures[name] = "; ".join(f"{f}: want {getattr(want, f)!r} got {getattr(parsed, f)!r}" for f in wrong)
    known = {case for (t, case) in KNOWN if t == target}
    unexpected = {k: v for k, v in failures.items() if k not in known}
    print(f"\n{target}: {checked - len(failures)}/{checked} round-trip ({len(failures)} known gaps)")
    assert checked >= 80
    assert not unexpected, "\n".join(f"{k}: {v[:600]}" for k, v in unexpected.items())
    assert known <= set(failures), f"now passing, remove from KNOWN: {sorted(known - set(failures))}"
