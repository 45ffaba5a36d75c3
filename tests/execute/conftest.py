from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import typer

from apiforge.spec._load import load_spec
from apiforge.spec.model import Api

API_ID = "httpbin-exec"


def spec_document(base_url: str) -> dict:
    ok = {"200": {"description": "ok"}, "401": {"description": "no"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "httpbin exec", "version": "1", "x-apiforge-id": API_ID},
        "x-apiforge-id": API_ID,
        "servers": [{"url": base_url}],
        "components": {
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic"},
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "digestAuth": {"type": "http", "scheme": "digest"},
                "keyAuth": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            }
        },
        "paths": {
            "/basic-auth/{user}/{passwd}": {
                "get": {
                    "operationId": "basic",
                    "security": [{"basicAuth": []}],
                    "parameters": [
                        {"name": "user", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "passwd", "in": "path", "required": True, "schema": {"type": "string"}},
                    ],
                    "responses": ok,
                }
            },
            "/bearer": {"get": {"operationId": "bearer", "security": [{"bearerAuth": []}], "responses": ok}},
            "/digest-auth/auth/{user}/{passwd}": {
                "get": {
                    "operationId": "digest",
                    "security": [{"digestAuth": []}],
                    "parameters": [
                        {"name": "user", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "passwd", "in": "path", "required": True, "schema": {"type": "string"}},
                    ],
                    "responses": ok,
                }
            },
            "/headers": {"get": {"operationId": "headers", "security": [{"keyAuth": []}], "responses": ok}},
            "/status/{codes}": {
                "get": {
                    "operationId": "status",
                    "parameters": [{"name": "codes", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"default": {"description": "any"}},
                },
                "post": {
                    "operationId": "statusPost",
                    "parameters": [
                        {"name": "codes", "in": "path", "required": True, "schema": {"type": "string"}},
                        {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},
                    ],
                    "responses": {"default": {"description": "any"}},
                },
            },
            "/anything": {
                "get": {
                    "operationId": "anything",
                    "parameters": [
                        {"name": "color", "in": "query", "schema": {"type": "string", "enum": ["red", "blue"]}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            },
            "/response-headers": {
                "get": {
                    "operationId": "responseHeaders",
                    "parameters": [{"name": "error", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            },
            "/html": {"get": {"operationId": "html", "responses": {"200": {"description": "ok"}}}},
        },
    }


@pytest.fixture
def spec_file(tmp_path: Path, httpbin_url: str) -> Path:
    path = tmp_path / "httpbin.json"
    path.write_text(json.dumps(spec_document(httpbin_url)))
    return path


@pytest.fixture
def api(spec_file: Path) -> Api:
    return load_spec(str(spec_file)).api


@pytest.fixture
def cli_app() -> typer.Typer:
    """The real root group and error handling with `call` and `auth` registered on a fresh app.

    A separate app, so that tests elsewhere (help snapshots) see the shared one unchanged until the lead adds the
    commands to `COMMANDS`.
    """
    app_module = importlib.import_module("apiforge.cli.app")
    app = typer.Typer(cls=app_module._Group, no_args_is_help=True, pretty_exceptions_enable=False)
    app.callback()(app_module._root)
    for name in ("call", "auth"):
        importlib.import_module(f"apiforge.cli.{name}").register(app)
    return app
