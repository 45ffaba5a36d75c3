"""Placeholders → secrets, at send time only: which scheme each `{{placeholder}}` stands for, and its value.

The names mirror `apiforge.http._security`: apiKey → `{{<scheme>}}`, basic → `{{<scheme>_credentials}}` (the
base64 `user:password`), bearer / oauth2 / openIdConnect → `{{<scheme>_token}}`.

Schemes whose header depends on more than a stored value become an `httpx.Auth` instead:

- HTTP digest → `httpx.DigestAuth` (the header answers the server's challenge);
- OAuth 2.0 / OpenID Connect with client fields (`client_id`, ...) → `OAuth2Auth` (tokens fetched, cached and
  refreshed; its `{{..._token}}` placeholder gets a stand-in, masked in traces, and the header is replaced when
  sent). A credential
  with a plain `value` is still used as a ready-made bearer token;
- OAuth 1.0a (`type: http, scheme: oauth`, or `x-apiforge-auth: oauth1`) → `OAuth1Auth` (HMAC-SHA1 signature);
- AWS SigV4 (`x-amazon-apigateway-authtype: awsSigv4`) → `SigV4Auth`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from apiforge.execute.credentials import Credential, CredentialStore, env_var_name
from apiforge.execute.errors import CallError, CredentialError, MissingCredential
from apiforge.execute.oauth1 import is_oauth1, oauth1_auth
from apiforge.execute.oauth2 import OAuth2Auth, resolve_settings, token_cache_for
from apiforge.execute.secrets import Masker, basic_token
from apiforge.execute.sigv4 import explain_rejection, is_sigv4, sigv4_auth
from apiforge.http._examples import snake_name
from apiforge.http._security import carrier
from apiforge.spec.model import Api, Operation, SecurityScheme

__all__ = ["Filled", "MissingFields", "fill_secrets", "scheme_kind"]


@dataclass(slots=True)
class Filled:
    """What sending needs: placeholder values, an `httpx.Auth` for computed schemes, a masker that knows them all."""

    values: dict[str, str] = field(default_factory=dict)
    auth: httpx.Auth | None = None
    masker: Masker = field(default_factory=Masker)
    schemes: list[str] = field(default_factory=list)
    explain: Callable[[int, Any], str] | None = None
    """Given a failed answer's status and body, a hint naming the credential at fault ('' for none)."""


class MissingFields(MissingCredential):
    """A scheme that needs named fields (OAuth client, OAuth 1 keys, AWS keys) has no credential at all."""

    def __init__(self, api_id: str, scheme: str, env_var: str, fields: str) -> None:
        self.api_id = api_id
        self.scheme = scheme
        self.env_var = env_var
        flags = " ".join(f"--field {name}=..." for name in fields.split())
        as_json = ", ".join(f'"{name}": "..."' for name in fields.split())
        CredentialError.__init__(
            self,
            f"no credential for API '{api_id}', security scheme '{scheme}'. Set one with "
            f"`apiforge auth set {api_id} {scheme} {flags}` or the environment variable {env_var}='{{{as_json}}}'"
            + (" (or --value TOKEN for a ready-made access token)" if "client_id" in fields else ""),
        )


def scheme_kind(scheme: SecurityScheme) -> str:
    """What apiforge does for `scheme`: apiKey, basic, bearer, digest, oauth2, oauth1, sigv4, or unsupported."""
    if is_sigv4(scheme):
        return "sigv4"
    if is_oauth1(scheme):
        return "oauth1"
    if scheme.type in ("oauth2", "openIdConnect"):
        return "oauth2"
    if scheme.type == "http" and scheme.scheme in ("basic", "bearer", "digest"):
        return scheme.scheme
    return "apiKey" if scheme.type == "apiKey" else "unsupported"


_PENDING = "apiforge-oauth2-token-pending"
_FIELDS = {
    "oauth2": "client_id client_secret",
    "oauth1": "consumer_key consumer_secret token token_secret",
    "sigv4": "access_key_id secret_access_key region",
}


def _placeholder_name(scheme: SecurityScheme) -> str | None:
    if carrier(scheme) is None:
        return None
    secret = snake_name(scheme.name)
    if scheme.type == "apiKey":
        return secret
    if scheme.type == "http" and scheme.scheme == "basic":
        return secret + "_credentials"
    return secret if secret.endswith("token") else secret + "_token"


def _chosen_alternative(api: Api, op: Operation, used: set[str]) -> list[str]:
    """The security alternative the request was built with: the first whose placeholders it all carries."""
    for alternative in op.security or ():
        names = {n: api.security_schemes.get(n) for n in alternative}
        wanted = {_placeholder_name(s) for s in names.values() if s is not None} - {None}
        if wanted <= used:
            return list(alternative)
    return []


def _required_scopes(op: Operation, scheme: str) -> list[str]:
    for alternative in op.security or ():
        if scheme in alternative:
            return list(alternative[scheme] or [])
    return []


