"""Build every operation of every shared spec, in both synthesis modes, and check what comes out.

Per operation: no exception; an absolute URL with no unfilled `{template}`; the body's media type is one the
operation offers; invariants (no Content-Type / Cookie headers); credentials only as placeholders; every
placeholder reported; determinism; an equal request back from HAR.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from apiforge.http import BuiltRequest, HttpRequest, build_request, find_placeholders
from apiforge.http._body import base_media_type
from apiforge.spec import Api, Operation, load_spec

SPEC_GLOBS = ("specs/directory/*.json", "specs/swagger2/*.json", "fixtures/apipack/specs/*.json")
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SPEC_FILES = sorted(p for pattern in SPEC_GLOBS for p in SHARED.glob(pattern))
_TEMPLATE_LEFT = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")
_CREDENTIAL = re.compile(r"^(?:(?:Basic|Bearer) )?\{\{[a-z0-9_]+\}\}$")


def _spec_id(path: Path) -> str:
    return path.name.removesuffix(".json")


def _check(api: Api, op: Operation, built: BuiltRequest) -> None:
    req = built.request
    where = f"{api.id} {op.id}"
    assert req.method == op.method, where
    parts = urllib.parse.urlsplit(req.url)
    assert parts.scheme in ("http", "https") and parts.netloc, where
    assert not parts.query and not parts.fragment, where
    assert not _TEMPLATE_LEFT.search(req.url), f"{where}: template left in {req.url}"
    assert not any(k.lower() in ("content-type", "cookie") for k, _ in req.headers), where
    authorization = req.header("Authorization")
    if authorization is not None and built.provenance.get("Authorization") != "given":
        assert _CREDENTIAL.match(authorization), f"{where}: {authorization}"
    if req.body is not None:
        assert op.request_body is not None, where
        offered = {base_media_type(m) for m in op.request_body.content}
        assert base_media_type(req.body.media_type) in offered or "*/*" in offered, where
    names = set(built.placeholders)
    for text in (req.url, *(v for _, v in req.query), *(v for _, v in req.headers), *(v for _, v in req.cookies)):
        assert set(find_placeholders(text)) <= names, where
    for p in op.parameters:
        if p.required and p.name.lower() != "content-type":
            assert {p.name, f"{p.location}.{p.name}"} & set(built.provenance), f"{where}: {p.name} left out"
    assert HttpRequest.from_har(req.to_har()) == req, where


@pytest.mark.slow
@pytest.mark.parametrize("spec_file", SPEC_FILES, ids=_spec_id)
def test_every_operation_builds(spec_file: Path, shared_dir: Path) -> None:
    api = load_spec(spec_file).api
    assert api.operations
    for op in api.operations:
        required = build_request(api, op)
        _check(api, op, required)
        full = build_request(api, op, synthesize="all")
        _check(api, op, full)
        assert build_request(api, op) == required, f"{op.id}: not deterministic"
        # "all" fills at least what "required" fills.
        assert set(required.provenance) <= set(full.provenance), op.id


def test_the_shared_specs_are_all_found(shared_dir: Path) -> None:
    assert len(SPEC_FILES) == 26
