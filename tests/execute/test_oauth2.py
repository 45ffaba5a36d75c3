"""OAuth 2.0 against real servers: oauth2-mock-server (client credentials, PKCE, refresh, 401 renewal) and
oidc-provider-mock in front of Kinto's openid plugin (authorization code, discovery, expiry, refresh).

Every test asserts that no secret (client secret, access / refresh tokens, PKCE verifier) shows in traces,
`CallResult.to_dict()`, errors or captured logs.
"""

from __future__ import annotations

import json
import logging
import re
import stat
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from apiforge.catalog import Catalog
from apiforge.execute import CallResult, Credential, CredentialStore, Masker, TokenRequestFailed, send
from apiforge.execute.oauth2 import LoginRequired, TokenCache, login, resolve_settings, token_cache_for
from apiforge.http.build import build_request
from apiforge.spec._load import load_spec
from apiforge.spec.model import Api
from tests.fixtures.kinto import start_kinto
from tests.fixtures.oauth2_mock import start_oauth2_mock
from tests.fixtures.servers import start_server, stop_server, unused_port

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("oauth2")]

CLIENT_ID = "apiforge-app"
CLIENT_SECRET = "Cs-0auth2-client-secret-913"
API_ID = "oauth2-mock"
FAST = {"timeout": 10.0, "retries": 0}


def _no_leak(texts: list[str], secrets: set[str]) -> None:
    blob = "\n".join(texts)
    leaked = [s for s in secrets if s and s in blob]
    assert not leaked, f"secret(s) leaked: {[s[:6] + '...' for s in leaked]}"


def _result_texts(result: CallResult) -> list[str]:
    return [*result.trace, json.dumps(result.to_dict()), result.failure]


def _tokens(cache_path: Path) -> set[str]:
    """Every token value the cache ever held (read back to check none of them leaked)."""
    if not cache_path.exists():
        return set()
    data = json.loads(cache_path.read_text())
    return {v for entry in data.values() for k, v in entry.items() if k in ("access_token", "refresh_token")}


def _load(tmp_path: Path, document: dict[str, Any]) -> Api:
    path = tmp_path / f"{document['x-apiforge-id']}.json"
    path.write_text(json.dumps(document))
    return load_spec(str(path)).api


def _send(api: Api, op_id: str, store: CredentialStore) -> CallResult:
    op = api.operation(op_id)
    assert op is not None
    return send(api, op, build_request(api, op, {}).request, store, **FAST)


# -- oauth2-mock-server ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def oauth2_server() -> Iterator[str]:
    server = start_oauth2_mock(CLIENT_ID, CLIENT_SECRET, 300)
    try:
        yield server.url
    finally:
        stop_server(server)


def mock_spec(base: str) -> dict[str, Any]:
    ok = {"200": {"description": "ok"}, "401": {"description": "no"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "oauth2 mock", "version": "1"},
        "x-apiforge-id": API_ID,
        "servers": [{"url": base}],
        "components": {
            "securitySchemes": {
                "machine": {
                    "type": "oauth2",
                    "flows": {"clientCredentials": {"tokenUrl": f"{base}/token", "scopes": {"read": "read"}}},
                },
                "user": {
                    "type": "oauth2",
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": f"{base}/authorize",
                            "tokenUrl": f"{base}/token",
                            "scopes": {"profile": "profile"},
                        }
                    },
                },
            }
        },
        "paths": {
            "/api/me": {"get": {"operationId": "me", "security": [{"machine": ["read"]}], "responses": ok}},
            "/api/profile": {"get": {"operationId": "profile", "security": [{"user": []}], "responses": ok}},
        },
    }


@pytest.fixture
def mock_api(tmp_path: Path, oauth2_server: str) -> Api:
    return _load(tmp_path, mock_spec(oauth2_server))


def _stats(base: str) -> dict[str, Any]:
    return httpx.get(f"{base}/admin/stats").json()


def _follow(url: str) -> None:
    """The 'browser': oauth2-mock-server's /authorize redirects at once to the loopback callback."""
    httpx.get(url, follow_redirects=True, timeout=10).raise_for_status()


