"""Send an `HttpRequest` for real: secrets filled at send time, retries, decoding, failure detection, a masked trace.

Usage::

    result = send(api, op, built.request, CredentialStore(), timeout=10, retries=2)
    result.is_success, result.status, result.body
    for line in result.trace:   # secrets already masked
        print(line)

The request passed in keeps its `{{placeholders}}`: the filled copy exists only inside `send`, as httpx
arguments, and is never returned, logged or stored. Files to upload work the same way: a multipart file part
stands in for the file (`Part.filename`), and `files={"part": path}` gives the bytes at send time only.

Redirects are followed and reported (`CallResult.redirects`); a timeout, a failed precondition (412 on
`If-Match`) or a redirect loop fails with a message that names the cause.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
import ssl
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from apiforge.check import NO_BODY, check_response, find_response
from apiforge.execute._fill import Filled, fill_secrets
from apiforge.execute._retry import RETRY_STATUSES, backoff_delay, is_retryable_request, parse_retry_after
from apiforge.execute.credentials import CredentialStore
from apiforge.execute.errors import CallError
from apiforge.execute.secrets import Masker, masking_logs
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, RawBody, encode_query, fill_placeholders
from apiforge.spec.model import Api, Operation

__all__ = ["PRECONDITION_HEADERS", "Attempt", "CallResult", "new_client", "send"]

#: Conditional request headers (RFC 9110 §13.1): a 412 answer means one of these did not hold.
PRECONDITION_HEADERS = ("If-Match", "If-None-Match", "If-Unmodified-Since", "If-Modified-Since")


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try: its status (None on a connection error), the masked error, and the wait before the next try."""

    number: int
    status: int | None
    elapsed: float
    error: str = ""
    wait: float = 0.0


@dataclass(frozen=True, slots=True)
class CallResult:
    """The outcome of `send`; every text in it is masked, and `request` still holds only placeholders."""

    request: HttpRequest
    status: int | None
    reason: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    content: bytes = b""
    """The raw body, unmasked: for `--out FILE`. Show `body` (masked by the caller) instead."""
    body: Any = None
    """Decoded: a JSON value, text, or `bytes` for binary media types."""
    media_type: str = ""
    failure: str = ""
    """Why the call failed ('' on success): a non-2xx status, a connection error, an error page under 2xx."""
    warnings: tuple[str, ...] = ()
    """Response checks against the spec (`apiforge.check.check_response`)."""
    attempts: tuple[Attempt, ...] = ()
    elapsed: float = 0.0
    trace: tuple[str, ...] = ()
    url: str = ""
    """The final URL, masked (query keys may carry secrets)."""
    redirects: tuple[str, ...] = ()
    """Each redirect followed, as `"301 <from> -> <to>"` (masked), in order."""

    @property
    def is_success(self) -> bool:
        return not self.failure and self.status is not None and 200 <= self.status < 300

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (binary bodies as their size); secrets were masked when the result was made."""
        body = {"bytes": len(self.content)} if isinstance(self.body, bytes) else self.body
        return {
            "ok": self.is_success,
            "status": self.status,
            "reason": self.reason,
            "url": self.url,
            "method": self.request.method,
            "media_type": self.media_type,
            "headers": [list(pair) for pair in self.headers],
            "body": body,
            "failure": self.failure or None,
            "warnings": list(self.warnings),
            "attempts": [
                {
                    "number": a.number,
                    "status": a.status,
                    "elapsed_ms": round(a.elapsed * 1000, 1),
                    "error": a.error,
                    "wait_ms": round(a.wait * 1000, 1),
                }
                for a in self.attempts
            ],
            "elapsed_ms": round(self.elapsed * 1000, 1),
            "redirects": list(self.redirects),
        }


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~100 ms, far more than a local call."""
    return httpx.create_ssl_context()


def new_client(timeout: float = 30.0) -> httpx.Client:
    """An `httpx.Client` as `send` uses it: redirects followed, certificates verified, the TLS context shared.

    Give one to `send(client=...)` for many calls (keep-alive connections); close it when done. A client keeps
    cookies, so share one only across calls to the same API.
    """
    return httpx.Client(timeout=timeout, follow_redirects=True, verify=_ssl_context())


#: The HTTP libraries' loggers and the lowest level they log a request at (httpx: INFO lines with the full URL).
_HTTP_LOGGERS = (
    (logging.getLogger("httpx"), logging.INFO),
    (logging.getLogger("httpcore.connection"), logging.DEBUG),
    (logging.getLogger("httpcore.http11"), logging.DEBUG),
)


