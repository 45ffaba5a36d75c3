"""Wire-level text for clients with no body helpers: the URL, the encoded body, a hand-built multipart body.

Clients with no multipart builder (java.net.http, URLSession, PHP when a field name repeats) send the encoded body
as a string literal, so the encoding lives here once: the same bytes go out whichever language prints them.

Placeholders: `finish()` turns `{{name}}` into `REPLACE_NAME` over finished code, but it cannot see a placeholder
that percent-encoding has turned into `%7B%7Bname%7D%7D`; so the URL and form bodies get code form *before* encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apiforge.http import FormBody, HttpRequest, MultipartBody, Part, RawBody, encode_query, placeholder_to_code
from apiforge.snippets._common import body_text

__all__ = ["BOUNDARY", "Payload", "code_url", "file_type", "multipart_text", "payload"]

BOUNDARY = "----ApiforgeFormBoundary7MA4YWxkTrZu0gW"
"""Fixed, so snippets are reproducible; `multipart_text` lengthens it if a part happens to contain it."""

_ENCODED_PLACEHOLDER = re.compile(r"%7B%7B([A-Za-z_][A-Za-z0-9_]*)%7D%7D", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Payload:
    """A request body as a client without body helpers sends it: text or bytes, plus its Content-Type."""

    content: str | bytes
    """Text (sent as UTF-8) or, for a raw body that is not valid UTF-8, the bytes."""
    content_type: str


def code_url(request: HttpRequest) -> str:
    """`full_url` with placeholders as `REPLACE_NAME`, substituted before percent-encoding so they stay readable."""
    url = _ENCODED_PLACEHOLDER.sub(lambda m: "REPLACE_" + m.group(1).upper(), placeholder_to_code(request.url))
    if not request.query:
        return url
    return url + "?" + encode_query((k, placeholder_to_code(v)) for k, v in request.query)


def file_type(part: Part) -> str:
    """The media type a file part is sent with, stated explicitly so every client sends the same one."""
    return part.content_type or "application/octet-stream"


def _disposition_value(text: str) -> str:
    # WHATWG HTML multipart/form-data encoding: quote, CR and LF are percent-encoded in names and filenames.
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def multipart_text(body: MultipartBody) -> Payload:
    """The encoded multipart body and its Content-Type (which carries the boundary)."""
    boundary = BOUNDARY
    while any(boundary in part.value for part in body.parts):
        boundary += "x"
    pieces: list[str] = []
    for part in body.parts:
        disposition = f'form-data; name="{_disposition_value(part.name)}"'
        media_type = part.content_type
        if part.filename is not None:
            disposition += f'; filename="{_disposition_value(part.filename)}"'
            media_type = file_type(part)
        pieces += [f"--{boundary}\r\n", f"Content-Disposition: {disposition}\r\n"]
        if media_type:
            pieces.append(f"Content-Type: {media_type}\r\n")
        pieces += ["\r\n", f"{part.value}\r\n"]
    pieces.append(f"--{boundary}--\r\n")
    return Payload("".join(pieces), f"{body.media_type}; boundary={boundary}")


def payload(request: HttpRequest) -> Payload | None:
    """The body as sent on the wire with its Content-Type, or `None` when the request has no body."""
    body = request.body
    if body is None:
        return None
    if isinstance(body, MultipartBody):
        return multipart_text(body)
    if isinstance(body, FormBody):
        fields = tuple((placeholder_to_code(k), placeholder_to_code(v)) for k, v in body.fields)
        return Payload(FormBody(fields).encode(), body.media_type)
    if isinstance(body, RawBody) and isinstance(body.content, bytes):
        try:
            return Payload(body.content.decode("utf-8"), body.media_type)
        except UnicodeDecodeError:  # binary: the targets print a byte-array literal
            return Payload(body.content, body.media_type)
    return Payload(body_text(request), body.media_type)
