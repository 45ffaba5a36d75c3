"""Follow a paginated list to the end: detect the style, send every page through `send`, merge the items.

Usage::

    result = paginate(api, op, built.request, CredentialStore(), max_pages=50, timeout=10)
    result.items, result.pages, result.style, result.stopped_because

Styles (`STYLES`), tried in this order on each response unless one is forced with `style=`:

- ``link``: an RFC 8288 `Link: <url>; rel="next"` header (absolute or relative URL);
- ``header``: a next-page header holding the next URL (Kinto's `Next-Page`, `X-Next-Page`);
- ``url``: a next URL in the body (`next_url`, `links.next`, `_links.next.href`, `@odata.nextLink`, ...);
- ``cursor``: a token in the body (`next_cursor`, `next_page_token`, `nextPageToken`, `continuation_token`,
  Datasette's `next`) sent back in the matching query parameter;
- ``has_more``: Stripe's `has_more: true` with `starting_after` set to the last item's id;
- ``page`` / ``offset``: counters in the query (`page`/`per_page`, `offset`/`limit`, `skip`, `_start`), guessed
  from the spec's parameter names, used when the response itself names no next page.

The style the first page confirms is kept for every later page, so an API whose last page simply drops its `Link`
header ends there instead of falling back to counting pages. Guards end the loop on a hard page cap, a repeated page
(the same URL, or the same items twice), an empty page, a short page, a page the server ignored (the same first
item as the previous page), a next URL on another origin (credentials are never sent elsewhere), or a failed page.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field, replace
from typing import Any
from xml.etree import ElementTree

import orjson

from apiforge.execute.credentials import CredentialStore
from apiforge.execute.errors import CallError
from apiforge.execute.send import CallResult, new_client, send
from apiforge.http import HttpRequest
from apiforge.spec.model import Api, Operation

__all__ = [
    "STYLES",
    "PageResult",
    "PaginationHint",
    "UnknownPaginationStyle",
    "detect_style",
    "find_items",
    "paginate",
]

STYLES = ("link", "header", "url", "cursor", "has_more", "page", "offset")

PAGE_PARAMS = ("page", "_page", "page_number", "pageNumber", "p")
SIZE_PARAMS = ("per_page", "page_size", "pageSize", "perPage", "limit", "_limit", "size", "count", "max_results")
OFFSET_PARAMS = ("offset", "_start", "skip", "start", "_offset", "from")
CURSOR_PARAMS = (
    "cursor",
    "page_token",
    "pageToken",
    "continuation",
    "continuation_token",
    "continuationToken",
    "_next",
    "next",
    "_token",
    "after",
    "marker",
    "next_token",
    "nextToken",
)
# Body field holding the next token → the query parameter names it is usually sent back in (spec params win).
TOKEN_FIELDS: dict[str, tuple[str, ...]] = {
    "next_cursor": ("cursor", "next_cursor"),
    "nextCursor": ("cursor", "nextCursor"),
    "next_page_token": ("page_token", "pageToken"),
    "nextPageToken": ("pageToken", "page_token"),
    "continuation_token": ("continuation_token", "continuation"),
    "continuationToken": ("continuationToken", "continuation"),
    "NextContinuationToken": ("continuation-token", "ContinuationToken"),
    "next_token": ("next_token", "nextToken"),
    "nextToken": ("nextToken", "next_token"),
    "next": ("_next", "next", "cursor"),
}
URL_FIELDS = ("next_url", "nextUrl", "next_link", "nextLink", "@odata.nextLink", "next_page_url")
NEXT_HEADERS = ("Next-Page", "X-Next-Page", "X-Next")
ITEM_KEYS = ("data", "items", "results", "records", "entries", "values", "objects", "rows", "hits", "value", "list")
NESTED = ("meta", "pagination", "paging", "page_info", "pageInfo", "response_metadata", "metadata", "cursor")
ID_KEYS = ("id", "_id", "uuid", "key", "name")


class UnknownPaginationStyle(ValueError, CallError):
    """`style=` (or `--paginate`) names no style in `STYLES`."""


@dataclass(frozen=True, slots=True)
class PaginationHint:
    """What the spec says about an operation's pagination: the likely style and the query parameters involved."""

    style: str | None = None
    page_param: str = ""
    size_param: str = ""
    offset_param: str = ""
    cursor_param: str = ""
    start_page: int = 1
    params: frozenset[str] = frozenset()
    """Every query parameter name the operation declares: cursor style sends the token back in one of these."""


