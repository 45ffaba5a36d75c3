"""HAR 1.2 `request` objects to and from `HttpRequest` (http://www.softwareishard.com/blog/har-12-spec/#request).

`to_har` writes what HAR consumers (httpsnippet, browsers' "copy as HAR") expect: the full URL with its query,
`queryString`, `cookies`, and `headers` that include `Content-Type` (from the body's media type) and `Cookie`.
`postData` has `text` for JSON and raw bodies and `params` for form and multipart bodies (the spec makes the two
mutually exclusive); `headersSize`/`bodySize` are -1 (unknown). `from_har` undoes all of it: `Content-Type` moves
onto the body, cookies come from `cookies` or else the `Cookie` header, the query from `queryString` or else the
URL. A `RawBody` holding bytes is written as UTF-8 text (replacing undecodable bytes) and read back as text.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

from apiforge.errors import ParseError
from apiforge.http._models import Body, FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody

__all__ = ["from_har", "to_har"]

HTTP_VERSION = "HTTP/1.1"


def _named(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in pairs]


def _is_json(media_type: str) -> bool:
    base = media_type.split(";", 1)[0].strip().lower()
    return base.endswith(("/json", "+json"))


def to_har(req: HttpRequest) -> dict[str, Any]:
    """The HAR 1.2 `request` object for `req`."""
    headers = _named(req.headers)
    if req.body is not None and req.body.media_type:
        headers.append({"name": "Content-Type", "value": req.body.media_type})
    if req.cookies:
        headers.append({"name": "Cookie", "value": "; ".join(f"{k}={v}" for k, v in req.cookies)})
    har: dict[str, Any] = {
        "method": req.method,
        "url": req.full_url,
        "httpVersion": HTTP_VERSION,
        "cookies": _named(req.cookies),
        "headers": headers,
        "queryString": _named(req.query),
        "headersSize": -1,
        "bodySize": -1,
    }
    if req.body is not None:
        har["postData"] = _post_data(req.body)
    return har


def _post_data(body: Body) -> dict[str, Any]:
    if isinstance(body, JsonBody):
        return {"mimeType": body.media_type, "text": json.dumps(body.value, ensure_ascii=False)}
    if isinstance(body, FormBody):
        return {"mimeType": body.media_type, "params": _named(body.fields)}
    if isinstance(body, MultipartBody):
        params: list[dict[str, str]] = []
        for part in body.parts:
            param = {"name": part.name, "value": part.value}
            if part.filename is not None:
                param["fileName"] = part.filename
            if part.content_type:
                param["contentType"] = part.content_type
            params.append(param)
        return {"mimeType": body.media_type, "params": params}
    content = body.content
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    return {"mimeType": body.media_type, "text": text}


def _pairs(items: Any, where: str) -> list[tuple[str, str]]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ParseError(f"HAR '{where}' must be a list of {{name, value}} objects", lang="har")
    out: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, Mapping) or "name" not in item:
            raise ParseError(f"HAR '{where}' entry without a name: {item!r}", lang="har")
        out.append((str(item["name"]), str(item.get("value", ""))))
    return out


def from_har(har: Mapping[str, Any]) -> HttpRequest:
    """The `HttpRequest` a HAR 1.2 `request` object describes; raises `ParseError` when it is not one."""
    if not isinstance(har, Mapping) or not har.get("url") or not har.get("method"):
        raise ParseError("a HAR request needs 'method' and 'url'", lang="har")
    parts = urllib.parse.urlsplit(str(har["url"]))
    url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    query = _pairs(har.get("queryString"), "queryString")
    if not query and parts.query:
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    content_type = ""
    cookie_header: list[str] = []
    headers: list[tuple[str, str]] = []
    for name, value in _pairs(har.get("headers"), "headers"):
        lower = name.lower()
        if lower == "content-type":
            content_type = content_type or value
        elif lower == "cookie":
            cookie_header.append(value)
        else:
            headers.append((name, value))
    cookies = _pairs(har.get("cookies"), "cookies")
    if not cookies:
        for line in cookie_header:
            for item in line.split(";"):
                name, sep, value = item.strip().partition("=")
                if sep and name:
                    cookies.append((name, value))
    post = har.get("postData")
    body = _body(post, content_type) if isinstance(post, Mapping) else None
    return HttpRequest(
        str(har["method"]), url, query=tuple(query), headers=tuple(headers), cookies=tuple(cookies), body=body
    )


def _body(post: Mapping[str, Any], content_type: str) -> Body:
    media_type = str(post.get("mimeType") or content_type or "")
    base = media_type.split(";", 1)[0].strip().lower()
    params = post.get("params")
    text = post.get("text")
    if base.startswith("multipart/") and (params or not text):
        parts = [
            Part(
                str(p.get("name", "")),
                str(p.get("value", "")),
                filename=p.get("fileName"),
                content_type=str(p.get("contentType", "")),
            )
            for p in params or []
        ]
        return MultipartBody(tuple(parts), media_type)
    if base == "application/x-www-form-urlencoded":
        if params:
            return FormBody(tuple(_pairs(params, "postData.params")), media_type)
        return FormBody(tuple(urllib.parse.parse_qsl(str(text or ""), keep_blank_values=True)), media_type)
    if _is_json(base) and isinstance(text, str):
        try:
            return JsonBody(json.loads(text), media_type)
        except ValueError:
            return RawBody(text, media_type)
    if text is None and params:
        return FormBody(tuple(_pairs(params, "postData.params")), media_type)
    return RawBody(str(text or ""), media_type)
