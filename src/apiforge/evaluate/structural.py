"""Structural match: compare two calls as HTTP requests, part by part, and say which part differs.

Text similarity (API Pack's metric) rewards a call that looks like the gold one; this metric asks whether it
*does* the same thing. Both calls are parsed into `HttpRequest`s and compared in this order:

1. `method`;
2. `operation`: with a checker, the API operation each request resolves to (a call that resolves to none differs);
   without one, scheme-insensitive host + path;
3. `path`: path parameter values (percent-decoded), or the whole path when there is no checker;
4. `query`: the multiset of (name, value) pairs, order-free;
5. `headers`: the headers that matter — not transport headers (`User-Agent`, `Accept`, `Content-Length`, ...);
   credentials compare by presence and scheme only (their values are placeholders for secrets);
6. `body`: JSON-aware (objects order-free, `1 == 1.0`); a raw body holding JSON compares as JSON; forms and
   multipart as multisets.
"""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from typing import Any

from apiforge.check import Checker
from apiforge.errors import ApiforgeError
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, RawBody
from apiforge.http.parse import parse_code

__all__ = ["PARTS", "StructuralResult", "structural_match", "structural_match_code"]

PARTS: tuple[str, ...] = ("unparseable", "method", "operation", "path", "query", "headers", "body")
"""Every part a structural comparison can report, in the order they are checked."""

_TRANSPORT_HEADERS = frozenset(
    {
        "user-agent",
        "accept",
        "accept-encoding",
        "accept-language",
        "connection",
        "host",
        "content-length",
        "content-type",
        "cache-control",
        "pragma",
        "origin",
        "referer",
        "x-requested-with",
    }
)
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key", "apikey"})


@dataclass(frozen=True, slots=True)
class StructuralResult:
    """Which parts of the predicted request differ from the gold one (empty: the same call)."""

    differences: tuple[str, ...]
    """Parts from `PARTS` that differ, in checking order."""
    details: dict[str, str]
    """Part → a short human explanation (predicted vs gold)."""

    @property
    def is_match(self) -> bool:
        return not self.differences

    @property
    def first(self) -> str:
        """The first differing part ('' for a match): the failure kind reports use."""
        return self.differences[0] if self.differences else ""


def _decoded_path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.unquote(parts.path).rstrip("/") or "/"


def _host(url: str) -> str:
    netloc = urllib.parse.urlsplit(url).netloc.lower().rpartition("@")[2]
    return netloc.removesuffix(":443").removesuffix(":80")


def _norm_json(value: Any) -> Any:
    """JSON value with numbers as floats (bools kept), so that `1 == 1.0` and dict order does not matter."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return [_norm_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _norm_json(v) for k, v in value.items()}
    return value


def _body_key(request: HttpRequest) -> Any:
    body = request.body
    if body is None:
        return None
    if isinstance(body, JsonBody):
        return ("json", _norm_json(body.value))
    if isinstance(body, RawBody):
        text = body.content.decode("utf-8", "replace") if isinstance(body.content, bytes) else body.content
        try:
            return ("json", _norm_json(json.loads(text)))
        except ValueError:
            return ("raw", text.strip())
    if isinstance(body, FormBody):
        return ("form", Counter(body.fields))
    if isinstance(body, MultipartBody):
        return ("multipart", Counter((p.name, p.value, p.filename) for p in body.parts))
    return ("other", repr(body))


def _headers_key(request: HttpRequest) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for name, value in request.headers:
        lower = name.lower()
        if lower in _TRANSPORT_HEADERS:
            continue
        if lower in _CREDENTIAL_HEADERS:
            scheme = value.split(" ", 1)[0].lower() if lower.endswith("authorization") and " " in value else ""
            out[(lower, scheme)] += 1
        else:
            out[(lower, value.strip())] += 1
    return out


def _query_key(request: HttpRequest) -> Counter[tuple[str, str]]:
    return Counter((urllib.parse.unquote(k), urllib.parse.unquote(v)) for k, v in request.query)


def _show(counter: Counter[Any]) -> str:
    return ", ".join(f"{k}" for k in sorted(counter.elements(), key=str)) or "(none)"


def structural_match(predicted: HttpRequest, gold: HttpRequest, checker: Checker | None = None) -> StructuralResult:
    """Compare `predicted` with `gold` part by part (see the module docstring); `checker` resolves operations."""
    diffs: dict[str, str] = {}
    if predicted.method != gold.method:
        diffs["method"] = f"{predicted.method} vs {gold.method}"
    same_params = True
    if checker is not None:
        pred_check, gold_check = checker.check(predicted), checker.check(gold)
        pred_op = (pred_check.api_id, pred_check.operation_id)
        gold_op = (gold_check.api_id, gold_check.operation_id)
        if pred_op != gold_op or pred_check.operation_id is None:
            diffs["operation"] = f"{pred_op[1] or 'no operation'} vs {gold_op[1] or 'no operation'}"
        elif pred_check.path_params != gold_check.path_params:
            same_params = False
            diffs["path"] = f"{pred_check.path_params} vs {gold_check.path_params}"
    else:
        if _host(predicted.url) != _host(gold.url):
            diffs["operation"] = f"host {_host(predicted.url)} vs {_host(gold.url)}"
        elif _decoded_path(predicted.url) != _decoded_path(gold.url):
            same_params = False
    if not same_params and "path" not in diffs:
        diffs["path"] = f"{_decoded_path(predicted.url)} vs {_decoded_path(gold.url)}"
    pq, gq = _query_key(predicted), _query_key(gold)
    if pq != gq:
        diffs["query"] = f"{_show(pq)} vs {_show(gq)}"
    ph, gh = _headers_key(predicted), _headers_key(gold)
    if ph != gh:
        diffs["headers"] = f"{_show(ph)} vs {_show(gh)}"
    pb, gb = _body_key(predicted), _body_key(gold)
    if pb != gb:
        diffs["body"] = f"{str(pb)[:120]} vs {str(gb)[:120]}"
    ordered = tuple(p for p in PARTS if p in diffs)
    return StructuralResult(ordered, {p: diffs[p] for p in ordered})


def structural_match_code(
    predicted: str, gold: str | HttpRequest, lang: str = "auto", checker: Checker | None = None
) -> StructuralResult:
    """`structural_match` on code text; predicted code that cannot be parsed differs in `unparseable`."""
    try:
        pred_request = parse_code(predicted, lang)
    except ApiforgeError as exc:
        return StructuralResult(("unparseable",), {"unparseable": str(exc)[:200]})
    gold_request = gold if isinstance(gold, HttpRequest) else parse_code(gold, lang)
    return structural_match(pred_request, gold_request, checker)