@dataclass(frozen=True, slots=True)
class PageResult:
    """Every page's items merged in order, and why the loop ended (see `paginate`)."""

    items: tuple[Any, ...]
    pages: int
    style: str | None
    """The style the responses confirmed (None when the first page named no next page and the spec gave none)."""
    stopped_because: str
    results: tuple[CallResult, ...] = field(default=(), repr=False)
    """Each page's `CallResult` (masked), for traces and `--json`."""

    @property
    def is_success(self) -> bool:
        """True when every page answered 2xx (a guard ending the loop early is not a failure)."""
        return bool(self.results) and all(r.is_success for r in self.results)

    @property
    def last(self) -> CallResult | None:
        return self.results[-1] if self.results else None


# -- the spec's hint ---------------------------------------------------------------------------------------------


def detect_style(api: Api, operation: Operation) -> PaginationHint:
    """Guess the style from the operation's query parameter names and its 2xx response schema."""
    names = {p.name: p for p in operation.parameters if p.location == "query"}

    def first(candidates: tuple[str, ...]) -> str:
        return next((c for c in candidates if c in names), "")

    page, size, offset, cursor = (first(PAGE_PARAMS), first(SIZE_PARAMS), first(OFFSET_PARAMS), first(CURSOR_PARAMS))
    start = 1
    if page:
        schema = api.resolve_schema(names[page].schema)
        default = schema.get("default", schema.get("minimum", 1))
        start = default if isinstance(default, int) else 1
    properties = _response_properties(api, operation)
    style: str | None = None
    if "starting_after" in names and "has_more" in properties:
        style = "has_more"
    elif properties & set(URL_FIELDS) or properties & {"links", "_links"}:
        style = "url"
    elif cursor or properties & set(TOKEN_FIELDS):
        style = "cursor"
    elif page:
        style = "page"
    elif offset:
        style = "offset"
    return PaginationHint(style, page, size, offset, cursor, start, frozenset(names))


def _response_properties(api: Api, operation: Operation) -> set[str]:
    """Property names of the 2xx JSON response, one nesting level deep (`meta.next_cursor` counts as `next_cursor`)."""
    found: set[str] = set()
    for response in operation.responses:
        if not response.status.startswith("2"):
            continue
        for media in response.content.values():
            schema = api.resolve_schema(media.schema)
            props = schema.get("properties", {}) if isinstance(schema, dict) else {}
            found.update(props)
            for name in NESTED:
                inner = api.resolve_schema(props.get(name, {}))
                if isinstance(inner, dict):
                    found.update(inner.get("properties", {}))
    return found


# -- reading a page ----------------------------------------------------------------------------------------------


def find_items(body: Any) -> list[Any] | None:
    """The list a page carries: the body itself, a well-known key (`data`, `items`, ...), or its one array property."""
    if isinstance(body, list):
        return body
    if not isinstance(body, dict):
        return None
    for key in ITEM_KEYS:
        if isinstance(body.get(key), list):
            return body[key]
    arrays = [v for v in body.values() if isinstance(v, list)]
    if len(arrays) == 1:
        return arrays[0]
    objects = [v for v in arrays if v and all(isinstance(i, dict) for i in v)]
    return objects[0] if len(objects) == 1 else None


def _link_next(header: str | None) -> str | None:
    """The `rel="next"` target of an RFC 8288 `Link` header."""
    if not header:
        return None
    for match in re.finditer(r"<([^>]*)>([^<]*)", header):
        rels = re.search(r';\s*rel\s*=\s*"?([^";]+)"?', match.group(2), re.IGNORECASE)
        if rels and "next" in rels.group(1).lower().split():
            return match.group(1).strip()
    return None


