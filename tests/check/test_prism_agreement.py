"""Agreement with an independent referee: Prism (`prism mock --errors`) judges the same requests as apiforge.

For each spec, every operation contributes its valid request (built by apiforge) and systematic mutations of
it (drop a required parameter, wrong type, unknown path, wrong method, broken body, missing auth). Both
verdicts (valid / invalid, and where the first error is) must agree on at least 98 % of at least 1,000
requests. Every disagreement is printed; the ones where Prism is wrong are explained in docs/prism-deviations.md.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from apiforge.check import Checker
from apiforge.spec import load_spec

from ._prism import CRASHED, Case, Referee, Verdict, agree, apiforge_verdict, cases_for, prism_bin

#: Specs Prism 5.16 loads quickly (it hangs on Stripe): relative and absolute servers, bearer / basic / apiKey
#: auth, JSON, form and multipart bodies, Swagger-2-born (Kinto) and OpenAPI 3 documents.
SPECS = ("gitea.io", "httpbin.org", "mozilla.com_kinto", "openai.com", "digitalocean.com")

#: Disagreements where Prism is wrong (see docs/prism-deviations.md); printed, and counted as disagreements.
PRISM_WRONG = {
    ("openai.com", "createAnswer"): "Prism skips body validation when ajv cannot compile the schema",
    ("openai.com", "createCompletion"): "Prism skips body validation when ajv cannot compile the schema",
    ("digitalocean.com", "tags_create"): "Prism does not validate a body whose $ref points into `paths`",
}
#: Disagreements that are apiforge's documented choice.
APIFORGE_CHOICE = {
    ("digitalocean.com", "dropletActions_post_byTag"): "apiforge checks oneOf as anyOf (overlapping alternatives)",
}


@pytest.fixture(scope="module")
def referees(shared_dir: Path) -> Iterator[dict[str, Referee]]:
    if prism_bin() is None:
        pytest.skip("Prism is not installed: run .ci/install.d/30-prism.sh")
    paths = {name: shared_dir / "specs" / "directory" / f"{name}.json" for name in SPECS}
    started: dict[str, Referee] = {}
    errors = []
    with ThreadPoolExecutor(len(paths)) as pool:  # Prism takes seconds to start: start them all at once
        futures = {name: pool.submit(Referee, path) for name, path in paths.items()}
        for name, future in futures.items():
            try:
                started[name] = future.result()
            except Exception as exc:  # noqa: BLE001 - stop the others before failing
                errors.append(f"{name}: {exc}")
    try:
        assert not errors, errors
        yield started
    finally:
        for referee in started.values():
            referee.close()


@pytest.mark.server
@pytest.mark.slow
def test_apiforge_agrees_with_prism(shared_dir: Path, referees: dict[str, Referee]) -> None:
    checkers: dict[str, Checker] = {}
    by_spec: dict[str, list[Case]] = {}
    for name in SPECS:
        api = load_spec(shared_dir / "specs" / "directory" / f"{name}.json").api
        checkers[api.id] = Checker(api)
        by_spec[name] = [case for op in api.operations for case in cases_for(api, op)]

    async def judge_all() -> list[list[Verdict]]:
        return await asyncio.gather(*(referees[name].judge(by_spec[name]) for name in SPECS))

    judged = asyncio.run(judge_all())
    kinds: collections.Counter[str] = collections.Counter()
    caught: collections.Counter[str] = collections.Counter()
    disagreements: list[str] = []
    crashes: list[str] = []
    for name, verdicts in zip(SPECS, judged, strict=True):
        for case, theirs in zip(by_spec[name], verdicts, strict=True):
            ours = apiforge_verdict(checkers[case.api_id].check(case.request))
            kinds[case.kind] += 1
            caught[case.kind] += ours.category != "valid"
            label = f"{case.api_id} {case.operation_id} [{case.kind}] {case.request.method} {case.prism_path}"
            if theirs == CRASHED:
                crashes.append(label)
                continue
            if not agree(ours, theirs):
                key = (case.api_id, case.operation_id)
                why = PRISM_WRONG.get(key) or APIFORGE_CHOICE.get(key) or "UNEXPLAINED"
                disagreements.append(f"{label}: apiforge {ours} | Prism {theirs} -- {why}")

    judged_count = sum(kinds.values()) - len(crashes)
    rate = 1 - len(disagreements) / judged_count
    print(
        f"\n{sum(kinds.values())} requests {dict(kinds)}; Prism crashed on {len(crashes)}; "
        f"agreement {rate:.2%} of {judged_count}; {len(disagreements)} disagreements:"
    )
    for line in disagreements:
        print("  " + line)
    for line in crashes:
        print("  Prism crashed (restarted): " + line)
    assert judged_count >= 1000
    assert rate >= 0.98
    assert len(crashes) <= 0.01 * judged_count, "Prism crashed too often to be a referee"
    # Every made-up endpoint and method is caught, whatever Prism says.
    assert caught["unknown-path"] == kinds["unknown-path"] and caught["wrong-method"] == kinds["wrong-method"]
    assert not [d for d in disagreements if d.endswith("UNEXPLAINED")], "explain new disagreements"
