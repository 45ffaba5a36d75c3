"""Does a spec's own example (or default) fit its schema? Checked before synthesis uses it.

Specs ship examples that break their own schema (DigitalOcean's `hour: 840` for a string, OpenAI's array
example written as a string); sending one builds a request any validating server rejects. This is a light,
request-side check on the conversion `apiforge.check` uses (`apiforge.spec.jsonschema`: `nullable`, boolean
`exclusiveMinimum`/`exclusiveMaximum`, `oneOf` read as `anyOf`, `readOnly` properties not required, uncompilable
patterns dropped, the same formats), so an example passing here passes there. Light: only the keywords in
`_KEEP` are checked, and a schema that cannot be evaluated (unresolvable `$ref`, runaway recursion) never
rejects an example.

Validators are compiled once per schema object and cached per API (the last few APIs), so checking an
example costs only the validation.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable

from apiforge.spec.jsonschema import FORMAT_CHECKER, SchemaRegistry
from apiforge.spec.model import Api

__all__ = ["fits"]

JsonDict = dict[str, Any]

#: The keywords the light check looks at; every other keyword is ignored (at every level).
_KEEP = frozenset(
    {
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
)
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
        # An unknown schema name validates anything (as `apiforge.check` reads it): never a false "does not fit".
        self._registry = SchemaRegistry(api, "request", keywords=_KEEP)

    def is_valid(self, schema: JsonDict, value: Any) -> bool:
        entry = self._compiled.get(id(schema))
        if entry is None or entry[0] is not schema:
            converted = self._registry.convert(schema)
            simple = isinstance(converted, dict) and converted.keys() <= _SIMPLE
            check = converted if simple else self._registry.compile(converted)
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
    return not isinstance(fmt, str) or FORMAT_CHECKER.conforms(value, fmt)


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: `true` is not `1`."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


_CACHE: OrderedDict[int, _ApiValidators] = OrderedDict()
