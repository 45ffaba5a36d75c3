"""AWS Signature Version 4 as an `httpx.Auth`, for specs that declare it (standard library only, no botocore).

A scheme is SigV4 when it carries `x-amazon-apigateway-authtype: awsSigv4` (how APIs.guru's AWS specs mark their
`hmac` apiKey scheme) or `x-apiforge-auth: aws-sigv4`. The credential holds `access_key_id` and
`secret_access_key` (optional `session_token`, `region`, `service`)::

    apiforge auth set amazonaws.com:s3 hmac --field access_key_id=AKIA... --field secret_access_key=- \
        --field region=eu-west-1

Region and service, first match wins: the credential's fields, the host (`sqs.eu-west-1.amazonaws.com`), the
spec's `info.x-serviceName`; the region defaults to `us-east-1`. The signature follows the AWS documentation
("Create a signed AWS API request"): canonical request → string to sign → HMAC chain of date, region, service.
S3 differs in two ways, as in botocore: the path is not encoded a second time, and the payload hash is sent in
`x-amz-content-sha256`. Each (re)send is signed again, so retries carry a fresh `x-amz-date`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import urllib.parse
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace

import httpx

from apiforge.execute.credentials import Credential
from apiforge.execute.errors import CredentialError
from apiforge.spec.model import SecurityScheme

__all__ = ["AwsKeys", "SigV4Auth", "explain_rejection", "is_sigv4", "sigv4_auth"]

ALGORITHM = "AWS4-HMAC-SHA256"
_HOST = re.compile(r"^(?:[\w.-]+\.)?(?P<service>[a-z0-9-]+)[.-](?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com")
_GLOBAL_HOST = re.compile(r"^(?P<service>[a-z0-9-]+)\.amazonaws\.com")


def is_sigv4(scheme: SecurityScheme) -> bool:
    marks = (scheme.extensions.get("x-amazon-apigateway-authtype"), scheme.extensions.get("x-apiforge-auth"))
    return any(str(m or "").lower() in ("awssigv4", "aws-sigv4", "sigv4") for m in marks)


@dataclass(frozen=True, slots=True)
class AwsKeys:
    """The signing identity and scope (`region`/`service` of the credential scope)."""

    access_key_id: str
    secret_access_key: str
    region: str
    service: str
    session_token: str = ""


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe="-_.~")


def _canonical_query(raw: str) -> str:
    pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True)
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(pairs))


def _canonical_path(raw_path: str, service: str) -> str:
    path = raw_path or "/"
    if service == "s3":
        return path  # S3 signs the path as sent (encoded once)
    return urllib.parse.quote(path, safe="/~")  # every other service: the encoded path encoded again


def _key(secret: str, date: str, region: str, service: str) -> bytes:
    signed = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        signed = hmac.new(signed, part.encode(), hashlib.sha256).digest()
    return signed


def sign(request: httpx.Request, keys: AwsKeys, now: dt.datetime) -> None:
    """Add `x-amz-date` (+ content hash, session token) and the `Authorization` header to `request` in place."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    payload_hash = hashlib.sha256(request.content).hexdigest()
    # Send the query in its canonical encoding, so a server re-deriving the signature from the raw URL agrees.
    raw_path = request.url.raw_path.decode("ascii")
    path, _, query = raw_path.partition("?")
    canonical_query = _canonical_query(query)
    request.url = request.url.copy_with(raw_path=(path + ("?" + canonical_query if canonical_query else "")).encode())
    request.headers["x-amz-date"] = amz_date
    if keys.service == "s3":
        request.headers["x-amz-content-sha256"] = payload_hash
    if keys.session_token:
        request.headers["x-amz-security-token"] = keys.session_token
    request.headers.pop("Authorization", None)
    names = sorted(
        {
            name.lower()
            for name in request.headers
            if name.lower() in ("host", "content-type", "content-md5") or name.lower().startswith("x-amz-")
        }
    )
    canonical_headers = "".join(f"{n}:{' '.join(request.headers[n].split())}\n" for n in names)
    signed_headers = ";".join(names)
    canonical_request = "\n".join(
        (
            request.method.upper(),
            _canonical_path(path, keys.service),
            canonical_query,
            canonical_headers,
            signed_headers,
            payload_hash,
        )
    )
    scope = f"{date}/{keys.region}/{keys.service}/aws4_request"
    to_sign = "\n".join((ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()))
    signature = hmac.new(
        _key(keys.secret_access_key, date, keys.region, keys.service), to_sign.encode(), hashlib.sha256
    )
    request.headers["Authorization"] = (
        f"{ALGORITHM} Credential={keys.access_key_id}/{scope}, SignedHeaders={signed_headers}, "
        f"Signature={signature.hexdigest()}"
    )


class SigV4Auth(httpx.Auth):
    """Signs each request (and each resend) with AWS SigV4; an empty region/service is read from the host."""

    requires_request_body = True
    """The signature covers the body, so httpx reads a streamed (multipart) body before the flow runs."""

    def __init__(
        self, keys: AwsKeys, *, service_hint: str = "", clock: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.keys = keys
        self.service_hint = service_hint
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def scoped(self, url: str) -> AwsKeys:
        """The keys with region and service filled in for `url` (see the module docstring)."""
        if self.keys.service and self.keys.region:
            return self.keys
        host_service, host_region = _scope_from_host(url)
        service = self.keys.service or host_service or self.service_hint
        if not service:
            raise CredentialError(
                f"cannot tell the AWS service to sign for from {url}: add `--field service=NAME` (e.g. s3, sqs) "
                "to the credential"
            )
        return replace(self.keys, service=service, region=self.keys.region or host_region or "us-east-1")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sign(request, self.scoped(str(request.url)), self.clock())
        yield request


def _scope_from_host(url: str) -> tuple[str, str]:
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    match = _HOST.match(host)
    if match:
        return match["service"], match["region"]
    match = _GLOBAL_HOST.match(host)
    return (match["service"], "") if match else ("", "")


def sigv4_auth(api_id: str, scheme: SecurityScheme, cred: Credential, service_hint: str = "") -> SigV4Auth:
    """The signer for `scheme` with `cred`; `service_hint` is the spec's `x-serviceName`."""
    key_id, secret = cred.get("access_key_id"), cred.get("secret_access_key")
    if not key_id or not secret:
        raise CredentialError(
            f"security scheme '{scheme.name}' of '{api_id}' is AWS SigV4: store the keys with `apiforge auth set "
            f"{api_id} {scheme.name} --field access_key_id=AKIA... --field secret_access_key=- --field region=R`"
        )
    keys = AwsKeys(key_id, secret, cred.get("region") or "", cred.get("service") or "", cred.get("session_token") or "")
    return SigV4Auth(keys, service_hint=service_hint)


_REJECTED = (
    "SignatureDoesNotMatch",
    "InvalidClientTokenId",
    "InvalidAccessKeyId",
    "AuthFailure",
    "IncompleteSignature",
)


def explain_rejection(api_id: str, scheme: str, status: int, body: object) -> str:
    """A hint for a 403 whose body names a signature or key error (AWS answers these in XML or JSON)."""
    text = body if isinstance(body, str) else repr(body)
    code = next((c for c in _REJECTED if c in text), "")
    if status not in (400, 401, 403) or not code:
        return ""
    what = "signature" if code in ("SignatureDoesNotMatch", "IncompleteSignature") else "access key id"
    return (
        f"AWS rejected the SigV4 {what} ({code}): check the access_key_id/secret_access_key (and region/service) "
        f"stored with `apiforge auth set {api_id} {scheme} --field ...`"
    )