def _log_masking(masker: Masker) -> AbstractContextManager[None]:
    """Mask the HTTP libraries' log records, when they would log at all (adding filters per call is not free)."""
    if any(logger.isEnabledFor(level) for logger, level in _HTTP_LOGGERS):
        return masking_logs(masker, [logger.name for logger, _ in _HTTP_LOGGERS])
    return nullcontext()


def _mask_pairs(masker: Masker, pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Header values masked; one substring scan first, since a secret in a response header is the rare case."""
    joined = "\n".join(v for _, v in pairs)
    if not any(secret in joined for secret in masker.secrets):
        return tuple(pairs)
    return tuple((k, masker.mask(v)) for k, v in pairs)


_UNESCAPED = re.compile(r"[A-Za-z0-9._~+=:%-]+")


def _masked_body(masker: Masker, body: Any, text: str) -> Any:
    """`body` with secrets masked; skips walking the value when no secret occurs in the raw `text` at all.

    The raw text stands for every string in the body only if no encoder could have escaped the secret: one with
    a character outside `_UNESCAPED` (JSON escapes quotes and controls, PHP `/`, Go `<>&`, many non-ASCII) is
    always looked for in the decoded value.
    """
    secrets = masker.secrets
    if not secrets or isinstance(body, bytes):
        return body
    plain = all(_UNESCAPED.fullmatch(s) for s in secrets)
    if plain and not any(s in text for s in secrets):
        return body
    return masker.mask_value(body)


@dataclass(slots=True)
class _Trace:
    masker: Masker
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(self.masker.mask(text))


def _fill(text: str, values: dict[str, str]) -> str:
    return fill_placeholders(text, lambda name: values.get(name, "{{" + name + "}}"))


def _httpx_kwargs(request: HttpRequest, filled: Filled, uploads: Mapping[str, Path]) -> dict[str, Any]:
    """The filled request as `httpx.Client.request` arguments (the only place secrets and the request meet)."""
    values = filled.values
    query = tuple((k, _fill(v, values)) for k, v in request.query)
    url = _fill(request.url, values) + ("?" + encode_query(query) if query else "")
    headers = [(k, _fill(v, values)) for k, v in request.headers]
    if request.cookies:
        headers.append(("Cookie", "; ".join(f"{k}={_fill(v, values)}" for k, v in request.cookies)))
    kwargs: dict[str, Any] = {"method": request.method, "url": url}
    body = request.body
    if isinstance(body, JsonBody):
        kwargs["content"] = json.dumps(body.value).encode()
    elif isinstance(body, FormBody):
        kwargs["content"] = body.encode().encode()
    elif isinstance(body, RawBody):
        kwargs["content"] = body.content.encode() if isinstance(body.content, str) else body.content
    elif isinstance(body, MultipartBody):
        files: list[tuple[str, Any]] = []
        for part in body.parts:
            if part.is_file and part.name in uploads:
                path = uploads[part.name]
                files.append((part.name, (path.name, path.read_bytes(), part.content_type or None)))
            elif part.is_file:
                files.append((part.name, (part.filename, part.value.encode(), part.content_type or None)))
            else:
                files.append((part.name, (None, part.value, part.content_type or None)))
        kwargs["files"] = files
    if body is not None and not isinstance(body, MultipartBody):  # multipart: httpx writes the boundary
        headers.append(("Content-Type", body.media_type))
    kwargs["headers"] = headers
    if filled.auth is not None:
        kwargs["auth"] = filled.auth
    return kwargs


def _decode(response: httpx.Response) -> tuple[str, Any]:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type.endswith("json"):
        try:  # JSON is UTF-8 (RFC 8259): orjson on the raw bytes skips httpx's charset sniffing, the costly part
            return media_type, orjson.loads(response.content)
        except ValueError:  # other encodings, integers beyond 64 bits, or not JSON at all
            try:
                return media_type, response.json()
            except ValueError:
                return media_type, response.text
    textual = media_type.startswith("text/") or media_type.endswith(("xml", "javascript", "x-www-form-urlencoded"))
    if textual or (not media_type and _looks_text(response.content)):
        return media_type, response.text
    return media_type, response.content


def _looks_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content


def _documents(api: Api, op: Operation, status: int, what: str) -> bool:
    """Whether the spec documents `what` ('html' or 'error' property) for this status: then it is not a failure."""
    response = find_response(op, status)
    if response is None:
        return False
    if what == "html":
        return any("html" in mt for mt in response.content)
    for media in response.content.values():
        schema = api.resolve_schema(media.schema)
        if isinstance(schema, dict) and "error" in schema.get("properties", {}):
            return True
    return False


def _failure(
    api: Api, op: Operation, request: HttpRequest, status: int, reason: str, media_type: str, body: Any
) -> str:
    if status in (412, 428):
        return _precondition_failure(request, status, reason)
    if not 200 <= status < 300:
        return f"HTTP {status} {reason}".strip()
    # An empty body labelled text/html (httpbin's /status/200, many frameworks' defaults) is no page at all.
    if isinstance(body, str) and (
        ("html" in media_type and body.strip()) or body.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
    ):
        if not _documents(api, op, status, "html"):
            return (
                f"HTTP {status} but the body is an HTML page (a login page, proxy or error page?), not the API's data"
            )
    if isinstance(body, dict) and body.get("error") and not _documents(api, op, status, "error"):
        return f"HTTP {status} but the body is an error object: error={json.dumps(body['error'])[:200]}"
    return ""


def _precondition_failure(request: HttpRequest, status: int, reason: str) -> str:
    """412/428 with the conditional header at fault named, and what to do about it."""
    sent = [(name, value) for name in PRECONDITION_HEADERS if (value := request.header(name)) is not None]
    head = f"HTTP {status} {reason}".strip()
    if status == 428:
        return f"{head}: the server requires a conditional request; send If-Match with the resource's current ETag"
    if not sent:
        return f"{head}: a precondition of the request did not hold on the server"
    named = ", ".join(f"{name}: {value}" for name, value in sent)
    if any(name == "If-Match" for name, _ in sent):
        fix = "the resource changed since that ETag was read: fetch it again and retry with its current ETag"
    else:
        fix = "the condition did not hold for the resource's current state"
    return f"{head}: precondition failed on {named} ({fix})"


def _transport_error(exc: httpx.HTTPError, timeout: float) -> str:
    """A connection-level failure in words: timeouts say how long was waited, redirect loops say so."""
    if isinstance(exc, httpx.TimeoutException):
        what = {
            httpx.ConnectTimeout: "connecting",
            httpx.ReadTimeout: "waiting for the response",
            httpx.WriteTimeout: "sending the request",
            httpx.PoolTimeout: "waiting for a free connection",
        }.get(type(exc), "waiting")
        return f"timed out after {timeout:g} s {what} ({type(exc).__name__})"
    if isinstance(exc, httpx.TooManyRedirects):
        return f"too many redirects (a redirect loop?): {exc}"
    return f"{type(exc).__name__}: {exc}"


def _redirects(response: httpx.Response) -> list[str]:
    hops = [*response.history, response]  # the history also holds auth steps (a 401 challenge, a token request)
    pairs = itertools.pairwise(hops)
    return [f"{hop.status_code} {hop.request.url} -> {nxt.request.url}" for hop, nxt in pairs if hop.is_redirect]


def _wait_for(response: httpx.Response | None, attempt: int, backoff: float, max_delay: float) -> float:
    if response is not None and response.status_code in (429, 503):
        after = parse_retry_after(response.headers.get("retry-after"))
        if after is not None:
            return min(after, max_delay)
    return backoff_delay(attempt, base=backoff, cap=max_delay)


def _check_uploads(request: HttpRequest, uploads: Mapping[str, Path]) -> None:
    """Every upload names a file part of the request and an existing file (else nothing would be sent for it)."""
    if not uploads:
        return
    body = request.body
    parts = {p.name for p in body.parts if p.is_file} if isinstance(body, MultipartBody) else set()
    for name, path in uploads.items():
        if name not in parts:
            where = f"its file parts are: {', '.join(sorted(parts))}" if parts else "it has no multipart file part"
            raise CallError(f"cannot upload {path} as '{name}': {where}")
        if not path.is_file():
            raise CallError(f"cannot upload '{name}': {path} is not a readable file")


def _check(
    api: Api, operation: Operation, response: httpx.Response, headers: list[tuple[str, str]], masker: Masker
) -> list[str]:
    """Response diagnostics against the spec, masked; a checker bug must not turn a real answer into a crash."""
    try:
        check_body = response.content if response.content else NO_BODY
        diags = check_response(api, operation, response.status_code, headers, check_body)
        return [masker.mask(str(d)) for d in diags]
    except Exception as exc:
        return [masker.mask(f"the response could not be checked: {type(exc).__name__}: {exc}")]


def send(
    api: Api,
    operation: Operation,
    request: HttpRequest,
    credentials: CredentialStore,
    *,
    timeout: float = 30.0,
    retries: int = 2,
    client: httpx.Client | None = None,
    backoff: float = 0.5,
    max_delay: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    files: Mapping[str, Path] | None = None,
    check: bool = True,
) -> CallResult:
    """Send `request` (built for `operation`), retrying what is safe to retry; never raises for an HTTP failure.

    Retries (at most `retries` after the first try): 429 (waiting `Retry-After`, capped at `max_delay`), 500/502/
    503/504 and connection errors, with exponential backoff from `backoff` seconds plus jitter — only for
    idempotent methods, or POST/PATCH with an `Idempotency-Key` header.
    `files` maps multipart file parts to the files whose bytes they carry (read at send time, never stored in
    `request`). Pass one `client` across calls to reuse connections; `check=False` skips checking the response
    against the spec (no warnings).
    Raises `MissingCredential` / `CallError` before sending when a placeholder cannot be filled or a file is
    missing.
    """
    uploads = dict(files or {})
    _check_uploads(request, uploads)
    filled = fill_secrets(api, operation, request.placeholders, credentials)
    masker = filled.masker
    trace = _Trace(masker)
    kwargs = _httpx_kwargs(request, filled, uploads)
    retryable = is_retryable_request(request)
    own_client = client is None
    http = client or new_client(timeout)
    attempts: list[Attempt] = []
    started = time.monotonic()
    response: httpx.Response | None = None
    error = ""
    try:
        with _log_masking(masker):
            for number in range(1, max(0, retries) + 2):
                trace.add(f"> {request.method} {kwargs['url']}  (attempt {number})")
                for name, value in kwargs["headers"]:
                    trace.add(f">   {name}: {value}")
                t0 = time.monotonic()
                response, error = None, ""
                try:
                    response = http.request(**kwargs, timeout=timeout)
                except httpx.HTTPError as exc:
                    error = masker.mask(_transport_error(exc, timeout))
                elapsed = time.monotonic() - t0
                status = response.status_code if response is not None else None
                for hop in _redirects(response) if response is not None else ():
                    trace.add(f"< redirected: {hop}")
                trace.add(f"< {status} {response.reason_phrase}" if response is not None else f"< {error}")
                trace.add(f"<   in {elapsed * 1000:.0f} ms")
                again = number <= retries and (error or status in RETRY_STATUSES)
                wait = 0.0
                if again and not retryable:
                    trace.add(f"  not retried: {request.method} is not idempotent and has no Idempotency-Key")
                    again = False
                if again:
                    wait = _wait_for(response, number, backoff, max_delay)
                    trace.add(f"  retrying in {wait:.2f} s")
                attempts.append(Attempt(number, status, elapsed, error, wait))
                if not again:
                    break
                if response is not None:
                    response.close()
                sleep(wait)
    finally:
        if own_client:
            http.close()
    total = time.monotonic() - started
    common = {
        "request": request,
        "attempts": tuple(attempts),
        "elapsed": total,
        "url": masker.mask(str(response.url) if response is not None else kwargs["url"]),
        "redirects": tuple(masker.mask(hop) for hop in _redirects(response)) if response is not None else (),
    }
    if response is None:
        return CallResult(status=None, failure=error, trace=tuple(trace.lines), **common)
    media_type, body = _decode(response)
    masked_body = _masked_body(masker, body, response.text if not isinstance(body, bytes) else "")
    failure = masker.mask(
        _failure(api, operation, request, response.status_code, response.reason_phrase, media_type, body)
    )
    if failure and filled.explain is not None and (hint := filled.explain(response.status_code, body)):
        failure = masker.mask(f"{failure}: {hint}")  # the credential at fault (a rejected AWS signature, ...)
    headers = list(response.headers.items())  # httpx decodes its headers on every access: once is enough
    warnings = _check(api, operation, response, headers, masker) if check else []
    if failure:
        trace.add(f"  failed: {failure}")
    trace.add(f"  {len(attempts)} attempt(s), {total * 1000:.0f} ms in all")
    return CallResult(
        status=response.status_code,
        reason=response.reason_phrase,
        headers=_mask_pairs(masker, headers),
        content=response.content,
        body=masked_body,
        media_type=media_type,
        failure=failure,
        warnings=tuple(warnings),
        trace=tuple(trace.lines),
        **common,
    )
