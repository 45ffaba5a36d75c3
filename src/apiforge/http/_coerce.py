"""Coerce argument values (often strings from the command line, `--arg limit=10`) to their schema's type.

Only strings are converted; other values are taken as given (a caller passing `10` for a string parameter gets
`"10"` when it is serialised). A `{{placeholder}}` is never converted: it stands for a value filled in later.
Arrays accept JSON (`[1,2]`) or comma-separated text (`1,2`); objects accept JSON only.
"""

from __future__ import annotations

import json
from typing import Any

from apiforge.errors import BuildError
from apiforge.http._models import find_placeholders
from apiforge.http._schemas import flatten, schema_type
from apiforge.spec.model import Api

__all__ = ["CoercionError", "coerce"]

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class CoercionError(BuildError):
    """An argument value that cannot be read as the type its schema asks for."""

    def __init__(self, name: str, expected: str, value: Any, *, operation_id: str = "") -> None:
        self.name = name
        self.expected = expected
        self.value = value
        super().__init__(f"argument '{name}' expects {expected}, got {value!r}", operation_id=operation_id)


class _Mismatch(Exception):
    """Internal: one branch of a schema did not accept the value."""


def coerce(api: Api, schema: Any, value: Any, *, name: str, operation_id: str = "") -> Any:
    """`value` converted to the type `schema` asks for; raises `CoercionError` naming `name` when impossible."""
    flat = flatten(api, schema)
    try:
        return _coerce(api, flat, value)
    except _Mismatch:
        raise CoercionError(name, _describe(api, flat), value, operation_id=operation_id) from None


def _coerce(api: Api, flat: dict[str, Any], value: Any, depth: int = 0) -> Any:
    if not isinstance(value, str) or _is_placeholder(value) or depth > 16:
        if isinstance(value, list) and schema_type(flat) == "array":
            items = flatten(api, flat.get("items") or {})
            return [_coerce(api, items, v, depth + 1) for v in value]
        return value
    for key in ("oneOf", "anyOf"):
        branches = flat.get(key) or []
        for branch in branches:
            try:
                return _coerce(api, flatten(api, branch), value, depth + 1)
            except _Mismatch:
                continue
        if branches:
            raise _Mismatch
    kind = schema_type(flat)
    nullable = flat.get("nullable") is True or (isinstance(flat.get("type"), list) and "null" in flat["type"])
    if value == "null" and (nullable or kind == "null"):
        return None
    if kind == "integer":
        try:
            return int(value.strip())
        except ValueError:
            number = _float(value)
            if number is not None and number.is_integer():
                return int(number)
            raise _Mismatch from None
    if kind == "number":
        number = _float(value)
        if number is None:
            raise _Mismatch
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    if kind == "boolean":
        low = value.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise _Mismatch
    if kind == "array":
        items = flatten(api, flat.get("items") or {})
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise _Mismatch from None
            return [_coerce(api, items, v, depth + 1) for v in parsed]
        if not text:
            return []
        return [_coerce(api, items, part, depth + 1) for part in text.split(",")]
    if kind == "object":
        try:
            parsed = json.loads(value)
        except ValueError:
            raise _Mismatch from None
        if not isinstance(parsed, dict):
            raise _Mismatch
        return parsed
    return value


def _float(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _is_placeholder(text: str) -> bool:
    return text.startswith("{{") and text.endswith("}}") and len(find_placeholders(text)) == 1


def _describe(api: Api, flat: dict[str, Any]) -> str:
    for key in ("oneOf", "anyOf"):
        if flat.get(key):
            return " or ".join(_describe(api, flatten(api, b)) for b in flat[key])
    kind = schema_type(flat) or "any value"
    return {
        "integer": "an integer",
        "number": "a number",
        "boolean": "a boolean (true/false)",
        "array": "an array (JSON or comma-separated)",
        "object": "a JSON object",
    }.get(kind, kind)
