r"""Parse code back into an `HttpRequest`: curl, Python, JavaScript, Go, Java, Ruby, PHP, Swift and C.

Nothing is ever executed: Python is read with `ast`, the other languages with a small forgiving reader
(`_tokens`, `_reader`, `_eval`), curl with a shell-word splitter. Every parser collects a `Draft`, and
`Draft.finish()` applies the `HttpRequest` invariants once for all of them.

Usage::

    from apiforge.http.parse import parse_code

    req = parse_code("curl --json '[1, 2]' 'https://api.example.com/items?page=2'")
    req.url, req.query, req.body  # 'https://api.example.com/items', (('page', '2'),), JsonBody([1, 2])
"""

from __future__ import annotations

from collections.abc import Callable

from apiforge.errors import ParseError
from apiforge.http._models import HttpRequest
from apiforge.http.parse._curl import parse_curl
from apiforge.http.parse._detect import LANGUAGES, detect_language, normalize_language
from apiforge.http.parse._draft import ParseResult
from apiforge.http.parse._go import parse_go
from apiforge.http.parse._java import parse_java
from apiforge.http.parse._javascript import parse_javascript
from apiforge.http.parse._libcurl import parse_c, parse_php
from apiforge.http.parse._python import parse_python
from apiforge.http.parse._ruby import parse_ruby
from apiforge.http.parse._swift import parse_swift

__all__ = ["LANGUAGES", "ParseResult", "detect_language", "parse_code", "parse_code_result"]

_PARSERS: dict[str, Callable[[str], ParseResult]] = {
    "curl": parse_curl,
    "python": parse_python,
    "javascript": parse_javascript,
    "go": parse_go,
    "java": parse_java,
    "ruby": parse_ruby,
    "php": parse_php,
    "swift": parse_swift,
    "c": parse_c,
}


def parse_code(text: str, lang: str = "auto") -> HttpRequest:
    """The request that code `text` sends; `lang` is a language, an alias or a snippet target (`python_requests`).

    Raises `ParseError` (with `.lang`) when the language is unknown or no request can be found.
    """
    return parse_code_result(text, lang).request


def parse_code_result(text: str, lang: str = "auto") -> ParseResult:
    """Like `parse_code`, with the detected language and the parser's notes (ignored commands, unread files)."""
    text = _strip_fences(text)
    if lang in ("auto", ""):
        language = detect_language(text)
        if not language:
            raise ParseError("could not tell the language of the code; pass lang=...")
    else:
        language = normalize_language(lang)
        if not language:
            raise ParseError(f"unknown language {lang!r}; known: {', '.join(LANGUAGES)}")
    try:
        return _PARSERS[language](text)
    except ParseError:
        raise
    except (ValueError, IndexError, KeyError, TypeError, RecursionError) as exc:  # a parser bug must not escape raw
        raise ParseError(f"could not read the code ({type(exc).__name__}: {exc})", lang=language) from exc


def _strip_fences(text: str) -> str:
    """Drop a surrounding Markdown code fence (models often answer with one)."""
    lines = text.strip().splitlines()
    if len(lines) >= 2 and lines[0].startswith("```"):
        end = next((i for i in range(len(lines) - 1, 0, -1) if lines[i].strip().startswith("```")), len(lines))
        return "\n".join(lines[1:end])
    return text
