"""The selector language: Arazzo runtime expressions with JMESPath tails, conditions; never `eval`."""

from __future__ import annotations

import pytest

from apiforge.workflow import ExpressionError, evaluate, evaluate_condition, resolve
from apiforge.workflow.expressions import json_pointer, references

CONTEXT = {
    "inputs": {"owner": "ada", "n": 2},
    "steps": {
        "find-user": {"outputs": {"id": 7, "items": [{"name": "a", "t": "2"}, {"name": "b", "t": "9"}]}},
    },
    "response": {"body": {"data": [{"id": "x1"}, {"id": "x2"}]}, "header": {"x-total-count": "41"}, "status": 200},
    "statusCode": 200,
}


def test_arazzo_expressions_and_dashed_step_ids() -> None:
    assert evaluate("$inputs.owner", CONTEXT) == "ada"
    assert evaluate("$steps.find-user.outputs.id", CONTEXT) == 7
    assert evaluate("$response.body#/data/1/id", CONTEXT) == "x2"
    assert evaluate("$response.header.X-Total-Count", CONTEXT) == "41"
    assert evaluate("$statusCode", CONTEXT) == 200


def test_jmespath_tails_select_filter_and_rank() -> None:
    assert evaluate("$steps.find-user.outputs.items | max_by(@, &t).name", CONTEXT) == "b"
    assert evaluate("$steps.find-user.outputs.items[?name=='a'] | [0].t", CONTEXT) == "2"
    assert evaluate("$response.body.data[*].id", CONTEXT) == ["x1", "x2"]


def test_resolve_walks_nested_values_templates_and_escapes() -> None:
    value = {"q": "$inputs.owner", "list": ["$inputs.n", 3], "text": "hi {$inputs.owner}!", "lit": "$$5"}
    assert resolve(value, CONTEXT) == {"q": "ada", "list": [2, 3], "text": "hi ada!", "lit": "$5"}


def test_missing_values_are_none_and_bad_selectors_are_errors() -> None:
    assert evaluate("$steps.find-user.outputs.nothing", CONTEXT) is None
    assert json_pointer([1], "/5") is None
    with pytest.raises(ExpressionError) as info:
        evaluate("$inputs.owner | [?", CONTEXT)
    assert "[?" in str(info.value) and info.value.expression == "$inputs.owner | [?"
    with pytest.raises(ExpressionError):
        evaluate("$ 1 + 1", CONTEXT)


def test_simple_conditions_compare_loosely_and_combine() -> None:
    assert evaluate_condition("$statusCode == 200", CONTEXT)
    assert evaluate_condition("$statusCode == '200' && $response.header.x-total-count > 40", CONTEXT)
    assert not evaluate_condition("$statusCode != 200 || $inputs.n >= 3", CONTEXT)
    assert evaluate_condition("$inputs.owner == 'ADA'", CONTEXT)  # Arazzo: strings compare case-insensitively


def test_regex_jsonpath_and_jmespath_conditions() -> None:
    assert evaluate_condition("^a", CONTEXT, kind="regex", on="$inputs.owner")
    assert evaluate_condition("$.data[0].id", CONTEXT, kind="jsonpath", on="$response.body")
    assert not evaluate_condition("$.data[5]", CONTEXT, kind="jsonpath", on="$response.body")
    assert evaluate_condition("length(data) > `1`", CONTEXT, kind="jmespath", on="$response.body")
    with pytest.raises(ExpressionError):
        evaluate_condition("$..id", CONTEXT, kind="jsonpath", on="$response.body")


def test_references_name_the_steps_a_value_reads() -> None:
    assert references({"a": "$steps.s1.outputs.x", "b": ["{$steps.s-2.outputs.y}"]}) == {"s1", "s-2"}
