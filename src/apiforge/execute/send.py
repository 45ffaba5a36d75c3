"""Send an `HttpRequest` for real: secrets filled at send time, retries, decoding, failure detection, a masked trace.

Usage::

    result = send(api, op, built.request, CredentialStore(), timeout=10, retries=2)
    result.is_success, result.status, result.body
    for line in result.trace:   # secrets already masked
        print(line)

The request passed in keeps its `{{placeholders}}`: the filled copy exists only inside `send`, as httpx
arguments, and is never returned, logged or stored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from apiforge.check import NO_BODY, check_response, find_response
from apiforge.execute._fill import Filled, fill_secrets
from apiforge.execute._retry import RETRY_STATUSES, backoff_delay, is_retryable_request, parse_retry_after
from apiforge.execute.credentials import CredentialStore
from apiforge.execute.secrets import Masker, masking_logs
from apiforge.http._models import FormBody, HttpRequest, JsonBody, MultipartBody, RawBody, encode_query
from apiforge.spec.model import Api, Operation

__all__ = ["Attempt", "CallResult", "send"]


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
                {"number": a.number, "status": a.status, "elapsed_ms": round(a.elapsed * 1000, 1), "error": a.error}
                for a in self.attempts
            ],
            "elapsed_ms": round(self.elapsed * 1000, 1),
        }


@dataclass(slots=True)
class _Trace:
    masker: Masker
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines.append(self.masker.mask(text))


def _fill(text: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def _httpx_kwargs(request: HttpRequest, filled: Filled) -> dict[str, Any]:
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
            if part.is_file:
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


def _failure(api: Api, op: Operation, status: int, reason: str, media_type: str, body: Any) -> str:
    if not 200 <= status < 300:
        return f"HTTP {status} {reason}".strip()
    if isinstance(body, str) and (
        "html" in media_type or body.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
    ):
        if not _documents(api, op, status, "html"):
            return (
                f"HTTP {status} but the body is an HTML page (a login page, proxy or error page?), not the API's data"
            )
    if isinstance(body, dict) and body.get("error") and not _documents(api, op, status, "error"):
        return f"HTTP {status} but the body is an error object: error={json.dumps(body['error'])[:200]}"
    return ""


def _wait_for(response: httpx.Response | None, attempt: int, backoff: float, max_delay: float) -> float:
    if response is not None and response.status_code in (429, 503):
        after = parse_retry_after(response.headers.get("retry-after"))
        if after is not None:
            return min(after, max_delay)
    return backoff_delay(attempt, base=backoff, cap=max_delay)


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
) -> CallResult:
    """Send `request` (built for `operation`), retrying what is safe to retry; never raises for an HTTP failure.

    Retries (at most `retries` after the first try): 429 (waiting `Retry-After`, capped at `max_delay`), 500/502/
    503/504 and connection errors, with exponential backoff from `backoff` seconds plus jitter — only for
    idempotent methods, or POST/PATCH with an `Idempotency-Key` header.
    Raises `MissingCredential` / `CallError` before sending when a placeholder cannot be filled.
    """
    filled = fill_secrets(api, operation, request.placeholders, credentials)
    masker = filled.masker
    trace = _Trace(masker)
    kwargs = _httpx_kwargs(request, filled)
    retryable = is_retryable_request(request)
    own_client = client is None
    http = client or httpx.Client(timeout=timeout, follow_redirects=True)
    attempts: list[Attempt] = []
    started = time.monotonic()
    response: httpx.Response | None = None
    error = ""
    try:
        with masking_logs(masker):
            for number in range(1, max(0, retries) + 2):
                trace.add(f"> {request.method} {kwargs['url']}  (attempt {number})")
                for name, value in kwargs["headers"]:
                    trace.add(f">   {name}: {value}")
                t0 = time.monotonic()
                response, error = None, ""
                try:
                    response = http.request(**kwargs, timeout=timeout)
                except httpx.HTTPError as exc:
                    error = masker.mask(f"{type(exc).__name__}: {exc}")
                elapsed = time.monotonic() - t0
                status = response.status_code if response is not None else None
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
        "url": masker.mask(kwargs["url"]),
    }
    if response is None:
        return CallResult(status=None, failure=error, trace=tuple(trace.lines), **common)
    media_type, body = _decode(response)
    masked_body = masker.mask_value(body) if not isinstance(body, bytes) else body
    failure = masker.mask(_failure(api, operation, response.status_code, response.reason_phrase, media_type, body))
    warnings: list[str] = []
    try:
        check_body = response.content if response.content else NO_BODY
        diags = check_response(api, operation, response.status_code, list(response.headers.items()), check_body)
        warnings = [masker.mask(str(d)) for d in diags]
    except Exception as exc:  # a checker bug must not turn a real answer into a crash
        warnings = [masker.mask(f"the response could not be checked: {type(exc).__name__}: {exc}")]
    if failure:
        trace.add(f"  failed: {failure}")
    trace.add(f"  {len(attempts)} attempt(s), {total * 1000:.0f} ms in all")
    return CallResult(
        status=response.status_code,
        reason=response.reason_phrase,
        headers=tuple((k, masker.mask(v)) for k, v in response.headers.items()),
        content=response.content,
        body=masked_body,
        media_type=media_type,
        failure=failure,
        warnings=tuple(warnings),
        trace=tuple(trace.lines),
        **common,
    )
