"""Value synthesis from schemas: examples first, formats, ranges, composition, and recursion that terminates."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from ipaddress import IPv4Address, IPv6Address
from typing import Any

import pytest

from apiforge.http import JsonBody, build_request
from apiforge.spec.model import Api, MediaType, Operation, RequestBody, Server

REF = "#/components/schemas/"


def body_value(schema: dict[str, Any], schemas: dict[str, Any] | None = None, mode: str = "required") -> Any:
    """The synthesised JSON body of a POST whose body schema is `{"value": schema}` (value required)."""
    wrapper = {"type": "object", "required": ["value"], "properties": {"value": schema}}
    op = Operation(
        id="op",
        method="POST",
        path="/x",
        request_body=RequestBody({"application/json": MediaType(wrapper)}, required=True),
    )
    api = Api(
        id="t", title="T", version="1", servers=(Server("https://h.test"),), operations=(op,), schemas=schemas or {}
    )
    body = build_request(api, op, synthesize=mode).request.body  # type: ignore[arg-type]
    assert isinstance(body, JsonBody)
    return body.value["value"]


@pytest.mark.parametrize(
    ("schema", "check"),
    [
        ({"type": "string", "format": "date-time"}, lambda v: datetime.fromisoformat(v.replace("Z", "+00:00"))),
        ({"type": "string", "format": "date"}, date.fromisoformat),
        ({"type": "string", "format": "email"}, lambda v: v.count("@") == 1 and v.endswith("example.com")),
        ({"type": "string", "format": "uuid"}, lambda v: uuid.UUID(v).version == 4),
        ({"type": "string", "format": "uri"}, lambda v: v.startswith("https://")),
        ({"type": "string", "format": "ipv4"}, IPv4Address),
        ({"type": "string", "format": "ipv6"}, IPv6Address),
        ({"type": "string", "format": "binary"}, lambda v: isinstance(v, str) and v),
    ],
)
def test_formats_give_valid_values(schema: dict[str, Any], check: Any) -> None:
    value = body_value(schema)
    assert isinstance(value, str)
    assert check(value) is not False


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer"}, 1),
        ({"type": "integer", "format": "int32", "minimum": 10}, 10),
        ({"type": "integer", "maximum": -5}, -5),
        ({"type": "integer", "minimum": 0, "exclusiveMinimum": True}, 1),
        ({"type": "integer", "exclusiveMinimum": 7}, 8),
        ({"type": "integer", "minimum": 3, "multipleOf": 5}, 5),
        ({"type": "integer", "format": "int64", "minimum": 2**40}, 2**40),
        ({"type": "number"}, 1.5),
        ({"type": "number", "maximum": 1}, 1.0),
        ({"type": "string", "minLength": 10}, "stringxxxx"),
        ({"type": "string", "maxLength": 3}, "str"),
        ({"type": "boolean"}, True),
        ({"type": "string", "enum": ["b", "a"]}, "b"),
        ({"type": "string", "enum": [None, "x"]}, "x"),
        ({"type": "string", "default": "d", "enum": ["x", "d"]}, "d"),
        ({"type": "string", "example": "ex", "default": "d"}, "ex"),
        ({"type": "string", "examples": ["first", "second"]}, "first"),
        ({"const": "fixed"}, "fixed"),
        ({"type": ["null", "integer"]}, 1),
        ({"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 4}, {"type": "string"}]}, 4),
        ({"anyOf": [{"type": "boolean"}, {"type": "string"}]}, True),
        ({"type": "array", "items": {"type": "integer"}}, [1]),
        ({"type": "array", "minItems": 2, "items": {"type": "string", "format": "date"}}, ["2024-01-01"] * 2),
    ],
)
def test_types_ranges_and_keywords(schema: dict[str, Any], expected: Any) -> None:
    value = body_value(schema)
    assert value == expected
    assert type(value) is type(expected)


def test_objects_get_required_properties_or_all_and_never_read_only_ones() -> None:
    schema = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "name": {"type": "string"},
            "nick": {"type": "string"},
            "secret_token": {"type": "string"},
        },
    }
    assert body_value(schema) == {"name": "string"}
    assert body_value(schema, mode="all") == {"name": "string", "nick": "string", "secret_token": "{{secret_token}}"}


def test_all_of_is_merged_and_refs_followed() -> None:
    schemas = {
        "Base": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["cat"]}}},
        "Cat": {
            "allOf": [{"$ref": REF + "Base"}, {"required": ["lives"], "properties": {"lives": {"type": "integer"}}}]
        },
    }
    assert body_value({"$ref": REF + "Cat"}, schemas) == {"kind": "cat", "lives": 1}


def test_secrets_are_placeholders_never_values() -> None:
    # A `format: password` value is a placeholder named after its property (here the wrapper's `value`).
    assert body_value({"type": "string", "format": "password"}) == "{{value}}"
    schema = {
        "type": "object",
        "required": ["apiKey", "token_type"],
        "properties": {"apiKey": {"type": "string"}, "token_type": {"type": "string", "enum": ["bearer"]}},
    }
    assert body_value(schema) == {"apiKey": "{{api_key}}", "token_type": "bearer"}


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@pytest.mark.parametrize("mode", ["required", "all"])
def test_recursive_schemas_terminate(mode: str) -> None:
    schemas = {
        "Node": {
            "type": "object",
            "required": ["name", "children", "parent"],
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": REF + "Node"}},
                "parent": {"$ref": REF + "Node"},
            },
        },
        # Mutual recursion through allOf and oneOf.
        "A": {"allOf": [{"$ref": REF + "B"}], "required": ["a"], "properties": {"a": {"$ref": REF + "B"}}},
        "B": {"type": "object", "required": ["b"], "properties": {"b": {"oneOf": [{"$ref": REF + "A"}]}}},
        # A schema that is only a reference to itself.
        "Loop": {"$ref": REF + "Loop"},
        "SelfAll": {"allOf": [{"$ref": REF + "SelfAll"}], "required": ["x"], "properties": {"x": {"type": "integer"}}},
    }
    for name in schemas:
        value = body_value({"$ref": REF + name}, schemas, mode=mode)
        assert len(json.dumps(value)) < 10_000
        assert _depth(value) <= 8
    node = body_value({"$ref": REF + "Node"}, schemas, mode=mode)
    assert node["name"] == "string" and isinstance(node["children"], list) and isinstance(node["parent"], dict)
    assert body_value({"$ref": REF + "SelfAll"}, schemas) == {"x": 1}
