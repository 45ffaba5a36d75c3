"""Validating values against the model's schemas: OpenAPI → JSON Schema 2020-12, formats, compiled validators.

It lives in `spec` because two layers need it and neither may import the other: the request builder checks a
spec's own examples before using them (`apiforge.http`), and the checker validates requests and responses
(`apiforge.check`). Both must agree on what a schema means, so they share this one conversion.

Why `jsonschema` directly and not `openapi-core`: openapi-core wants the raw OpenAPI document and builds its own
spec object per description (slow for Stripe, and it cannot take our normalised Swagger 2 → OpenAPI 3 model),
while our model already holds plain JSON Schema dicts whose `$ref`s all point at `#/components/schemas/NAME`.
So each schema is converted once into standard JSON Schema 2020-12, handling what OpenAPI 3.0 changes:

- `nullable: true` (and Swagger's `x-nullable`) adds `null` to the type (or the enum);
- `readOnly` properties are not required in requests, `writeOnly` ones not in responses;
- boolean `exclusiveMinimum` / `exclusiveMaximum` (3.0) become the numeric 2020-12 form;
- `oneOf` is checked as `anyOf`: a value matching *several* alternatives passes. Overlapping alternatives
  without a discriminating `required` / `additionalProperties: false` are a common spec bug (every object
  then matches both), and real servers accept such values; flagging every call would make the checker
  useless there. A value matching *no* alternative is still an error (see docs/prism-deviations.md);
- 3.1 type arrays pass through; `discriminator`, `example`, `xml` and `x-*` keys are dropped (the
  discriminator only speeds up `oneOf` selection, it does not change what is valid);
- junk that real specs contain (`type: file`, `required: true`, regexes Python cannot compile) is dropped
  rather than crashing validation, so a bad spec never produces a false positive;
- `format`s are checked with our own checker (int32/int64 ranges, date, date-time, uuid, email, uri, byte, ...),
  the set Prism's ajv-formats checks, with no optional dependency silently turning a check off.

Converted schemas are registered as resources of a `referencing.Registry` (`SchemaRegistry`, one per API and
direction), so compiling a validator converts each named schema only once.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import ipaddress
import math
import re
import urllib.parse
from collections.abc import Callable, Iterator
from typing import Any, Literal

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from apiforge.spec.model import SCHEMA_REF_PREFIX, Api

__all__ = [
    "FORMAT_CHECKER",
    "Mode",
    "SchemaRegistry",
    "format_checker",
    "json_type",
    "python_pattern",
    "to_json_schema",
]

Mode = Literal["request", "response"]
JsonDict = dict[str, Any]

_BASE_URI = "https://apiforge.invalid/schemas/"
_JSON_TYPES = {"null", "boolean", "object", "array", "number", "string", "integer"}
_DROPPED = {"discriminator", "example", "examples", "xml", "externalDocs", "nullable", "x-nullable", "deprecated"}
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = (
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
)


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value (`True` → "boolean", `1` → "integer"; unknown → "string")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def to_json_schema(schema: Any, mode: Mode, api: Api | None = None, *, keywords: frozenset[str] | None = None) -> Any:
    """Convert one OpenAPI schema (3.0 / 3.1 / normalised 2.0) into JSON Schema 2020-12 for `mode`.

    `$ref`s are rewritten to absolute URIs of the registry (`SchemaRegistry`) and are not followed, except one
    level to see whether a referenced property is `readOnly` / `writeOnly`. `keywords`, when given, keeps only
    those keywords (at every level): a lighter check that ignores the rest.
    """
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        return {}
    out: JsonDict = {}
    for key, value in schema.items():
        if key in _DROPPED or key.startswith("x-") or key in ("title", "description"):
            continue
        if keywords is not None and key not in keywords:
            continue
        if key == "$ref":
            if isinstance(value, str):
                out["$ref"] = _ref_uri(value)
        elif key in _SCHEMA_MAPS:
            if isinstance(value, dict):
                out[key] = {k: to_json_schema(v, mode, api, keywords=keywords) for k, v in value.items()}
        elif key in _SCHEMA_LISTS:
            if isinstance(value, list):
                # `oneOf` is checked as `anyOf`: see the module docstring.
                out["anyOf" if key == "oneOf" else key] = [
                    to_json_schema(v, mode, api, keywords=keywords) for v in value
                ]
        elif key in _SCHEMA_ONE:
            if isinstance(value, (dict, bool)):
                out[key] = to_json_schema(value, mode, api, keywords=keywords)
        elif key == "items":
            if isinstance(value, list):  # draft-4 tuple form
                out["prefixItems"] = [to_json_schema(v, mode, api, keywords=keywords) for v in value]
            elif isinstance(value, (dict, bool)):
                out["items"] = to_json_schema(value, mode, api, keywords=keywords)
        elif key == "type":
            types = [t for t in (value if isinstance(value, list) else [value]) if t in _JSON_TYPES]
            if types:
                out["type"] = types if len(types) > 1 else types[0]
        elif key == "required":
            if isinstance(value, list):
                out["required"] = [r for r in value if isinstance(r, str)]
        elif key == "pattern":
            pattern = python_pattern(value)
            if pattern is not None:
                out["pattern"] = pattern
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(value, bool):
                bound = schema.get("minimum" if key == "exclusiveMinimum" else "maximum")
                if value and isinstance(bound, (int, float)):
                    out[key] = bound
            elif isinstance(value, (int, float)):
                out[key] = value
        elif key in ("minimum", "maximum"):
            exclusive = schema.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum")
            if isinstance(value, (int, float)) and exclusive is not True:
                out[key] = value
        elif key == "enum":
            if isinstance(value, list):
                out["enum"] = list(value)
        elif key in ("$id", "$schema", "$anchor", "default"):
            continue
        else:
            out[key] = value
    skip = "readOnly" if mode == "request" else "writeOnly"
    if "required" in out and isinstance(schema.get("properties"), dict):
        props = schema["properties"]
        out["required"] = [r for r in out["required"] if not _flag(props.get(r), skip, api)]
    if schema.get("nullable") is True or schema.get("x-nullable") is True:
        _make_nullable(out)
    return out


def _flag(schema: Any, flag: str, api: Api | None) -> bool:
    if not isinstance(schema, dict):
        return False
    if schema.get(flag) is True:
        return True
    if api is not None and "$ref" in schema:
        return api.resolve_schema(schema).get(flag) is True
    return False


def _make_nullable(out: JsonDict) -> None:
    if "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        if "null" not in types:
            out["type"] = [*types, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return
    if "enum" in out:
        if None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return
    inner = dict(out)
    out.clear()
    out["anyOf"] = [{"type": "null"}, inner]


def _ref_uri(ref: str) -> str:
    if ref.startswith(SCHEMA_REF_PREFIX):
        name, _, rest = ref[len(SCHEMA_REF_PREFIX) :].partition("/")
        return _BASE_URI + urllib.parse.quote(_unescape(name), safe="") + ("#/" + rest if rest else "")
    return ref


def _unescape(token: str) -> str:
    return urllib.parse.unquote(token).replace("~1", "/").replace("~0", "~")


_JS_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_])")


def python_pattern(value: Any) -> str | None:
    """The ECMA regex as Python's `re` reads it (named groups translated), or None when it does not compile."""
    if not isinstance(value, str):
        return None
    candidate = _JS_NAMED_GROUP.sub("(?P<", value)
    try:
        re.compile(candidate)
    except (re.error, OverflowError):
        return None
    return candidate


