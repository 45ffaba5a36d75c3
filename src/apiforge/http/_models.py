"""`HttpRequest`: the one immutable value every part of apiforge produces or consumes.

It is HAR-like and deliberately dumb: no I/O, no spec knowledge. Builders make it from an operation, parsers make
it from code text, renderers turn it into code, the checker validates it, the executor sends it.

Invariants (they make equality meaningful across builders, parsers and renderers):
- `url` is scheme + host (+ port) + percent-encoded path, with no query string and no fragment;
- `query`, `headers` and `cookies` are ordered tuples of `(name, value)` pairs; keys may repeat;
- the body's media type lives on the body (`body.media_type`), never as a `Content-Type` header;
- cookies live in `cookies`, never as a `Cookie` header;
- secrets are never stored: a credential is the placeholder text `{{name}}` (see `placeholder()`), which code
  renderers print as `REPLACE_NAME`.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

__all__ = [
    "Body",
    "FormBody",
    "HttpRequest",
    "JsonBody",
    "MultipartBody",
    "Part",
    "RawBody",
    "find_placeholders",
    "placeholder",
    "placeholder_to_code",
    "code_to_placeholder",
    "encode_query",
]

Pairs: TypeAlias = tuple[tuple[str, str], ...]

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}")
_CODE_PLACEHOLDER = re.compile(r"REPLACE_([A-Z0-9_]+)")


def placeholder(name: str) -> str:
    """The placeholder text for a secret or a value to fill in: `placeholder("api_key") == "{{api_key}}"`."""
    safe = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or "value"
    if safe[0].isdigit():
        safe = "_" + safe
    return "{{" + safe + "}}"


def find_placeholders(text: str) -> list[str]:
    """Names of the `{{placeholders}}` in `text`, in order."""
    return _PLACEHOLDER.findall(text)


def fill_placeholders(text: str, value: Callable[[str], str]) -> str:
    """Each `{{name}}` in `text` replaced by `value(name)`, in one pass (a filled value is never filled again)."""
    return _PLACEHOLDER.sub(lambda match: value(match.group(1)), text)


def placeholder_to_code(text: str) -> str:
    """`Bearer {{token}}` → `Bearer REPLACE_TOKEN`: what code renderers print instead of a secret."""
    return _PLACEHOLDER.sub(lambda m: "REPLACE_" + m.group(1).upper(), text)


def code_to_placeholder(text: str) -> str:
    """The inverse of `placeholder_to_code` (names come back lower-cased), used by code parsers."""
    return _CODE_PLACEHOLDER.sub(lambda m: "{{" + m.group(1).lower() + "}}", text)


@dataclass(frozen=True, slots=True)
class JsonBody:
    value: Any
    """Any JSON value; `None` is the JSON `null` body (no body at all is `HttpRequest.body is None`)."""
    media_type: str = "application/json"


@dataclass(frozen=True, slots=True)
class FormBody:
    fields: Pairs
    media_type: str = "application/x-www-form-urlencoded"

    def encode(self) -> str:
        return urllib.parse.urlencode(list(self.fields))


@dataclass(frozen=True, slots=True)
class Part:
    """One multipart field: a plain value (`filename is None`) or a file."""

    name: str
    value: str = ""
    """The text value of a plain field, or the file content for a file part (text files only; see `content`)."""
    filename: str | None = None
    content_type: str = ""
    """The part's media type; '' lets the client pick (text/plain for fields, application/octet-stream for files)."""

    @property
    def is_file(self) -> bool:
        return self.filename is not None


@dataclass(frozen=True, slots=True)
class MultipartBody:
    parts: tuple[Part, ...]
    media_type: str = "multipart/form-data"


@dataclass(frozen=True, slots=True)
class RawBody:
    content: str | bytes
    media_type: str = "text/plain"


Body: TypeAlias = JsonBody | FormBody | MultipartBody | RawBody


