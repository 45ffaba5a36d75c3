"""Responses against the spec, code and HAR input, and the `apiforge check` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from apiforge.check import check_code, check_response
from apiforge.http import HttpRequest, JsonBody
from apiforge.spec.model import Api

from ._apis import SHOP, shop

BASE = "https://api.shop.example/v1"


@pytest.fixture(scope="module")
def api() -> Api:
    return shop()


def test_response_matches_documented_status_range_and_schema(api: Api) -> None:
    op = api.operation("getOrder")
    assert op is not None
    good = {"id": "o1", "customer": "a@b.example", "items": [{"sku": "ABC-1", "price": 1}]}
    headers = {"Content-Type": "application/json", "X-Rate-Limit": "10"}
    assert check_response(api, op, 200, headers, json.dumps(good).encode()) == []
    # writeOnly `secret` is never required in a response; `id` (readOnly) is.
    missing_id = {k: v for k, v in good.items() if k != "id"}
    diags = check_response(api, op, 200, headers, missing_id)
    assert [(d.code, d.location) for d in diags] == [("invalid-body", "body.id")]
    diags = check_response(api, op, 404, {"Content-Type": "application/json"}, {"message": "nope"})
    assert [(d.code, d.location) for d in diags] == [("invalid-body", "body.error")]  # matched by 4XX
    diags = check_response(api, op, 500, {}, None)
    assert [d.code for d in diags] == ["undocumented-status"] and "200, 4XX" in diags[0].message
    diags = check_response(api, op, 200, {"Content-Type": "application/json", "X-Rate-Limit": "lots"}, good)
    assert [(d.code, d.location) for d in diags] == [("invalid-header", "header.X-Rate-Limit")]
    diags = check_response(api, op, 200, {"Content-Type": "text/html"}, "<html>")
    assert [d.code for d in diags] == ["unsupported-media-type"]


def test_har_request_is_checked(api: Api) -> None:
    har = HttpRequest("POST", f"{BASE}/orders", headers={"Authorization": "Bearer {{t}}"}, body=JsonBody({})).to_har()
    result = check_code(json.dumps({"log": {"entries": [{"request": har}]}}), api)
    assert result.operation_id == "createOrder"
    assert [(d.code, d.location) for d in result.errors] == [
        ("invalid-body", "body.customer"),
        ("invalid-body", "body.items"),
    ]


def test_code_is_parsed_and_unparseable_code_is_a_diagnostic(api: Api) -> None:
    result = check_code(f"curl '{BASE}/orders?limit=500' -H 'Authorization: Bearer REPLACE_TOKEN'", api, "curl")
    assert result.operation_id == "listOrders"
    assert [(d.code, d.location) for d in result.errors] == [("out-of-range", "query.limit")]
    result = check_code("this is not code at all", api, "curl")
    assert [d.code for d in result.diagnostics] == ["unparseable"] and result.operation_id is None


# -- CLI ---------------------------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path) -> typer.Typer:
    from apiforge.cli import check as check_command
    from apiforge.cli.app import _Group

    app = typer.Typer(cls=_Group, pretty_exceptions_enable=False)

    @app.callback()
    def _root() -> None:
        """Tiny app standing in for `apiforge` until `check` is in its COMMANDS."""

    check_command.register(app)
    return app


@pytest.fixture
def catalog_with_shop(tmp_path: Path) -> Path:
    from apiforge.catalog import Catalog

    spec = tmp_path / "shop.json"
    spec.write_text(json.dumps(_shop_openapi()))
    db = tmp_path / "cat.db"
    with Catalog(db) as catalog:
        result = catalog.ingest(spec, api_id="shop")
        assert result.api_id == "shop", result
    return db


def _shop_openapi() -> dict:
    """The same shop, as an OpenAPI document (only what the CLI test needs)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": SHOP["title"], "version": "1"},
        "servers": [{"url": BASE}],
        "paths": {
            "/orders": {
                "get": {
                    "operationId": "listOrders",
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }


def test_cli_exit_codes_table_and_json(cli: typer.Typer, catalog_with_shop: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["check", "--catalog", str(catalog_with_shop)]
    ok = runner.invoke(cli, [*base, "-"], input=f"curl {BASE}/orders?limit=5")
    assert ok.exit_code == 0, ok.output
    assert "valid" in ok.output and "listOrders" in ok.output
    bad_file = tmp_path / "call.sh"
    bad_file.write_text(f"curl '{BASE}/orders?limit=500&limt=1'")
    bad = runner.invoke(cli, [*base, str(bad_file), "--api", "shop"], env={"COLUMNS": "400"})
    assert bad.exit_code == 1
    assert "out-of-range" in bad.output and "query.limt" in bad.output and "Did you mean 'limit'" in bad.output
    as_json = runner.invoke(cli, [*base, str(bad_file), "--json"])
    assert as_json.exit_code == 1
    data = json.loads(as_json.output)
    assert data["valid"] is False and data["operation"] == "listOrders"
    assert [d["code"] for d in data["diagnostics"]] == ["out-of-range", "unknown-parameter"]
    hallucinated = runner.invoke(cli, [*base, "-", "--json"], input="curl https://api.example.org/orders")
    assert hallucinated.exit_code == 1 and json.loads(hallucinated.output)["diagnostics"][0]["code"] == "unknown-server"


def test_cli_usage_errors_exit_2(cli: typer.Typer, catalog_with_shop: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["check", "--catalog", str(catalog_with_shop)]
    assert runner.invoke(cli, [*base, str(tmp_path / "missing.sh")]).exit_code == 2
    assert runner.invoke(cli, [*base, "-"], input="   ").exit_code == 2
    unknown_api = runner.invoke(cli, [*base, "-", "--api", "nope"], input=f"curl {BASE}/orders")
    assert unknown_api.exit_code == 2 and "ApiNotFound" in unknown_api.output
    empty = runner.invoke(cli, ["check", "--catalog", str(tmp_path / "empty.db"), "-"], input=f"curl {BASE}/orders")
    assert empty.exit_code == 2 and "EmptyCatalog" in empty.output
