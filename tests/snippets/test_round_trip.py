"""Round trip: render each corpus request in every target, run the code with the real runtime against httpbin,
and check that what httpbin received is the request that was rendered (see _compare.py for what counts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.http import HttpRequest
from apiforge.snippets import render, targets
from tests.conftest import SHARED
from tests.snippets._compare import compare, echo_from_output
from tests.snippets.corpus import HANDMADE, spec_requests
from tests.snippets.runners import runners

pytestmark = [pytest.mark.server, pytest.mark.toolchain, pytest.mark.slow]

BROWSER_TARGETS = frozenset({"javascript_xhr", "javascript_fetch"})
"""A page cannot set a Cookie header: the browser sends the cookies of its jar, so cookies are not compared."""
BODY_ONLY_TARGETS = frozenset({"shell_curl"})
"""Targets whose code prints the response body alone (curl prints no status line unless asked)."""

_CORPUS: list[tuple[str, HttpRequest]] = []


def corpus() -> list[tuple[str, HttpRequest]]:
    """The hand-made requests, plus 240 built from the shared specs when they are present."""
    if not _CORPUS:
        _CORPUS.extend(HANDMADE)
        if SHARED.is_dir():
            _CORPUS.extend(spec_requests(SHARED))
    return _CORPUS


def _target_names() -> list[str]:
    return sorted(t.name for t in targets())


@pytest.mark.parametrize("target", _target_names())
def test_snippets_send_the_request(target: str, echo_url: str, tmp_path: Path) -> None:
    runner = runners().get(target)
    if runner is None:
        pytest.skip(f"{target}: no runner in tests/snippets/runners/")
    reason = runner.available()
    if reason is not None:
        print(f"SKIPPED {target}: {reason}")
        pytest.skip(f"{target}: {reason}")
    cases = [(name, request.with_origin(echo_url + "/anything")) for name, request in corpus()]
    codes = [render(request, target) for _, request in cases]
    results = runner.run_all(codes, tmp_path)
    assert len(results) == len(cases)

    failures = []
    for (name, request), code, done in zip(cases, codes, results, strict=True):
        problems = _check(request, done.stdout, done.returncode, target)
        if problems:
            detail = "\n    ".join(problems)
            failures.append(f"{name}:\n    {detail}\n  stderr: {done.stderr[-500:]}\n  code:\n{code}")
    assert not failures, f"{len(failures)}/{len(cases)} {target} snippets sent the wrong request:\n" + "\n".join(
        failures[:8]
    )


def _check(request: HttpRequest, stdout: str, returncode: int, target: str) -> list[str]:
    if returncode != 0:
        return [f"exit code {returncode}; stdout: {stdout[-300:]!r}"]
    if request.method == "HEAD":  # no body comes back: the status line is all there is to see
        return [] if "200" in stdout or target in BODY_ONLY_TARGETS else [f"no 200 status in {stdout[-300:]!r}"]
    echo = echo_from_output(stdout)
    if echo is None:
        return [f"no httpbin echo in output {stdout[-300:]!r}"]
    status = stdout[: stdout.find("{")]
    problems = [] if "200" in status or target in BODY_ONLY_TARGETS else [f"status {status.strip()!r} is not 200"]
    return problems + compare(request, echo, cookies=target not in BROWSER_TARGETS)


def test_every_target_has_a_runner() -> None:
    missing = sorted(set(_target_names()) - set(runners()))
    assert not missing, f"targets with no runner in tests/snippets/runners/: {missing}"
