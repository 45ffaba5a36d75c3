"""OAuth 2.0 as an `httpx.Auth`: client credentials, authorization code with PKCE, refresh tokens, a token cache.

Where the URLs come from, first match wins: the credential's fields (`token_url`, `authorization_url`,
`openid_url`), the scheme's `flows` (OpenAPI 3; Swagger 2's `tokenUrl`/`authorizationUrl` are normalised to the
same), then OpenID Connect discovery of the scheme's `openIdConnectUrl` (`/.well-known/openid-configuration`).

The credential holds `client_id` and, for a confidential client, `client_secret` (`apiforge auth set API SCHEME
--field client_id=app --field client_secret=-`); optional `scope`, `flow` (`client_credentials` or
`authorization_code`), `auth_method` (`client_secret_basic`, `client_secret_post`, `none`), `audience`,
`redirect_uri`. Tokens are cached in `tokens.json` beside `credentials.toml` (mode 0600, refused when others may
read it), so `apiforge auth login` (the PKCE flow, `login`) in one process serves `apiforge call` in the next.

Sending: a cached token is used until it is about to expire (`leeway`: a tenth of its lifetime, at most 60 s), then
it is refreshed with its refresh token (or, for client credentials, fetched again); a 401 answer triggers one
renewal and one resend. Every token, secret, code and verifier is taught to the call's `Masker` the moment it is
known, so traces, logs and errors never show it.
"""

from __future__ import annotations

import http.server
import json
import os
import stat
import threading
import time
import urllib.parse
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.parameters import parse_authorization_code_response, prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from apiforge.execute.credentials import Credential, CredentialStore
from apiforge.execute.errors import CredentialError, InsecureCredentialsFile
from apiforge.execute.secrets import Masker
from apiforge.spec.model import SecurityScheme

__all__ = [
    "LoginRequired",
    "OAuth2Auth",
    "OAuth2Settings",
    "TokenCache",
    "TokenRequestFailed",
    "discover",
    "login",
    "resolve_settings",
    "token_cache_for",
]

CLIENT_CREDENTIALS = "client_credentials"
AUTHORIZATION_CODE = "authorization_code"
# OpenAPI 3 flow names (Swagger 2's are normalised to these on load) → grant types we run.
_FLOWS = {"clientCredentials": CLIENT_CREDENTIALS, "authorizationCode": AUTHORIZATION_CODE}


class TokenRequestFailed(CredentialError):
    """The token endpoint refused to issue a token (wrong client secret, expired refresh token, ...)."""


class LoginRequired(CredentialError):
    """An authorization-code scheme has no usable token: the user must log in (`apiforge auth login`)."""

    def __init__(self, api_id: str, scheme: str, why: str = "no token yet") -> None:
        self.api_id = api_id
        self.scheme = scheme
        super().__init__(
            f"security scheme '{scheme}' of '{api_id}' needs a user login ({why}): "
            f"run `apiforge auth login {api_id} {scheme}`"
        )


@dataclass(frozen=True, slots=True)
class OAuth2Settings:
    """Everything one OAuth 2.0 client needs, resolved from the spec, the credential and discovery."""

    api_id: str
    scheme: str
    flow: str
    token_url: str
    client_id: str
    client_secret: str = ""
    authorization_url: str = ""
    scope: str = ""
    auth_method: str = ""
    """`client_secret_basic` (default with a secret), `client_secret_post`, or `none` (public client, PKCE)."""
    audience: str = ""
    redirect_uri: str = ""

    @property
    def cache_key(self) -> str:
        return f"{self.api_id} {self.scheme} {self.client_id}"

    def client_auth(self) -> ClientAuth:
        method = self.auth_method or ("client_secret_basic" if self.client_secret else "none")
        return ClientAuth(self.client_id, self.client_secret, method)


# -- discovery and settings --------------------------------------------------------------------------------------