def _require(store: CredentialStore, api: Api, scheme: SecurityScheme, *, basic: bool) -> Credential:
    cred = store.get(api.id, scheme.name)
    if cred is None:
        kind = scheme_kind(scheme)
        if kind in _FIELDS:
            raise MissingFields(api.id, scheme.name, env_var_name(api.id, scheme.name), _FIELDS[kind])
        raise MissingCredential(api.id, scheme.name, env_var_name(api.id, scheme.name), kind="basic" if basic else "")
    return cred


def _use(filled: Filled, auth: httpx.Auth, scheme: str) -> None:
    if filled.auth is not None:
        raise CallError(
            f"the operation needs two computed credentials at once ('{filled.schemes[-1]}' and '{scheme}'); "
            "apiforge sends one per request"
        )
    filled.auth = auth
    filled.schemes.append(scheme)


def fill_secrets(api: Api, op: Operation, placeholders: list[str], store: CredentialStore) -> Filled:
    """Resolve every placeholder of a request (and computed auth: digest, OAuth, SigV4) from `store`.

    Raises `MissingCredential` naming the API, the scheme and how to set it, or `CallError` for a placeholder
    that is not a credential (a value the caller still has to give with `--arg`).
    """
    filled = Filled()
    used = set(placeholders)
    by_placeholder = {
        name: scheme for scheme in api.security_schemes.values() if (name := _placeholder_name(scheme)) is not None
    }
    unknown = [p for p in placeholders if p not in by_placeholder]
    if unknown:
        listed = ", ".join("{{" + p + "}}" for p in unknown)
        raise CallError(f"the request still has placeholder(s) {listed}: give their values with --arg NAME=VALUE")
    for name in placeholders:
        scheme = by_placeholder[name]
        is_basic = scheme.type == "http" and scheme.scheme == "basic"
        cred = _require(store, api, scheme, basic=is_basic)
        cred.add_to(filled.masker)
        if is_basic:
            filled.schemes.append(scheme.name)
            pair = cred.user_password()
            if pair is None:
                raise CallError(
                    f"security scheme '{scheme.name}' of '{api.id}' is HTTP basic: store a username and password "
                    f"(`apiforge auth set {api.id} {scheme.name} --username U --password P`), not a single value"
                )
            filled.values[name] = basic_token(*pair)
        elif scheme_kind(scheme) in ("oauth1", "sigv4"):  # marked with x-apiforge-auth on a header scheme
            _use(filled, _signer(api, scheme, cred, filled), scheme.name)
            filled.values[name] = _PENDING  # the signer replaces the Authorization header
            filled.masker.add(_PENDING)
        elif scheme_kind(scheme) == "oauth2" and cred.value is None and cred.fields:
            settings = resolve_settings(api.id, scheme, cred, _required_scopes(op, scheme.name))
            _use(filled, OAuth2Auth(settings, token_cache_for(store), filled.masker), scheme.name)
            # The auth replaces the whole header when the request is sent; the stand-in shows masked in traces.
            filled.values[name] = _PENDING
            filled.masker.add(_PENDING)
            filled.explain = _oauth2_hint(api.id, scheme.name)
        else:
            filled.schemes.append(scheme.name)
            if cred.value is None:
                raise CallError(
                    f"security scheme '{scheme.name}' of '{api.id}' takes a single value (key or token): "
                    f"`apiforge auth set {api.id} {scheme.name} --value V`"
                )
            filled.values[name] = cred.value
    for scheme_name in _chosen_alternative(api, op, used):
        scheme = api.security_schemes.get(scheme_name)
        if scheme is None or carrier(scheme) is not None:
            continue
        kind = scheme_kind(scheme)
        if kind not in ("digest", "oauth1", "sigv4"):
            continue
        cred = _require(store, api, scheme, basic=kind == "digest")
        cred.add_to(filled.masker)
        if kind == "digest":
            pair = cred.user_password()
            if pair is None:
                raise CallError(
                    f"security scheme '{scheme.name}' of '{api.id}' is HTTP digest: store a username/password"
                )
            _use(filled, httpx.DigestAuth(*pair), scheme.name)
        else:
            _use(filled, _signer(api, scheme, cred, filled), scheme.name)
    return filled


def _signer(api: Api, scheme: SecurityScheme, cred: Credential, filled: Filled) -> httpx.Auth:
    """The OAuth 1 or SigV4 signer of `scheme`; a SigV4 rejection is explained in the failure."""
    if scheme_kind(scheme) == "oauth1":
        return oauth1_auth(api.id, scheme, cred)
    filled.explain = lambda status, body, a=api.id, s=scheme.name: explain_rejection(a, s, status, body)
    return sigv4_auth(api.id, scheme, cred, str(api.extensions.get("x-serviceName") or ""))


def _oauth2_hint(api_id: str, scheme: str) -> Callable[[int, Any], str]:
    def hint(status: int, body: Any) -> str:
        if status == 401:
            return f"the API refused a freshly renewed OAuth 2.0 token of '{scheme}' (wrong audience or client?)"
        if status == 403:
            return f"the OAuth 2.0 token of '{scheme}' lacks a permission: check the `scope` field of its credential"
        return ""

    return hint
