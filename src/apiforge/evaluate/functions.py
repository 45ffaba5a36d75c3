"""Function-call correctness with the rules public leaderboards use (BFCL's AST checker, made explicit).

Gold answers are written as BFCL writes them: a list of calls, each `{function_name: {argument: [acceptable
values, ...]}}`; an empty gold list means the question is irrelevant to the functions and the right answer is
*no call*. A predicted answer is a list of `{"name": ..., "arguments": {...}}`.

Rules (each failure has its own kind, listed in `FAILURE_KINDS`):
- irrelevant question: correct only with no call (`unexpected-call` otherwise); relevant question and no call:
  `no-call`;
- the number of calls must equal the gold's (`wrong-count`); parallel calls are matched order-free (each gold
  call to a different predicted call);
- names must match (`wrong-function`);
- every argument the schema marks `required` must be given (`missing-argument`), no argument outside the schema
  or the gold (`unexpected-argument`); an argument the gold lists with `""` among its values may be omitted, one
  without `""` may not (`missing-argument`);
- types follow the schema (`wrong-type`): an int is accepted where a `number` (float) is expected, never the
  reverse, and a bool is never a number;
- values must be one of the acceptable values (`wrong-value`). Strings are normalised before comparing: case
  folded, and spaces and `,./-_*^` removed (BFCL's `standardize_string`); numbers compare as numbers; lists
  element by element, in order; objects key by key with the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["FAILURE_KINDS", "FunctionCallResult", "check_function_calls", "normalize_calls"]

FAILURE_KINDS: tuple[str, ...] = (
    "no-call",
    "unexpected-call",
    "wrong-count",
    "wrong-function",
    "missing-argument",
    "unexpected-argument",
    "wrong-type",
    "wrong-value",
)

_STRIP = re.compile(r"[ ,./\-_*^]")


@dataclass(frozen=True, slots=True)
class FunctionCallResult:
    is_correct: bool
    kind: str = ""
    """'' when correct, else one of `FAILURE_KINDS`."""
    detail: str = ""


def _standardize(text: str) -> str:
    return _STRIP.sub("", text).lower().replace("'", '"')


def _type_ok(value: Any, schema: Mapping[str, Any]) -> bool:
    expected = schema.get("type")
    if isinstance(expected, list):
        return any(_type_ok(value, {**schema, "type": t}) for t in expected)
    if expected in (None, ""):
        return True
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected in ("number", "float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "string":
        return isinstance(value, str)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected in ("array", "tuple"):
        return isinstance(value, list | tuple)
    if expected in ("object", "dict"):
        return isinstance(value, dict)
    if expected == "null":
        return value is None
    return True


def _equal(value: Any, accepted: Any) -> bool:
    if isinstance(accepted, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(accepted, bool) and value == accepted
    if isinstance(accepted, int | float) and isinstance(value, int | float):
        return float(value) == float(accepted)
    if isinstance(accepted, str) and isinstance(value, str):
        return _standardize(value) == _standardize(accepted)
    if isinstance(accepted, list | tuple) and isinstance(value, list | tuple):
        return len(value) == len(accepted) and all(_equal(v, a) for v, a in zip(value, accepted, strict=True))
    if isinstance(accepted, dict) and isinstance(value, dict):
        keys = set(accepted) | set(value)
        for key in keys:
            if key not in value:
                options = accepted[key] if isinstance(accepted[key], list) else [accepted[key]]
                if "" in options:
                    continue
                return False
            if key not in accepted:
                return False
            options = accepted[key] if isinstance(accepted[key], list) else [accepted[key]]
            if not any(_equal(value[key], option) for option in options if option != ""):
                return False
        return True
    return bool(value == accepted)


def normalize_calls(calls: Any) -> list[dict[str, Any]]:
    """Predicted calls in any common shape → `[{"name", "arguments"}]`.

    Accepts `{"name", "arguments"}` (arguments as an object or a JSON string), OpenAI tool calls
    (`{"function": {...}}`) and BFCL's `{name: {args}}`.
    """
    import json

    out: list[dict[str, Any]] = []
    for call in calls or []:
        if not isinstance(call, dict):
            continue
        if isinstance(call.get("function"), dict):
            call = call["function"]
        if "name" in call:
            args = call.get("arguments", call.get("parameters", {}))
            if isinstance(args, str):
                try:
                    args = json.loads(args or "{}")
                except ValueError:
                    args = {"__unparseable__": args}
            out.append({"name": str(call["name"]), "arguments": dict(args or {})})
        elif len(call) == 1:
            name, args = next(iter(call.items()))
            out.append({"name": str(name), "arguments": dict(args or {}) if isinstance(args, dict) else {}})
    return out


def _check_one(
    call: Mapping[str, Any], gold: Mapping[str, Any], schemas: Mapping[str, Mapping[str, Any]]
) -> FunctionCallResult:
    ((gold_name, gold_args),) = gold.items()
    if call["name"] != gold_name:
        return FunctionCallResult(False, "wrong-function", f"{call['name']} instead of {gold_name}")
    schema = schemas.get(gold_name, {})
    properties: Mapping[str, Any] = schema.get("properties", {}) or {}
    required = set(schema.get("required", []) or [])
    args: Mapping[str, Any] = call["arguments"]
    for name in required:
        if name not in args:
            return FunctionCallResult(False, "missing-argument", f"required argument {name!r} not given")
    for name, value in args.items():
        if name not in gold_args or (properties and name not in properties):
            return FunctionCallResult(False, "unexpected-argument", f"argument {name!r} is not expected")
        if name in properties and not _type_ok(value, properties[name]):
            expected = properties[name].get("type")
            return FunctionCallResult(False, "wrong-type", f"{name}={value!r} is not of type {expected}")
        options = gold_args[name] if isinstance(gold_args[name], list) else [gold_args[name]]
        if not any(_equal(value, option) for option in options if option != "" or value == ""):
            shown = [o for o in options if o != ""]
            return FunctionCallResult(False, "wrong-value", f"{name}={value!r}, expected one of {shown!r}")
    for name, options in gold_args.items():
        options = options if isinstance(options, list) else [options]
        if name not in args and "" not in options:
            return FunctionCallResult(False, "missing-argument", f"argument {name!r} not given")
    return FunctionCallResult(True)


def check_function_calls(
    predicted: Sequence[Mapping[str, Any]],
    gold: Sequence[Mapping[str, Any]],
    functions: Sequence[Mapping[str, Any]] = (),
) -> FunctionCallResult:
    """Score predicted calls (`normalize_calls` shape) against BFCL-style gold calls, given the function schemas."""
    schemas: dict[str, Mapping[str, Any]] = {}
    for f in functions:
        spec = f.get("function", f)
        schemas[str(spec.get("name"))] = spec.get("parameters", {}) or {}
    if not gold:
        if predicted:
            return FunctionCallResult(
                False, "unexpected-call", f"called {predicted[0]['name']} on an irrelevant request"
            )
        return FunctionCallResult(True)
    if not predicted:
        return FunctionCallResult(False, "no-call", "no call made")
    if len(predicted) != len(gold):
        return FunctionCallResult(False, "wrong-count", f"{len(predicted)} calls instead of {len(gold)}")
    # Order-free matching by backtracking (parallel calls are few); keep the first failure to explain a miss.
    first_failure: list[FunctionCallResult] = []
    results = [[_check_one(call, g, schemas) for call in predicted] for g in gold]

    def assign(i: int, used: frozenset[int]) -> bool:
        if i == len(gold):
            return True
        for j in range(len(predicted)):
            if j in used:
                continue
            if results[i][j].is_correct:
                if assign(i + 1, used | {j}):
                    return True
            elif not first_failure:
                first_failure.append(results[i][j])
        return False

    if assign(0, frozenset()):
        return FunctionCallResult(True)
    # Explain with the failure of the best-aligned pair: same name first, else the first failure seen.
    for i, g in enumerate(gold):
        for j, call in enumerate(predicted):
            if call["name"] == next(iter(g)) and not results[i][j].is_correct:
                return results[i][j]
    return first_failure[0] if first_failure else FunctionCallResult(False, "wrong-function", "no matching call")