_DISCOVERED: dict[str, dict[str, Any]] = {}


def discover(url: str, *, timeout: float = 10.0) -> dict[str, Any]:
    """The OpenID provider configuration at `url` (the document itself or its issuer), cached per process."""
    if not url.rstrip("/").endswith("/.well-known/openid-configuration"):
        url = url.rstrip("/") + "/.well-known/openid-configuration"
    if url not in _DISCOVERED:
        try:
            response = httpx.get(url, timeout=timeout, follow_redirects=True)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise CredentialError(f"OpenID Connect discovery failed at {url}: {type(exc).__name__}: {exc}") from None
        if not isinstance(data, dict) or "token_endpoint" not in data:
            raise CredentialError(f"OpenID Connect discovery at {url} returned no token_endpoint")
        _DISCOVERED[url] = data
    return _DISCOVERED[url]


def _choose_flow(scheme: SecurityScheme, cred: Credential) -> str:
    wanted = cred.get("flow")
    if wanted:
        if wanted not in (CLIENT_CREDENTIALS, AUTHORIZATION_CODE):
            raise CredentialError(
                f"credential field flow={wanted!r} for '{scheme.name}': "
                f"use {CLIENT_CREDENTIALS} or {AUTHORIZATION_CODE}"
            )
        return wanted
    offered = [_FLOWS[name] for name in scheme.flows if name in _FLOWS]
    if cred.get("client_secret") and CLIENT_CREDENTIALS in offered:
        return CLIENT_CREDENTIALS
    if AUTHORIZATION_CODE in offered or (not offered and scheme.type == "openIdConnect"):
        return AUTHORIZATION_CODE
    if offered:
        return offered[0]
    return CLIENT_CREDENTIALS if cred.get("client_secret") else AUTHORIZATION_CODE


def resolve_settings(
    api_id: str, scheme: SecurityScheme, cred: Credential, scopes: list[str] | tuple[str, ...] = ()
) -> OAuth2Settings:
    """`OAuth2Settings` for `scheme` with `cred` (needs `client_id`); `scopes`: the operation's requirement."""
    client_id = cred.get("client_id")
    if not client_id:
        raise CredentialError(
            f"security scheme '{scheme.name}' of '{api_id}' is OAuth 2.0: store the client with "
            f"`apiforge auth set {api_id} {scheme.name} --field client_id=ID --field client_secret=-` "
            "(or --value TOKEN for a ready-made access token)"
        )
    flow = _choose_flow(scheme, cred)
    declared = scheme.flows.get(next((k for k, v in _FLOWS.items() if v == flow), ""), {})
    token_url = cred.get("token_url") or str(declared.get("tokenUrl") or "")
    authorization_url = cred.get("authorization_url") or str(declared.get("authorizationUrl") or "")
    openid_url = cred.get("openid_url") or scheme.openid_url
    if openid_url and (not token_url or (flow == AUTHORIZATION_CODE and not authorization_url)):
        config = discover(openid_url)
        token_url = token_url or str(config.get("token_endpoint") or "")
        authorization_url = authorization_url or str(config.get("authorization_endpoint") or "")
    if not token_url:
        raise CredentialError(
            f"security scheme '{scheme.name}' of '{api_id}' names no token URL: add the field "
            f"`--field token_url=URL` (or openid_url=ISSUER) to its credential"
        )
    scope = cred.get("scope")
    if scope is None:
        scope = " ".join(scopes) or ("openid" if scheme.type == "openIdConnect" else "")
    return OAuth2Settings(
        api_id=api_id,
        scheme=scheme.name,
        flow=flow,
        token_url=token_url,
        client_id=client_id,
        client_secret=cred.get("client_secret") or "",
        authorization_url=authorization_url,
        scope=scope,
        auth_method=cred.get("auth_method") or "",
        audience=cred.get("audience") or "",
        redirect_uri=cred.get("redirect_uri") or "",
    )


