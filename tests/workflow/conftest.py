"""Real servers for the workflow tests: json-server 0.17 (a small shop) and Kinto (memory backend, accounts).

Both are installed by `.ci/install.d/60-pagination-servers.sh`; tests skip with a reason when they are missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.json_server import start_json_server
from tests.fixtures.kinto import seed_kinto, start_kinto
from tests.fixtures.servers import stop_server

KINTO_SECRET = "Wf7-kinto-secret-9931"
USERS = [
    {"id": 1, "name": "Ada Lovelace", "email": "ada@example.com"},
    {"id": 2, "name": "Grace Hopper", "email": "grace@example.com"},
    {"id": 3, "name": "Alan Turing", "email": "alan@example.com"},
]
POSTS = 23

INT = {"type": "integer"}
STR = {"type": "string"}
USER = {"type": "object", "properties": {"id": INT, "name": STR, "email": STR}}
POST = {"type": "object", "properties": {"id": INT, "userId": INT, "title": STR, "reviewed": {"type": "boolean"}}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": schema}}}


def shop_spec(base_url: str) -> dict[str, Any]:
    """An OpenAPI description of the json-server below (json-server has none of its own)."""
    page = [{"name": n, "in": "query", "schema": INT} for n in ("_page", "_limit")]
    user_ref = {"$ref": "#/components/schemas/User"}
    post_ref = {"$ref": "#/components/schemas/Post"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "shop", "version": "1", "x-apiforge-id": "shop"},
        "servers": [{"url": base_url}],
        "components": {"schemas": {"User": USER, "Post": POST}},
        "paths": {
            "/users": {
                "get": {
                    "operationId": "listUsers",
                    "summary": "List users, filtered by email or name",
                    "parameters": [{"name": "email", "in": "query", "schema": STR},
                                   {"name": "name", "in": "query", "schema": STR}, *page],
                    "responses": {"200": _json({"type": "array", "items": user_ref})},
                }
            },
            "/users/{id}": {
                "get": {
                    "operationId": "getUser",
                    "summary": "Get the details of one user",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": INT}],
                    "responses": {"200": _json(user_ref)},
                }
            },
            "/posts": {
                "get": {
                    "operationId": "listPosts",
                    "summary": "List posts",
                    "parameters": [{"name": "userId", "in": "query", "schema": INT}, *page],
                    "responses": {"200": _json({"type": "array", "items": post_ref})},
                }
            },
            "/posts/{id}": {
                "patch": {
                    "operationId": "updatePost",
                    "summary": "Update a post",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": INT}],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"reviewed": {"type": "boolean"}, "title": STR}}}}},
                    "responses": {"200": _json(post_ref)},
                }
            },
        },
    }  # fmt: skip


def kinto_spec(base_url: str) -> dict[str, Any]:
    """The two Kinto record operations the workflows use, with basic auth (a hand-written subset)."""
    path_params = [{"name": n, "in": "path", "required": True, "schema": STR} for n in ("bid", "cid")]
    record = {"type": "object", "properties": {"data": {"type": "object"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "kinto", "version": "1", "x-apiforge-id": "kinto"},
        "servers": [{"url": base_url}],
        "components": {"securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}}},
        "security": [{"basicAuth": []}],
        "paths": {
            "/buckets/{bid}/collections/{cid}/records": {
                "get": {
                    "operationId": "listRecords",
                    "summary": "List the records of a collection",
                    # The server wants an integer `_limit`; this spec is looser, as real specs often are.
                    "parameters": [*path_params, {"name": "_limit", "in": "query", "schema": STR}],
                    "responses": {"200": _json({"type": "object", "properties": {"data": {"type": "array",
                                                                                          "items": record}}})},
                },
                "post": {
                    "operationId": "createRecord",
                    "summary": "Create a record",
                    "parameters": path_params,
                    "requestBody": {"required": True, "content": {"application/json": {"schema": record}}},
                    "responses": {"201": _json(record)},
                },
            }
        },
    }  # fmt: skip


def write_spec(directory: Path, name: str, document: dict[str, Any]) -> Path:
    path = directory / f"{name}.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture(scope="module")
def json_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    posts = [{"id": i, "userId": 1 + i % 3, "title": f"post {i}", "reviewed": False} for i in range(1, POSTS + 1)]
    server = start_json_server(tmp_path_factory.mktemp("shop"), {"users": USERS, "posts": posts})
    try:
        yield server.url
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def kinto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = start_kinto(tmp_path_factory.mktemp("kinto"), secret="apiforge-workflow-tests")
    url = f"{server.url}/v1"
    try:
        seed_kinto(url, user="ada", password=KINTO_SECRET, bucket="shop", collection="people")
        yield url
    finally:
        stop_server(server)
