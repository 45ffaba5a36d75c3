"""C with libcurl's easy interface; build with `gcc main.c -lcurl`.

The program prints the status, then the response body (collected in memory by a write callback).
No request text ever goes into a comment or a printf format, so `*/` and `%` in values need no care beyond quoting;
`??` is broken up in literals, since strict ISO modes (`-std=c11`) still read trigraphs.
"""

from __future__ import annotations

import re

from apiforge.http import HttpRequest, MultipartBody
from apiforge.snippets._common import c_str, cookie_header, finish
from apiforge.snippets._payload import code_url, file_type, payload
from apiforge.snippets._registry import Target, register_target

__all__ = ["TARGET", "render"]

_TRIGRAPH = re.compile(r"\?(?=\?)")


# The response is collected in memory (libcurl's "getinmemory" pattern) so the status can be printed first.
_PROLOGUE = [
    "#include <stdio.h>",
    "#include <stdlib.h>",
    "#include <string.h>",
    "#include <curl/curl.h>",
    "",
    "struct response_body {",
    "    char *data;",
    "    size_t size;",
    "};",
    "",
    "static size_t collect_body(char *chunk, size_t size, size_t count, void *userdata)",
    "{",
    "    struct response_body *body = userdata;",
    "    size_t n = size * count;",
    "    char *grown = realloc(body->data, body->size + n);",
    "    if (!grown) {",
    "        return 0; /* tells libcurl to stop: out of memory */",
    "    }",
    "    memcpy(grown + body->size, chunk, n);",
    "    body->data = grown;",
    "    body->size += n;",
    "    return n;",
    "}",
    "",
]


def _lit(text: str) -> str:
    r"""`c_str`, with `??` broken up (`?\?`): under `-std=c99`/`-std=c11` gcc reads `??=` as the trigraph `#`."""
    return _TRIGRAPH.sub("?\\\\", c_str(text)) if "??" in text else c_str(text)


def _c_bytes(data: bytes) -> str:
    """A C string literal for a binary body: printable ASCII as is, every other byte as an octal escape."""
    text = "".join(chr(b) if 0x20 <= b < 0x7F and b not in b'\\"' else f"\\{b:03o}" for b in data)
    return '"' + _TRIGRAPH.sub("?\\\\", text) + '"'


def _concat(text: str) -> str:
    """Adjacent literals, one per line: C joins them at compile time."""
    return "\n        ".join(_lit(line) for line in text.splitlines(keepends=True))


def _mime_lines(body: MultipartBody) -> list[str]:
    lines = ["curl_mime *mime = curl_mime_init(curl);", "curl_mimepart *part;"]
    for part in body.parts:
        lines += [
            "",
            "part = curl_mime_addpart(mime);",
            f"curl_mime_name(part, {_lit(part.name)});",
            f"curl_mime_data(part, {_lit(part.value)}, CURL_ZERO_TERMINATED);",
        ]
        if part.filename is not None:
            lines.append(f"curl_mime_filename(part, {_lit(part.filename)});")
            lines.append(f"curl_mime_type(part, {_lit(file_type(part))});")
        elif part.content_type:
            lines.append(f"curl_mime_type(part, {_lit(part.content_type)});")
    lines += ["", "curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);"]
    return lines


def render(request: HttpRequest) -> str:
    """Render `request` as a C program that sends it, prints the body and then the status."""
    method = request.method
    # libcurl drops a header written "Name:" (that is how it removes one); "Name;" sends it empty.
    headers = [f"{name}: {value}" if value else f"{name};" for name, value in request.headers]
    setup: list[str] = []
    body_lines: list[str] = []
    is_mime = isinstance(request.body, MultipartBody) and "\0" not in "".join(p.value for p in request.body.parts)
    if isinstance(request.body, MultipartBody) and is_mime:
        body_lines = _mime_lines(request.body)
    else:
        data = payload(request)
        if data is not None:
            headers.append(f"Content-Type: {data.content_type}")
            content = data.content
            if isinstance(content, bytes):
                literal = _c_bytes(content)
            elif isinstance(request.body, MultipartBody):
                literal = _concat(content)
            else:
                literal = _lit(content)
            setup.append(f"static const char body[] = {literal};")
            # An explicit size: the body may hold NUL bytes, and libcurl would otherwise strlen() it.
            body_lines = [
                "curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);",
                "curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)(sizeof body - 1));",
            ]
    has_body = bool(body_lines)

    options = [f"curl_easy_setopt(curl, CURLOPT_URL, {_lit(code_url(request))});"]
    if method == "HEAD":
        options.append("curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);")
    elif (method != "GET" and not (method == "POST" and has_body)) or (method == "GET" and has_body):
        options.append(f"curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, {_lit(method)});")
    if headers:
        options.append("")
        options.append("struct curl_slist *headers = NULL;")
        options += [f"headers = curl_slist_append(headers, {_lit(h)});" for h in headers]
        options.append("curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);")
    if request.cookies:
        options.append(f"curl_easy_setopt(curl, CURLOPT_COOKIE, {_lit(cookie_header(request))});")
    if body_lines:
        options.append("")
        options += body_lines

    cleanup = []
    if headers:
        cleanup.append("curl_slist_free_all(headers);")
    if is_mime:
        cleanup.append("curl_mime_free(mime);")

    body = [
        "curl_global_init(CURL_GLOBAL_DEFAULT);",
        "CURL *curl = curl_easy_init();",
        "if (!curl) {",
        '    fputs("curl_easy_init() failed\\n", stderr);',
        "    return 1;",
        "}",
        "",
        *setup,
        *options,
        "",
        "struct response_body response = {0};",
        "curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);",
        "curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);",
        "",
        "CURLcode res = curl_easy_perform(curl);",
        "if (res != CURLE_OK) {",
        '    fprintf(stderr, "curl_easy_perform() failed: %s\\n", curl_easy_strerror(res));',
        "} else {",
        "    long status = 0;",
        "    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);",
        '    printf("%ld\\n", status);',
        "    if (response.size) {",
        "        fwrite(response.data, 1, response.size, stdout);",
        "        putchar('\\n');",
        "    }",
        "}",
        "",
        "free(response.data);",
        *cleanup,
        "curl_easy_cleanup(curl);",
        "curl_global_cleanup();",
        "return res == CURLE_OK ? 0 : 1;",
    ]
    lines = [
        *_PROLOGUE,
        "int main(void)",
        "{",
        *(f"    {line}" if line else "" for line in body),
        "}",
    ]
    return finish("\n".join(lines) + "\n")


TARGET = register_target(
    Target(
        name="c_libcurl",
        language="c",
        client="libcurl",
        render=render,
        extension="c",
        aliases=("libcurl",),
    )
)
