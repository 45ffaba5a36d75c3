from __future__ import annotations

import email.utils
import random

from apiforge.execute import backoff_delay, is_retryable_request, parse_retry_after
from apiforge.http._models import HttpRequest


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == 30.0
    assert parse_retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None and parse_retry_after("-3") is None


def test_backoff_grows_exponentially_within_jitter_and_cap() -> None:
    rng = random.Random(1)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (6, 10.0)]:
        delay = backoff_delay(attempt, base=1.0, cap=10.0, rng=rng)
        assert ceiling / 2 <= delay <= ceiling


def test_only_idempotent_or_keyed_requests_are_retryable() -> None:
    assert is_retryable_request(HttpRequest("GET", "http://x/"))
    assert is_retryable_request(HttpRequest("PUT", "http://x/"))
    assert not is_retryable_request(HttpRequest("POST", "http://x/"))
    assert not is_retryable_request(HttpRequest("PATCH", "http://x/"))
    assert is_retryable_request(HttpRequest("POST", "http://x/", headers=(("Idempotency-Key", "k1"),)))
