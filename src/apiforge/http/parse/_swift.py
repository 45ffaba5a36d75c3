"""Swift with Foundation: `URL(string:)`, `URLRequest`, `httpMethod`, `allHTTPHeaderFields`, `setValue`, `httpBody`."""

from __future__ import annotations

from apiforge.http.parse._draft import Draft, ParseResult
from apiforge.http.parse._eval import Evaluator, as_text
from apiforge.http.parse._reader import Call, Name
from apiforge.http.parse._tokens import Syntax

__all__ = ["parse_swift"]

SWIFT = Syntax("swift", triple="swift", interpolation="swift", single="none")
_REQUEST_TYPES = ("URLRequest", "NSMutableURLRequest", "NSURLRequest")


def parse_swift(text: str) -> ParseResult:
    ev = Evaluator(text, SWIFT)
    draft = Draft("swift")
    var = next((t for t, node in ev.env.items() if isinstance(node, Call) and node.name in _REQUEST_TYPES), "request")
    request_call = ev.env.get(var)
    if isinstance(request_call, Call):
        url_node = dict(request_call.kwargs).get("url", request_call.args[0] if request_call.args else None)
        url = ev.text(url_node) if url_node is not None else ""
        if "://" in url:
            draft.url = url
    if draft.url is None:
        urls = [c for c in ev.calls if c.name in ("URL", "NSURL", "URLComponents") and c.kwargs]
        if urls:
            draft.url = ev.text(dict(urls[0].kwargs).get("string", urls[0].kwargs[0][1]))
    for call in ev.calls:
        if call.name == "URLQueryItem":
            kw = dict(call.kwargs)
            draft.query.append((ev.text(kw.get("name")), ev.text(kw.get("value"))))
        elif call.name in (f"{var}.setValue", f"{var}.addValue") and call.args and call.kwargs:
            draft.headers.append((ev.text(call.kwargs[0][1]), ev.text(call.args[0])))
    if f"{var}.httpMethod" in ev.env:
        draft.method = ev.text(Name(f"{var}.httpMethod")).upper()
    if f"{var}.allHTTPHeaderFields" in ev.env:
        headers = ev.value(Name(f"{var}.allHTTPHeaderFields"))
        if isinstance(headers, dict):
            draft.headers[:0] = [(k, as_text(v)) for k, v in headers.items()]
    if f"{var}.httpBody" in ev.env:
        node = ev.env[f"{var}.httpBody"]
        body = as_text(ev.value(node))
        if isinstance(node, Name):  # `postData.append(...)` calls extend an `NSMutableData`
            for call in ev.calls_named(f"{node.path}.append"):
                if call.args:
                    body += ev.text(call.args[0])
        draft.body_text = body
    return draft.finish()