def test_client_credentials_token_cached_reused_and_private(
    mock_api: Api, oauth2_server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    store.set(API_ID, "machine", Credential(fields={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}))
    before = _stats(oauth2_server)["token"]
    first = _send(mock_api, "me", store)
    second = _send(mock_api, "me", store)
    assert first.status == 200 and second.status == 200, first.failure
    assert _stats(oauth2_server)["token"] == before + 1  # the second call reused the cached token
    cache = tmp_path / "tokens.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert any(line.endswith("Authorization: Bearer ••••") for line in first.trace)
    assert first.request.header("Authorization") == "Bearer {{machine_token}}"
    assert first.redirects == () and second.redirects == ()  # the token request is an auth step, not a redirect
    _no_leak([*_result_texts(first), *_result_texts(second), caplog.text], {CLIENT_SECRET, *_tokens(cache)})


def test_client_credentials_wrong_secret_is_a_clear_error(mock_api: Api, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "Wrong-client-secret-5521"
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    store.set(API_ID, "machine", Credential(fields={"client_id": CLIENT_ID, "client_secret": wrong}))
    with pytest.raises(TokenRequestFailed) as info:
        _send(mock_api, "me", store)
    message = str(info.value)
    assert "invalid_client" in message and "HTTP 401" in message and f"auth set {API_ID} machine" in message
    _no_leak([message, caplog.text], {wrong})


def test_a_401_renews_the_token_once_and_resends(mock_api: Api, oauth2_server: str, tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    store.set(API_ID, "machine", Credential(fields={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}))
    assert _send(mock_api, "me", store).status == 200
    httpx.post(f"{oauth2_server}/admin/revoke-all").raise_for_status()  # the cached token is now refused
    before = _stats(oauth2_server)
    result = _send(mock_api, "me", store)
    after = _stats(oauth2_server)
    assert result.status == 200 and len(result.attempts) == 1, result.trace
    assert after["api"] - before["api"] == 2 and after["token"] - before["token"] == 1  # 401, renew, resend
    _no_leak(_result_texts(result), {CLIENT_SECRET, *_tokens(tmp_path / "tokens.json")})


def test_pkce_login_then_call_then_refresh_after_401(mock_api: Api, oauth2_server: str, tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    store.set(API_ID, "user", Credential(fields={"client_id": CLIENT_ID}))  # a public client: PKCE, no secret
    with pytest.raises(LoginRequired, match=f"apiforge auth login {API_ID} user"):
        _send(mock_api, "profile", store)
    scheme = mock_api.security_schemes["user"]
    settings = resolve_settings(API_ID, scheme, store.get(API_ID, "user"))  # type: ignore[arg-type]
    masker = Masker()
    seen: list[str] = []

    def browser(url: str) -> None:
        seen.append(url)
        _follow(url)

    token = login(settings, token_cache_for(store), masker, open_browser=browser, timeout=20)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(seen[0]).query))
    assert query["code_challenge_method"] == "S256" and query["redirect_uri"].startswith("http://127.0.0.1:")
    assert token["refresh_token"] and masker.mask(token["access_token"]) == "••••"
    assert _send(mock_api, "profile", store).status == 200
    httpx.post(f"{oauth2_server}/admin/revoke-all").raise_for_status()
    grants_before = _stats(oauth2_server)["grants"].get("refresh_token", 0)
    result = _send(mock_api, "profile", store)
    assert result.status == 200, result.trace
    assert _stats(oauth2_server)["grants"]["refresh_token"] == grants_before + 1
    _no_leak(_result_texts(result), {token["access_token"], token["refresh_token"], *_tokens(tmp_path / "tokens.json")})


def test_cli_auth_set_fields_login_and_call(
    oauth2_server: str, tmp_path: Path, cli_app: typer.Typer, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "mock.json"
    spec.write_text(json.dumps(mock_spec(oauth2_server)))
    with Catalog() as catalog:
        assert catalog.ingest(str(spec)).api_id == API_ID
    runner = CliRunner()
    stored = runner.invoke(
        cli_app,
        ["auth", "set", API_ID, "machine", "--field", f"client_id={CLIENT_ID}", "--field", "client_secret=-"],
        input=CLIENT_SECRET + "\n",
    )
    assert stored.exit_code == 0, stored.output
    listed = runner.invoke(cli_app, ["auth", "list"])
    assert f"client_id={CLIENT_ID}" in listed.stdout and "client_secret=••••" in listed.stdout
    called = runner.invoke(cli_app, ["call", API_ID, "me", "--json", "--verbose"])
    assert called.exit_code == 0, called.output
    assert json.loads(called.stdout)["body"] == {"ok": True, "path": "/api/me"}
    assert runner.invoke(cli_app, ["auth", "set", API_ID, "user", "-f", f"client_id={CLIENT_ID}"]).exit_code == 0
    # `auth login` opens $BROWSER: here a script that follows the authorize redirect to the loopback listener.
    follower = tmp_path / "browser.py"
    follower.write_text("import sys, httpx\nhttpx.get(sys.argv[1], follow_redirects=True, timeout=10)\n")
    monkeypatch.setenv("BROWSER", f"{sys.executable} {follower} %s")
    logged = runner.invoke(cli_app, ["auth", "login", API_ID, "user", "--timeout", "30", "--json"])
    assert logged.exit_code == 0, logged.output
    assert json.loads(logged.stdout)["has_refresh_token"] is True
    profile = runner.invoke(cli_app, ["call", API_ID, "profile", "--verbose"])
    assert profile.exit_code == 0, profile.output
    cache = Path(json.loads(logged.stdout)["token_cache"])
    texts = [called.stdout, called.stderr, listed.stdout, logged.stdout, logged.stderr, profile.stdout, profile.stderr]
    _no_leak(texts, {CLIENT_SECRET, *_tokens(cache)})
    assert runner.invoke(cli_app, ["auth", "remove", API_ID, "user"]).exit_code == 0
    assert not any(key.startswith(f"{API_ID} user ") for key in json.loads(cache.read_text()))


# -- oidc-provider-mock + Kinto's openid plugin -------------------------------------------------------------------

KINTO_OPENID_AUTH = """\
kinto.includes = kinto.plugins.openid
multiauth.policies = openid
multiauth.policy.openid.use = kinto.plugins.openid.OpenIDConnectPolicy
multiauth.policy.openid.issuer = {issuer}
multiauth.policy.openid.client_id = kinto-app
multiauth.policy.openid.client_secret = unused
multiauth.policy.openid.verification_ttl_seconds = 1"""
TOKEN_LIFETIME = 3
KINTO_ID = "kinto-openid"


@pytest.fixture(scope="module")
def oidc_kinto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(issuer, Kinto /v1 URL): tokens live TOKEN_LIFETIME seconds; Kinto re-checks a token after 1 s."""
    pytest.importorskip("oidc_provider_mock", reason="oidc-provider-mock is not installed")
    pytest.importorskip("kinto", reason="kinto is not installed")
    oidc_port = unused_port()
    oidc = start_server(
        [sys.executable, "-m", "oidc_provider_mock", "-p", str(oidc_port), "-e", str(TOKEN_LIFETIME)], oidc_port
    )
    try:
        auth = KINTO_OPENID_AUTH.format(issuer=oidc.url)
        kinto = start_kinto(tmp_path_factory.mktemp("kinto-openid"), secret="apiforge-openid-tests", auth=auth)
        try:
            yield oidc.url, f"{kinto.url}/v1"
        finally:
            stop_server(kinto)
    finally:
        stop_server(oidc)


def kinto_spec(issuer: str, kinto: str) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "kinto openid", "version": "1"},
        "x-apiforge-id": KINTO_ID,
        "servers": [{"url": kinto}],
        "components": {"securitySchemes": {"oidc": {"type": "openIdConnect", "openIdConnectUrl": issuer}}},
        "paths": {
            "/buckets/{bid}": {
                "put": {
                    "operationId": "putBucket",
                    "security": [{"oidc": []}],
                    "parameters": [{"name": "bid", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}, "201": {"description": "created"}},
                }
            }
        },
    }


def _oidc_browser(url: str) -> None:
    """The user at oidc-provider-mock's login form: submit a subject, follow the redirect to the loopback."""
    httpx.post(url, data={"sub": "ada@example.com"}, follow_redirects=True, timeout=10).raise_for_status()


def _put_bucket(api: Api, store: CredentialStore, bid: str) -> CallResult:
    op = api.operation("putBucket")
    assert op is not None
    return send(api, op, build_request(api, op, {"bid": bid}).request, store, **FAST)


@pytest.mark.slow
def test_oidc_authorization_code_kinto_expiry_then_refresh(
    oidc_kinto: tuple[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    issuer, kinto = oidc_kinto
    api = _load(tmp_path, kinto_spec(issuer, kinto))
    secret = "Oidc-client-secret-7781"
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    store.set(KINTO_ID, "oidc", Credential(fields={"client_id": "apiforge-cli", "client_secret": secret}))
    settings = resolve_settings(KINTO_ID, api.security_schemes["oidc"], store.get(KINTO_ID, "oidc"))  # type: ignore[arg-type]
    assert settings.flow == "authorization_code" and settings.token_url.startswith(issuer)  # from discovery
    cache = token_cache_for(store)
    first = login(settings, cache, Masker(), open_browser=_oidc_browser, timeout=20)
    assert first["expires_in"] == TOKEN_LIFETIME and first["refresh_token"]
    created = _put_bucket(api, store, "notes")
    assert created.status in (200, 201), created.trace
    assert created.body["permissions"]["write"] == ["openid:ada@example.com"] or any(
        "openid:" in w for w in created.body["permissions"]["write"]
    )
    time.sleep(TOKEN_LIFETIME + 0.5)  # the token is now expired at the provider, and Kinto's 1 s check cache too
    stale = httpx.put(f"{kinto}/buckets/stale", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert stale.status_code == 401  # the expiry is real: the old token no longer works
    again = _put_bucket(api, store, "notes2")
    assert again.status in (200, 201), again.trace
    renewed = cache.get(settings.cache_key)
    assert renewed is not None and renewed["access_token"] != first["access_token"]  # refreshed before sending
    secrets = {secret, first["access_token"], first["refresh_token"], renewed["access_token"], renewed["refresh_token"]}
    _no_leak([*_result_texts(created), *_result_texts(again), caplog.text], secrets)


def test_token_cache_refuses_a_readable_file(tmp_path: Path) -> None:
    cache = TokenCache(tmp_path / "tokens.json")
    cache.put("a s c", {"access_token": "Tok-abc-123"})
    assert cache.get("a s c") == {"access_token": "Tok-abc-123"}
    (tmp_path / "tokens.json").chmod(0o644)
    with pytest.raises(Exception, match=re.escape("chmod 600")):
        cache.get("a s c")


def test_login_refuses_a_redirect_with_the_wrong_state(tmp_path: Path) -> None:
    """A forged redirect (another state) to the loopback listener is refused before any code exchange."""
    from apiforge.execute.oauth2 import OAuth2Settings

    settings = OAuth2Settings(
        api_id="x",
        scheme="user",
        flow="authorization_code",
        token_url="http://127.0.0.1:9/token",  # never reached
        client_id="app",
        authorization_url="http://127.0.0.1:9/authorize",
    )

    def forged(url: str) -> None:
        redirect = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["redirect_uri"]
        httpx.get(f"{redirect}?code=stolen-code&state=not-the-state", timeout=5)

    with pytest.raises(TokenRequestFailed, match="not valid"):
        login(settings, TokenCache(None), Masker(), open_browser=forged, timeout=10)


def test_urls_from_swagger2_fields_and_credential_overrides(tmp_path: Path) -> None:
    """Swagger 2's `flow: application` + `tokenUrl` gives client credentials; credential fields win over the spec."""
    document = {
        "swagger": "2.0",
        "info": {"title": "s2", "version": "1", "x-apiforge-id": "s2"},
        "host": "api.example",
        "securityDefinitions": {
            "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://id.example/token", "scopes": {}},
            "code": {
                "type": "oauth2",
                "flow": "accessCode",
                "authorizationUrl": "https://id.example/authorize",
                "tokenUrl": "https://id.example/token",
                "scopes": {"read": "r"},
            },
        },
        "paths": {
            "/x": {"get": {"operationId": "x", "security": [{"app": []}], "responses": {"200": {"description": "ok"}}}}
        },
    }
    path = tmp_path / "s2.json"
    path.write_text(json.dumps(document))
    api = load_spec(str(path)).api
    machine = resolve_settings(
        "s2", api.security_schemes["app"], Credential(fields={"client_id": "c", "client_secret": "s"})
    )
    assert (machine.flow, machine.token_url) == ("client_credentials", "https://id.example/token")
    user = resolve_settings("s2", api.security_schemes["code"], Credential(fields={"client_id": "c"}), ["read"])
    assert (user.flow, user.authorization_url, user.scope) == (
        "authorization_code",
        "https://id.example/authorize",
        "read",
    )
    override = Credential(
        fields={"client_id": "c", "client_secret": "s", "token_url": "https://other.example/t", "scope": "a b"}
    )
    forced = resolve_settings("s2", api.security_schemes["app"], override)
    assert (forced.token_url, forced.scope) == ("https://other.example/t", "a b")
