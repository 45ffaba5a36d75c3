"""Does a spec's own example (or default) fit its schema? Checked before synthesis uses it.

Specs ship examples that break their own schema (DigitalOcean's `hour: 840` for a string, OpenAI's array
example written as a string); sending one builds a request any validating server rejects. This is a light,
request-side JSON Schema check (`jsonschema`, Draft 2020-12) of our normalised OpenAPI schemas: `nullable`,
boolean `exclusiveMinimum`/`exclusiveMaximum`, `oneOf` read as `anyOf` (as `apiforge.check` does), `readOnly`
properties not required, ECMA named groups translated and uncompilable patterns dropped, and the common
formats checked. `http` may not import `check` (see ARCHITECTURE.md), hence this small local conversion.

`$ref`s resolve through a `referencing.Registry` that converts `#/components/schemas/NAME` on first use.
Validators are compiled once per schema object and cached per API (the last few APIs), so checking an
example costs only the validation.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import urllib.parse
from collections import OrderedDict
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from apiforge.http._pattern import python_pattern
from apiforge.spec.model import SCHEMA_REF_PREFIX, Api

__all__ = ["fits"]

JsonDict = dict[str, Any]

_BASE_URI = "https://apiforge.invalid/http-schemas/"
_JSON_TYPES = {"null", "boolean", "object", "array", "number", "string", "integer"}
_KEEP = {
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "prefixItems",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "type",
    "required",
    "pattern",
    "enum",
    "const",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "$ref",
}
#: How many APIs keep their compiled validators.
_MAX_APIS = 8


def fits(api: Api, schema: Any, value: Any) -> bool:
    """True when `value` is valid for `schema` (an OpenAPI schema of `api`) as a request value."""
    if not isinstance(schema, dict) or not schema:
        return True
    return _validators(api).is_valid(schema, value)


def _validators(api: Api) -> _ApiValidators:
    key = id(api)
    found = _CACHE.get(key)
    if found is not None and found.api is api:
        _CACHE.move_to_end(key)
        return found
    made = _ApiValidators(api)
    _CACHE[key] = made
    while len(_CACHE) > _MAX_APIS:
        _CACHE.popitem(last=False)
    return made


class _ApiValidators:
    """The compiled validators of one API, keyed by the identity of the (immutable, long-lived) schema dict."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self._compiled: dict[int, tuple[Any, Draft202012Validator | JsonDict]] = {}
        self._converted: dict[str, Resource[Any]] = {}
        self._registry: Registry[Any] = Registry(retrieve=self._retrieve)

    def _retrieve(self, uri: str) -> Resource[Any]:
        name = urllib.parse.unquote(uri[len(_BASE_URI) :]) if uri.startswith(_BASE_URI) else ""
        if name not in self._converted:
            # An unknown name validates anything (as `apiforge.check` reads it): never a false "does not fit".
            converted = _convert(self.api.schemas.get(name, {}), self.api)
            self._converted[name] = DRAFT202012.create_resource(converted)
        return self._converted[name]

    def is_valid(self, schema: JsonDict, value: Any) -> bool:
        entry = self._compiled.get(id(schema))
        if entry is None or entry[0] is not schema:
            converted = _convert(schema, self.api)
            simple = isinstance(converted, dict) and converted.keys() <= _SIMPLE
            check = (
                converted
                if simple
                else Draft202012Validator(converted, registry=self._registry, format_checker=_FORMAT_CHECKER)
            )
            entry = (schema, check)
            self._compiled[id(schema)] = entry
        check = entry[1]
        if isinstance(check, dict):
            return _simple_valid(check, value)
        try:
            return bool(check.is_valid(value))
        except (Unresolvable, LookupError, RecursionError, re.error):
            return True  # a broken schema cannot say the example is wrong


#: Schemas with only these keywords (most examples sit on `{"type": "string"}`) are checked without jsonschema.
_SIMPLE = frozenset({"type", "enum", "format"})
_PY_TYPES: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer(),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _simple_valid(schema: JsonDict, value: Any) -> bool:
    """`type`, `enum` and `format` only: the same answer as jsonschema, much faster."""
    kinds = schema.get("type")
    if kinds is not None:
        if not any(_PY_TYPES[k](value) for k in (kinds if isinstance(kinds, list) else [kinds])):
            return False
    enum = schema.get("enum")
    if isinstance(enum, list) and not any(_equal(value, e) for e in enum):
        return False
    fmt = schema.get("format")
    return not isinstance(fmt, str) or _FORMAT_CHECKER.conforms(value, fmt)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: `true` is not `1`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


_CACHE: OrderedDict[int, _ApiValidators] = OrderedDict()


