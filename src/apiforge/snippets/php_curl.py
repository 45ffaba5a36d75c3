"""PHP with the cURL extension (`php-curl`); multipart files are sent from memory with `CURLStringFile` (PHP 8.1+)."""

from __future__ import annotations

import re

from apiforge.http import HttpRequest, MultipartBody
from apiforge.snippets._common import cookie_header, finish
from apiforge.snippets._payload import code_url, file_type, payload
from apiforge.snippets._registry import Target, register_target

__all__ = ["TARGET", "php_string", "render"]

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "$": "\\$", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F]} | {ord(k): v for k, v in _SHORT_ESCAPES.items()}


def php_string(text: str) -> str:
    r"""A PHP string literal: single-quoted (nothing interpolates) unless the text holds control characters.

    Those go double-quoted as escapes (`$` escaped too) rather than raw inside single quotes, where an editor or
    git normalising line endings would silently change a `\r\n` a multipart body depends on.
    """
    if _CONTROLS.search(text):
        return '"' + text.translate(_ESCAPES) + '"'
    if "\\" in text or "'" in text:
        text = text.replace("\\", "\\\\").replace("'", "\\'")
    return "'" + text + "'"


def _php_bytes(data: bytes) -> str:
    return '"' + "".join(f"\\x{b:02x}" for b in data) + '"'


def _php_concat(text: str) -> str:
    """A multipart body as one `.`-joined piece per line, so it reads like the wire format."""
    return "\n        . ".join(php_string(line) for line in text.splitlines(keepends=True))


def _uses_curl_mime(body: MultipartBody) -> bool:
    """Whether the PHP array form fits: it cannot hold a field name twice, nor a media type for a plain field."""
    names = [part.name for part in body.parts]
    return len(set(names)) == len(names) and all(p.is_file or not p.content_type for p in body.parts)


def _options(request: HttpRequest) -> list[str]:
    """`CURLOPT_* => value` entries, in the order a reader expects them."""
    options = [f"CURLOPT_URL => {php_string(code_url(request))}", "CURLOPT_RETURNTRANSFER => true"]
    # cURL drops a header written "Name:" (that is how it removes one); "Name;" sends it empty.
    headers = [f"{name}: {value}" if value else f"{name};" for name, value in request.headers]
    body = request.body
    method = request.method
    postfields = ""
    if isinstance(body, MultipartBody) and _uses_curl_mime(body):
        # cURL writes the Content-Type header itself (it has to: the header carries the boundary).
        fields = []
        for part in body.parts:
            value = php_string(part.value)
            if part.filename is not None:
                value = f"new CURLStringFile({value}, {php_string(part.filename)}, {php_string(file_type(part))})"
            fields.append(f"        {php_string(part.name)} => {value},\n")
        postfields = "[\n" + "".join(fields) + "    ]"
    else:
        data = payload(request)
        if data is not None:
            headers.append(f"Content-Type: {data.content_type}")
            if isinstance(data.content, bytes):
                postfields = _php_bytes(data.content)
            elif isinstance(body, MultipartBody):
                postfields = _php_concat(data.content)
            else:
                postfields = php_string(data.content)
    if method == "HEAD":
        options.append("CURLOPT_NOBODY => true")
    elif method != "GET" and not (method == "POST" and postfields):
        options.append(f"CURLOPT_CUSTOMREQUEST => {php_string(method)}")
    if postfields:
        if method == "GET":
            options.append("CURLOPT_CUSTOMREQUEST => 'GET'")  # CURLOPT_POSTFIELDS alone would turn it into a POST
        options.append(f"CURLOPT_POSTFIELDS => {postfields}")
    if headers:
        options.append("CURLOPT_HTTPHEADER => [\n" + "".join(f"        {php_string(h)},\n" for h in headers) + "    ]")
    if request.cookies:
        options.append(f"CURLOPT_COOKIE => {php_string(cookie_header(request))}")
    return options


def render(request: HttpRequest) -> str:
    """Render `request` as a PHP script that sends it and prints the status and the body."""
    lines = [
        "<?php",
        "",
        "$curl = curl_init();",
        "",
        "curl_setopt_array($curl, [",
        *(f"    {option}," for option in _options(request)),
        "]);",
        "",
        "$response = curl_exec($curl);",
        "if ($response === false) {",
        "    fwrite(STDERR, 'cURL error: ' . curl_error($curl) . PHP_EOL);",
        "    exit(1);",
        "}",
        "",
        "echo curl_getinfo($curl, CURLINFO_RESPONSE_CODE), PHP_EOL;",
        "echo $response, PHP_EOL;",
        "curl_close($curl);",
    ]
    return finish("\n".join(lines) + "\n")


TARGET = register_target(
    Target(
        name="php_curl",
        language="php",
        client="cURL",
        render=render,
        extension="php",
        aliases=("php-curl",),
    )
)
