"""Check code text (curl, Python, ...) or a HAR request: parse it into an `HttpRequest` first.

A parse failure is not an exception here but a verdict: the `unparseable` diagnostic, because "the model wrote
code nobody can run" is one of the answers a checker must be able to give.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from apiforge.check._checker import Checker
from apiforge.check._diagnostics import CheckResult, Diagnostic
from apiforge.errors import ApiforgeError, ParseError
from apiforge.http import HttpRequest
from apiforge.spec.model import Api

__all__ = ["check_code", "request_from_text"]


def _har_request(text: str) -> dict[str, Any] | None:
    """The HAR `request` object in `text` (a bare request, an entry, or a whole log), else None."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None
    try:
        data = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("log"), dict):
        entries = data["log"].get("entries") or []
        data = entries[0] if entries and isinstance(entries[0], dict) else {}
    if isinstance(data.get("request"), dict):
        data = data["request"]
    return data if "method" in data and "url" in data else None


def request_from_text(text: str, lang: str = "auto") -> HttpRequest:
    """Parse code (`lang` = `auto`, `curl`, `python`, ...) or a HAR request object into an `HttpRequest`.

    Raises `ParseError` when the text cannot be read as a request.
    """
    if lang in ("auto", "har"):
        har = _har_request(text)
        if har is not None:
            try:
                return HttpRequest.from_har(har)
            except (KeyError, TypeError, ValueError) as exc:
                raise ParseError(f"not a valid HAR request: {exc}", lang="har") from None
        if lang == "har":
            raise ParseError("expected a HAR request object with 'method' and 'url'", lang="har")
    try:
        from apiforge.http.parse import parse_code
    except ImportError as exc:  # the parsers are optional machinery: say so instead of crashing
        raise ParseError(f"code parsing is not available ({exc})", lang=lang) from None
    return parse_code(text, lang)


def check_code(text: str, apis: Api | Sequence[Api] | Checker, lang: str = "auto") -> CheckResult:
    """Parse `text` and check the request it makes; a parse failure gives an `unparseable` diagnostic.

    Example::

        check_code("curl https://api.example.com/v1/items?limit=x", api).diagnostics
    """
    checker = apis if isinstance(apis, Checker) else Checker(apis)
    try:
        request = request_from_text(text, lang)
    except ApiforgeError as exc:
        reason = str(exc) if isinstance(exc, ParseError) else f"{type(exc).__name__}: {exc}"
        diag = Diagnostic("unparseable", "error", "", f"Cannot parse the code: {reason}")
        return CheckResult(None, None, {}, (diag,))
    return checker.check(request)