def _convert(schema: Any, api: Api) -> Any:
    """One OpenAPI schema as JSON Schema 2020-12 for request values (see the module docstring)."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        return {}
    out: JsonDict = {}
    for key, value in schema.items():
        if key not in _KEEP:
            continue
        if key == "$ref":
            if isinstance(value, str) and value.startswith(SCHEMA_REF_PREFIX):
                out["$ref"] = _BASE_URI + urllib.parse.quote(value[len(SCHEMA_REF_PREFIX) :], safe="")
        elif key in ("properties", "patternProperties"):
            if isinstance(value, dict):
                out[key] = {k: _convert(v, api) for k, v in value.items()}
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            if isinstance(value, list):
                out["anyOf" if key == "oneOf" else key] = [_convert(v, api) for v in value]
        elif key in ("additionalProperties", "not"):
            if isinstance(value, dict | bool):
                out[key] = _convert(value, api)
        elif key == "items":
            if isinstance(value, list):
                out["prefixItems"] = [_convert(v, api) for v in value]
            elif isinstance(value, dict | bool):
                out["items"] = _convert(value, api)
        elif key == "type":
            types = [t for t in (value if isinstance(value, list) else [value]) if t in _JSON_TYPES]
            if types:
                out["type"] = types if len(types) > 1 else types[0]
        elif key == "required":
            if isinstance(value, list):
                props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
                out["required"] = [r for r in value if isinstance(r, str) and not _read_only(api, props.get(r))]
        elif key == "pattern":
            pattern = python_pattern(value) if isinstance(value, str) else None
            if pattern is not None:
                out["pattern"] = pattern
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = schema.get("minimum" if key == "exclusiveMinimum" else "maximum")
            if value is True and isinstance(bound, int | float):
                out[key] = bound
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out[key] = value
        elif key in ("minimum", "maximum"):
            exclusive = schema.get("exclusiveMinimum" if key == "minimum" else "exclusiveMaximum")
            if isinstance(value, int | float) and exclusive is not True:
                out[key] = value
        else:
            out[key] = value
    if schema.get("nullable") is True or schema.get("x-nullable") is True:
        _nullable(out)
    return out


def _read_only(api: Api, schema: Any) -> bool:
    return isinstance(schema, dict) and api.resolve_schema(schema).get("readOnly") is True


def _nullable(out: JsonDict) -> None:
    if "enum" in out and isinstance(out["enum"], list) and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    if "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        if "null" not in types:
            out["type"] = [*types, "null"]
    elif "enum" not in out:
        out.update({"anyOf": [{"type": "null"}, dict(out)]})
        for key in [k for k in out if k != "anyOf"]:
            del out[key]


# -- formats: the ones `apiforge.check` verifies, so an example passing here passes there --------------------

_DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$")
_UUID = re.compile(r"^(?:urn:uuid:)?[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s\"(),:;<>\[\\\]]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,}$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
_BASE64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}\.?$){_LABEL}(?:\.{_LABEL})*\.?$")


def _is_date(text: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)) and dt.date.fromisoformat(text) is not None
    except ValueError:
        return False


def _is_date_time(text: str) -> bool:
    m = _DATE_TIME.match(text)
    return bool(m) and _is_date(m[1]) and int(m[2]) < 24 and int(m[3]) < 60 and int(m[4]) <= 60


def _is_time(text: str) -> bool:
    m = _TIME.match(text)
    return bool(m) and int(m[1]) < 24 and int(m[2]) < 60 and int(m[3]) <= 60


def _is_ip(text: str, version: int) -> bool:
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


_STRING_FORMATS = {
    "date": _is_date,
    "date-time": _is_date_time,
    "time": _is_time,
    "uuid": lambda s: bool(_UUID.match(s)),
    "email": lambda s: bool(_EMAIL.match(s)),
    "uri": lambda s: bool(_URI.match(s)),
    "url": lambda s: bool(_URI.match(s)),
    "hostname": lambda s: bool(_HOSTNAME.match(s)),
    "ipv4": lambda s: _is_ip(s, 4),
    "ipv6": lambda s: _is_ip(s, 6),
    "byte": lambda s: bool(_BASE64.match(s)),
    "regex": lambda s: python_pattern(s) is not None,
}
_INT_BITS = {"int32": 32, "int64": 64}


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, func in _STRING_FORMATS.items():
        checker.checks(name)(lambda value, func=func: not isinstance(value, str) or func(value))
    for name, bits in _INT_BITS.items():
        low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        checker.checks(name)(
            lambda v, low=low, high=high: not isinstance(v, int) or isinstance(v, bool) or low <= v <= high
        )
    return checker


_FORMAT_CHECKER = _format_checker()
