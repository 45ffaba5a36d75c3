"""Value synthesis from schemas: examples first, formats, ranges, composition, and recursion that terminates."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, datetime
from ipaddress import IPv4Address, IPv6Address
from typing import Any

import pytest

from apiforge.http import FormBody, JsonBody, build_request
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


@pytest.mark.parametrize(
    ("pattern", "bounds"),
    [
        ("^XE[0-9a-fA-F]{32}$", {}),  # twilio Sids
        ("^(SM|MM)[0-9a-fA-F]{32}$", {}),
        ("^[\\da-z]{26}$", {}),  # 1password ids
        ("^[\\\\w-]+$", {}),  # vercel: a class of backslash, 'w' and '-'
        ("^/", {}),  # kinto paths: only the start is fixed
        ("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", {"minLength": 20}),
        ("^[0-9]{1,19}$", {"minLength": 5, "maxLength": 6}),
        ("^$|[0-9a-f]{8}\\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\\b[0-9a-f]{12}", {}),
        ("^((xn--)?[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*\\.)+[a-zA-Z]{2,}\\.?$", {}),
        ("^(?<year>\\d{4})-(?:0[1-9]|1[0-2])$", {}),  # an ECMA named group
        ("^[^,\\s]+(,[^,\\s]+)*$", {"maxLength": 40}),
        ("^\\u00e9t[e\\xe9]$", {}),
    ],
)
def test_strings_match_their_pattern_and_length(pattern: str, bounds: dict[str, int]) -> None:
    value = body_value({"type": "string", "pattern": pattern, **bounds})
    assert isinstance(value, str) and value  # never the empty branch when another gives text
    assert re.search(pattern.replace("(?<", "(?P<"), value), value
    assert bounds.get("minLength", 0) <= len(value) <= bounds.get("maxLength", 10_000)


def test_pattern_generation_is_deterministic_and_gives_up_gracefully() -> None:
    assert body_value({"type": "string", "pattern": "^AC[0-9a-fA-F]{4}$"}) == "ACaaaa"
    # Backreferences are outside the subset: the plain synthesised string, no crash.
    assert body_value({"type": "string", "pattern": "^(a)\\1$"}) == "string"
    assert body_value({"type": "string", "pattern": "(unclosed"}) == "string"
    # A format sample that already matches the pattern is kept.
    assert body_value({"type": "string", "format": "email", "pattern": "@"}) == "user@example.com"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        # DigitalOcean's `hour`: an example of the wrong type is skipped.
        ({"type": "string", "example": 840}, "string"),
        # OpenAI's array example written as text: the array is synthesised instead.
        (
            {
                "type": "array",
                "minItems": 1,
                "example": "[['q', 'a']]",
                "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "string"}},
            },
            [["string", "string"]],
        ),
        ({"type": "string", "default": "x", "enum": ["a", "b"]}, "a"),
        ({"type": "integer", "minimum": 10, "example": 3, "default": 12}, 12),
        ({"type": "string", "format": "date", "example": "yesterday"}, "2024-01-01"),
        ({"type": "string", "pattern": "^CL[0-9]{2}$", "example": "CL12"}, "CL12"),
        ({"type": "string", "nullable": True, "example": None}, None),
        ({"type": "array", "items": {"enum": ["x", "y"]}, "examples": [["production"]]}, ["x"]),
    ],
)
def test_examples_and_defaults_are_used_only_when_they_fit(schema: dict[str, Any], expected: Any) -> None:
    assert body_value(schema) == expected


def test_example_fit_follows_refs_and_read_only() -> None:
    schemas = {
        "Window": {
            "type": "object",
            "required": ["hour", "id"],
            "properties": {"hour": {"type": "string"}, "id": {"type": "integer", "readOnly": True}},
        }
    }
    # A readOnly property need not be in a request example; a wrong nested type disqualifies it.
    good = {"$ref": REF + "Window", "example": {"hour": "08:00"}}
    bad = {"$ref": REF + "Window", "example": {"hour": 840}}
    assert body_value(good, schemas) == {"hour": "08:00"}
    assert body_value(bad, schemas) == {"hour": "string"}


def _api_with_body(schema: dict[str, Any], media_type: str, example: Any = None) -> tuple[Api, Operation]:
    media = MediaType(schema, example=example, has_example=example is not None)
    op = Operation(id="op", method="POST", path="/x", request_body=RequestBody({media_type: media}, required=True))
    api = Api(id="t", title="T", version="1", servers=(Server("https://h.test"),), operations=(op,))
    return api, op


def test_media_example_breaking_its_schema_is_replaced() -> None:
    schema = {"type": "object", "required": ["timestamp"], "properties": {"timestamp": {"type": "integer"}}}
    api, op = _api_with_body(schema, "application/json", example={"timestamp": "1559124196551"})
    built = build_request(api, op)
    assert built.request.body == JsonBody({"timestamp": 1}, "application/json")
    assert built.provenance["body"] == "synthesized"
    api, op = _api_with_body(schema, "application/json", example={"timestamp": 1559124196551})
    assert build_request(api, op).request.body == JsonBody({"timestamp": 1559124196551}, "application/json")


def test_ref_siblings_and_large_min_items_are_honoured() -> None:
    ids = {"type": "array", "items": {"type": "integer"}}
    schemas = {"Ids": {"type": "object", "properties": {"droplet_ids": ids}}}
    # DigitalOcean writes `required` next to the `$ref`.
    assert body_value({"$ref": REF + "Ids", "required": ["droplet_ids"]}, schemas) == {"droplet_ids": [1]}
    assert body_value({"type": "array", "minItems": 5, "items": {"type": "boolean"}}) == [True] * 5
    unique = {"type": "array", "minItems": 2, "uniqueItems": True, "items": {"enum": ["a", "b", "c"]}}
    assert body_value(unique) == ["a", "b"]


def test_required_nested_object_survives_form_encoding() -> None:
    # Stripe's `business_profile`: required, but none of its own properties are; `{}` would vanish in a form.
    schema = {
        "type": "object",
        "required": ["business_profile"],
        "properties": {
            "business_profile": {
                "type": "object",
                "properties": {"id": {"type": "string", "readOnly": True}, "headline": {"type": "string"}},
            }
        },
    }
    api, op = _api_with_body(schema, "application/x-www-form-urlencoded")
    body = build_request(api, op).request.body
    assert isinstance(body, FormBody)
    assert body.fields == (("business_profile[headline]", "string"),)
