"""Small JSON-Schema helpers shared by synthesis, coercion and body building.

Schemas in the model keep their `$ref`s (recursive schemas stay recursive), so every helper here resolves
lazily, one level at a time, and merges `allOf` only at the level it looks at.
"""

from __future__ import annotations

from typing import Any

from apiforge.spec.jsonschema import json_type
from apiforge.spec.model import Api

__all__ = ["JSON_TYPES", "flatten", "is_json_media", "object_properties", "schema_type"]

JsonDict = dict[str, Any]

JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")

#: `allOf` chains deeper than this are cut: a self-referencing `allOf` must not loop.
_MAX_ALLOF_DEPTH = 8


def flatten(api: Api, schema: Any, _depth: int = 0) -> JsonDict:
    """`schema` with its top-level `$ref` followed and its `allOf` (and a `$ref`'s siblings) merged into one dict.

    Merging keeps the first value of each keyword, unions `properties` and `required`: enough for building
    values, not a full JSON Schema intersection.
    """
    if not isinstance(schema, dict):
        return {}
    if "$ref" in schema and len(schema) > 1 and _depth < _MAX_ALLOF_DEPTH:
        # Keywords beside a `$ref` apply too (3.1, and 3.0 specs do it: `{"$ref": ..., "required": [...]}`);
        # they come first, so a sibling `example` wins over the referenced schema's.
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**siblings, "allOf": [{"$ref": schema["$ref"]}, *(siblings.get("allOf") or [])]}
    schema = api.resolve_schema(schema)
    if "allOf" not in schema or _depth >= _MAX_ALLOF_DEPTH:
        return schema
    merged: JsonDict = {k: v for k, v in schema.items() if k != "allOf"}
    props: JsonDict = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for sub in schema["allOf"] or []:
        part = flatten(api, sub, _depth + 1)
        for key, value in part.items():
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    props.setdefault(name, prop)
            elif key == "required" and isinstance(value, list):
                required.extend(r for r in value if r not in required)
            else:
                merged.setdefault(key, value)
    if props:
        merged["properties"] = props
    if required:
        merged["required"] = required
    return merged


def schema_type(schema: JsonDict) -> str:
    """The schema's JSON type ('' when it cannot be told): `type` (first non-null of a list), else inferred."""
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "null" if t else None)
    if isinstance(t, str) and t in JSON_TYPES:
        return t
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    for key in ("const", "default", "example"):
        if key in schema:
            return json_type(schema[key])
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return json_type(enum[0])
    return ""


def object_properties(api: Api, schema: Any) -> dict[str, JsonDict]:
    """Top-level properties of an object schema, including those of every `oneOf`/`anyOf` branch (first wins)."""
    flat = flatten(api, schema)
    props: dict[str, JsonDict] = dict(flat.get("properties") or {})
    for key in ("oneOf", "anyOf"):
        for branch in flat.get(key) or []:
            for name, prop in (flatten(api, branch).get("properties") or {}).items():
                props.setdefault(name, prop)
    return props


def is_json_media(media_type: str) -> bool:
    """`application/json`, `application/problem+json`, `text/json; charset=utf-8`... (but not `json-seq`)."""
    base = media_type.split(";", 1)[0].strip().lower()
    return base.endswith(("/json", "+json"))
