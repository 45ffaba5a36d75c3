"""Which operation a request calls: servers, path templates, methods."""

from __future__ import annotations

import pytest

from apiforge.check import Checker, check_request
from apiforge.http import HttpRequest
from apiforge.spec.model import Api

from ._apis import local, shop

BASE = "https://api.shop.example/v1"


@pytest.fixture(scope="module")
def api() -> Api:
    return shop()


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_literal_template_beats_parameter(api: Api) -> None:
    result = check_request(HttpRequest("GET", f"{BASE}/orders/latest"), api)
    assert result.operation_id == "latestOrder"
    assert codes(result) == ["deprecated-operation"]  # a warning: still valid
    assert result.is_valid


def test_parameter_template_matches_and_decodes_values(api: Api) -> None:
    result = check_request(HttpRequest("GET", f"{BASE}/orders/42/"), api)  # trailing slash tolerated
    assert (result.operation_id, result.path_params, result.is_valid) == ("getOrder", {"orderId": "42"}, True)
    result = check_request(HttpRequest("GET", f"{BASE}/files/annual%20report.csv"), api)
    assert result.path_params == {"name": "annual report", "ext": "csv"}
    assert result.is_valid


def test_method_picks_among_templates_and_reports_allowed_methods(api: Api) -> None:
    # DELETE exists only on /orders/{orderId}, so /orders/latest falls back to it.
    result = check_request(
        HttpRequest("DELETE", f"{BASE}/orders/latest", headers={"Authorization": "Basic {{c}}"}), api
    )
    assert result.operation_id == "deleteOrder"
    result = check_request(HttpRequest("PATCH", f"{BASE}/orders/7"), api)
    assert result.operation_id is None and codes(result) == ["method-not-allowed"]
    assert "allowed: DELETE, GET" in result.diagnostics[0].message


def test_unknown_path_suggests_templates(api: Api) -> None:
    result = check_request(HttpRequest("GET", f"{BASE}/order/7"), api)
    assert codes(result) == ["unknown-path"] and result.api_id == "shop"
    assert "Did you mean '/orders/{orderId}'" in result.diagnostics[0].message


def test_unknown_server_is_reported_and_the_operation_still_found(api: Api) -> None:
    result = check_request(HttpRequest("GET", "https://api.shopp.example/v1/orders/7"), api)
    assert codes(result) == ["unknown-server"] and not result.is_valid
    assert "Did you mean 'api.shop.example'" in result.diagnostics[0].message
    assert result.operation_id == "getOrder"  # so the rest of the call is still checked


def test_server_variables_ports_and_scheme(api: Api) -> None:
    assert check_request(HttpRequest("GET", "https://us.shop.example:443/v1/orders/1"), api).is_valid
    assert codes(check_request(HttpRequest("GET", "https://asia.shop.example/v1/orders/1"), api)) == ["unknown-server"]
    result = check_request(HttpRequest("GET", "http://api.shop.example/v1/orders/1"), api)
    assert codes(result) == ["scheme-mismatch"] and result.is_valid
    # The base path is part of the server: without /v1 the host matches but no server does.
    assert codes(check_request(HttpRequest("GET", "https://api.shop.example/orders/1"), api))[0] == "unknown-server"


def test_relative_server_matches_any_host_but_not_against_a_named_host(api: Api) -> None:
    checker = Checker([api, local()])
    result = checker.check(HttpRequest("GET", "http://127.0.0.1:9000/api/v2/ping"))
    assert (result.api_id, result.operation_id, result.is_valid) == ("local", "ping", True)
    # A host that names the shop API: the relative API does not compete, the shop's paths are searched.
    result = checker.check(HttpRequest("GET", f"{BASE}/api/v2/ping"))
    assert result.api_id == "shop" and codes(result) == ["unknown-path"]


def test_ambiguous_templates_pick_the_operation_the_request_fits() -> None:
    api = Api.from_dict(
        {
            "id": "amb",
            "title": "t",
            "version": "1",
            "servers": [{"url": "https://x.example"}],
            "operations": [
                {
                    "id": "byFilter",
                    "method": "GET",
                    "path": "/cards/{filter}",
                    "security": [],
                    "parameters": [
                        {
                            "name": "filter",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": ["all", "open"]},
                        }
                    ],
                },
                {
                    "id": "byId",
                    "method": "GET",
                    "path": "/cards/{id}",
                    "security": [],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                },
                {"id": "add", "method": "POST", "path": "/#Action=Add", "security": []},
                {"id": "remove", "method": "POST", "path": "/#Action=Remove", "security": []},
            ],
        }
    )
    assert check_request(HttpRequest("GET", "https://x.example/cards/open"), api).operation_id == "byFilter"
    assert check_request(HttpRequest("GET", "https://x.example/cards/c123"), api).operation_id == "byId"
    request = HttpRequest("POST", "https://x.example/", query={"Action": "Remove"})
    assert check_request(request, api).operation_id == "remove"
