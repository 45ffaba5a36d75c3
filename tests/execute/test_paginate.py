"""Pagination against a tiny real `http.server` that speaks every style, plus each guard that ends the loop."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from apiforge.execute import Credential, CredentialStore
from apiforge.execute.paginate import (
    PageResult,
    UnknownPaginationStyle,
    detect_style,
    find_items,
    paginate,
)
from apiforge.http.build import build_request
from apiforge.spec._load import load_spec
from apiforge.spec.model import Api

pytestmark = pytest.mark.server
API_ID = "paging-local"
SECRET = "Kq7-paging-secret-991"
ITEMS = [{"id": i, "name": f"item {i}"} for i in range(1, 26)]


class _Handler(BaseHTTPRequestHandler):
    served = 0

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(parts.query))
        route = getattr(self, "route_" + parts.path.strip("/"), None)
        if route is None:
            return self._send(404, {"error": "not found"})
        type(self).served += 1
        route(q)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def route_pages(self, q: dict[str, str]) -> None:
        """page/per_page with a *relative* `Link` header."""
        page, size = int(q.get("page", "1")), int(q.get("per_page", "10"))
        chunk = ITEMS[(page - 1) * size : page * size]
        more = page * size < len(ITEMS)
        link = {"Link": f'</pages?page={page + 1}&per_page={size}>; rel="next"'} if more else {}
        self._send(200, chunk, link)

    def route_secure(self, q: dict[str, str]) -> None:
        """The API key travels in the query; the absolute `Link` echoes it back (send masks it)."""
        if q.get("api_key") != SECRET:
            return self._send(401, {"error": "bad key"})
        page = int(q.get("page", "1"))
        chunk = ITEMS[(page - 1) * 10 : page * 10]
        host = self.headers["Host"]
        nxt = urllib.parse.urlencode({"api_key": q["api_key"], "page": page + 1})
        link = {"Link": f'<http://{host}/secure?{nxt}>; rel="next"'} if page * 10 < len(ITEMS) else {}
        self._send(200, {"data": chunk}, link)

    def route_cursor(self, q: dict[str, str]) -> None:
        """An opaque token nested in `meta.next_cursor`, null on the last page."""
        start = int(q["cursor"].removeprefix("c-")) if "cursor" in q else 0
        chunk = ITEMS[start : start + 10]
        token = f"c-{start + 10}" if start + 10 < len(ITEMS) else None
        self._send(200, {"items": chunk, "meta": {"next_cursor": token}})

    def route_odata(self, q: dict[str, str]) -> None:
        """A relative next URL in the body (`@odata.nextLink`), absent on the last page."""
        skip = int(q.get("$skip", "0"))
        body: dict[str, Any] = {"value": ITEMS[skip : skip + 10]}
        if skip + 10 < len(ITEMS):
            body["@odata.nextLink"] = f"odata?$skip={skip + 10}"
        self._send(200, body)

    def route_keyset(self, q: dict[str, str]) -> None:
        """Datasette-style keyset: `next` is a token sent back as `_next`."""
        after = int(q.get("_next", "0"))
        rows = [i for i in ITEMS if i["id"] > after][:10]
        more = rows and rows[-1]["id"] < ITEMS[-1]["id"]
        self._send(200, {"ok": True, "rows": rows, "next": str(rows[-1]["id"]) if more else None})

    def route_stripe(self, q: dict[str, str]) -> None:
        after = int(q.get("starting_after", "0"))
        rest = [i for i in ITEMS if i["id"] > after]
        self._send(200, {"object": "list", "data": rest[:10], "has_more": len(rest) > 10})

    def route_offset(self, q: dict[str, str]) -> None:
        offset, limit = int(q.get("offset", "0")), int(q.get("limit", "10"))
        self._send(200, {"results": ITEMS[offset : offset + limit], "count": len(ITEMS)})

    def route_same(self, q: dict[str, str]) -> None:
        """Ignores `page` entirely yet always offers a next page: the loop must not run forever."""
        page = int(q.get("page", "1"))
        self._send(200, ITEMS[:10], {"Link": f'</same?page={page + 1}>; rel="next"'})

    def route_loop(self, q: dict[str, str]) -> None:
        self._send(200, [{"id": type(self).served}], {"Link": '</loop>; rel="next"'})

    def route_ignored(self, q: dict[str, str]) -> None:
        """Ignores `offset` but stamps each answer, so pages differ while starting with the same item."""
        self._send(200, [{**i, "served": type(self).served} for i in ITEMS[:10]])

    def route_endless(self, q: dict[str, str]) -> None:
        page = int(q.get("page", "1"))
        self._send(200, [{"id": page * 100 + i} for i in range(3)], {"Link": f'</endless?page={page + 1}>; rel="next"'})

    def route_away(self, q: dict[str, str]) -> None:
        self._send(200, ITEMS[:10], {"Link": '<http://other.invalid/steal?page=2>; rel="next"'})

    def route_broken(self, q: dict[str, str]) -> None:
        if q.get("page") == "2":
            return self._send(500, {"error": "boom"})
        self._send(200, ITEMS[:10], {"Link": '</broken?page=2>; rel="next"'})


def _op(path: str, params: list[tuple[str, dict[str, Any]]], **extra: Any) -> dict[str, Any]:
    return {
        "get": {
            "operationId": path.strip("/"),
            "parameters": [{"name": n, "in": "query", "schema": s} for n, s in params],
            "responses": {"200": {"description": "ok"}},
            **extra,
        }
    }


def spec_document(base_url: str) -> dict[str, Any]:
    integer = {"type": "integer"}
    stripe_list = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": {}}, "has_more": {"type": "boolean"}},
    }
    paths = {
        "/pages": _op("/pages", [("page", integer), ("per_page", integer)]),
        "/secure": {
            "get": {
                **_op("/secure", [("page", integer)])["get"],
                "security": [{"key": []}],
            }
        },
        "/cursor": _op("/cursor", [("cursor", {"type": "string"})]),
        "/stripe": {
            "get": {
                **_op("/stripe", [("starting_after", {"type": "string"}), ("limit", integer)])["get"],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": stripe_list}}}},
            }
        },
        "/odata": _op("/odata", [("$skip", integer)]),
        "/keyset": _op("/keyset", [("_next", {"type": "string"}), ("_size", integer)]),
        "/offset": _op("/offset", [("offset", integer), ("limit", {"type": "integer", "default": 10})]),
        "/same": _op("/same", [("page", integer)]),
        "/loop": _op("/loop", []),
        "/ignored": _op("/ignored", [("offset", integer), ("limit", integer)]),
        "/endless": _op("/endless", [("page", integer)]),
        "/away": _op("/away", [("page", integer)]),
        "/broken": _op("/broken", [("page", integer)]),
        "/plain": _op("/plain", [("q", {"type": "string"})]),
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "paging", "version": "1", "x-apiforge-id": API_ID},
        "x-apiforge-id": API_ID,
        "servers": [{"url": base_url}],
        "components": {"securitySchemes": {"key": {"type": "apiKey", "in": "query", "name": "api_key"}}},
        "paths": paths,
    }


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def api(tmp_path: Path, base_url: str) -> Api:
    path = tmp_path / "paging.json"
    path.write_text(json.dumps(spec_document(base_url)))
    return load_spec(str(path)).api


def _run(api: Api, op_id: str, args: dict[str, Any] | None = None, **kwargs: Any) -> PageResult:
    op = api.operation(op_id)
    assert op is not None
    request = build_request(api, op, args or {}).request
    store = kwargs.pop("store", CredentialStore(Path("/nonexistent/creds.toml"), environ={}))
    return paginate(api, op, request, store, timeout=10, retries=0, **kwargs)


def _ids(result: PageResult) -> list[int]:
    return [item["id"] for item in result.items]


def test_relative_link_header_collects_every_item_once(api: Api) -> None:
    result = _run(api, "pages", {"per_page": 10})
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.style, result.stopped_because) == (3, "link", "no next page")
    assert result.is_success


def test_forced_page_style_counts_pages_and_stops_on_a_short_page(api: Api) -> None:
    result = _run(api, "pages", {"per_page": 10}, style="page")
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.style, result.stopped_because) == (3, "page", "short page")


def test_secret_in_query_survives_masked_link_and_never_leaks(api: Api, tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "creds.toml", environ={})
    store.set(API_ID, "key", Credential(value=SECRET))
    result = _run(api, "secure", store=store)
    assert _ids(result) == list(range(1, 26)) and result.pages == 3
    assert all(r.status == 200 for r in result.results)  # the key was filled again on pages 2 and 3
    assert all(r.request.query_values("api_key") == ["{{key}}"] for r in result.results)
    dumped = repr(result) + "".join(repr(r.to_dict()) + "\n".join(r.trace) for r in result.results)
    assert SECRET not in dumped


def test_nested_cursor_token_from_the_body(api: Api) -> None:
    result = _run(api, "cursor")
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.style, result.stopped_because) == (3, "cursor", "no next page")
    assert [r.request.query_values("cursor") for r in result.results] == [[], ["c-10"], ["c-20"]]


def test_relative_next_url_in_the_body(api: Api) -> None:
    result = _run(api, "odata")
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.style, result.stopped_because) == (3, "url", "no next page")
    assert result.results[-1].request.query_values("$skip") == ["20"]


def test_keyset_next_token_is_sent_back_as_underscore_next(api: Api) -> None:
    result = _run(api, "keyset")
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.style) == (3, "cursor")
    assert [r.request.query_values("_next") for r in result.results] == [[], ["10"], ["20"]]


def test_stripe_has_more_with_starting_after_the_last_id(api: Api) -> None:
    result = _run(api, "stripe")
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.style) == (3, "has_more")
    assert result.results[-1].request.query_values("starting_after") == ["20"]


def test_offset_limit_from_the_spec_stops_on_short_page(api: Api) -> None:
    result = _run(api, "offset")  # limit not sent: the spec's default (10) tells a short page
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.style, result.stopped_because) == (3, "offset", "short page")


def test_offset_limit_stops_on_empty_page(api: Api) -> None:
    result = _run(api, "offset", {"limit": 5})
    assert _ids(result) == list(range(1, 26))
    assert (result.pages, result.stopped_because) == (6, "empty page")


def test_server_returning_the_same_page_forever_is_a_repeated_page(api: Api) -> None:
    result = _run(api, "same", max_pages=50)
    assert result.stopped_because == "repeated page (the same items twice)"
    assert result.pages == 2 and _ids(result) == list(range(1, 11))


def test_next_link_to_the_same_url_is_a_repeated_page(api: Api) -> None:
    result = _run(api, "loop", max_pages=50)
    assert result.pages == 1 and result.stopped_because == "repeated page (the same URL twice)"


def test_server_ignoring_the_offset_is_detected(api: Api) -> None:
    result = _run(api, "ignored", {"limit": 10}, max_pages=50)
    assert result.stopped_because.startswith("page ignored by the server")
    assert result.pages == 2 and len(result.items) == 10


def test_hard_page_cap(api: Api) -> None:
    result = _run(api, "endless", max_pages=4)
    assert result.pages == 4 and len(result.items) == 12
    assert result.stopped_because == "page limit reached (4 pages)"


def test_next_url_on_another_origin_is_not_followed(api: Api) -> None:
    result = _run(api, "away")
    assert result.pages == 1 and result.stopped_because.startswith("next URL leaves the server")


def test_failed_page_keeps_the_items_so_far(api: Api) -> None:
    result = _run(api, "broken")
    assert result.pages == 2 and len(result.items) == 10
    assert result.stopped_because.startswith("page 2 failed: HTTP 500")
    assert not result.is_success


def test_unknown_style_is_refused(api: Api) -> None:
    with pytest.raises(UnknownPaginationStyle, match="choose one of"):
        _run(api, "pages", style="sideways")


@pytest.mark.parametrize(
    ("op_id", "style", "params"),
    [
        ("pages", "page", ("page", "per_page", "")),
        ("cursor", "cursor", ("", "", "")),
        ("stripe", "has_more", ("", "limit", "")),
        ("offset", "offset", ("", "limit", "offset")),
        ("loop", None, ("", "", "")),
    ],
)
def test_detect_style_from_the_spec(api: Api, op_id: str, style: str | None, params: tuple[str, str, str]) -> None:
    op = api.operation(op_id)
    assert op is not None
    hint = detect_style(api, op)
    assert hint.style == style
    assert (hint.page_param, hint.size_param, hint.offset_param) == params


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([1, 2], [1, 2]),
        ({"data": [1], "links": []}, [1]),
        ({"total": 2, "widgets": [{"a": 1}]}, [{"a": 1}]),
        ({"tags": ["x"], "things": [{"a": 1}]}, [{"a": 1}]),
        ({"a": 1}, None),
        ("text", None),
    ],
)
def test_find_items(body: Any, expected: list[Any] | None) -> None:
    assert find_items(body) == expected


# -- `apiforge call --all` ---------------------------------------------------------------------------------------


@pytest.fixture
def ingested(api: Api, tmp_path: Path) -> str:
    from apiforge.catalog import Catalog

    with Catalog() as catalog:
        catalog.ingest(str(tmp_path / "paging.json"))
    return API_ID


def _cli(app: Any, *args: str) -> Any:
    from typer.testing import CliRunner

    return CliRunner().invoke(app, list(args))


def test_cli_all_prints_merged_items_as_json(cli_app: Any, ingested: str) -> None:
    result = _cli(cli_app, "call", ingested, "pages", "--arg", "per_page=10", "--all", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [i["id"] for i in data["items"]] == list(range(1, 26))
    assert (data["pages"], data["style"], data["stopped_because"]) == (3, "link", "no next page")


def test_cli_forced_style_and_page_cap(cli_app: Any, ingested: str, tmp_path: Path) -> None:
    out = tmp_path / "items.json"
    args = ("call", ingested, "pages", "--arg", "per_page=10", "--paginate", "page", "--max-pages", "2", "--out")
    result = _cli(cli_app, *args, str(out))
    assert result.exit_code == 0, result.stderr
    assert [i["id"] for i in json.loads(out.read_text())] == list(range(1, 21))
    assert "page limit reached (2 pages)" in result.stderr and "style page" in result.stderr


def test_cli_unknown_style_is_a_usage_error(cli_app: Any, ingested: str) -> None:
    result = _cli(cli_app, "call", ingested, "pages", "--paginate", "sideways")
    assert result.exit_code == 2 and "choose one of" in result.stderr


def test_cli_failed_page_exits_1(cli_app: Any, ingested: str) -> None:
    result = _cli(cli_app, "call", ingested, "broken", "--all", "--retries", "0")
    assert result.exit_code == 1 and "page 2 failed" in result.stderr