# -- the token cache ---------------------------------------------------------------------------------------------

_MEMORY: dict[tuple[str, str], dict[str, Any]] = {}


class TokenCache:
    """Tokens by `OAuth2Settings.cache_key`: a private JSON file (0600), or this process's memory when `path` is None.

    Usage::

        cache = TokenCache(Path("~/.config/apiforge/tokens.json").expanduser())
        cache.put("api scheme client", {"access_token": "...", "expires_at": 1.7e9})
    """

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None

    def get(self, key: str) -> dict[str, Any] | None:
        if self.path is None:
            return _MEMORY.get(("", key))
        entry = self._read().get(key)
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, token: Mapping[str, Any]) -> None:
        if self.path is None:
            _MEMORY[("", key)] = dict(token)
            return
        data = self._read()
        data[key] = dict(token)
        self._write(data)

    def drop(self, key: str) -> bool:
        """Forget a token (`apiforge auth remove` drops it with the credential); False when none was cached."""
        if self.path is None:
            return _MEMORY.pop(("", key), None) is not None
        data = self._read()
        if data.pop(key, None) is None:
            return False
        self._write(data)
        return True

    def drop_prefix(self, prefix: str) -> int:
        """Forget every token whose key starts with `prefix` (all clients of one API scheme)."""
        if self.path is None:
            keys = [k for (_, k) in _MEMORY if k.startswith(prefix)]
            for key in keys:
                del _MEMORY[("", key)]
            return len(keys)
        data = self._read()
        keys = [k for k in data if k.startswith(prefix)]
        for key in keys:
            del data[key]
        if keys:
            self._write(data)
        return len(keys)

    def _read(self) -> dict[str, Any]:
        assert self.path is not None
        if not self.path.exists():
            return {}
        if os.name != "nt":
            mode = stat.S_IMODE(self.path.stat().st_mode)
            if mode & 0o077:
                raise InsecureCredentialsFile(str(self.path), mode)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CredentialError(
                f"{self.path}: cannot read the token cache ({type(exc).__name__}); delete it"
            ) from None
        return data if isinstance(data, dict) else {}

    def _write(self, data: Mapping[str, Any]) -> None:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, self.path)


def token_cache_for(store: CredentialStore) -> TokenCache:
    """The cache beside the store's `credentials.toml`: `tokens.json`."""
    return TokenCache(store.path.with_name("tokens.json"))


# -- token requests ----------------------------------------------------------------------------------------------


def _token_request(settings: OAuth2Settings, **params: str) -> httpx.Request:
    """A POST to the token endpoint with form `params` and the client's authentication (RFC 6749 §2.3)."""
    if settings.audience:
        params.setdefault("audience", settings.audience)
    body = urllib.parse.urlencode({k: v for k, v in params.items() if v})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
    uri, headers, body = settings.client_auth().prepare("POST", settings.token_url, headers, body)
    return httpx.Request("POST", uri, headers=headers, content=body.encode())


