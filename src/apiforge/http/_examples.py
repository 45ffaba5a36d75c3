"""Synthesise a value for a JSON schema: the spec's own example first, an obviously fake value last.

The order is: `const`, then `example` / `examples[0]` / `default` when it fits its own schema (specs ship
examples that break it; see `apiforge.http._fit`), first `enum` value, a value for the `format` (date-time,
email, uuid, ...), then one for the `type` that respects `minimum`/`maximum`, `minLength`/`maxLength` and
`pattern` (see `apiforge.http._pattern`). Objects get their required properties (all of them when `fill_all`;
a nested object with none required gets its first one, since forms drop an empty object), arrays `minItems`
items (at least one), `oneOf`/`anyOf` their first non-null branch, `allOf` and a `$ref`'s siblings the merged
schema. `readOnly` properties are left out: these values go into requests. A `$ref` met again inside itself
gives an empty container (and nesting stops at `MAX_DEPTH`), so recursive schemas terminate. Names that look
like secrets (`password`, `api_key`, `token`) get a `{{placeholder}}`, never an invented credential. Everything
is deterministic: same schema, same value.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from apiforge.http._fit import fits
from apiforge.http._models import placeholder
from apiforge.http._pattern import pattern_string, python_pattern
from apiforge.http._schemas import flatten, schema_type
from apiforge.spec.model import Api

__all__ = ["MAX_DEPTH", "Synthesized", "is_secret_name", "snake_name", "synthesize"]

JsonDict = dict[str, Any]

#: Nesting depth (objects and arrays) after which synthesis returns empty containers: a safety net, since
#: recursion (a `$ref` met again inside itself) already stops at the first repeat.
MAX_DEPTH = 12

_SECRET = re.compile(r"(pass(word|wd)?|secret|token|api[_-]?key|apikey|credential|private[_-]?key|signature)$", re.I)

_FORMATS: dict[str, Any] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00Z",
    "duration": "PT1H",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uuid": "123e4567-e89b-42d3-a456-426614174000",
    "uri": "https://example.com",
    "url": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "https://example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "binary": "example file content",
    "json-pointer": "/example",
    "regex": ".*",
}

#: Arrays get `minItems` items, but never more than this many.
_MAX_ITEMS = 50

_GIVEN_KEYS = ("example", "examples", "default", "const")

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


@dataclass(frozen=True, slots=True)
class Synthesized:
    value: Any
    source: str
    """Where the value came from: `example`, `default`, `synthesized` or `placeholder`."""


def is_secret_name(name: str) -> bool:
    """True for names like `password`, `api_key`, `access_token`: they get a placeholder, not a made-up value."""
    return bool(name) and bool(_SECRET.search(name.replace("-", "_")))


def synthesize(api: Api, schema: Any, *, name: str = "", fill_all: bool = False) -> Synthesized:
    """A value for `schema` (see the module docstring for the order), with where it came from."""
    flat = flatten(api, schema)
    given = _given(api, schema, flat)
    if given is not None:
        return Synthesized(given[0], given[1])
    refs = frozenset({schema["$ref"]}) if isinstance(schema, dict) and "$ref" in schema else frozenset()
    value = _value(api, schema, flat, name, fill_all, 0, refs)
    is_placeholder = isinstance(value, str) and value.startswith("{{") and value.endswith("}}")
    return Synthesized(value, "placeholder" if is_placeholder else "synthesized")


def _given(api: Api, raw: Any, flat: JsonDict) -> tuple[Any, str] | None:
    """The spec's own value for a schema: `example`, `examples[0]`, `default` (the first that fits `raw`), `const`.

    An example that breaks its own schema (a number for a string, an array written as text) is skipped:
    sending it would build a request the server rejects.
    """
    if "const" in flat:
        return flat["const"], "synthesized"
    candidates: list[tuple[Any, str]] = []
    if "example" in flat:
        candidates.append((flat["example"], "example"))
    examples = flat.get("examples")
    if isinstance(examples, list) and examples:
        candidates.append((examples[0], "example"))
    if "default" in flat:
        candidates.append((flat["default"], "default"))
    for value, source in candidates:
        if fits(api, raw, value):
            return value, source
    return None


def _value(api: Api, raw: Any, flat: JsonDict, name: str, fill_all: bool, depth: int, refs: frozenset[str]) -> Any:
    """The value of schema `raw`, already flattened as `flat`; `refs` are the `$ref`s entered on the way here."""
    given = _given(api, raw, flat)
    if given is not None:
        return given[0]
    enum = flat.get("enum")
    if isinstance(enum, list) and enum:
        return next((e for e in enum if e is not None), enum[0])
    for key in ("oneOf", "anyOf"):
        branches = [b for b in flat.get(key) or [] if schema_type(flatten(api, b)) != "null"]
        if branches:
            base = {k: v for k, v in flat.items() if k not in (key, *_GIVEN_KEYS)}
            branch, inner = _enter(api, branches[0], refs)
            if inner is None:
                return _empty(branch)
            # The branch's own example is checked against the branch; the merged schema adds the parent's keywords.
            return _value(api, branches[0], {**base, **branch}, name, fill_all, depth, inner)
    kind = schema_type(flat)
    if kind == "object":
        return _object(api, flat, fill_all, depth, refs)
    if kind == "array":
        if depth >= MAX_DEPTH:
            return []
        return _array(api, flat, name, fill_all, depth, refs)
    if kind in ("string", "") and (is_secret_name(name) or flat.get("format") == "password"):
        return placeholder(snake_name(name or "password"))
    return _scalar(flat, kind)


def _array(api: Api, flat: JsonDict, name: str, fill_all: bool, depth: int, refs: frozenset[str]) -> list[Any]:
    """`minItems` items (at least one); distinct enum values when `uniqueItems` asks for several."""
    low = flat.get("minItems")
    count = min(max(low if isinstance(low, int) else 1, 1), _MAX_ITEMS)
    items = flat.get("items") or {}
    enum = flatten(api, items).get("enum")
    if flat.get("uniqueItems") is True and count > 1 and isinstance(enum, list) and len(enum) >= count:
        return list(enum[:count])
    return [_nested(api, items, name, fill_all, depth + 1, refs)] * count


def _enter(api: Api, schema: Any, refs: frozenset[str]) -> tuple[JsonDict, frozenset[str] | None]:
    """The flattened sub-schema and the refs on the path into it; None when the sub-schema is a repeated `$ref`."""
    flat = flatten(api, schema)
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if not isinstance(ref, str):
        return flat, refs
    if ref in refs:
        return flat, None
    return flat, refs | {ref}


def _empty(flat: JsonDict) -> Any:
    """What a recursive occurrence becomes: an empty container, or a plain scalar."""
    kind = schema_type(flat)
    if kind == "array":
        return []
    if kind in ("object", ""):
        return {}
    return _scalar(flat, kind)


def _scalar(flat: JsonDict, kind: str) -> Any:
    if kind in ("integer", "number"):
        return _number(flat, kind)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(flat)


def _nested(api: Api, schema: Any, name: str, fill_all: bool, depth: int, refs: frozenset[str]) -> Any:
    flat, inner = _enter(api, schema, refs)
    if inner is None:
        return _empty(flat)
    return _value(api, schema, flat, name, fill_all, depth, inner)


def _object(api: Api, flat: JsonDict, fill_all: bool, depth: int, refs: frozenset[str]) -> JsonDict:
    if depth >= MAX_DEPTH:
        return {}
    props: JsonDict = flat.get("properties") or {}
    required = [r for r in flat.get("required") or [] if isinstance(r, str)]
    names = list(props) if fill_all else [n for n in props if n in required]
    # Required names without a property schema still get a value: the object must validate.
    names += [r for r in required if r not in props]
    out: JsonDict = {}
    for prop_name in names:
        raw = props.get(prop_name, {})
        if flatten(api, raw).get("readOnly"):
            continue
        out[prop_name] = _nested(api, raw, prop_name, fill_all, depth + 1, refs)
    if not out and depth > 0:
        # A nested object with nothing required would be `{}`, which a form or query encoding drops entirely
        # (Stripe's required `business_profile`): give it its first writable property.
        for prop_name, raw in props.items():
            if not flatten(api, raw).get("readOnly"):
                out[prop_name] = _nested(api, raw, prop_name, fill_all, depth + 1, refs)
                break
    return out


def _number(flat: JsonDict, kind: str) -> int | float:
    low, high = _INT_RANGES.get(flat.get("format", ""), (-math.inf, math.inf))
    value: float = 1 if kind == "integer" else 1.5
    minimum, maximum = flat.get("minimum"), flat.get("maximum")
    ex_min, ex_max = flat.get("exclusiveMinimum"), flat.get("exclusiveMaximum")
    step = 1 if kind == "integer" else 0.5
    # OpenAPI 3.0 / draft 4 write exclusive bounds as booleans next to minimum/maximum; 3.1 as numbers.
    if isinstance(ex_min, bool):
        ex_min = minimum if ex_min else None
        minimum = None if ex_min is not None else minimum
    if isinstance(ex_max, bool):
        ex_max = maximum if ex_max else None
        maximum = None if ex_max is not None else maximum
    if isinstance(minimum, int | float):
        low = max(low, minimum)
    if isinstance(ex_min, int | float):
        low = max(low, ex_min + step)
    if isinstance(maximum, int | float):
        high = min(high, maximum)
    if isinstance(ex_max, int | float):
        high = min(high, ex_max - step)
    value = min(max(value, low), high)
    multiple = flat.get("multipleOf")
    if isinstance(multiple, int | float) and multiple > 0 and value % multiple:
        value = math.ceil(value / multiple) * multiple
    if kind == "integer":
        return int(math.ceil(value)) if math.isfinite(value) else 1
    return float(value)


def _string(flat: JsonDict) -> str:
    """The format's sample (or `string`) fitted to the length bounds; one generated from `pattern` when the
    sample does not match it."""
    fmt = flat.get("format", "")
    text = str(_FORMATS.get(fmt, "string"))
    min_len, max_len = flat.get("minLength"), flat.get("maxLength")
    min_len = min_len if isinstance(min_len, int) and min_len > 0 else 0
    max_len = max_len if isinstance(max_len, int) and max_len >= min_len else None
    if len(text) < min_len:
        text += "x" * (min_len - len(text))
    if max_len is not None and len(text) > max_len:
        text = text[:max_len]
    pattern = flat.get("pattern")
    if isinstance(pattern, str) and pattern:
        regex = python_pattern(pattern)
        if regex is not None and not re.search(regex, text):
            return pattern_string(pattern, min_length=min_len, max_length=max_len) or text
    return text


@functools.lru_cache(maxsize=4096)
def snake_name(name: str) -> str:
    """`ApiKeyAuth` → `api_key_auth`: placeholders are lower snake case so they survive `REPLACE_X` round trips."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "value"
