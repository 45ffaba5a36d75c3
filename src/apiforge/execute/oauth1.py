"""OAuth 1.0a request signing (RFC 5849, HMAC-SHA1) as an `httpx.Auth`, on authlib's OAuth1 client.

OpenAPI has no OAuth 1 type, so apiforge reads a scheme as OAuth 1 when it is declared as

- ``type: http, scheme: oauth`` (the IANA HTTP authentication scheme "OAuth" is RFC 5849's), or
- a scheme carrying ``x-apiforge-auth: oauth1``: an `http` scheme, or an `apiKey` in the `Authorization` header
  (the signer replaces that header).

The credential holds `consumer_key`, `consumer_secret` and, for a resource owner's access, `token` and
`token_secret` (`apiforge auth set API SCHEME --field consumer_key=K --field consumer_secret=- --field token=T
--field token_secret=-`); optional `signature_method` (`HMAC-SHA1`, the default, or `PLAINTEXT`) and `realm`.
Each request is signed when it is sent (a fresh nonce and timestamp), over its method, URL, query and — for form
bodies — its form fields; the `Authorization: OAuth ...` header carries the signature, never the secrets.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx
from authlib.oauth1 import SIGNATURE_HMAC_SHA1, SIGNATURE_PLAINTEXT, ClientAuth

from apiforge.execute.credentials import Credential
from apiforge.execute.errors import CredentialError
from apiforge.spec.model import SecurityScheme

__all__ = ["OAuth1Auth", "is_oauth1", "oauth1_auth"]

EXTENSION = "x-apiforge-auth"


def is_oauth1(scheme: SecurityScheme) -> bool:
    """Whether `scheme` is OAuth 1.0a by apiforge's convention (see the module docstring)."""
    marked = str(scheme.extensions.get(EXTENSION, "")).lower() in ("oauth1", "oauth1a", "oauth 1.0a")
    return marked or (scheme.type == "http" and scheme.scheme in ("oauth", "oauth1"))


class OAuth1Auth(httpx.Auth):
    """Signs every request with OAuth 1.0a (a new nonce and timestamp per request, so resends stay valid)."""

    requires_request_body = True
    """The signature covers the body, so httpx reads a streamed (multipart) body before the flow runs."""

    def __init__(self, client: ClientAuth) -> None:
        self.client = client

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        content_type = request.headers.get("Content-Type", "")
        body = request.content if "application/x-www-form-urlencoded" in content_type else b""
        headers = {"Content-Type": content_type} if content_type else {}
        _, signed, _ = self.client.prepare(request.method, str(request.url), headers, body)
        request.headers["Authorization"] = signed["Authorization"]
        yield request


def oauth1_auth(api_id: str, scheme: SecurityScheme, cred: Credential) -> OAuth1Auth:
    """The signer for `scheme` with `cred`, or a `CredentialError` naming the missing fields and how to set them."""
    key, secret = cred.get("consumer_key"), cred.get("consumer_secret")
    if not key or secret is None:
        raise CredentialError(
            f"security scheme '{scheme.name}' of '{api_id}' is OAuth 1.0a: store its consumer key and secret (and "
            f"the access token and its secret) with `apiforge auth set {api_id} {scheme.name} --field consumer_key=K "
            "--field consumer_secret=- --field token=T --field token_secret=S`"
        )
    method = (cred.get("signature_method") or SIGNATURE_HMAC_SHA1).upper()
    if method not in (SIGNATURE_HMAC_SHA1, SIGNATURE_PLAINTEXT):
        raise CredentialError(f"OAuth 1 signature_method {method!r} is not supported: use HMAC-SHA1 or PLAINTEXT")
    client = ClientAuth(
        key,
        secret,
        token=cred.get("token"),
        token_secret=cred.get("token_secret"),
        signature_method=method,
        realm=cred.get("realm"),
    )
    return OAuth1Auth(client)
