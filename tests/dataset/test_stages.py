"""Seeds, the rule judge, selection and splits: the pure functions between the model calls."""

from __future__ import annotations

from typing import Any

from apiforge.dataset.instructions import seed_instructions, write_candidates
from apiforge.dataset.judge import rule_verdict
from apiforge.dataset.records import endpoint_key
from apiforge.dataset.select import select_candidates
from apiforge.dataset.splits import make_splits
from apiforge.llm import ModelError

ENDPOINT: dict[str, Any] = {
    "api_id": "notes",
    "operation_id": "deleteNote",
    "api_name": "Notes API",
    "endpoint": "deleteNote",
    "functionality": "Delete a note",
    "description": "Delete a note forever; it cannot be restored afterwards.",
    "method": "delete",
    "path": "/notes/{noteId}",
}


def test_seeds_name_the_api_never_the_endpoint_and_are_reproducible() -> None:
    seeds = seed_instructions(ENDPOINT, 4, seed=1)
    assert seeds == seed_instructions(ENDPOINT, 4, seed=1)
    assert len(set(seeds)) == 4
    assert all("with the Notes API" in s and "deleteNote" not in s for s in seeds)
    assert "I need to delete a note forever; it cannot be restored afterwards with the Notes API." in " ".join(seeds)


def test_without_a_model_the_candidates_are_the_seeds() -> None:
    out = write_candidates(ENDPOINT, None, k=3, seed=0)
    assert out["candidates"] == out["seeds"] and out["errors"] == []


def test_rule_judge_catches_the_papers_error_patterns() -> None:
    assert rule_verdict("How do I delete a note with the Notes API?", ENDPOINT) == (True, [])
    chatter = 'Sure! Here is a query: "Delete a note with the Notes API." Also "List notes".'
    assert "wrong format" in rule_verdict(chatter, ENDPOINT)[1][0]
    assert any(
        "wrong API name" in r for r in rule_verdict("How do I delete a note with the Todo service?", ENDPOINT)[1]
    )
    assert any("identifier" in r for r in rule_verdict("Call deleteNote on the Notes API to drop a note.", ENDPOINT)[1])
    assert any("intent" in r for r in rule_verdict("How can I upload a photo with the Notes API?", ENDPOINT)[1])


class _NoLogprobs:
    name = "fake-hosted-chat-model"  # a boundary we cannot reach: a hosted API without prompt log-probs

    def prompt_logprobs(self, context: str, continuation: str, *, purpose: str = "") -> list[float]:
        raise ModelError("this backend cannot give prompt log-probs", backend=self.name)


def test_selection_falls_back_to_the_overlap_score_and_says_so() -> None:
    candidates = ["How do I delete a note forever with the Notes API?", "Remove something with the Notes API.", "x"]
    verdicts = [{"good": True, "reasons": []}, {"good": True, "reasons": []}, {"good": False, "reasons": ["bad"]}]
    out = select_candidates(ENDPOINT, candidates, verdicts, _NoLogprobs())  # type: ignore[arg-type]
    assert out["kept"] and out["score_kind"] == "overlap"
    assert out["instruction"] == candidates[0] and out["paraphrase"] == candidates[1]
    assert "cannot give prompt log-probs" in out["notes"][0]


def test_fewer_than_two_distinct_good_candidates_is_a_recorded_drop() -> None:
    same = ["How do I delete a note with the Notes API?"] * 2
    out = select_candidates(ENDPOINT, same, [{"good": True, "reasons": []}] * 2, None)
    assert not out["kept"] and out["drop_reason"].startswith("1 distinct good candidate(s) of 2, 2 needed")
    assert "1 good candidate(s) repeat another word for word" in out["drop_reason"]


def _instances() -> list[dict[str, Any]]:
    return [
        {"api_id": f"api{a}", "operation_id": f"op{e}", "target": t, "lang": t, "paraphrase": f"p{a}{e}"}
        for a in range(5)
        for e in range(10)
        for t in ("shell_curl", "python_python3")
    ]


def test_splits_are_disjoint_where_they_must_be_and_reproducible() -> None:
    splits, notes = make_splits(_instances(), seed=7, level3_apis=1, level2_endpoints=0.1, level1_endpoints=5)
    again, _ = make_splits(_instances(), seed=7, level3_apis=1, level2_endpoints=0.1, level1_endpoints=5)
    assert splits == again and notes == []
    train_eps = {endpoint_key(i) for i in splits["train"]}
    train_apis = {i["api_id"] for i in splits["train"]}
    assert len({i["api_id"] for i in splits["test_level3"]}) == 1
    assert not {i["api_id"] for i in splits["test_level3"]} & train_apis
    assert {endpoint_key(i) for i in splits["test_level2"]}.isdisjoint(train_eps)
    assert {i["api_id"] for i in splits["test_level2"]} <= train_apis
    assert len({endpoint_key(i) for i in splits["test_level1"]}) == 5
    assert {endpoint_key(i) for i in splits["test_level1"]} <= train_eps
    assert all(i["instruction"] == i["paraphrase"] for i in splits["test_level1"])
    other, _ = make_splits(_instances(), seed=8, level3_apis=1, level2_endpoints=0.1, level1_endpoints=5)
    assert other != splits
