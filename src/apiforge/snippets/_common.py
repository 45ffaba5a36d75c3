"""Shared helpers for snippet renderers: string literals per language family, body text, cookies, placeholders.

Renderers are plain string building (no template engine) because rendering speed matters: datasets render
millions of snippets. Every literal helper returns a complete, quoted literal that the language reads back as
exactly the input text, whatever it holds (quotes, backslashes, newlines, control characters, non-ASCII, `$`,
`#{`, Swift's backslash-paren interpolation ...). Placeholders (`{{token}}`) need no care inside renderers:
`finish()` turns them into `REPLACE_TOKEN` over the finished code, once (query strings excepted: `full_url()`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from apiforge.http import (
    Body,
    FormBody,
    HttpRequest,
    JsonBody,
    MultipartBody,
    RawBody,
    encode_query,
    placeholder_to_code,
)

__all__ = [
    "body_of",
    "body_text",
    "c_str",
    "content_type",
    "cookie_header",
    "finish",
    "full_url",
    "go_raw_or_str",
    "go_str",
    "grouped",
    "java_str",
    "js_str",
    "json_text",
    "path_and_query",
    "php_str",
    "py_literal",
    "py_str",
    "raw_text",
    "ruby_str",
    "shell_quote",
    "swift_str",
]


def finish(code: str) -> str:
    """The code with every `{{name}}` placeholder printed as `REPLACE_NAME`; call once on the finished snippet."""
    return placeholder_to_code(code) if "{{" in code else code


# -- string literals ---------------------------------------------------------------------------------------------
# Each family has a translation table for the characters it must escape and a regex to skip the translation when
# the text needs none (the common case, and the fast path).

_CONTROLS = [*range(0x20), 0x7F]


def _table(common: dict[str, str], control: str) -> dict[int, str]:
    table = {c: control % c for c in _CONTROLS}
    table.update({ord(k): v for k, v in common.items()})
    return table


_PY = _table({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}, "\\x%02x")
_JS = _table(
    {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u2028": "\\u2028", "\u2029": "\\u2029"},
    "\\x%02x",
)
_GO = _table({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\ufeff": "\\ufeff"}, "\\x%02x")
# C and Java: octal escapes never swallow a following digit/letter the way `\x` does in C (three digits max).
_C = _table({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}, "\\%03o")
_RUBY = _table({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "#": "\\#"}, "\\x%02x")
_SWIFT = _table({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}, "\\u{%x}")

_PY_NEEDS = re.compile(r'[\\"\x00-\x1f\x7f]')
_JS_NEEDS = re.compile("[\\\\'\x00-\x1f\x7f\u2028\u2029]")
_GO_NEEDS = re.compile('[\\\\"\x00-\x1f\x7f\ufeff]')
_C_NEEDS = _PY_NEEDS
_RUBY_NEEDS = re.compile(r'[\\"#\x00-\x1f\x7f]')
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def py_str(text: str) -> str:
    """A double-quoted Python string literal (non-ASCII kept as is: Python source is UTF-8)."""
    return '"' + (text.translate(_PY) if _PY_NEEDS.search(text) else text) + '"'


def js_str(text: str) -> str:
    """A single-quoted JavaScript string literal (the common JS style; U+2028/9 escaped for older engines)."""
    return "'" + (text.translate(_JS) if _JS_NEEDS.search(text) else text) + "'"


def go_str(text: str) -> str:
    """An interpreted Go string literal (`"..."`); a BOM is escaped because Go rejects it inside source."""
    return '"' + (text.translate(_GO) if _GO_NEEDS.search(text) else text) + '"'


def go_raw_or_str(text: str) -> str:
    """A Go raw string (backquotes, readable for multi-line JSON) when the text allows one, else `go_str`."""
    if "`" in text or "\r" in text or "\ufeff" in text:
        return go_str(text)
    return "`" + text + "`"


def c_str(text: str) -> str:
    """A C string literal; non-ASCII stays UTF-8 (gcc/clang read UTF-8 source), controls as octal escapes."""
    return '"' + (text.translate(_C) if _C_NEEDS.search(text) else text) + '"'


def java_str(text: str) -> str:
    """A Java string literal in pure ASCII: non-ASCII as unicode escapes (javac's source encoding follows the locale).

    Controls use octal escapes, never a unicode escape: Java turns those into raw characters before lexing, so an
    escaped newline would end the string.
    """
    out = text.translate(_C) if _C_NEEDS.search(text) else text
    if _NON_ASCII.search(out):
        out = _NON_ASCII.sub(_java_unicode, out)
    return '"' + out + '"'


def _java_unicode(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def ruby_str(text: str) -> str:
    """A double-quoted Ruby string literal; `#` is escaped so `#{...}`, `#@x` and `#$x` never interpolate."""
    return '"' + (text.translate(_RUBY) if _RUBY_NEEDS.search(text) else text) + '"'


def php_str(text: str) -> str:
    """A single-quoted PHP string literal: nothing interpolates; only backslash and `'` need escaping."""
    if "\\" in text or "'" in text:
        text = text.replace("\\", "\\\\").replace("'", "\\'")
    return "'" + text + "'"


def swift_str(text: str) -> str:
    """A Swift string literal; escaping every backslash also disarms interpolation (backslash-paren)."""
    return '"' + (text.translate(_SWIFT) if _C_NEEDS.search(text) else text) + '"'


def shell_quote(text: str) -> str:
    """A POSIX shell single-quoted word: nothing inside expands (`$`, backquotes, `!`), newlines are kept."""
    return "'" + text.replace("'", "'\\''") + "'"


# -- request parts -------------------------------------------------------------------------------------------------


def full_url(request: HttpRequest) -> str:
    """`request.full_url` with placeholders in code form (`REPLACE_X`), which percent-encoding would otherwise
    turn into `%7B%7Bx%7D%7D` before `finish()` could see them."""
    if not request.query:
        return request.url
    return request.url + "?" + _coded_query(request)


def path_and_query(request: HttpRequest) -> str:
    """The request target (`/path?query`) for clients that take host and path apart, placeholders as code."""
    path = request.path
    return path + "?" + _coded_query(request) if request.query else path


def _coded_query(request: HttpRequest) -> str:
    query = request.query
    if any("{{" in k or "{{" in v for k, v in query):
        query = tuple((placeholder_to_code(k), placeholder_to_code(v)) for k, v in query)
    return encode_query(query)


def body_of(request: HttpRequest) -> Body | None:
    """The body to render: `None` also for a form with no fields, which sends nothing (specs such as Stripe's
    declare optional form bodies even on GET, where a client would send no body at all)."""
    body = request.body
    if isinstance(body, FormBody) and not body.fields:
        return None
    return body


def json_text(value: Any, *, pretty: bool = True) -> str:
    """JSON text with non-ASCII kept, 2-space indented (or compact); orjson for speed, `json` for what it refuses."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 if pretty else 0).decode()
    except TypeError:  # integers beyond 64 bits, non-string keys
        return json.dumps(value, ensure_ascii=False, indent=2 if pretty else None)


def raw_text(body: RawBody) -> str:
    """A raw body as text; bytes are decoded as UTF-8 (invalid bytes become U+FFFD: snippets show text)."""
    content = body.content
    return content if isinstance(content, str) else content.decode("utf-8", errors="replace")


def body_text(request: HttpRequest) -> str:
    """The body exactly as sent on the wire, for targets that send a prepared string (JSON compact, form encoded).

    Multipart bodies have no single text (the client writes the boundary): renderers handle their parts.
    """
    body = body_of(request)
    if body is None:
        return ""
    if isinstance(body, JsonBody):
        return json_text(body.value, pretty=False)
    if isinstance(body, FormBody):
        return body.encode()
    if isinstance(body, RawBody):
        return raw_text(body)
    raise TypeError("a multipart body has no single text: render its parts")


def content_type(request: HttpRequest) -> str | None:
    """The `Content-Type` a snippet must set itself: the body's media type, except for multipart (whose header
    carries the boundary the client library generates) and when there is no body."""
    body = body_of(request)
    if body is None or isinstance(body, MultipartBody):
        return None
    return body.media_type


def cookie_header(request: HttpRequest) -> str:
    """The request's cookies as one `Cookie` header value (`a=1; b=2`), or ''."""
    return "; ".join(f"{k}={v}" for k, v in request.cookies)


def grouped(pairs: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    """Pairs grouped by key in first-seen order: how dict-based clients take repeated query/form keys."""
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def py_literal(value: Any, indent: str = "") -> str:
    """A JSON value as a Python literal (`True`, `None`, dicts over several lines): `json=` reads naturally."""
    if isinstance(value, str):
        return py_str(value)
    if value is None:
        return "None"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, int | float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else "None"
    inner = indent + "    "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{py_str(str(k))}: {py_literal(v, inner)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{inner}{py_literal(v, inner)}," for v in value]
        return "[\n" + "\n".join(items) + "\n" + indent + "]"
    return py_str(str(value))
