"""Turn the strings of a request (query, path, headers, form fields) into the JSON values their schemas describe.

A query string only carries text, so `limit=10` must become the integer 10 before `{"type": "integer"}` can
judge it, and `ids=1,2,3` the array `[1, 2, 3]` when the style says so. Coercion is best-effort: a string
that cannot become the schema's type is left a string, so validation reports a clear type error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from apiforge.spec.jsonschema import json_type
from apiforge.spec.model import Api

__all__ = ["coerce", "parse_bracket_key", "schema_types", "shape_form", "split_style"]

JsonDict = dict[str, Any]
_INT = re.compile(r"^[+-]?\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


def _resolve(api: Api, schema: Any) -> JsonDict:
    return api.resolve_schema(schema) if isinstance(schema, dict) else {}


def schema_types(api: Api, schema: Any, _depth: int = 0) -> set[str]:
    """The JSON types a schema allows, looking through `$ref`, `allOf`, `anyOf` and `oneOf` ('' = unknown)."""
    schema = _resolve(api, schema)
    if _depth > 8 or not schema:
        return set()
    t = schema.get("type")
    if isinstance(t, str):
        types = {t}
    elif isinstance(t, list):
        types = {x for x in t if isinstance(x, str)}
    else:
        types = set()
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key) or ():
                types |= schema_types(api, sub, _depth + 1)
        if not types and isinstance(schema.get("enum"), list):
            types = {json_type(v) for v in schema["enum"]}
        if not types and "properties" in schema:
            types = {"object"}
        if not types and "items" in schema:
            types = {"array"}
    if schema.get("nullable") is True:
        types.add("null")
    return types


def coerce(api: Api, text: str, schema: Any) -> Any:
    """One string → the scalar its schema wants (int, float, bool, None), or the string itself."""
    types = schema_types(api, schema)
    if not types or "string" in types and len(types) == 1:
        return text
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    if "integer" in types and _INT.match(text):
        return int(text)
    if "number" in types and _NUMBER.match(text):
        number = float(text)
        return int(number) if number.is_integer() and "e" not in text.lower() and "." not in text else number
    if "null" in types and text in ("null", ""):
        return None
    if types & {"object", "array"} and text[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def split_style(api: Api, values: list[str], schema: Any, style: str, explode: bool) -> Any:
    """Deserialise the raw value(s) of a path/query/header/cookie parameter per its style (arrays and objects)."""
    resolved = _resolve(api, schema)
    types = schema_types(api, resolved)
    if "array" in types and not types & {"string", "object"}:
        items = resolved.get("items", {})
        if explode and style in ("form", "deepObject") or len(values) > 1:
            parts = values
        else:
            parts = _split(values[0], style)
        return [coerce(api, p, items) for p in parts]
    if "object" in types and not types & {"string", "array"} and style != "deepObject":
        text = values[0]
        if explode and style in ("simple", "label", "matrix"):
            pairs = [p.split("=", 1) for p in _split(text, style) if p]
            raw = {k: v for k, v, *_ in (p + [""] for p in pairs)}
        else:
            flat = _split(text, style)
            raw = dict(zip(flat[::2], flat[1::2], strict=False))
        props = resolved.get("properties") or {}
        return {k: coerce(api, v, props.get(k, resolved.get("additionalProperties", {}))) for k, v in raw.items()}
    return coerce(api, values[-1] if len(values) > 1 else values[0], resolved)


def _split(text: str, style: str) -> list[str]:
    if style == "spaceDelimited":
        return text.split(" ")
    if style == "pipeDelimited":
        return text.split("|")
    if style == "label":
        return [p for p in re.split(r"[.,]", text.lstrip(".")) if p != ""] if text else []
    return text.split(",") if text != "" else []


def parse_bracket_key(key: str) -> tuple[str, list[str]]:
    """`items[0][price]` → (`items`, [`0`, `price`]); `expand[]` → (`expand`, ['']); `a` → (`a`, [])."""
    head, sep, tail = key.partition("[")
    if not sep or not head:
        return key, []
    rest = "[" + tail
    parts = _BRACKETS.findall(rest)
    if "".join(f"[{p}]" for p in parts) != rest:
        return key, []
    return head, parts


def shape_form(api: Api, fields: Iterable[tuple[str, str]], schema: Any) -> Any:
    """Form fields (`a[b][0]=x`, repeated keys, `a[]=x`) → the nested JSON value the body schema describes."""
    tree: JsonDict = {}
    for key, value in fields:
        root, parts = parse_bracket_key(key)
        _insert(tree, [root, *parts], value)
    return _shape(api, tree, schema, 0)


class _Repeated(list[Any]):
    """Values given for the same key more than once (an array, if the schema wants one)."""


def _insert(node: JsonDict, parts: list[str], value: str) -> None:
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "":
            part = str(sum(1 for k in node if k.isdigit()))
        if last:
            if part in node and not isinstance(node[part], dict):
                existing = node[part]
                node[part] = existing if isinstance(existing, _Repeated) else _Repeated([existing])
                node[part].append(value)
            else:
                node[part] = value
            return
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child


def _shape(api: Api, node: Any, schema: Any, depth: int) -> Any:
    schema = _pick_branch(api, _resolve(api, schema), node)
    types = schema_types(api, schema)
    if depth > 32:
        return node
    if isinstance(node, dict):
        if "array" in types and "object" not in types and all(k.isdigit() for k in node):
            items = schema.get("items", {})
            return [_shape(api, node[k], items, depth + 1) for k in sorted(node, key=int)]
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties", {})
        extra = extra if isinstance(extra, dict) else {}
        return {k: _shape(api, v, props.get(k, extra), depth + 1) for k, v in node.items()}
    if isinstance(node, _Repeated):
        items = schema.get("items", {}) if "array" in types else schema
        values = [_shape(api, v, items, depth + 1) for v in node]
        return values if "array" in types or not types else values[-1]
    if "array" in types and "string" not in types and isinstance(node, str):
        return [_shape(api, node, schema.get("items", {}), depth + 1)]
    if depth == 0:
        return node
    return coerce(api, node, schema) if isinstance(node, str) else node


def _pick_branch(api: Api, schema: JsonDict, node: Any) -> JsonDict:
    """For `anyOf`/`oneOf` without a type of their own, the alternative whose shape fits the form node."""
    branches = schema.get("anyOf") or schema.get("oneOf")
    if not branches or "type" in schema:
        return schema
    want = "object" if isinstance(node, dict) else "array" if isinstance(node, _Repeated) else ""
    for branch in branches:
        resolved = _resolve(api, branch)
        types = schema_types(api, resolved)
        if want and want in types:
            return resolved
        if not want and isinstance(node, str) and "string" in types and node == "":
            return resolved
    if not want and isinstance(node, str):
        for branch in branches:
            resolved = _resolve(api, branch)
            if coerce(api, node, resolved) is not node or schema_types(api, resolved) & {"string"}:
                return resolved
    return schema