def _read_token(
    settings: OAuth2Settings, response: httpx.Response, masker: Masker, previous: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The token of a token-endpoint answer (secrets taught to `masker` first), or `TokenRequestFailed`."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict):
        for name in ("access_token", "refresh_token", "id_token"):
            if isinstance(data.get(name), str):
                masker.add(data[name])
    if response.status_code != 200 or not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        detail = ""
        if isinstance(data, dict) and data.get("error"):
            detail = f": {data.get('error')}" + (
                f" ({data['error_description']})" if data.get("error_description") else ""
            )
        raise TokenRequestFailed(
            masker.mask(
                f"the token endpoint {settings.token_url} refused '{settings.scheme}' of '{settings.api_id}' "
                f"(HTTP {response.status_code}{detail}); check the client_id/client_secret stored with "
                f"`apiforge auth set {settings.api_id} {settings.scheme} --field ...`"
            )
        )
    token: dict[str, Any] = {"access_token": data["access_token"], "token_type": data.get("token_type", "Bearer")}
    expires_in = data.get("expires_in")
    if isinstance(expires_in, int | float) or (isinstance(expires_in, str) and expires_in.isdigit()):
        token["expires_in"] = float(expires_in)
        token["expires_at"] = time.time() + float(expires_in)
    refresh = data.get("refresh_token") or (previous or {}).get("refresh_token")
    if refresh:
        token["refresh_token"] = refresh
    if data.get("scope"):
        token["scope"] = data["scope"]
    return token


def _teach(masker: Masker, token: Mapping[str, Any] | None) -> None:
    for name in ("access_token", "refresh_token"):
        if token and isinstance(token.get(name), str):
            masker.add(token[name])


class OAuth2Auth(httpx.Auth):
    """Bearer tokens fetched, cached, refreshed before expiry and once after a 401; used by `send` via `_fill`.

    The token endpoint is called through the same `httpx.Client` as the API (the requests are yielded from the
    auth flow), so timeouts, transports and log masking apply to it too.
    """

    requires_response_body = True

    def __init__(
        self, settings: OAuth2Settings, cache: TokenCache, masker: Masker, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.masker = masker
        self.clock = clock
        self.renewals = 0
        """How many tokens this auth obtained (grants and refreshes): for traces and tests."""
        masker.add(settings.client_secret)
        _teach(masker, cache.get(settings.cache_key))

    def _is_fresh(self, token: Mapping[str, Any] | None) -> bool:
        if not token or not token.get("access_token"):
            return False
        expires_at = token.get("expires_at")
        if not isinstance(expires_at, int | float):
            return True  # no expires_in given: use it until the server says 401
        lifetime = float(token.get("expires_in") or 600)
        leeway = min(60.0, lifetime / 10)
        return self.clock() < expires_at - leeway

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.cache.get(self.settings.cache_key)
        if not self._is_fresh(token):
            token = yield from self._renew(token)
        self._authorize(request, token)
        response = yield request
        if response.status_code == 401:
            token = yield from self._renew(token, after_401=True)
            self._authorize(request, token)
            yield request

    def _authorize(self, request: httpx.Request, token: Mapping[str, Any]) -> None:
        kind = str(token.get("token_type") or "Bearer")
        request.headers["Authorization"] = f"{'Bearer' if kind.lower() == 'bearer' else kind} {token['access_token']}"

    def _renew(
        self, token: Mapping[str, Any] | None, *, after_401: bool = False
    ) -> Generator[httpx.Request, httpx.Response, dict[str, Any]]:
        """A new token: the refresh grant when a refresh token is known, else client credentials, else a login."""
        settings = self.settings
        if token and token.get("refresh_token"):
            response = yield _token_request(
                settings, grant_type="refresh_token", refresh_token=str(token["refresh_token"]), scope=settings.scope
            )
            try:
                return self._keep(_read_token(settings, response, self.masker, token))
            except TokenRequestFailed:
                if settings.flow != CLIENT_CREDENTIALS:
                    self.cache.drop(settings.cache_key)
                    raise LoginRequired(settings.api_id, settings.scheme, "the refresh token was refused") from None
        if settings.flow == CLIENT_CREDENTIALS:
            response = yield _token_request(settings, grant_type="client_credentials", scope=settings.scope)
            return self._keep(_read_token(settings, response, self.masker, None))
        why = "the server answered 401 and there is no refresh token" if after_401 else "no token yet"
        if token:
            why = "the token expired and there is no refresh token"
        raise LoginRequired(settings.api_id, settings.scheme, why)

    def _keep(self, token: dict[str, Any]) -> dict[str, Any]:
        self.renewals += 1
        self.cache.put(self.settings.cache_key, token)
        return token


# -- authorization code with PKCE (the interactive login) ---------------------------------------------------------


class _Callback(http.server.BaseHTTPRequestHandler):
    """Receives the one redirect of the login on 127.0.0.1 and tells the user they can close the tab."""

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        server: Any = self.server
        if urllib.parse.urlsplit(self.path).path != server.expected_path:
            self.send_error(404)
            return
        server.received = self.path
        body = b"<html><body><h3>apiforge: login received. You can close this tab.</h3></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        """Silent: the query carries the authorization code."""


def login(
    settings: OAuth2Settings,
    cache: TokenCache,
    masker: Masker,
    *,
    open_browser: Callable[[str], object],
    timeout: float = 300.0,
    http_timeout: float = 30.0,
) -> dict[str, Any]:
    """Run the authorization-code flow with PKCE (RFC 7636, S256) through a loopback redirect (RFC 8252 §7.3).

    Listens on 127.0.0.1 (an ephemeral port, or the port of the credential's `redirect_uri`), calls
    `open_browser(authorize_url)`, waits up to `timeout` seconds for the redirect, checks `state`, exchanges the
    code (with the verifier) for tokens and caches them. Returns the token (callers show it only masked).
    """
    if not settings.authorization_url:
        raise CredentialError(
            f"security scheme '{settings.scheme}' of '{settings.api_id}' names no authorization URL: add "
            f"`--field authorization_url=URL` (or openid_url=ISSUER) to its credential"
        )
    fixed = urllib.parse.urlsplit(settings.redirect_uri) if settings.redirect_uri else None
    server = http.server.HTTPServer(("127.0.0.1", (fixed.port or 0) if fixed else 0), _Callback)
    server.timeout = 0.2
    server.received = None  # type: ignore[attr-defined]
    server.expected_path = (fixed.path if fixed else "") or "/callback"  # type: ignore[attr-defined]
    redirect_uri = settings.redirect_uri or f"http://127.0.0.1:{server.server_address[1]}/callback"
    verifier = generate_token(64)
    state = generate_token(24)
    masker.add(verifier)
    url = prepare_grant_uri(
        settings.authorization_url,
        settings.client_id,
        "code",
        redirect_uri,
        settings.scope or None,
        state,
        code_challenge=create_s256_code_challenge(verifier),
        code_challenge_method="S256",
    )
    done = threading.Event()

    def serve() -> None:
        while not done.is_set() and server.received is None:  # type: ignore[attr-defined]
            server.handle_request()

    thread = threading.Thread(target=serve, name="apiforge-oauth-callback", daemon=True)
    thread.start()
    try:
        open_browser(url)
        thread.join(timeout)
    finally:
        done.set()
        thread.join(1.0)
        server.server_close()
    received: str | None = server.received  # type: ignore[attr-defined]
    if received is None:
        raise CredentialError(f"no login redirect reached {redirect_uri} within {timeout:.0f} s")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(received).query))
    if "error" in query:
        raise TokenRequestFailed(
            masker.mask(
                f"the authorization server refused the login: {query['error']} {query.get('error_description', '')}"
            )
        )
    try:
        params = parse_authorization_code_response(
            redirect_uri.split("?")[0] + "?" + urllib.parse.urlencode(query), state
        )
    except OAuth2Error as exc:
        raise TokenRequestFailed(f"the login redirect was not valid ({exc.error}): start the login again") from None
    masker.add(str(params["code"]))
    request = _token_request(
        settings,
        grant_type="authorization_code",
        code=str(params["code"]),
        redirect_uri=redirect_uri,
        code_verifier=verifier,
    )
    with httpx.Client(timeout=http_timeout) as client:
        try:
            response = client.send(request)
        except httpx.HTTPError as exc:
            raise CredentialError(
                masker.mask(f"the token endpoint could not be reached: {type(exc).__name__}: {exc}")
            ) from None
    token = _read_token(settings, response, masker, None)
    cache.put(settings.cache_key, token)
    return token
