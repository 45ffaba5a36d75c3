"""Small hand-made APIs for the checker's unit tests (model dicts, so they do not depend on the loader)."""

from __future__ import annotations

from typing import Any

from apiforge.spec.model import Api


def _op(op_id: str, method: str, path: str, **extra: Any) -> dict[str, Any]:
    return {"id": op_id, "method": method, "path": path, **extra}


def _p(name: str, where: str, schema: dict[str, Any], required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": schema, "required": required or where == "path", **extra}


SHOP: dict[str, Any] = {
    "id": "shop",
    "title": "Shop",
    "version": "1",
    "servers": [
        {"url": "https://api.shop.example/v1"},
        {
            "url": "https://{region}.shop.example/v1",
            "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}},
        },
    ],
    "security_schemes": {
        "key": {"name": "key", "type": "apiKey", "location": "query", "param_name": "api_key"},
        "bearer": {"name": "bearer", "type": "http", "scheme": "bearer"},
        "basic": {"name": "basic", "type": "http", "scheme": "basic"},
    },
    "schemas": {
        "Item": {
            "type": "object",
            "required": ["sku", "price"],
            "properties": {
                "sku": {"type": "string", "pattern": "^[A-Z]{3}-\\d+$"},
                "price": {"type": "number", "minimum": 0},
                "qty": {"type": "integer", "format": "int32", "minimum": 1},
            },
            "additionalProperties": False,
        },
        "Order": {
            "type": "object",
            "required": ["id", "customer", "items"],
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "customer": {"type": "string", "format": "email"},
                "note": {"type": "string", "nullable": True},
                "status": {"type": "string", "enum": ["open", "paid", "shipped"]},
                "secret": {"type": "string", "writeOnly": True},
                "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Item"}},
                "parent": {"$ref": "#/components/schemas/Order"},
            },
        },
    },
    "operations": [
        _op(
            "listOrders",
            "GET",
            "/orders",
            parameters=[
                _p("limit", "query", {"type": "integer", "minimum": 1, "maximum": 100}),
                _p("status", "query", {"type": "string", "enum": ["open", "paid", "shipped"]}),
                _p("since", "query", {"type": "string", "format": "date"}),
                _p("ids", "query", {"type": "array", "items": {"type": "integer"}}, explode=False),
                _p("tag", "query", {"type": "array", "items": {"type": "string"}}),
                _p(
                    "filter",
                    "query",
                    {"type": "object", "properties": {"min": {"type": "integer"}}},
                    style="deepObject",
                    explode=True,
                ),
                _p("X-Trace-Level", "header", {"type": "integer"}),
            ],
            security=[{"key": []}, {"bearer": []}],
        ),
        _op(
            "createOrder",
            "POST",
            "/orders",
            request_body={
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Order"}},
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Order"}},
                },
            },
            security=[{"bearer": []}],
        ),
        _op(
            "getOrder",
            "GET",
            "/orders/{orderId}",
            parameters=[_p("orderId", "path", {"type": "integer", "format": "int64"})],
            security=[],
            responses=[
                {
                    "status": "200",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}},
                    "headers": {"X-Rate-Limit": {"type": "integer"}},
                },
                {
                    "status": "4XX",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["error"],
                                "properties": {"error": {"type": "string"}},
                            }
                        }
                    },
                },
            ],
        ),
        _op(
            "deleteOrder",
            "DELETE",
            "/orders/{orderId}",
            parameters=[_p("orderId", "path", {"type": "integer"})],
            security=[{"basic": []}],
        ),
        _op("latestOrder", "GET", "/orders/latest", security=[], deprecated=True),
        _op(
            "getFile",
            "GET",
            "/files/{name}.{ext}",
            parameters=[
                _p("name", "path", {"type": "string"}),
                _p("ext", "path", {"type": "string", "enum": ["csv", "json"]}),
            ],
            security=[{}],
        ),
        _op(
            "uploadNote",
            "PUT",
            "/notes/{id}",
            parameters=[
                _p("id", "path", {"type": "string", "format": "uuid"}),
                _p("session", "cookie", {"type": "string"}, required=True),
            ],
            request_body={"required": False, "content": {"text/plain": {"schema": {"type": "string", "maxLength": 5}}}},
            security=[],
        ),
    ],
}

LOCAL: dict[str, Any] = {
    "id": "local",
    "title": "Local",
    "version": "1",
    "servers": [{"url": "/api/v2"}],
    "operations": [_op("ping", "GET", "/ping", security=[])],
}


def shop() -> Api:
    return Api.from_dict(SHOP)


def local() -> Api:
    return Api.from_dict(LOCAL)
