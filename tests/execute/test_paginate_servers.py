"""Pagination against real servers started here: json-server 0.17 (`Link` headers, `_start`) and Kinto (`Next-Page`).

`.ci/install.d/60-pagination-servers.sh` installs both (json-server into `.ci/node/json-server`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apiforge.execute import Credential, CredentialStore
from apiforge.execute.paginate import PageResult, paginate
from apiforge.http.build import build_request
from apiforge.spec._load import load_spec
from apiforge.spec.model import Api
from tests.fixtures.json_server import start_json_server
from tests.fixtures.kinto import seed_kinto, start_kinto
from tests.fixtures.servers import stop_server

pytestmark = pytest.mark.server
RECORDS = 237
KINTO_RECORDS = 55
SECRET = "Wv3-kinto-secret-0042"


def _load(tmp_path: Path, name: str, document: dict[str, Any]) -> Api:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    return load_spec(str(path)).api


def _spec(api_id: str, base_url: str, paths: dict[str, Any], schemes: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": api_id, "version": "1", "x-apiforge-id": api_id},
        "x-apiforge-id": api_id,
        "servers": [{"url": base_url}],
        "components": {"securitySchemes": schemes or {}},
        "paths": paths,
    }


def _paginate(api: Api, op_id: str, args: dict[str, Any], store: CredentialStore, **kwargs: Any) -> PageResult:
    op = api.operation(op_id)
    assert op is not None
    request = build_request(api, op, args).request
    return paginate(api, op, request, store, timeout=10, retries=0, **kwargs)


def _no_store(tmp_path: Path) -> CredentialStore:
    return CredentialStore(tmp_path / "creds.toml", environ={})


# -- json-server 0.17.4 ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def json_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    posts = [{"id": i, "title": f"post {i}"} for i in range(1, RECORDS + 1)]
    server = start_json_server(tmp_path_factory.mktemp("json-server"), {"posts": posts})
    try:
        yield server.url
    finally:
        stop_server(server)


@pytest.fixture
def posts_api(tmp_path: Path, json_server: str) -> Api:
    integer = {"type": "integer"}
    params = [{"name": n, "in": "query", "schema": integer} for n in ("_page", "_limit", "_start")]
    paths = {"/posts": {"get": {"operationId": "listPosts", "parameters": params, "responses": {"200": {}}}}}
    return _load(tmp_path, "posts", _spec("json-server-posts", json_server, paths))


def test_json_server_page_and_link_headers_collect_every_record_once_in_order(posts_api: Api, tmp_path: Path) -> None:
    result = _paginate(posts_api, "listPosts", {"_page": 1, "_limit": 20}, _no_store(tmp_path))
    assert [p["id"] for p in result.items] == list(range(1, RECORDS + 1))
    assert (result.pages, result.style, result.stopped_because) == (12, "link", "no next page")
    assert result.results[-1].request.query_values("_page") == ["12"]  # the URLs came from the Link headers


def test_json_server_start_limit_offset_style(posts_api: Api, tmp_path: Path) -> None:
    result = _paginate(posts_api, "listPosts", {"_start": 0, "_limit": 50}, _no_store(tmp_path))
    assert [p["id"] for p in result.items] == list(range(1, RECORDS + 1))
    assert (result.pages, result.style, result.stopped_because) == (5, "offset", "short page")
    assert [r.request.query_values("_start") for r in result.results][1:] == [["50"], ["100"], ["150"], ["200"]]


def test_json_server_page_cap(posts_api: Api, tmp_path: Path) -> None:
    result = _paginate(posts_api, "listPosts", {"_page": 1, "_limit": 20}, _no_store(tmp_path), max_pages=3)
    assert [p["id"] for p in result.items] == list(range(1, 61))
    assert result.stopped_because == "page limit reached (3 pages)"


# -- Kinto (memory backend, accounts plugin) ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def kinto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = start_kinto(tmp_path_factory.mktemp("kinto"), secret="apiforge-tests")
    url = f"{server.url}/v1"
    try:
        notes = ({"n": n} for n in range(KINTO_RECORDS))
        seed_kinto(url, user="ada", password=SECRET, bucket="blog", collection="notes", records=notes)
        yield url
    finally:
        stop_server(server)


@pytest.fixture
def kinto_api(tmp_path: Path, kinto_url: str) -> Api:
    path_params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}} for n in ("bid", "cid")]
    query = [
        {"name": n, "in": "query", "schema": {"type": t}} for n, t in (("_limit", "integer"), ("_token", "string"))
    ]
    op = {"operationId": "listRecords", "parameters": path_params + query, "responses": {"200": {}}}
    paths = {"/buckets/{bid}/collections/{cid}/records": {"get": {**op, "security": [{"basicAuth": []}]}}}
    schemes = {"basicAuth": {"type": "http", "scheme": "basic"}}
    return _load(tmp_path, "kinto", _spec("kinto-local", kinto_url, paths, schemes))


def _kinto_store(tmp_path: Path, password: str) -> CredentialStore:
    store = CredentialStore(tmp_path / "creds.toml", environ={})
    store.set("kinto-local", "basicAuth", Credential(username="ada", password=password))
    return store


def test_kinto_next_page_header_collects_every_record_once(kinto_api: Api, tmp_path: Path) -> None:
    args = {"bid": "blog", "cid": "notes", "_limit": 10}
    result = _paginate(kinto_api, "listRecords", args, _kinto_store(tmp_path, SECRET))
    ids = [record["id"] for record in result.items]
    assert len(ids) == KINTO_RECORDS and len(set(ids)) == KINTO_RECORDS
    assert sorted(r["n"] for r in result.items) == list(range(KINTO_RECORDS))
    assert (result.pages, result.style, result.stopped_because) == (6, "header", "no next page")
    assert all(r.status == 200 for r in result.results)  # basic auth sent again on every followed page
    assert all(r.request.query_values("_token") for r in result.results[1:])
    dumped = repr(result) + "".join(repr(r.to_dict()) + "\n".join(r.trace) for r in result.results)
    assert SECRET not in dumped


def test_kinto_wrong_password_stops_on_the_first_page(kinto_api: Api, tmp_path: Path) -> None:
    args = {"bid": "blog", "cid": "notes", "_limit": 10}
    result = _paginate(kinto_api, "listRecords", args, _kinto_store(tmp_path, "not-" + SECRET))
    assert result.pages == 1 and result.items == ()
    assert result.stopped_because.startswith("page 1 failed: HTTP 401")
