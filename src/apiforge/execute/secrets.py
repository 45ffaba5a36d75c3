"""Masking secrets by value: every trace line, error and log record passes through a `Masker` before it is shown.

Masking by value (not by header name) catches a secret wherever it ends up: an echoed body, a query string, an
exception message from the HTTP library. The base64 form of basic credentials and the percent-encoded forms are
masked too, because that is how a secret appears on the wire and in URLs.
"""

from __future__ import annotations

import base64
import logging
import urllib.parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["MASK", "Masker", "MaskingFilter", "basic_token", "masking_logs"]

MASK = "••••"


def basic_token(username: str, password: str) -> str:
    """The base64 `username:password` of HTTP basic auth (RFC 7617)."""
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class Masker:
    """Replaces every known secret value with `MASK` in text and JSON-like values.

    Usage::

        masker = Masker(["s3cret"])
        masker.add_basic("ada", "pw")
        masker.mask("token=s3cret")  # 'token=••••'
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Mask `secret` and the forms it takes in URLs (percent-encoded, `+` for spaces)."""
        if not secret:
            return
        for form in (secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)):
            self._secrets.add(form)

    def add_basic(self, username: str, password: str) -> None:
        """Mask a password and its `Authorization: Basic` token (the username alone is not a secret)."""
        self.add(password)
        self.add(basic_token(username, password))

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def mask(self, text: str) -> str:
        # Longest first, so that a secret containing another is masked whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def mask_value(self, value: Any) -> Any:
        """A copy of a JSON-like value with secrets masked in every string, keys included."""
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, dict):
            return {self.mask_value(k): self.mask_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_value(v) for v in value]
        return value


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets in each record's formatted message (httpx logs full URLs)."""

    def __init__(self, masker: Masker) -> None:
        super().__init__()
        self.masker = masker

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.masker.mask(record.getMessage())
        record.args = None
        return True


@contextmanager
def masking_logs(
    masker: Masker, names: Iterable[str] = ("httpx", "httpcore.connection", "httpcore.http11")
) -> Iterator[None]:
    """Mask secrets in the records of the HTTP libraries' loggers while the block runs."""
    log_filter = MaskingFilter(masker)
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addFilter(log_filter)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(log_filter)
