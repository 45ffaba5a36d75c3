r"""Tokens for the non-Python parsers: each language's string literals (escapes, interpolation), comments, numbers.

Strings are decoded here, once, so parsers only ever see real values. Interpolated strings (`"Bearer $token"`,
`` `${x}` ``, `"#{x}"`, `"\(x)"`) come back as `Tmpl` pieces, to be resolved against the code's variables.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import Any

__all__ = ["Code", "Syntax", "Tmpl", "Token", "tokenize", "unescape"]


@dataclass(frozen=True, slots=True)
class Syntax:
    """How one language spells strings and comments."""

    name: str
    hash_comments: bool = False
    single: str = "escaped"
    """`escaped` (JS, C char), `raw` (PHP/Ruby: only `\\\\` and `\\'`), or `none` (not a quote)."""
    backtick: str = "none"
    """`raw` (Go), `template` (JS `${}`), or `none`."""
    byte_escapes: bool = False
    """`\\x` and octal escapes are bytes (Go, C, PHP, Ruby), not code points (JS, Java)."""
    triple: str = ""
    """`java` or `swift`: `\"\"\"` multi-line strings with incidental indentation removed."""
    interpolation: str = ""
    """`php` (`$x`, `{$x}`), `ruby` (`#{x}`), `swift` (`\\(x)`) in double-quoted strings."""
    concat: tuple[str, ...] = ("+",)
    member: tuple[str, ...] = (".", "::", "->", "?.")
    """Member-access operators (PHP uses `.` for concatenation, so only `->`, `::`, `?->`)."""
    symbols: bool = False
    """Ruby `:symbol` literals."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    """`str`, `num`, `id` or `op`."""
    text: str
    value: Any
    line: int


@dataclass(frozen=True, slots=True)
class Tmpl:
    """An interpolated string: literal pieces and expression source texts (`("Bearer ", Code("token"))`)."""

    parts: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Code:
    source: str


# -- strings -------------------------------------------------------------------------------------------------------

_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "e": "\x1b",
    "0": "\0",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "/": "/",
    "`": "`",
    "$": "$",
    "?": "?",
    "#": "#",
    "(": "(",
    "{": "{",
}
_HEX = re.compile(r"[0-9a-fA-F]+")


def unescape(body: str, *, byte_escapes: bool = False, keep_unknown: bool = False) -> str:
    r"""Decode backslash escapes of a C-family string literal body (`\n`, `\xHH`, `\uHHHH`, `\u{H}`, octal)."""
    out = bytearray()
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out += c.encode("utf-8", "surrogatepass")
            i += 1
            continue
        nxt = body[i + 1]
        i += 2
        if nxt in "01234567" and byte_escapes or (nxt in "1234567" and not byte_escapes):
            m = re.compile(r"[0-7]{1,3}").match(body, i - 1)
            assert m is not None
            code = int(m.group(0), 8)
            i = m.end()
            out += bytes([code & 0xFF]) if byte_escapes else chr(code).encode("utf-8")
        elif nxt == "x":
            m = re.compile(r"[0-9a-fA-F]{1,2}").match(body, i)
            if not m:
                out += b"\\x" if keep_unknown else b"x"
                continue
            code = int(m.group(0), 16)
            i = m.end()
            out += bytes([code]) if byte_escapes else chr(code).encode("utf-8")
        elif nxt in "uU":
            if body.startswith("{", i):
                end = body.find("}", i)
                digits = body[i + 1 : end] if end > 0 else ""
                if _HEX.fullmatch(digits):
                    out += chr(int(digits, 16)).encode("utf-8", "surrogatepass")
                    i = end + 1
                    continue
            width = 4 if nxt == "u" else 8
            digits = body[i : i + width]
            if len(digits) == width and _HEX.fullmatch(digits):
                out += chr(int(digits, 16)).encode("utf-8", "surrogatepass")
                i += width
            else:
                out += ("\\" + nxt).encode() if keep_unknown else nxt.encode()
        elif nxt == "\n":
            continue  # line continuation inside a string
        elif nxt in _SIMPLE_ESCAPES and not (keep_unknown and nxt in "/`?#({"):
            out += _SIMPLE_ESCAPES[nxt].encode()
        else:
            out += (("\\" + nxt) if keep_unknown else nxt).encode("utf-8", "surrogatepass")
    text = out.decode("utf-8", "surrogatepass" if not byte_escapes else "replace")
    try:  # join UTF-16 surrogate pairs written as two `\\u` escapes (JavaScript, Java)
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        return text


def _raw_single(body: str) -> str:
    return body.replace("\\'", "'").replace("\\\\", "\\")


# -- tokens --------------------------------------------------------------------------------------------------------

_OPS = sorted(
    "=== !== ... ?-> :: -> => := == != <= >= && || ?? ?. += -= .= << >> ** ++ --".split(),
    key=len,
    reverse=True,
)
_IDENT = re.compile(r"[A-Za-z_$@\u00c0-\uffff][\w$\u00c0-\uffff]*")
_NUMBER = re.compile(r"\d[\w]*(?:\.\d[\w]*)?")
_PHP_VAR = re.compile(r"\$([A-Za-z_]\w*)((?:->\w+|\[[^\]]*\])*)|\{\$([^}]*)\}")
_RUBY_INTERP = re.compile(r"#\{")


def tokenize(text: str, syntax: Syntax) -> list[Token]:
    """Tokens of `text`; string tokens carry their decoded value (a `Tmpl` when interpolated)."""
    tokens: list[Token] = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            continue
        if c in " \t\r\f\v;":
            if c == ";":
                tokens.append(Token("op", ";", None, line))
            i += 1
            continue
        if text.startswith("//", i) or (syntax.hash_comments and c == "#" and not text.startswith("#{", i)):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += text.count("\n", i, end)
            i = end
            continue
        if text.startswith("<?php", i) or text.startswith("?>", i):
            i += 5 if text.startswith("<?php", i) else 2
            continue
        start_line = line
        if syntax.triple and text.startswith('"""', i):
            end = text.find('"""', i + 3)
            end = n if end < 0 else end
            raw = text[i + 3 : end]
            line += raw.count("\n")
            tokens.append(Token("str", raw, _triple(raw, syntax), start_line))
            i = end + 3
            continue
        if c == '"' or (c == "'" and syntax.single != "none") or (c == "`" and syntax.backtick != "none"):
            end = _string_end(text, i + 1, c, raw=(c == "`" and syntax.backtick == "raw"))
            raw = text[i + 1 : end]
            line += raw.count("\n")
            tokens.append(Token("str", text[i : end + 1], _string_value(raw, c, syntax), start_line))
            i = end + 1
            continue
        if syntax.symbols and c == ":" and i + 1 < n and (text[i + 1].isalpha() or text[i + 1] == "_"):
            prev = tokens[-1] if tokens else None
            if prev is None or (prev.kind == "op" and prev.text not in (")", "]")):
                m = _IDENT.match(text, i + 1)
                if m:
                    tokens.append(Token("str", m.group(0), m.group(0), line))
                    i = m.end()
                    continue
        m = _IDENT.match(text, i)
        if m:
            tokens.append(Token("id", m.group(0), m.group(0), line))
            i = m.end()
            continue
        m = _NUMBER.match(text, i)
        if m:
            tokens.append(Token("num", m.group(0), _number(m.group(0)), line))
            i = m.end()
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), c)
        tokens.append(Token("op", op, None, line))
        i += len(op)
    return tokens


