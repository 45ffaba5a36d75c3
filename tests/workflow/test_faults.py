"""Workflows through scripted faults (WireMock: fail then succeed) and an OAuth2 token that expires mid-run
(oauth2-mock-server with a one-second token lifetime). Both servers are real; both skip when not installed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from apiforge.execute import Credential, CredentialStore
from apiforge.spec._load import load_spec
from apiforge.workflow import ApiSource, Step, Workflow, run_workflow
from tests.fixtures.oauth2_mock import start_oauth2_mock
from tests.fixtures.servers import stop_server
from tests.fixtures.wiremock import WireMock, wiremock_fixture, wiremock_server_fixture  # noqa: F401
from tests.workflow.conftest import write_spec

pytestmark = pytest.mark.server

JSON = {"Content-Type": "application/json"}
ORDER = {"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}}


def orders_spec(base_url: str) -> dict[str, Any]:
    ok = {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": ORDER}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "orders", "version": "1", "x-apiforge-id": "orders"},
        "servers": [{"url": base_url}],
        "paths": {
            "/orders": {
                "get": {
                    "operationId": "listOrders",
                    "parameters": [
                        {"name": n, "in": "query", "schema": {"type": "string"}} for n in ("status", "debug")
                    ],
                    "responses": {"200": ok},
                }
            },
            "/orders/{id}/ship": {
                "post": {
                    "operationId": "shipOrder",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "shipped"}},
                }
            },
        },
    }


@pytest.mark.xdist_group("wiremock")
def test_wiremock_failures_are_retried_or_repaired_and_recorded(tmp_path: Path, wiremock: WireMock) -> None:
    api = load_spec(str(write_spec(tmp_path, "orders", orders_spec(wiremock.url)))).api
    # The list answers 503 twice (send retries a GET), then a 400 naming the `debug` parameter until it is dropped.
    wiremock.stub(
        {
            "request": {"method": "GET", "urlPath": "/orders", "queryParameters": {"debug": {"matches": ".*"}}},
            "response": {"status": 400, "jsonBody": {"error": "unknown query parameter: debug"}, "headers": JSON},
            "priority": 1,
        }
    )
    wiremock.sequence(
        "GET",
        "/orders",
        [
            {"status": 503},
            {"status": 503},
            {"status": 200, "jsonBody": [{"id": 1, "status": "paid"}, {"id": 2}], "headers": JSON},
        ],
    )
    # Shipping order 1 fails once with 503: a POST is not retried by send, so the workflow repairs it (retry).
    wiremock.fail_then_succeed("POST", "/orders/1/ship", [503], body={"shipped": 1})
    wiremock.respond("POST", "/orders/2/ship", body={"shipped": 2})
    workflow = Workflow(
        "ship-paid",
        steps=(
            Step("orders", "orders", "listOrders", {"status": "paid", "debug": "yes"}, {"ids": "$response.body[*].id"}),
            Step("ship", "orders", "shipOrder", {"id": "$item"}, {"done": "$response.body.shipped"},
                 for_each="$steps.orders.outputs.ids"),
        ),
        output={"shipped": "$steps.ship.outputs.done"},
    )  # fmt: skip
    store = CredentialStore(tmp_path / "c.toml", environ={})
    result = run_workflow(workflow, ApiSource(apis={"orders": api}), store, retries=2)
    assert result.ok, result.error
    assert result.output == {"shipped": [1, 2]}
    listing, shipping = result.steps
    # the debug parameter is refused first (400); after the repair the 503s are retried inside one call
    assert [c.status for c in listing.calls] == [400, 200] and listing.calls[1].attempts == 3
    assert [(r.kind, "debug" in r.detail) for r in listing.repairs] == [("drop", True)]
    assert [c.status for c in shipping.calls] == [503, 200, 200]
    assert [r.kind for r in shipping.repairs] == ["retry"]
    assert wiremock.count("POST", "/orders/1/ship") == 2
    assert json.loads(json.dumps(result.to_dict()))["steps"][1]["repairs"][0]["kind"] == "retry"  # shown in --json


# -- OAuth2 token expiry mid-run ----------------------------------------------------------------------------------

CLIENT_ID = "apiforge-workflow"
CLIENT_SECRET = "Wf-0auth2-client-secret-4410"
TOKEN_LIFETIME = 1


@pytest.fixture(scope="module")
def oauth2_server() -> Iterator[str]:
    server = start_oauth2_mock(CLIENT_ID, CLIENT_SECRET, TOKEN_LIFETIME)
    try:
        yield server.url
    finally:
        stop_server(server)


def oauth_spec(base: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "oauth2 api", "version": "1", "x-apiforge-id": "secured"},
        "servers": [{"url": base}],
        "components": {"securitySchemes": {"machine": {"type": "oauth2", "flows": {
            "clientCredentials": {"tokenUrl": f"{base}/token", "scopes": {"read": "read"}}}}}},
        "security": [{"machine": ["read"]}],
        "paths": {
            "/api/me": {"get": {"operationId": "me", "responses": {"200": {"description": "ok"}}}},
            "/api/items/{name}": {"get": {"operationId": "item", "responses": {"200": {"description": "ok"}},
                                          "parameters": [{"name": "name", "in": "path", "required": True,
                                                          "schema": {"type": "string"}}]}},
        },
    }  # fmt: skip


def test_an_oauth2_token_expiring_mid_run_is_renewed(tmp_path: Path, oauth2_server: str) -> None:
    api = load_spec(str(write_spec(tmp_path, "secured", oauth_spec(oauth2_server)))).api
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    store.set("secured", "machine", Credential(fields={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}))
    workflow = Workflow(
        "token-expiry",
        inputs={"names": ["a", "b"]},
        steps=(
            Step("me", "secured", "me", {}, {"path": "$response.body.path"}),
            Step("items", "secured", "item", {"name": "$item"}, {"path": "$response.body.path"},
                 for_each="$inputs.names"),
        ),
    )  # fmt: skip

    def wait_for_expiry(event: str, step: Step, index: int, total: int) -> None:
        if event == "done" and step.id == "me":
            time.sleep(TOKEN_LIFETIME + 0.3)  # the token the first step used is now expired at the server

    before = httpx.get(f"{oauth2_server}/admin/stats").json()["token"]
    result = run_workflow(workflow, ApiSource(apis={"secured": api}), store, retries=0, progress=wait_for_expiry)
    assert result.ok, result.error
    assert result.steps[0].outputs == {"path": "/api/me"}
    assert result.steps[1].outputs == {"path": ["/api/items/a", "/api/items/b"]}
    assert httpx.get(f"{oauth2_server}/admin/stats").json()["token"] - before >= 2  # a new token after expiry
    assert all(c.status == 200 for s in result.steps for c in s.calls)
    dumped = json.dumps(result.to_dict())
    tokens = json.loads((tmp_path / "tokens.json").read_text()) if (tmp_path / "tokens.json").exists() else {}
    secrets = {CLIENT_SECRET} | {v for entry in tokens.values() for k, v in entry.items() if k == "access_token"}
    assert not [s for s in secrets if s in dumped]
