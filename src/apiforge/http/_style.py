"""Parameter serialisation: OpenAPI 3 `style` / `explode` for path, query, header and cookie parameters.

The rules follow the style examples table of the OpenAPI 3.0.3 specification (section "Style Examples").
Path values are percent-encoded here (RFC 3986 path-segment rules: unreserved characters and the sub-delimiters
that are not style delimiters stay); query, header and cookie values stay raw text, because `HttpRequest` keeps
query pairs decoded and encodes them in `full_url`. A `{{placeholder}}` inside a path value is kept verbatim.

`deepObject` nests (`filter[created][gte]=1`) and indexes arrays (`items[0][price]=x`), as Stripe-style APIs
expect; the OpenAPI spec leaves nesting undefined.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

__all__ = [
    "deep_pairs",
    "encode_path_value",
    "scalar_text",
    "serialize_cookie",
    "serialize_header",
    "serialize_path",
    "serialize_query",
]

Pairs = list[tuple[str, str]]

_PLACEHOLDER = re.compile(r"\{\{[A-Za-z_][A-Za-z0-9_]*\}\}")

#: pchar (RFC 3986 §3.3) minus the delimiters styles use (`,` `;` `=`) and `%` (always encoded).
_PATH_SAFE = "-._~!$&'()*+:@"


def scalar_text(value: Any) -> str:
    """Text of one value: `true`/`false` for booleans, '' for null, compact JSON for containers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def encode_path_value(text: str) -> str:
    """Percent-encode `text` for a path segment, keeping `{{placeholders}}` as they are."""
    out: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(urllib.parse.quote(text[pos : match.start()], safe=_PATH_SAFE))
        out.append(match.group(0))
        pos = match.end()
    out.append(urllib.parse.quote(text[pos:], safe=_PATH_SAFE))
    return "".join(out)


def _items(value: Any) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in value.items()]


def serialize_path(name: str, value: Any, style: str, explode: bool) -> str:
    """The encoded text that replaces `{name}` in a path template."""
    enc = encode_path_value
    if style == "label":
        if isinstance(value, list):
            return "." + ".".join(enc(scalar_text(v)) for v in value)
        if isinstance(value, dict):
            if explode:
                return "." + ".".join(f"{enc(k)}={enc(scalar_text(v))}" for k, v in _items(value))
            return "." + ".".join(f"{enc(k)}.{enc(scalar_text(v))}" for k, v in _items(value))
        return "." + enc(scalar_text(value))
    if style == "matrix":
        if isinstance(value, list):
            if explode:
                return "".join(f";{enc(name)}={enc(scalar_text(v))}" for v in value)
            return f";{enc(name)}=" + ",".join(enc(scalar_text(v)) for v in value)
        if isinstance(value, dict):
            if explode:
                return "".join(f";{enc(k)}={enc(scalar_text(v))}" for k, v in _items(value))
            return f";{enc(name)}=" + ",".join(f"{enc(k)},{enc(scalar_text(v))}" for k, v in _items(value))
        text = scalar_text(value)
        return f";{enc(name)}" + (f"={enc(text)}" if text else "")
    # simple (the default for path parameters)
    if isinstance(value, list):
        return ",".join(enc(scalar_text(v)) for v in value)
    if isinstance(value, dict):
        sep = "=" if explode else ","
        return ",".join(f"{enc(k)}{sep}{enc(scalar_text(v))}" for k, v in _items(value))
    return enc(scalar_text(value))


def serialize_query(name: str, value: Any, style: str, explode: bool) -> Pairs:
    """The (decoded) query pairs for one parameter value."""
    if style == "deepObject":
        return deep_pairs(name, value)
    delimiter = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
    if isinstance(value, list):
        if explode:
            return [(name, scalar_text(v)) for v in value]
        return [(name, delimiter.join(scalar_text(v) for v in value))]
    if isinstance(value, dict):
        if explode and style == "form":
            return [(k, scalar_text(v)) for k, v in _items(value)]
        return [(name, delimiter.join(f"{k}{delimiter}{scalar_text(v)}" for k, v in _items(value)))]
    return [(name, scalar_text(value))]


def deep_pairs(name: str, value: Any) -> Pairs:
    """`name[key][sub]=v` pairs for nested objects; arrays are indexed (`name[0]`); scalars give `name=v`."""
    if isinstance(value, dict):
        out: Pairs = []
        for key, sub in _items(value):
            out.extend(deep_pairs(f"{name}[{key}]", sub))
        return out
    if isinstance(value, list):
        out = []
        for index, sub in enumerate(value):
            out.extend(deep_pairs(f"{name}[{index}]", sub))
        return out
    return [(name, scalar_text(value))]


def serialize_header(value: Any, explode: bool) -> str:
    """A header value in `simple` style (the only style headers have)."""
    if isinstance(value, list):
        return ",".join(scalar_text(v) for v in value)
    if isinstance(value, dict):
        sep = "=" if explode else ","
        return ",".join(f"{k}{sep}{scalar_text(v)}" for k, v in _items(value))
    return scalar_text(value)


def serialize_cookie(name: str, value: Any, explode: bool) -> Pairs:
    """Cookie pairs in `form` style: exploded arrays repeat the cookie, exploded objects give one per key."""
    if isinstance(value, list):
        if explode:
            return [(name, scalar_text(v)) for v in value]
        return [(name, ",".join(scalar_text(v) for v in value))]
    if isinstance(value, dict):
        if explode:
            return [(k, scalar_text(v)) for k, v in _items(value)]
        return [(name, ",".join(f"{k},{scalar_text(v)}" for k, v in _items(value)))]
    return [(name, scalar_text(value))]
