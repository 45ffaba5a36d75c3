"""`python_python3`: the standard library's `http.client`, no dependency at all (API Pack's Python target)."""

from __future__ import annotations

import urllib.parse

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part
from apiforge.snippets._common import body_of, cookie_header, finish, path_and_query, py_literal, py_str, raw_text
from apiforge.snippets._python import dict_literal, header_dict, list_literal
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]

BOUNDARY = "----apiforge7MA4YWxkTrZu0gW"
"""The multipart boundary the snippets use (http.client has no multipart support: the body is written out)."""


def render(request: HttpRequest) -> str:
    """Render `request` as an `http.client` program printing the status and body."""
    parts = urllib.parse.urlsplit(request.url)
    connection = "HTTPSConnection" if parts.scheme == "https" else "HTTPConnection"
    target = path_and_query(request)
    body = body_of(request)
    imports = ["import http.client"]
    lines = ["", f"conn = http.client.{connection}({py_str(parts.netloc)})"]
    headers = header_dict(request, implicit_json=False, implicit_form=False)
    if request.cookies:
        headers.append(('"Cookie"', py_str(cookie_header(request))))
    payload = ""
    if isinstance(body, JsonBody):
        imports.append("import json")
        lines.append("payload = json.dumps(" + py_literal(body.value) + ")")
        payload = "payload"
    elif isinstance(body, FormBody):
        imports.append("from urllib.parse import urlencode")
        pairs = list_literal([f"({py_str(k)}, {py_str(v)})" for k, v in body.fields])
        lines.append("payload = urlencode(" + pairs + ")")
        payload = "payload"
    elif isinstance(body, MultipartBody):
        lines.append(f'boundary = "{BOUNDARY}"')
        lines.append("payload = (\n" + "".join(_part_lines(p) for p in body.parts) + '    f"--{boundary}--\\r\\n"\n)')
        headers.append(('"Content-Type"', 'f"multipart/form-data; boundary={boundary}"'))
        payload = 'payload.encode("utf-8")'
    elif body is not None:
        lines.append("payload = " + py_str(raw_text(body)))
        payload = 'payload.encode("utf-8")'
    if headers:
        lines.append("headers = " + dict_literal(headers))
    args = [py_str(request.method), py_str(target)]
    if payload:
        args.append("body=" + payload)
    if headers:
        args.append("headers=headers")
    lines += [
        "",
        f"conn.request({', '.join(args)})",
        "response = conn.getresponse()",
        "print(response.status, response.reason)",
        'print(response.read().decode("utf-8"))',
        "",
    ]
    return finish("\n".join(imports + lines))


def _part_lines(part: Part) -> str:
    disposition = f"form-data; name={_quoted(part.name)}"
    if part.is_file:
        disposition += f"; filename={_quoted(part.filename or '')}"
    lines = ['    f"--{boundary}\\r\\n"\n', "    " + py_str(f"Content-Disposition: {disposition}\r\n") + "\n"]
    if part.content_type:
        lines.append("    " + py_str(f"Content-Type: {part.content_type}\r\n") + "\n")
    lines.append('    "\\r\\n"\n')
    lines.append("    " + py_str(part.value + "\r\n") + "\n")
    return "".join(lines)


def _quoted(text: str) -> str:
    # the HTML form encoding (WHATWG): quotes and line breaks in names are percent-escaped, the rest sent as UTF-8
    return '"' + text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A") + '"'


register_target(
    Target(
        name="python_python3",
        language="python",
        client="http.client",
        render=render,
        extension="py",
        aliases=("http.client", "python3"),
    )
)
