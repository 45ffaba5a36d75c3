"""Auth as placeholders: where each security scheme puts its credential, and the `{{placeholder}}` it puts there.

- apiKey (header / query / cookie) → that place: `{{<scheme>}}`;
- http basic → `Authorization: Basic {{<scheme>_credentials}}`;
- http bearer, oauth2, openIdConnect → `Authorization: Bearer {{<scheme>_token}}`;
- http digest / negotiate / OAuth (1.0a), mutualTLS, vendor signing (`x-amazon-apigateway-authtype`) → nothing:
  a warning says the request is signed at send time.

Placeholder names are the scheme name in lower snake case, so they survive the `REPLACE_X` round trip of code.
The operation's first security alternative is used, unless the caller supplies the credential of another
alternative themselves (an argument named like its header / query / cookie): then that alternative is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apiforge.http._examples import snake_name
from apiforge.http._models import placeholder
from apiforge.spec.model import Api, Operation, SecurityScheme

__all__ = ["AuthPlan", "Carrier", "carrier", "carriers", "plan_auth"]

#: (location, name) of where a credential goes; header names lower-cased.
Carrier = tuple[str, str]


@dataclass(slots=True)
class AuthPlan:
    headers: list[tuple[str, str]] = field(default_factory=list)
    query: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    carried: set[Carrier] = field(default_factory=set)
    """Places the plan fills: a declared parameter in one of them is not synthesised again."""
    schemes: list[str] = field(default_factory=list)
    """Names of the schemes applied."""


def _signed(scheme: SecurityScheme) -> bool:
    """Schemes whose header is computed per request (a signature), so no static placeholder can stand for it."""
    if any(key.startswith("x-amazon-apigateway-authtype") for key in scheme.extensions):
        return True
    if scheme.type == "http":
        return scheme.scheme not in ("basic", "bearer")
    return scheme.type not in ("apiKey", "oauth2", "openIdConnect")


def carrier(scheme: SecurityScheme) -> Carrier | None:
    """Where `scheme` puts its credential, or None for a signed scheme."""
    if _signed(scheme):
        return None
    if scheme.type == "apiKey":
        location = scheme.location or "header"
        return (location, scheme.param_name.lower() if location == "header" else scheme.param_name)
    return ("header", "authorization")


def carriers(api: Api, op: Operation) -> dict[Carrier, str]:
    """Every place any of the operation's security schemes may put a credential → the scheme's name."""
    out: dict[Carrier, str] = {}
    for alternative in op.security or ():
        for name in alternative:
            scheme = api.security_schemes.get(name)
            where = carrier(scheme) if scheme is not None else None
            if where is not None:
                out.setdefault(where, name)
    return out


def plan_auth(api: Api, op: Operation, supplied: set[Carrier]) -> AuthPlan:
    """Placeholders for the chosen security alternative, skipping credentials in `supplied` places."""
    plan = AuthPlan()
    alternatives = list(op.security or ())
    if not alternatives:
        return plan
    chosen = alternatives[0]
    for alternative in alternatives:
        places = {carrier(s) for n in alternative if (s := api.security_schemes.get(n)) is not None}
        if places & supplied:
            chosen = alternative
            break
    for name in chosen:
        scheme = api.security_schemes.get(name)
        if scheme is None:
            plan.warnings.append(f"security scheme '{name}' is not defined in the API; no credential added")
            continue
        plan.schemes.append(name)
        where = carrier(scheme)
        if where is None:
            kind = scheme.scheme or next(iter(scheme.extensions.values()), "") or scheme.type
            plan.warnings.append(
                f"security scheme '{name}' ({scheme.type} {kind}) is signed at send time; no credential added"
            )
            continue
        if where in supplied:
            continue
        plan.carried.add(where)
        secret = snake_name(name)
        if scheme.type == "apiKey":
            value = placeholder(secret)
            target = {"header": plan.headers, "query": plan.query, "cookie": plan.cookies}.get(where[0], plan.headers)
            target.append((scheme.param_name or name, value))
        elif scheme.type == "http" and scheme.scheme == "basic":
            plan.headers.append(("Authorization", "Basic " + placeholder(secret + "_credentials")))
        else:
            token = secret if secret.endswith("token") else secret + "_token"
            plan.headers.append(("Authorization", "Bearer " + placeholder(token)))
    return plan
