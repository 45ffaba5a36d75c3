"""Synthesise a value for a JSON schema: the spec's own example first, an obviously fake value last.

The order is: `example` / `examples`, `default`, `const`, first `enum` value, a value for the `format`
(date-time, email, uuid, ...), then one for the `type` that respects `minimum`/`maximum` and
`minLength`/`maxLength` (`pattern` is not honoured). Objects get their required properties (all of them when
`fill_all`), arrays one item, `oneOf`/`anyOf` their first non-null branch, `allOf` the merged schema. `readOnly`
properties are left out: these values go into requests. A `$ref` met again inside itself gives an empty
container (and nesting stops at `MAX_DEPTH`), so recursive schemas terminate. Names that look like secrets
(`password`, `api_key`, `token`) get a `{{placeholder}}`, never an invented credential. Everything is
deterministic: same schema, same value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from apiforge.http._models import placeholder
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
    for key, source in (("example", "example"), ("default", "default"), ("const", "synthesized")):
        if key in flat:
            return Synthesized(flat[key], source)
    examples = flat.get("examples")
    if isinstance(examples, list) and examples:
        return Synthesized(examples[0], "example")
    refs = frozenset({schema["$ref"]}) if isinstance(schema, dict) and "$ref" in schema else frozenset()
    value = _value(api, flat, name, fill_all, 0, refs)
    is_placeholder = isinstance(value, str) and value.startswith("{{") and value.endswith("}}")
    return Synthesized(value, "placeholder" if is_placeholder else "synthesized")


def _value(api: Api, flat: JsonDict, name: str, fill_all: bool, depth: int, refs: frozenset[str]) -> Any:
    """The value of an already flattened schema; `refs` are the `$ref`s entered on the way here."""
    for key in ("example", "default", "const"):
        if key in flat:
            return flat[key]
    examples = flat.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    enum = flat.get("enum")
    if isinstance(enum, list) and enum:
        return next((e for e in enum if e is not None), enum[0])
    for key in ("oneOf", "anyOf"):
        branches = [b for b in flat.get(key) or [] if schema_type(flatten(api, b)) != "null"]
        if branches:
            base = {k: v for k, v in flat.items() if k not in ("oneOf", "anyOf")}
            branch, inner = _enter(api, branches[0], refs)
            if inner is None:
                return _empty(branch)
            return _value(api, {**base, **branch}, name, fill_all, depth, inner)
    kind = schema_type(flat)
    if kind == "object":
        return _object(api, flat, fill_all, depth, refs)
    if kind == "array":
        if depth >= MAX_DEPTH:
            return []
        count = min(max(int(flat.get("minItems") or 1), 1), 3)
        item = _nested(api, flat.get("items") or {}, name, fill_all, depth + 1, refs)
        return [item] * count
    if kind in ("string", "") and (is_secret_name(name) or flat.get("format") == "password"):
        return placeholder(snake_name(name or "password"))
    return _scalar(flat, kind)


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
    return _value(api, flat, name, fill_all, depth, inner)


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
    fmt = flat.get("format", "")
    text = str(_FORMATS.get(fmt, "string"))
    min_len, max_len = flat.get("minLength"), flat.get("maxLength")
    if isinstance(min_len, int) and len(text) < min_len:
        text += "x" * (min_len - len(text))
    if isinstance(max_len, int) and len(text) > max_len:
        text = text[:max_len]
    return text


def snake_name(name: str) -> str:
    """`ApiKeyAuth` → `api_key_auth`: placeholders are lower snake case so they survive `REPLACE_X` round trips."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "value"
