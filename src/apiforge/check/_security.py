"""Is an operation's security satisfied? Presence checks only: the checker never sees real secrets.

A credential counts as present when the header / query parameter / cookie that carries it is there and not
empty; a `{{placeholder}}` is present (it stands for the secret). For HTTP schemes the `Authorization` header
must also name the scheme (`Basic ...`, `Bearer ...`); OAuth2 and OpenID Connect want a bearer token. Schemes
whose credential only exists at send time or outside the request are satisfied, because a static request cannot
show them: HTTP digest / negotiate (answered after a challenge), mutual TLS, vendor signing schemes
(`x-amazon-apigateway-authtype`, e.g. AWS SigV4), and names missing from `securitySchemes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from apiforge.spec.model import Api, SecurityScheme

__all__ = ["Credential", "RequestView", "SecurityCheck"]


@dataclass(frozen=True, slots=True)
class RequestView:
    """The parts of a request that can carry credentials, with case-insensitive header names."""

    headers: dict[str, str]
    """Lower-cased header name → first value."""
    query: dict[str, str]
    cookies: dict[str, str]


@dataclass(frozen=True, slots=True)
class Credential:
    """Where one security scheme puts its credential, and how to tell it is there."""

    scheme: str
    section: str
    """`header`, `query` or `cookie` ('' when it cannot be observed)."""
    name: str
    prefix: str = ""
    """Required lower-case prefix of the value (`basic `, `bearer `) for HTTP schemes."""
    label: str = ""

    def present(self, view: RequestView) -> bool:
        if not self.section:
            return True
        source = {"header": view.headers, "query": view.query, "cookie": view.cookies}[self.section]
        value = source.get(self.name.lower() if self.section == "header" else self.name, "")
        if not value.strip():
            return False
        return not self.prefix or (value.lower().startswith(self.prefix) and bool(value[len(self.prefix) :].strip()))

    @property
    def location(self) -> str:
        return f"{self.section}.{self.name}" if self.section else ""

    @classmethod
    def from_scheme(cls, scheme: SecurityScheme) -> Credential:
        kind = scheme.type
        if any(key.startswith("x-amazon-apigateway-authtype") for key in scheme.extensions):
            return cls(scheme.name, "", "", label=f"signed '{scheme.name}'")  # a per-request signature
        if kind == "apiKey" and scheme.location in ("header", "query", "cookie") and scheme.param_name:
            return cls(
                scheme.name,
                scheme.location,
                scheme.param_name,
                label=f"API key '{scheme.name}' in {scheme.location} '{scheme.param_name}'",
            )
        if kind == "http" and (scheme.scheme or "").lower() in ("basic", "bearer"):
            which = scheme.scheme.lower()
            prefix = which + " "
            return cls(
                scheme.name,
                "header",
                "Authorization",
                prefix,
                label=f"HTTP {which} '{scheme.name}' (Authorization: {which.capitalize()} ...)",
            )
        if kind in ("oauth2", "openIdConnect"):
            return cls(
                scheme.name,
                "header",
                "Authorization",
                "bearer ",
                label=f"{kind} '{scheme.name}' (Authorization: Bearer ...)",
            )
        return cls(scheme.name, "", "", label=f"{kind} '{scheme.name}'")


class SecurityCheck:
    """The security alternatives of one operation, compiled to credential presence checks."""

    __slots__ = ("alternatives", "names")

    def __init__(self, api: Api, security: tuple[dict[str, list[str]], ...] | None) -> None:
        self.alternatives: list[list[Credential]] = []
        for requirement in security or ():
            creds = []
            for name in requirement:
                scheme = api.security_schemes.get(name)
                creds.append(Credential.from_scheme(scheme) if scheme else Credential(name, "", ""))
            self.alternatives.append(creds)
        self.names: set[tuple[str, str]] = {
            (c.section, c.name.lower() if c.section == "header" else c.name)
            for alt in self.alternatives
            for c in alt
            if c.section
        }
        """(section, name) pairs that carry credentials: never reported as unknown parameters."""

    def missing(self, view: RequestView) -> tuple[str, str] | None:
        """None when some alternative is fully present, else (location, message) for the diagnostic."""
        if not self.alternatives or any(all(c.present(view) for c in alt) for alt in self.alternatives):
            return None
        options = [" and ".join(c.label for c in alt) for alt in self.alternatives]
        # Point at the first missing credential of the alternative that is closest to being satisfied.
        best = min(self.alternatives, key=lambda alt: sum(not c.present(view) for c in alt))
        first = next(c for c in best if not c.present(view))
        if len(options) == 1:
            message = f"This operation needs credentials: {options[0]}."
        else:
            message = "This operation needs credentials, one of: " + "; ".join(options) + "."
        return first.location or "header.Authorization", message
