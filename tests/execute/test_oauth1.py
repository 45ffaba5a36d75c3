"""OAuth 1.0a HMAC-SHA1 against a real server built here on `oauthlib.oauth1.ResourceEndpoint`: signatures are
verified by oauthlib (consumer secret, token secret, nonce, timestamp), so a wrong secret really fails."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from oauthlib.oauth1 import RequestValidator, ResourceEndpoint

from apiforge.execute import CallResult, Credential, CredentialStore, send
from apiforge.http.build import build_request
from apiforge.spec._load import load_spec
from apiforge.spec.model import Api

pytestmark = pytest.mark.server

CONSUMER_KEY = "apiforgeconsumerkey0001"
CONSUMER_SECRET = "Consumer-secret-oauth1-6617"
TOKEN = "apiforgeaccesstoken000001"
TOKEN_SECRET = "Token-secret-oauth1-2290"


class _Validator(RequestValidator):
    """One consumer and one access token; nonces remembered so a replayed signature is refused."""

    enforce_ssl = False

    def __init__(self) -> None:
        super().__init__()
        self.nonces: set[tuple[str, str, str]] = set()

    @property
    def dummy_client(self) -> str:
        return "dummyconsumerkey0000000"

    @property
    def dummy_access_token(self) -> str:
        return "dummyaccesstoken00000000"

    def check_client_key(self, client_key: str) -> bool:
        return client_key.isalnum()

    def check_access_token(self, request_token: str) -> bool:
        return request_token.isalnum()

    def check_nonce(self, nonce: str) -> bool:
        return nonce.isalnum()

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        return client_key == CONSUMER_KEY

    def validate_access_token(self, client_key: str, token: str, request: Any) -> bool:
        return client_key == CONSUMER_KEY and token == TOKEN

    def validate_timestamp_and_nonce(
        self, client_key, timestamp, nonce, request, request_token=None, access_token=None
    ):  # noqa: E501
        key = (client_key, timestamp, nonce)
        if key in self.nonces:
            return False
        self.nonces.add(key)
        return True

    def validate_realms(self, client_key, token, request, uri=None, realms=None) -> bool:  # noqa: ANN001
        return True

    def get_client_secret(self, client_key: str, request: Any) -> str:
        return CONSUMER_SECRET if client_key == CONSUMER_KEY else "dummy-secret"

    def get_access_token_secret(self, client_key: str, token: str, request: Any) -> str:
        return TOKEN_SECRET if token == TOKEN else "dummy-secret"


def _app(endpoint: ResourceEndpoint):
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        query = environ.get("QUERY_STRING", "")
        host = environ["HTTP_HOST"]
        uri = f"http://{host}{environ['PATH_INFO']}" + (f"?{query}" if query else "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        valid, _ = endpoint.validate_protected_resource_request(uri, environ["REQUEST_METHOD"], body, headers)
        status, payload = ("200 OK", {"ok": True}) if valid else ("401 Unauthorized", {"error": "invalid signature"})
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps(payload).encode()]

    return app


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def oauth1_url() -> Iterator[str]:
    server = make_server("127.0.0.1", 0, _app(ResourceEndpoint(_Validator())), handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


SCHEMES = {
    "http-oauth": {"type": "http", "scheme": "OAuth"},
    "extension": {"type": "http", "scheme": "signed", "x-apiforge-auth": "oauth1"},
    "extension-on-header-key": {"type": "apiKey", "in": "header", "name": "Authorization", "x-apiforge-auth": "oauth1"},
}


@pytest.fixture(params=list(SCHEMES))
def api(request: pytest.FixtureRequest, tmp_path: Path, oauth1_url: str) -> Api:
    """Each convention: `type: http, scheme: oauth`, or `x-apiforge-auth: oauth1` (also on an Authorization key)."""
    scheme = SCHEMES[request.param]
    document = {
        "openapi": "3.0.3",
        "info": {"title": "oauth1", "version": "1"},
        "x-apiforge-id": "oauth1-local",
        "servers": [{"url": oauth1_url}],
        "components": {"securitySchemes": {"oauth1": scheme}},
        "paths": {
            "/photos": {
                "get": {
                    "operationId": "photos",
                    "security": [{"oauth1": []}],
                    "parameters": [{"name": "size", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}, "401": {"description": "no"}},
                },
                "post": {
                    "operationId": "addPhoto",
                    "security": [{"oauth1": []}],
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"type": "object", "properties": {"title": {"type": "string"}}}
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}, "401": {"description": "no"}},
                },
            }
        },
    }
    path = tmp_path / "oauth1.json"
    path.write_text(json.dumps(document))
    return load_spec(str(path)).api


def _call(api: Api, op_id: str, args: dict[str, Any], consumer_secret: str, token_secret: str) -> CallResult:
    store = CredentialStore(Path(api.source).with_name("credentials.toml"), environ={})
    fields = {
        "consumer_key": CONSUMER_KEY,
        "consumer_secret": consumer_secret,
        "token": TOKEN,
        "token_secret": token_secret,
    }
    store.set(api.id, "oauth1", Credential(fields=fields))
    op = api.operation(op_id)
    assert op is not None
    return send(api, op, build_request(api, op, args).request, store, timeout=10, retries=0)


def _leaks(result: CallResult, caplog_text: str, *secrets: str) -> list[str]:
    blob = "\n".join([*result.trace, json.dumps(result.to_dict()), result.failure, caplog_text])
    return [s for s in secrets if s in blob]


@pytest.mark.parametrize(("op_id", "args"), [("photos", {"size": "original size"}), ("addPhoto", {"title": "a b&c"})])
def test_signed_request_passes_with_the_right_secrets(api: Api, op_id: str, args: dict, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    result = _call(api, op_id, args, CONSUMER_SECRET, TOKEN_SECRET)
    assert result.status == 200 and result.body == {"ok": True}, result.trace
    assert not _leaks(result, caplog.text, CONSUMER_SECRET, TOKEN_SECRET, TOKEN)


@pytest.mark.parametrize("which", ["consumer", "token"])
def test_a_wrong_secret_gets_401(api: Api, which: str, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Wrong-oauth1-secret-0001"
    consumer, token = (wrong, TOKEN_SECRET) if which == "consumer" else (CONSUMER_SECRET, wrong)
    result = _call(api, "photos", {"size": "small"}, consumer, token)
    assert result.status == 401 and not result.is_success
    assert not _leaks(result, caplog.text, wrong, CONSUMER_SECRET, TOKEN_SECRET)


def test_cli_auth_set_fields_and_call(api: Api, cli_app, caplog) -> None:
    from typer.testing import CliRunner

    from apiforge.catalog import Catalog

    with Catalog() as catalog:
        assert catalog.ingest(api.source).api_id == api.id
    runner = CliRunner()
    fields = [f"consumer_key={CONSUMER_KEY}", "consumer_secret=-", f"token={TOKEN}", f"token_secret={TOKEN_SECRET}"]
    stored = runner.invoke(
        cli_app, ["auth", "set", api.id, "oauth1", *(a for f in fields for a in ("-f", f))], input=CONSUMER_SECRET
    )
    assert stored.exit_code == 0, stored.output
    bad = runner.invoke(cli_app, ["auth", "set", api.id, "oauth1", "-f", "consumer_key"])
    assert bad.exit_code == 2 and "NAME=VALUE" in bad.output
    called = runner.invoke(cli_app, ["call", api.id, "photos", "-a", "size=large", "--verbose", "--json"])
    assert called.exit_code == 0, called.output
    assert json.loads(called.stdout)["body"] == {"ok": True}
    listed = runner.invoke(cli_app, ["auth", "list"])
    blob = called.stdout + called.stderr + listed.stdout + caplog.text
    assert CONSUMER_KEY in listed.stdout and not [s for s in (CONSUMER_SECRET, TOKEN_SECRET, TOKEN) if s in blob]