# -- formats -------------------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$")
_UUID = re.compile(r"^(?:urn:uuid:)?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s\"(),:;<>\[\\\]]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}\.?$){_LABEL}(?:\.{_LABEL})*\.?$")
_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


def _is_date(text: str) -> bool:
    m = _DATE.match(text)
    if not m:
        return False
    try:
        dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    return True


def _is_date_time(text: str) -> bool:
    m = _DATE_TIME.match(text)
    if not m or not _is_date(m[1]):
        return False
    hour, minute, second = int(m[2]), int(m[3]), int(m[4])
    return hour < 24 and minute < 60 and second <= 60


def _is_time(text: str) -> bool:
    m = _TIME.match(text)
    return bool(m) and int(m[1]) < 24 and int(m[2]) < 60 and int(m[3]) <= 60


def _is_ip(version: int) -> Callable[[str], bool]:
    def check(text: str) -> bool:
        try:
            return ipaddress.ip_address(text).version == version
        except ValueError:
            return False

    return check


def _is_byte(text: str) -> bool:
    if not _BASE64.match(text):
        return False
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_regex(text: str) -> bool:
    return python_pattern(text) is not None


def _int_range(bits: int) -> Callable[[Any], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def check(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return True
        if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
            return True  # not an integer: the `type` keyword reports that
        return low <= value <= high

    return check


_STRING_FORMATS: dict[str, Callable[[str], bool]] = {
    "date": _is_date,
    "date-time": _is_date_time,
    "time": _is_time,
    "uuid": lambda s: bool(_UUID.match(s)),
    "email": lambda s: bool(_EMAIL.match(s)),
    "uri": lambda s: bool(_URI.match(s)),
    "url": lambda s: bool(_URI.match(s)),
    "hostname": lambda s: bool(_HOSTNAME.match(s)),
    "ipv4": _is_ip(4),
    "ipv6": _is_ip(6),
    "byte": _is_byte,
    "regex": _is_regex,
}


def format_checker() -> FormatChecker:
    """A `FormatChecker` for the OpenAPI formats; formats it does not know always pass (as the spec says)."""
    checker = FormatChecker(formats=())
    for name, func in _STRING_FORMATS.items():
        checker.checks(name)(_strings_only(func))
    checker.checks("int32")(_int_range(32))
    checker.checks("int64")(_int_range(64))
    return checker


def _strings_only(func: Callable[[str], bool]) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return not isinstance(value, str) or func(value)

    return check


FORMAT_CHECKER = format_checker()
"""The shared instance every compiled validator uses."""


# -- registry and compiled validators ------------------------------------------------------------------------


class SchemaRegistry:
    """The converted schemas of one API for one direction, and validators compiled against them.

    Named schemas are converted lazily, the first time a converted schema refers to them (transitively), and
    stay in one registry, so each is converted once however many validators use it. Unknown names convert to
    `{}` (anything is valid): a broken spec never causes a false "invalid".
    """

    def __init__(self, api: Api, mode: Mode, *, keywords: frozenset[str] | None = None) -> None:
        self.api = api
        self.mode: Mode = mode
        self.keywords = keywords
        self._converted: dict[str, Any] = {}
        self._registry: Registry[Any] = Registry()

    def convert(self, schema: Any) -> Any:
        """`schema` as JSON Schema (see `to_json_schema`), with every named schema it reaches registered."""
        converted = to_json_schema(schema, self.mode, self.api, keywords=self.keywords)
        self._crawl(converted)
        return converted

    def compile(self, converted: Any) -> Draft202012Validator:
        """A validator for a schema `convert` returned, resolving its `$ref`s in this registry."""
        return Draft202012Validator(converted, registry=self._registry, format_checker=FORMAT_CHECKER)

    def _crawl(self, schema: Any) -> None:
        """Register every named schema reachable from `schema` (transitively)."""
        pending = list(_refs(schema))
        new: list[tuple[str, Resource[Any]]] = []
        while pending:
            uri = pending.pop()
            name = urllib.parse.unquote(uri[len(_BASE_URI) :].partition("#")[0])
            key = _BASE_URI + urllib.parse.quote(name, safe="")
            if key in self._converted:
                continue
            converted = to_json_schema(self.api.schemas.get(name, {}), self.mode, self.api, keywords=self.keywords)
            self._converted[key] = converted
            new.append((key, DRAFT202012.create_resource(converted)))
            pending.extend(_refs(converted))
        if new:
            self._registry = self._registry.with_resources(new)


def _refs(schema: Any) -> Iterator[str]:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(_BASE_URI):
                yield ref
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
