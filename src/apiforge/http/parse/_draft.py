"""`Draft`: what a language parser collects, and `Draft.finish()`, which turns it into a valid `HttpRequest`.

Every parser only gathers raw facts (method, URL as written, header pairs, the body as the code spells it); the
normalisation that makes requests from different languages comparable lives here, once:
the query is split off the URL and decoded, `Content-Type` moves onto the body, `Cookie` headers become cookies,
`REPLACE_X` becomes `{{x}}`, and the body is classified (JSON, form, multipart, raw).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from apiforge.errors import ParseError
from apiforge.http._models import (
    Body,
    FormBody,
    HttpRequest,
    JsonBody,
    MultipartBody,
    Part,
    RawBody,
    code_to_placeholder,
)

__all__ = ["Draft", "ParseResult", "is_json_media", "parse_multipart_text", "split_media_type"]

FORM = "application/x-www-form-urlencoded"
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True, slots=True)
class ParseResult:
    """A parsed request plus what the parser wants the caller to know (ignored commands, unread files, ...)."""

    request: HttpRequest
    language: str
    notes: tuple[str, ...] = ()


@dataclass(slots=True)
class Draft:
    """Mutable facts about one request, as the code states them (no normalisation yet)."""

    lang: str
    method: str | None = None
    url: str | None = None
    """As written: may carry a query string, may lack a scheme (see `default_scheme`)."""
    query: list[tuple[str, str]] = field(default_factory=list)
    """Query pairs given apart from the URL (`params=`, `qs:`, `-G -d`), appended after the URL's own."""
    headers: list[tuple[str, str]] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)
    body_text: str | bytes | None = None
    body_json: Any = None
    has_json: bool = False
    """`body_json` is set (a separate flag because JSON `null` is a real body)."""
    body_form: list[tuple[str, str]] | None = None
    body_parts: list[Part] | None = None
    media_type: str = ""
    """The body media type the *library* implies (e.g. `json=` → JSON); a Content-Type header overrides it."""
    default_scheme: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def has_body(self) -> bool:
        return self.body_text is not None or self.has_json or self.body_form is not None or self.body_parts is not None

    def set_json(self, value: Any) -> None:
        self.body_json = value
        self.has_json = True

    def header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None

    def add_header_line(self, line: str) -> None:
        """Add a raw `Name: value` header line (curl `-H`, libcurl and PHP header lists)."""
        name, sep, value = line.partition(":")
        if not sep:
            # curl: `-H 'X-Empty;'` sends an empty header; anything else without a colon is not a header.
            if line.rstrip().endswith(";"):
                self.headers.append((line.rstrip()[:-1].strip(), ""))
            else:
                self.notes.append(f"ignored header line without a colon: {line!r}")
            return
        name, value = name.strip(), value.strip()
        if name:
            self.headers.append((name, value))

    def finish(self) -> ParseResult:
        """Normalise into an `HttpRequest` (raises `ParseError` when no usable URL was found)."""
        base, query = self._split_url()
        headers: list[tuple[str, str]] = []
        cookies = list(self.cookies)
        content_type = ""
        for name, value in self.headers:
            lower = name.lower()
            if lower == "content-type":
                content_type = content_type or value
            elif lower == "cookie":
                cookies.extend(parse_cookie_header(value))
            else:
                headers.append((name, value))
        body = self._body(content_type or self.media_type)
        if content_type and body is None:
            self.notes.append(f"dropped Content-Type {content_type!r}: the request has no body")
        method = (self.method or ("POST" if body is not None else "GET")).upper()
        request = HttpRequest(
            method=method,
            url=code_to_placeholder(base),
            query=tuple((_ph(k), _ph(v)) for k, v in [*query, *self.query]),
            headers=tuple((_ph(k), _ph(v)) for k, v in headers),
            cookies=tuple((_ph(k), _ph(v)) for k, v in cookies),
            body=body,
        )
        return ParseResult(request, self.lang, tuple(self.notes))

    # -- pieces --------------------------------------------------------------------------------------------------

    def _split_url(self) -> tuple[str, list[tuple[str, str]]]:
        raw = (self.url or "").strip()
        if not raw:
            raise ParseError("no URL found", lang=self.lang)
        if "://" not in raw and self.default_scheme and not raw.startswith("/"):
            raw = f"{self.default_scheme}://{raw}"
        parts = urllib.parse.urlsplit(raw)
        if not parts.scheme or not parts.netloc:
            raise ParseError(f"no absolute URL found (got {raw!r})", lang=self.lang)
        path = urllib.parse.quote(parts.path, safe=_PATH_SAFE) or "/"
        base = urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        return base, query

    def _body(self, media_type: str) -> Body | None:
        essence, _ = split_media_type(media_type)
        media = _without_boundary(media_type)
        if self.body_parts is not None:
            return MultipartBody(tuple(_ph_part(p) for p in self.body_parts), media or "multipart/form-data")
        if self.body_form is not None:
            fields = [(_ph(k), _ph(v)) for k, v in self.body_form]
            if essence.startswith("multipart/"):
                return MultipartBody(tuple(Part(k, v) for k, v in fields), media)
            return FormBody(tuple(fields), media or FORM)
        if self.has_json:
            return JsonBody(_ph_json(self.body_json), media or "application/json")
        if self.body_text is None:
            return None
        text: str | bytes = self.body_text
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                return RawBody(text, media)
        if is_json_media(essence):
            try:
                return JsonBody(_ph_json(json.loads(text)), media)
            except ValueError:
                return RawBody(_ph(text), media)
        if essence == FORM:
            return FormBody(
                tuple((_ph(k), _ph(v)) for k, v in urllib.parse.parse_qsl(text, keep_blank_values=True)), media
            )
        if essence.startswith("multipart/"):
            parts = parse_multipart_text(text, boundary=split_media_type(media_type)[1].get("boundary", ""))
            if parts is not None:
                return MultipartBody(tuple(_ph_part(p) for p in parts), media)
            self.notes.append("multipart body could not be split into parts; kept as raw text")
        return RawBody(_ph(text), media)


