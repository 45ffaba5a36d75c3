import json
from pathlib import Path

import pytest

from apiforge.ask.shots import Example, load_examples, select_shots
from apiforge.errors import ApiforgeError

POOL = [
    Example("list open issues of a repo", "gitea.io", "issueListIssues", {}),
    Example("create a customer with email a@b.c", "stripe.com", "PostCustomers", {"email": "a@b.c"}),
    Example("refund the charge ch_1", "stripe.com", "PostRefunds", {"charge": "ch_1"}),
    Example("show issues in octo/web", "gitea.io", "issueListIssues", {"owner": "octo", "repo": "web"}),
    Example("delete droplet 5", "digitalocean.com", "droplets_destroy", {"droplet_id": 5}),
]


def test_zero_shot_gives_nothing() -> None:
    assert select_shots("0-shot", "anything", POOL) == []


def test_random_is_seeded_and_never_the_request_itself() -> None:
    first = select_shots("3-shot-random", "refund the charge ch_1", POOL, seed=7)
    assert first == select_shots("3-shot-random", "refund the charge ch_1", POOL, seed=7)
    assert len(first) == 3
    assert all(e.request != "refund the charge ch_1" for e in first)


def test_retrieved_prefers_similar_requests() -> None:
    shots = select_shots("3-shot-retrieved", "list the issues of acme/api", POOL, k=2)
    assert {e.operation for e in shots} == {"issueListIssues"}


def test_oracle_needs_and_uses_the_gold_operation() -> None:
    with pytest.raises(ApiforgeError, match="gold operation"):
        select_shots("oracle", "x", POOL)
    shots = select_shots("oracle", "x", POOL, gold_operation=("stripe.com", "PostRefunds"))
    assert [e.operation for e in shots] == ["PostRefunds"]


def test_unknown_strategy_and_bad_file(tmp_path: Path) -> None:
    with pytest.raises(ApiforgeError, match="Unknown strategy"):
        select_shots("5-shot", "x", POOL)
    good = {"request": "r", "api": "a", "operation": "o"}
    path = tmp_path / "ex.jsonl"
    path.write_text(json.dumps(good) + "\n{not json}\n")
    with pytest.raises(ApiforgeError, match=r"ex.jsonl:2"):
        load_examples(path)