def _string_end(text: str, i: int, quote: str, *, raw: bool) -> int:
    n = len(text)
    depth = 0
    while i < n:
        c = text[i]
        if c == "\\" and not raw:
            i += 2
            continue
        if quote == "`" and not raw and text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if depth and c == "}":
            depth -= 1
        elif c == quote and not depth:
            return i
        i += 1
    return n


def _number(text: str) -> Any:
    clean = text.rstrip("lLfFdDuU").replace("_", "")
    try:
        return int(clean, 0)
    except ValueError:
        try:
            return float(clean)
        except ValueError:
            return text


def _string_value(raw: str, quote: str, syntax: Syntax) -> Any:
    if quote == "`":
        if syntax.backtick == "raw":
            return raw
        return _interpolated(raw, "${", syntax)
    if quote == "'" and syntax.single == "raw":
        return _raw_single(raw)
    if quote == '"' and syntax.interpolation == "php":
        return _php_interpolated(raw)
    if quote == '"' and syntax.interpolation == "ruby":
        return _interpolated(raw, "#{", syntax)
    if quote == '"' and syntax.interpolation == "swift":
        return _interpolated(raw, "\\(", syntax)
    return unescape(raw, byte_escapes=syntax.byte_escapes)


def _interpolated(raw: str, opener: str, syntax: Syntax) -> Any:
    r"""Split at `${...}` / `#{...}` / `\(...)` (an escaped backslash or opener is literal text)."""
    closer = ")" if opener == "\\(" else "}"
    pieces: list[Any] = []
    start = i = 0
    n = len(raw)
    while i < n:
        is_open = raw.startswith(opener, i)
        if raw[i] == "\\" and not is_open:
            i += 2
            continue
        if not is_open:
            i += 1
            continue
        pieces.append(unescape(raw[start:i], byte_escapes=syntax.byte_escapes))
        depth, k = 0, i + len(opener)
        while k < n:
            if raw[k] in "({[":
                depth += 1
            elif raw[k] in ")}]":
                if depth == 0 and raw[k] == closer:
                    break
                depth -= 1
            k += 1
        pieces.append(Code(raw[i + len(opener) : k].strip()))
        start = i = k + 1
    pieces.append(unescape(raw[start:], byte_escapes=syntax.byte_escapes))
    if all(isinstance(p, str) for p in pieces):
        return "".join(pieces)
    return Tmpl(tuple(p for p in pieces if p != ""))