def _body_url(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    for key in URL_FIELDS:
        if isinstance(body.get(key), str) and body[key]:
            return body[key]
    for holder in ("links", "_links", "paging", "pagination", "meta"):
        links = body.get(holder)
        if isinstance(links, dict):
            target = links.get("next")
            if isinstance(target, dict):
                target = target.get("href")
            if isinstance(target, str) and target:
                return target
            for key in URL_FIELDS:
                if isinstance(links.get(key), str) and links[key]:
                    return links[key]
    nxt = body.get("next")
    if isinstance(nxt, str) and _is_url_like(nxt):
        return nxt
    return None


def _is_url_like(text: str) -> bool:
    return text.startswith(("http://", "https://", "/")) or "?" in text


def _body_token(body: Any) -> tuple[str, str] | None:
    """(field name, token) of a next-page token in the body or one level down (`meta`, `response_metadata`, ...)."""
    if not isinstance(body, dict):
        return None
    holders = [body, *(body[n] for n in NESTED if isinstance(body.get(n), dict))]
    for holder in holders:
        for name in TOKEN_FIELDS:
            value = holder.get(name)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                if name == "next" and _is_url_like(str(value)):
                    continue  # a next *URL* (url style), not a token; Datasette sends both `next` and `next_url`
                return name, str(value)
    return None


def _has_more(body: Any) -> bool | None:
    if isinstance(body, dict):
        for key in ("has_more", "hasMore", "has_next", "hasNext", "more"):
            if isinstance(body.get(key), bool):
                return body[key]
    return None


def _xml_page(result: CallResult) -> CallResult:
    """An XML page (S3's `ListBucketResult`) as a dict: nested elements become lists of dicts, leaves strings."""
    if not (isinstance(result.body, str) and result.media_type.endswith("xml")):
        return result
    try:
        root = ElementTree.fromstring(result.body)
    except ElementTree.ParseError:
        return result
    data: dict[str, Any] = {}
    for child in root:
        name = child.tag.rsplit("}", 1)[-1]
        if len(child):
            data.setdefault(name, []).append({c.tag.rsplit("}", 1)[-1]: c.text or "" for c in child})
        else:
            data[name] = child.text or ""
    return replace(result, body=data)


def _fingerprint(items: list[Any]) -> bytes:
    """The page's items, canonically serialised (orjson: ~10× cheaper per page than `json.dumps`)."""
    try:
        return orjson.dumps(items, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    except TypeError:  # beyond orjson (an integer over 64 bits, ...)
        return json.dumps(items, sort_keys=True, default=str).encode()


def _identity(item: Any) -> str:
    if isinstance(item, dict):
        for key in ID_KEYS:
            if key in item and isinstance(item[key], str | int):
                return f"{key}={item[key]}"
    return json.dumps(item, sort_keys=True, default=str)


# -- the next request --------------------------------------------------------------------------------------------


def _from_url(request: HttpRequest, current_url: str, target: str) -> HttpRequest | str:
    """The request for next URL `target` (relative to `current_url`), or why it is not followed.

    Query values the original request carried as `{{placeholders}}` are kept as placeholders: the server echoes
    the filled secret back, which `send` masked, so only the placeholder can be sent again.
    """
    absolute = urllib.parse.urljoin(current_url, target)
    parts = urllib.parse.urlsplit(absolute)
    if parts.scheme not in ("http", "https"):
        return f"next URL is not http(s): {target}"
    if f"{parts.scheme}://{parts.netloc}".lower() != request.origin.lower():
        return f"next URL leaves the server ({parts.scheme}://{parts.netloc})"
    secret = {k: v for k, v in request.query if "{{" in v}
    query = [(k, secret.get(k, v)) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    base = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return HttpRequest(request.method, base, tuple(query), request.headers, request.cookies, request.body)


def _int_query(request: HttpRequest, name: str, default: int | None) -> int | None:
    values = request.query_values(name)
    try:
        return int(values[0]) if values else default
    except ValueError:
        return default


def _declared_default(op: Operation, name: str, api: Api) -> int | None:
    for param in op.parameters:
        if param.name == name and param.location == "query":
            default = api.resolve_schema(param.schema).get("default")
            return default if isinstance(default, int) else None
    return None


@dataclass(slots=True)
class _Step:
    """What one page says about the next: a request, or why there is none; `style` is the mechanism used."""

    style: str | None
    request: HttpRequest | None = None
    stop: str = ""


def _next_step(
    api: Api,
    op: Operation,
    hint: PaginationHint,
    request: HttpRequest,
    result: CallResult,
    items: list[Any],
    style: str,
) -> _Step:
    """The next request under `style`; an empty `_Step.request` with `stop` set when this page is the last."""
    body = result.body
    if style == "link":
        target = _link_next(result.header("Link"))
        return _follow(request, result, target, style)
    if style == "header":
        target = next((v for h in NEXT_HEADERS if (v := result.header(h))), None)
        return _follow(request, result, target, style)
    if style == "url":
        return _follow(request, result, _body_url(body), style)
    if style == "cursor":
        token = _body_token(body)
        if token is None or _has_more(body) is False:
            return _Step(style, stop="no next page")
        field_name, value = token
        candidates = TOKEN_FIELDS[field_name]
        param = hint.cursor_param if hint.cursor_param else ""
        param = next((c for c in candidates if c in hint.params), param) or candidates[0]
        return _Step(style, request.with_query(param, value))
    if style == "has_more":
        if not _has_more(body) or not items:
            return _Step(style, stop="no next page")
        last = items[-1]
        if not isinstance(last, dict) or "id" not in last:
            return _Step(style, stop="no next page (the last item has no id for starting_after)")
        return _Step(style, request.with_query("starting_after", str(last["id"])))
    size = None
    if hint.size_param:
        size = _int_query(request, hint.size_param, _declared_default(op, hint.size_param, api))
    if size and len(items) < size:
        return _Step(style, stop="short page")
    if style == "page":
        page = _int_query(request, hint.page_param or "page", hint.start_page) or 0
        return _Step(style, request.with_query(hint.page_param or "page", str(page + 1)))
    offset = _int_query(request, hint.offset_param or "offset", 0) or 0
    total = result.header("X-Total-Count")
    if total and total.isdigit() and offset + len(items) >= int(total):
        return _Step(style, stop="no next page")
    return _Step(style, request.with_query(hint.offset_param or "offset", str(offset + len(items))))


def _follow(request: HttpRequest, result: CallResult, target: str | None, style: str) -> _Step:
    if not target:
        return _Step(style, stop="no next page")
    made = _from_url(request, result.url or request.full_url, target)
    return _Step(style, stop=made) if isinstance(made, str) else _Step(style, made)


def _confirm(hint: PaginationHint, request: HttpRequest, result: CallResult) -> str | None:
    """The style the first response shows (a next link, header, URL, token or `has_more`), else the spec's hint."""
    body = result.body
    if _link_next(result.header("Link")):
        return "link"
    if any(result.header(h) for h in NEXT_HEADERS):
        return "header"
    if _body_url(body):
        return "url"
    if _body_token(body):
        return "cursor"
    if hint.style == "has_more" and _has_more(body) is not None:
        return "has_more"
    if hint.style == "page" and hint.offset_param and request.query_values(hint.offset_param):
        return "offset"  # the spec offers both counters: the one the caller set wins
    return hint.style


# -- the loop ----------------------------------------------------------------------------------------------------


def paginate(
    api: Api,
    operation: Operation,
    request: HttpRequest,
    credentials: CredentialStore,
    *,
    max_pages: int = 100,
    style: str | None = None,
    **send_kwargs: Any,
) -> PageResult:
    """Send `request` and every next page (each through `send`: credentials, retries, masking); merge the items.

    `style` forces one of `STYLES`; otherwise it is detected (see the module docstring). `send_kwargs` go to
    `send` (`timeout`, `retries`, `client`, ...); one `httpx.Client` is shared by all pages unless given.
    Never raises for an HTTP failure: a failed page ends the loop with `stopped_because="page N failed: ..."`.
    """
    if style is not None and style not in STYLES:
        raise UnknownPaginationStyle(f"unknown pagination style {style!r}; choose one of {', '.join(STYLES)}")
    hint = detect_style(api, operation)
    own_client = "client" not in send_kwargs
    if own_client:
        send_kwargs["client"] = new_client(send_kwargs.get("timeout", 30.0))
    items: list[Any] = []
    results: list[CallResult] = []
    seen_urls: set[str] = set()
    seen_pages: set[bytes] = set()
    previous_first: str | None = None
    chosen = style
    stopped = ""
    current: HttpRequest | None = request
    try:
        while current is not None:
            if len(results) >= max(1, max_pages):
                stopped = f"page limit reached ({max(1, max_pages)} pages)"
                break
            url = current.full_url
            if url in seen_urls:
                stopped = "repeated page (the same URL twice)"
                break
            seen_urls.add(url)
            result = _xml_page(send(api, operation, current, credentials, **send_kwargs))
            results.append(result)
            if not result.is_success:
                stopped = f"page {len(results)} failed: {result.failure or 'no response'}"
                break
            page_items = find_items(result.body)
            if page_items is None:
                stopped = "no list of items in the response" if len(results) == 1 else "page without a list of items"
                break
            if not page_items:
                stopped = "empty page"
                break
            fingerprint = _fingerprint(page_items)
            if fingerprint in seen_pages:
                stopped = "repeated page (the same items twice)"
                break
            first = _identity(page_items[0])
            if first == previous_first:
                stopped = "page ignored by the server (the same first item as the previous page)"
                break
            seen_pages.add(fingerprint)
            previous_first = first
            items.extend(page_items)
            if chosen is None:
                chosen = _confirm(hint, current, result)
                if chosen is None:
                    stopped = "not paginated (no next page in the response, no paging parameters in the spec)"
                    break
            step = _next_step(api, operation, hint, current, result, page_items, chosen)
            current, stopped = step.request, step.stop
    finally:
        if own_client:
            send_kwargs["client"].close()
    return PageResult(tuple(items), len(results), chosen, stopped, tuple(results))