def split_media_type(media_type: str) -> tuple[str, dict[str, str]]:
    """`'multipart/form-data; boundary=x'` → `('multipart/form-data', {'boundary': 'x'})` (essence lower-cased)."""
    essence, *params = media_type.split(";")
    found: dict[str, str] = {}
    for param in params:
        key, _, value = param.partition("=")
        found[key.strip().lower()] = value.strip().strip('"')
    return essence.strip().lower(), found


def _without_boundary(media_type: str) -> str:
    """A boundary is an encoding detail of one rendering, not part of the request: drop it."""
    kept = [p for p in media_type.split(";") if p.split("=")[0].strip().lower() != "boundary"]
    return ";".join(kept).strip()


def is_json_media(essence: str) -> bool:
    return essence == "application/json" or essence.endswith("+json") or essence == "text/json"


def parse_cookie_header(value: str) -> list[tuple[str, str]]:
    pairs = []
    for item in value.split(";"):
        name, sep, val = item.strip().partition("=")
        if name and sep:
            pairs.append((name.strip(), val.strip()))
    return pairs


_DISPOSITION_PARAM = re.compile(r';\s*([A-Za-z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


def parse_multipart_text(text: str, *, boundary: str = "") -> list[Part] | None:
    """Split a multipart body written out by hand (API Pack's http.client snippets do this) into parts."""
    if not boundary:
        first = next((line for line in text.splitlines() if line.strip()), "")
        if not first.startswith("--"):
            return None
        boundary = first[2:].strip()
    delimiter = "--" + boundary
    if delimiter not in text:
        return None
    parts: list[Part] = []
    for chunk in text.split(delimiter)[1:]:
        if chunk.startswith("--"):
            break
        chunk = chunk[2:] if chunk.startswith("\r\n") else chunk.lstrip("\n")
        head, sep, value = chunk.partition("\r\n\r\n")
        if not sep:
            head, sep, value = chunk.partition("\n\n")
        value = value[:-2] if value.endswith("\r\n") else value.removesuffix("\n")
        name, filename, content_type = "", None, ""
        for line in head.splitlines():
            key, _, rest = line.partition(":")
            if key.strip().lower() == "content-disposition":
                for m in _DISPOSITION_PARAM.finditer(rest):
                    val = m.group(2) if m.group(2) is not None else m.group(3)
                    if m.group(1).lower() == "name":
                        name = val.replace('\\"', '"')
                    elif m.group(1).lower() == "filename":
                        filename = val.replace('\\"', '"')
            elif key.strip().lower() == "content-type":
                content_type = rest.strip()
        parts.append(Part(name, value, filename, content_type))
    return parts


def _ph(text: str) -> str:
    return code_to_placeholder(text)


def _ph_part(part: Part) -> Part:
    return Part(_ph(part.name), _ph(part.value), part.filename, part.content_type)


def _ph_json(value: Any) -> Any:
    if isinstance(value, str):
        return _ph(value)
    if isinstance(value, list):
        return [_ph_json(v) for v in value]
    if isinstance(value, dict):
        return {_ph(str(k)): _ph_json(v) for k, v in value.items()}
    return value