def _php_interpolated(raw: str) -> Any:
    pieces: list[Any] = []
    i = 0
    for m in _PHP_VAR.finditer(raw):
        if m.start() > 0 and raw[m.start() - 1] == "\\":
            continue
        pieces.append(unescape(raw[i : m.start()], byte_escapes=True, keep_unknown=True))
        pieces.append(Code(m.group(3) if m.group(3) is not None else "$" + m.group(1) + (m.group(2) or "")))
        i = m.end()
    pieces.append(unescape(raw[i:], byte_escapes=True, keep_unknown=True))
    if all(isinstance(p, str) for p in pieces):
        return "".join(pieces)
    return Tmpl(tuple(p for p in pieces if p != ""))


def _triple(raw: str, syntax: Syntax) -> Any:
    """Java text blocks / Swift multi-line strings: drop the opening line break and the common indentation."""
    if raw.startswith("\r\n"):
        raw = raw[2:]
    elif raw.startswith("\n"):
        raw = raw[1:]
    last_newline = raw.rfind("\n")
    closing_indent = raw[last_newline + 1 :] if last_newline >= 0 and not raw[last_newline + 1 :].strip() else None
    if closing_indent is not None:
        body = raw[: last_newline + 1]
        lines = [line[len(closing_indent) :] if line.startswith(closing_indent) else line for line in body.split("\n")]
        text = "\n".join(lines)
        if syntax.triple == "swift":
            text = text.removesuffix("\n")
    else:
        text = textwrap.dedent(raw)
    if syntax.interpolation == "swift":
        return _interpolated(text, "\\(", syntax)
    return unescape(text, byte_escapes=syntax.byte_escapes)