def _pairs(items: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> Pairs:
    if items is None:
        return ()
    if isinstance(items, Mapping):
        items = items.items()
    return tuple((str(k), str(v)) for k, v in items)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """An HTTP request, as data.

    Usage::

        req = HttpRequest("GET", "https://api.example.com/v1/items", query=(("limit", "10"),))
        req.full_url  # 'https://api.example.com/v1/items?limit=10'
        req = req.with_header("Accept", "application/json")
    """

    method: str
    url: str
    query: Pairs = ()
    headers: Pairs = ()
    cookies: Pairs = ()
    body: Body | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(self, "query", _pairs(self.query))
        object.__setattr__(self, "headers", _pairs(self.headers))
        object.__setattr__(self, "cookies", _pairs(self.cookies))

    # -- reading ---------------------------------------------------------------------------------------------

    @property
    def full_url(self) -> str:
        """The URL with the query string, percent-encoded (RFC 3986 unreserved characters are kept)."""
        if not self.query:
            return self.url
        return self.url + "?" + encode_query(self.query)

    @property
    def path(self) -> str:
        """The (percent-encoded) path of `url`."""
        return urllib.parse.urlsplit(self.url).path or "/"

    @property
    def origin(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def media_type(self) -> str:
        return self.body.media_type if self.body is not None else ""

    def header(self, name: str, default: str | None = None) -> str | None:
        """The first value of header `name` (case-insensitive)."""
        lower = name.lower()
        for k, v in self.headers:
            if k.lower() == lower:
                return v
        return default

    def query_values(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]

    @property
    def placeholders(self) -> list[str]:
        """Names of every `{{placeholder}}` anywhere in the request, in order, without repeats."""
        texts = [self.url, *(v for _, v in self.query), *(v for _, v in self.headers), *(v for _, v in self.cookies)]
        names: dict[str, None] = {}
        for text in texts:
            for name in find_placeholders(text):
                names[name] = None
        return list(names)

    # -- copies with changes ---------------------------------------------------------------------------------

    def with_header(self, name: str, value: str) -> HttpRequest:
        """A copy with header `name` set to `value` (replacing any value it had, case-insensitively)."""
        lower = name.lower()
        kept = tuple((k, v) for k, v in self.headers if k.lower() != lower)
        return replace(self, headers=(*kept, (name, value)))

    def without_header(self, name: str) -> HttpRequest:
        lower = name.lower()
        return replace(self, headers=tuple((k, v) for k, v in self.headers if k.lower() != lower))

    def with_query(self, name: str, value: str) -> HttpRequest:
        """A copy with query key `name` set to the single value `value`."""
        kept = tuple((k, v) for k, v in self.query if k != name)
        return replace(self, query=(*kept, (name, value)))

    def with_url(self, url: str) -> HttpRequest:
        return replace(self, url=url)

    def with_origin(self, origin: str) -> HttpRequest:
        """A copy sent to another server (`http://127.0.0.1:8080`), keeping the path: how tests aim at httpbin."""
        parts = urllib.parse.urlsplit(self.url)
        new = urllib.parse.urlsplit(origin)
        base_path = new.path.rstrip("/")
        return replace(self, url=urllib.parse.urlunsplit((new.scheme, new.netloc, base_path + parts.path, "", "")))

    def with_body(self, body: Body | None) -> HttpRequest:
        return replace(self, body=body)

    # -- HAR 1.2 ---------------------------------------------------------------------------------------------

    def to_har(self) -> dict[str, Any]:
        """A HAR 1.2 `request` object."""
        from apiforge.http._har import to_har

        return to_har(self)

    @classmethod
    def from_har(cls, har: Mapping[str, Any]) -> HttpRequest:
        """Read a HAR 1.2 `request` object."""
        from apiforge.http._har import from_har

        return from_har(har)


def encode_query(query: Iterable[tuple[str, str]]) -> str:
    """`a=1&b=x%20y`: keys and values percent-encoded, keeping only RFC 3986 unreserved characters."""
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in query)


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe="-._~")
