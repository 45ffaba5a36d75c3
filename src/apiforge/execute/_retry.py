"""When to retry and how long to wait: `Retry-After` parsing, idempotency, exponential backoff with jitter."""

from __future__ import annotations

import email.utils
import random
import time

from apiforge.http import HttpRequest

__all__ = ["IDEMPOTENT_METHODS", "RETRY_STATUSES", "backoff_delay", "is_retryable_request", "parse_retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
#: 429 and the 5xx that mean "try again later"; 501 and 505 will not change on a retry.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def is_retryable_request(request: HttpRequest) -> bool:
    """Idempotent methods (RFC 9110 §9.2.2), or POST/PATCH carrying an `Idempotency-Key` (sending twice is safe)."""
    return request.method in IDEMPOTENT_METHODS or request.header("Idempotency-Key") is not None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value: delay-seconds or an HTTP date (RFC 9110 §10.2.3); None if invalid."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": half of `base * 2**(attempt-1)` plus a random half, at most `cap`.

    Jitter spreads clients that failed together so they do not retry in lockstep.
    """
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
