"""No false positives: the request apiforge builds for every operation of every shared spec checks valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apiforge.check import Checker
from apiforge.http.build import build_request
from apiforge.spec import load_spec

SPEC_DIRS = ("specs/directory", "specs/swagger2", "fixtures/apipack/specs")

#: Requests the *builder* gets wrong, each verified by reading the spec: the checker is right to reject them
#: (true positives, asserted below at the first error's location). Empty since the builder checks spec examples
#: against their schema and honours `pattern`, `$ref` siblings and nested required objects; an entry belongs
#: here only when the spec itself is unsatisfiable. A fixed entry fails with "now valid": delete it.
BUILDER_DEFECTS: dict[tuple[str, str], str] = {}

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def _spec_files() -> list[str]:
    files = [p for d in SPEC_DIRS for p in sorted((SHARED / d).glob("*.json"))] if SHARED.is_dir() else []
    return [str(p.relative_to(SHARED)) for p in files]


def _template(path: str) -> str:
    """`/cards/{idCard}#x` → `/cards/{}`: templates a request cannot tell apart."""
    return re.sub(r"\{[^}]*\}", "{}", path.partition("#")[0].rstrip("/")) or "/"


@pytest.mark.slow
@pytest.mark.parametrize("spec", _spec_files() or ["(shared data absent)"])
def test_every_built_request_checks_valid(shared_dir: Path, spec: str) -> None:
    api = load_spec(shared_dir / spec).api
    checker = Checker(api)
    problems: list[str] = []
    for op in api.operations:
        request = build_request(api, op).request
        result = checker.check(request)
        known = BUILDER_DEFECTS.get((api.id, op.id))
        if known is not None:
            if result.is_valid:
                problems.append(f"{op.id}: now valid, remove it from BUILDER_DEFECTS")
            elif result.errors[0].location != known:
                problems.append(f"{op.id}: expected the builder defect at {known}, got {result.errors[0]}")
            continue
        if not result.is_valid:
            problems.append(f"{op.id} {op.method} {op.path}: " + "; ".join(str(d) for d in result.errors[:3]))
            continue
        matched = api.operation(result.operation_id or "")
        # Two operations sharing method and template (told apart only by a fragment) are equally right.
        if matched is None or (matched.method, _template(matched.path)) != (op.method, _template(op.path)):
            problems.append(f"{op.id}: matched {result.operation_id} instead")
    assert not problems, f"{len(problems)} of {len(api.operations)} operations:\n" + "\n".join(problems)


@pytest.mark.slow
def test_hallucinations_are_caught_on_every_operation(shared_dir: Path) -> None:
    """Mutating each built Stripe/Gitea request into a made-up endpoint or host never goes unnoticed."""
    for name in ("stripe.com", "gitea.io"):
        api = load_spec(shared_dir / "specs/directory" / f"{name}.json").api
        checker = Checker(api)
        for op in api.operations:
            request = build_request(api, op).request
            # Insert a made-up segment between the server's base path and the operation's path.
            depth = len([s for s in op.path.partition("#")[0].split("/") if s])
            segments = request.url.rstrip("/").split("/")
            cut = len(segments) - depth
            fake_url = "/".join([*segments[:cut], "hallucinated", *segments[cut:]])
            fake_path = checker.check(request.with_url(fake_url))
            assert [d.code for d in fake_path.errors] == ["unknown-path"], op.id
            if name == "stripe.com":  # Gitea's server is relative (`/api/v1`): any host is its host
                host = request.with_origin("https://api.hallucinated.example")
                assert "unknown-server" in [d.code for d in checker.check(host).errors], op.id
