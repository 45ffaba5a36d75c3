"""Placeholders → secrets, at send time only: which scheme each `{{placeholder}}` stands for, and its value.

The names mirror `apiforge.http._security`: apiKey → `{{<scheme>}}`, basic → `{{<scheme>_credentials}}` (the
base64 `user:password`), bearer / oauth2 / openIdConnect → `{{<scheme>_token}}`. Digest has no placeholder: it
becomes an `httpx.DigestAuth`, because its header depends on the server's challenge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from apiforge.execute.credentials import Credential, CredentialStore, env_var_name
from apiforge.execute.errors import CallError, MissingCredential
from apiforge.execute.secrets import Masker, basic_token
from apiforge.http._examples import snake_name
from apiforge.http._security import carrier
from apiforge.spec.model import Api, Operation, SecurityScheme

__all__ = ["Filled", "fill_secrets"]


@dataclass(slots=True)
class Filled:
    """What sending needs: placeholder values, an `httpx.Auth` for digest, and a masker that knows them all."""

    values: dict[str, str] = field(default_factory=dict)
    auth: httpx.Auth | None = None
    masker: Masker = field(default_factory=Masker)
    schemes: list[str] = field(default_factory=list)


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


def _require(store: CredentialStore, api: Api, scheme: SecurityScheme, *, basic: bool) -> Credential:
    cred = store.get(api.id, scheme.name)
    if cred is None:
        raise MissingCredential(api.id, scheme.name, env_var_name(api.id, scheme.name), kind="basic" if basic else "")
    return cred


def fill_secrets(api: Api, op: Operation, placeholders: list[str], store: CredentialStore) -> Filled:
    """Resolve every placeholder of a request (and digest auth) from `store`.

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
        filled.schemes.append(scheme.name)
        if is_basic:
            pair = cred.user_password()
            if pair is None:
                raise CallError(
                    f"security scheme '{scheme.name}' of '{api.id}' is HTTP basic: store a username and password "
                    f"(`apiforge auth set {api.id} {scheme.name} --username U --password P`), not a single value"
                )
            filled.values[name] = basic_token(*pair)
        else:
            if cred.value is None:
                raise CallError(
                    f"security scheme '{scheme.name}' of '{api.id}' takes a single value (key or token): "
                    f"`apiforge auth set {api.id} {scheme.name} --value V`"
                )
            filled.values[name] = cred.value
    for scheme_name in _chosen_alternative(api, op, used):
        scheme = api.security_schemes.get(scheme_name)
        if scheme is None or not (scheme.type == "http" and scheme.scheme == "digest"):
            continue
        cred = _require(store, api, scheme, basic=True)
        cred.add_to(filled.masker)
        pair = cred.user_password()
        if pair is None:
            raise CallError(f"security scheme '{scheme.name}' of '{api.id}' is HTTP digest: store a username/password")
        filled.auth = httpx.DigestAuth(*pair)
        filled.schemes.append(scheme.name)
    return filled
