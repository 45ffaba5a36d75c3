"""Schema violations of parameter values and bodies, explained in plain English.

The conversion of our normalised OpenAPI schemas into JSON Schema (nullable, readOnly / writeOnly, `oneOf` read
as `anyOf`, junk dropped, OpenAPI formats) lives in `apiforge.spec.jsonschema`, shared with the request builder;
this module compiles each operation's validators once on it and turns `jsonschema` errors into issues.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from apiforge.errors import did_you_mean
from apiforge.spec.jsonschema import Mode, SchemaRegistry
from apiforge.spec.model import Api

__all__ = ["Mode", "SchemaIssue", "SchemaSet", "SchemaValidator"]


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One schema violation, in checker terms: the JSON Schema keyword, the path inside the value, a message."""

    keyword: str
    path: tuple[str | int, ...]
    message: str


class SchemaSet:
    """The converted schemas of one API for one direction, and compiled validators for its schemas."""

    def __init__(self, api: Api, mode: Mode) -> None:
        self.api = api
        self.mode = mode
        self._registry = SchemaRegistry(api, mode)

    def validator(self, schema: Any) -> SchemaValidator:
        """A compiled validator for one OpenAPI schema (e.g. a parameter's or a media type's)."""
        converted = self._registry.convert(schema)
        return SchemaValidator(converted, self._registry.compile(converted))


class SchemaValidator:
    """Validates values against one converted schema and explains every violation in plain English."""

    __slots__ = ("_validator", "schema")

    def __init__(self, schema: Any, validator: Draft202012Validator) -> None:
        self.schema = schema
        self._validator = validator

    def issues(self, value: Any) -> list[SchemaIssue]:
        """Every violation (not just the first), each at its own path; [] when `value` is valid."""
        if self.schema == {} or self.schema is True:
            return []
        seen: dict[tuple[str, tuple[str | int, ...], str], SchemaIssue] = {}
        for error in self._validator.iter_errors(value):
            for issue in _explain(error):
                seen.setdefault((issue.keyword, issue.path, issue.message), issue)
        return list(seen.values())


_PLACEHOLDER = re.compile(r"^\{\{[A-Za-z_][A-Za-z0-9_]*\}\}$")


def _explain(error: ValidationError) -> Iterable[SchemaIssue]:
    if isinstance(error.instance, str) and _PLACEHOLDER.match(error.instance):
        return  # a `{{placeholder}}` stands for a value the caller fills in later: it is not wrong
    path = tuple(error.absolute_path)
    keyword = str(error.validator)
    instance = error.instance
    expected = error.validator_value
    if keyword in ("anyOf", "oneOf") and error.context:
        branch = _closest_branch(error)
        if branch is not None:
            for sub in branch:
                yield from _explain(sub)
            return
    if keyword == "additionalProperties" and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = list(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for name in instance:
            if name in known or any(p.search(name) for p in patterns):
                continue
            message = f"Unknown property '{name}'.{did_you_mean(name, known)}"
            yield SchemaIssue("additionalProperties", (*path, name), message)
        return
    if keyword == "required" and isinstance(instance, dict):
        # jsonschema reports each missing name as its own error; `validator_value` is the whole list.
        for name in expected:
            if name not in instance and repr(name) in error.message:
                yield SchemaIssue("required", (*path, name), f"Missing required property '{name}'.")
        return
    yield SchemaIssue(keyword, path, _message(keyword, instance, expected, error))


def _closest_branch(error: ValidationError) -> list[ValidationError] | None:
    """For anyOf / oneOf, the errors of the alternative the value came closest to (None if ambiguous)."""
    if str(error.validator) == "oneOf" and not any(True for _ in error.context or ()):
        return None
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        index = sub.schema_path[0] if sub.schema_path else -1
        by_branch.setdefault(int(index) if isinstance(index, int) else -1, []).append(sub)
    if not by_branch:
        return None
    # A branch whose errors are only deeper than the value itself (its type matched) beats a type mismatch.
    depth = len(error.absolute_path)

    def score(errors: list[ValidationError]) -> tuple[int, int]:
        shallow = sum(1 for e in errors if len(e.absolute_path) == depth and e.validator in ("type", "enum", "const"))
        return (shallow, len(errors))

    ranked = sorted(by_branch.values(), key=score)
    if len(ranked) > 1 and score(ranked[0]) == score(ranked[1]) and score(ranked[0])[0] > 0:
        return None
    return ranked[0]


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[0].upper() + text[1:] if text else text
    return text if text.endswith((".", "?")) else text + "."


def describe(value: Any) -> str:
    """`'abc'` → "the string 'abc'": how messages show a wrong value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "the boolean " + ("true" if value else "false")
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, list):
        return f"an array of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "an object"
    return repr(value)


def _types(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    words = {"integer": "an integer", "object": "an object", "array": "an array", "null": "null"}
    return " or ".join(words.get(str(n), f"a {n}") for n in names)


def _message(keyword: str, instance: Any, expected: Any, error: ValidationError) -> str:
    got = describe(instance)
    if keyword == "type":
        return f"Must be {_types(expected)}, got {got}."
    if keyword == "enum":
        shown = ", ".join(repr(v) for v in list(expected)[:12]) + (", ..." if len(expected) > 12 else "")
        hint = did_you_mean(instance, [v for v in expected if isinstance(v, str)]) if isinstance(instance, str) else ""
        return f"Must be one of {shown}; got {got}.{hint}"
    if keyword == "const":
        return f"Must be {expected!r}, got {got}."
    if keyword == "format":
        return f"{got[0].upper() + got[1:]} is not a valid {expected}."
    if keyword == "pattern":
        return f"{got[0].upper() + got[1:]} does not match the pattern {expected!r}."
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "greater than",
        "exclusiveMaximum": "less than",
    }
    if keyword in bounds:
        return f"Must be {bounds[keyword]} {expected}, got {instance}."
    sizes = {
        "minLength": ("at least", "character"),
        "maxLength": ("at most", "character"),
        "minItems": ("at least", "item"),
        "maxItems": ("at most", "item"),
        "minProperties": ("at least", "property"),
        "maxProperties": ("at most", "property"),
    }
    if keyword in sizes:
        word, unit = sizes[keyword]
        plural = unit if expected == 1 else ("properties" if unit == "property" else unit + "s")
        return f"Must have {word} {expected} {plural}, got {got}."
    if keyword == "multipleOf":
        return f"Must be a multiple of {expected}, got {instance}."
    if keyword == "uniqueItems":
        return "Items must be unique."
    if keyword == "oneOf":
        return f"Must match exactly one of the {len(expected)} alternatives; {got} matches none or several."
    if keyword == "anyOf":
        return f"Must match at least one of the {len(expected)} alternatives; {got} matches none."
    if keyword == "not":
        return f"{got[0].upper() + got[1:]} is not allowed here."
    return _sentence(error.message)
