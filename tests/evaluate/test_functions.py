"""BFCL-style function-call correctness: one case per rule and per failure kind, and the suite against itself."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from apiforge.evaluate.arguments import match_operation_arguments
from apiforge.evaluate.functions import check_function_calls, normalize_calls
from apiforge.evaluate.suites import load_suite

SUITE = Path(__file__).resolve().parents[1] / "data" / "eval" / "functions_suite.jsonl"

FUNCS = [
    {
        "type": "function",
        "function": {
            "name": "convert",
            "parameters": {
                "type": "object",
                "properties": {
                    "amount": {"type": "number"},
                    "count": {"type": "integer"},
                    "currency": {"type": "string"},
                    "note": {"type": "string"},
                    "flags": {"type": "array"},
                },
                "required": ["amount", "currency"],
            },
        },
    },
    {"name": "ping", "parameters": {"type": "object", "properties": {"host": {"type": "string"}}}},
]
GOLD = [{"convert": {"amount": [2.5, 2.0], "currency": ["New York"], "note": [""], "count": ["", 3]}}]


def call(name: str = "convert", **arguments: Any) -> list[dict[str, Any]]:
    return [{"name": name, "arguments": arguments}]


def test_right_call_with_rules_for_types_strings_and_optionals() -> None:
    assert check_function_calls(call(amount=2.5, currency="New York"), GOLD, FUNCS).is_correct
    # int → float coercion: 2 is an acceptable number for 2.0; string normalisation: case, spaces, punctuation.
    assert check_function_calls(call(amount=2, currency="new-york", count=3), GOLD, FUNCS).is_correct


@pytest.mark.parametrize(
    ("predicted", "kind"),
    [
        ([], "no-call"),
        (call(amount=2.5, currency="NY") * 2, "wrong-count"),
        (call("ping", host="a"), "wrong-function"),
        (call(amount=2.5), "missing-argument"),
        (call(amount=2.5, currency="New York", flags=[]), "unexpected-argument"),
        (call(amount=2.5, currency="New York", count=3.0), "wrong-type"),  # a float is not an integer
        (call(amount="2.5", currency="New York"), "wrong-type"),
        (call(amount=True, currency="New York"), "wrong-type"),  # a bool is not a number
        (call(amount=3.5, currency="New York"), "wrong-value"),
        (call(amount=2.5, currency="Newark"), "wrong-value"),
    ],
)
def test_each_failure_kind(predicted: list[dict[str, Any]], kind: str) -> None:
    result = check_function_calls(predicted, GOLD, FUNCS)
    assert (result.is_correct, result.kind) == (False, kind)
    assert result.detail


def test_an_optional_argument_without_empty_string_must_be_given() -> None:
    gold = [{"ping": {"host": ["a.io"]}}]  # `host` is optional in the schema, but the gold has no "" option
    assert check_function_calls(call("ping"), gold, FUNCS).kind == "missing-argument"


def test_irrelevant_questions_want_no_call() -> None:
    assert check_function_calls([], [], FUNCS).is_correct
    assert check_function_calls(call("ping", host="a"), [], FUNCS).kind == "unexpected-call"


def test_parallel_calls_are_order_free() -> None:
    gold = [{"ping": {"host": ["a"]}}, {"ping": {"host": ["b"]}}]
    assert check_function_calls(call("ping", host="b") + call("ping", host="a"), gold, FUNCS).is_correct
    result = check_function_calls(call("ping", host="b") + call("ping", host="b"), gold, FUNCS)
    assert result.kind == "wrong-value"


def test_normalize_calls_reads_common_shapes() -> None:
    shapes = [
        {"name": "ping", "arguments": '{"host": "a"}'},
        {"type": "function", "function": {"name": "ping", "arguments": {"host": "a"}}},
        {"ping": {"host": "a"}},
    ]
    assert normalize_calls(shapes) == [{"name": "ping", "arguments": {"host": "a"}}] * 3


def _first_acceptable(truth: list[dict[str, Any]]) -> list[dict[str, Any]]:
    calls = []
    for gold_call in truth:
        ((name, args),) = gold_call.items()
        calls.append({"name": name, "arguments": {k: v[0] for k, v in args.items() if v[0] != ""}})
    return calls


def test_suite_truth_scores_all_and_shuffled_scores_near_zero() -> None:
    items = load_suite(SUITE)
    assert len(items) >= 30
    assert {i.category for i in items} == {"simple", "multiple", "parallel", "irrelevance"}
    assert sum(not i.gold["ground_truth"] for i in items) >= 5
    assert sum(len(i.gold["ground_truth"]) > 1 for i in items) >= 5
    truth = [_first_acceptable(i.gold["ground_truth"]) for i in items]
    assert all(
        check_function_calls(t, i.gold["ground_truth"], i.gold["functions"]).is_correct
        for t, i in zip(truth, items, strict=True)
    )
    # Every item paired with another item's truth (fixed points of the shuffle are left out).
    order = list(range(len(items)))
    random.Random(0).shuffle(order)
    pairs = [(truth[j], items[k]) for k, j in enumerate(order) if j != k]
    assert len(pairs) > len(items) // 2
    correct = sum(check_function_calls(t, i.gold["ground_truth"], i.gold["functions"]).is_correct for t, i in pairs)
    # Only an irrelevant item paired with another irrelevant one ("no call" for both) can still be right.
    irrelevant = sum(not i.gold["ground_truth"] for i in items)
    assert correct <= irrelevant and correct / len(items) < 0.25


def test_suite_lines_are_self_consistent() -> None:
    for line in SUITE.read_text().splitlines():
        row = json.loads(line)
        names = {f["function"]["name"] for f in row["functions"]}
        for gold_call in row["ground_truth"]:
            ((name, args),) = gold_call.items()
            assert name in names
            properties = next(f for f in row["functions"] if f["function"]["name"] == name)["function"]["parameters"]
            assert set(args) <= set(properties["properties"]), row["id"]


# -- operation + arguments (the ask development set format) ----------------------------------------------------


def test_operation_and_argument_match() -> None:
    gold = ("gitea.io", "issueGetIssue", {"owner": "go-gitea", "index": 12})
    assert match_operation_arguments("gitea.io", "issueGetIssue", {"owner": "Go-Gitea ", "index": "12"}, *gold).exact
    cases = [
        (("", "", {}), "no-answer"),
        (("slack.com", "issueGetIssue", gold[2]), "wrong-api"),
        (("gitea.io", "issueListIssues", gold[2]), "wrong-operation"),
        (("gitea.io", "issueGetIssue", {"owner": "go-gitea"}), "missing-argument"),
        (("gitea.io", "issueGetIssue", {**gold[2], "repo": "x"}), "extra-argument"),
        (("gitea.io", "issueGetIssue", {"owner": "go-gitea", "index": 13}), "wrong-value"),
    ]
    for (api, op, args), kind in cases:
        assert match_operation_arguments(api, op, args, *gold).kind == kind
    dt = ("a", "b", {"at": "2024-05-14T09:30"})
    assert match_operation_arguments("a", "b", {"at": "2024-05-14T09:30:00"}, *dt).exact
