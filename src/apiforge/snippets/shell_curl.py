"""`shell_curl`: a curl command line (POSIX shell quoting), the lingua franca of API docs."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, placeholder_to_code
from apiforge.snippets._common import (
    body_of,
    content_type,
    cookie_header,
    finish,
    full_url,
    json_text,
    raw_text,
    shell_quote,
)
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]

_GLOB = frozenset("[]{}")
_FORM_NAME_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~[]")


def render(request: HttpRequest) -> str:
    """Render `request` as a curl command, one option per line."""
    url = placeholder_to_code(full_url(request))
    body = body_of(request)
    if request.method == "HEAD" and body is None:
        first = "curl --head"
    elif request.method == "GET" and body is None:
        first = "curl"
    else:
        first = "curl --request " + request.method
    lines = [first, "--url " + shell_quote(url)]
    if not _GLOB.isdisjoint(url):  # curl would read [a-z] and {a,b} in the URL as a glob pattern
        lines.append("--globoff")
    for name, value in request.headers:
        lines.append("--header " + shell_quote(f"{name}: {value}"))
    media_type = content_type(request)
    if media_type and not (isinstance(body, FormBody) and media_type == "application/x-www-form-urlencoded"):
        lines.append("--header " + shell_quote("Content-Type: " + media_type))
    if request.cookies:
        lines.append("--cookie " + shell_quote(cookie_header(request)))
    if isinstance(body, JsonBody):
        lines.append("--data " + shell_quote(json_text(body.value)))
    elif isinstance(body, FormBody):
        for name, value in body.fields:
            if name and _FORM_NAME_SAFE.issuperset(name):
                lines.append("--data-urlencode " + shell_quote(f"{name}={value}"))
            else:  # --data-urlencode leaves the name as typed: send such pairs pre-encoded
                pair = FormBody(((placeholder_to_code(name), placeholder_to_code(value)),))
                lines.append("--data " + shell_quote(pair.encode()))
    elif isinstance(body, MultipartBody):
        lines.extend(_form_option(part) for part in body.parts)
    elif body is not None:
        lines.append("--data-raw " + shell_quote(raw_text(body)))
    return finish(" \\\n  ".join(lines))


def _form_option(part: Part) -> str:
    if not part.is_file and not part.content_type:
        # --form-string sends the value as typed (--form would read '@x' and '<x' as files and ';type=' as options)
        plain = _plain_form_value(part.value)
        if plain:
            return "--form " + shell_quote(f"{part.name}={part.value}")
        return "--form-string " + shell_quote(f"{part.name}={part.value}")
    # curl's --form syntax: a double-quoted value may hold anything, with \" and \\ escaped; a file part with
    # inline content is a value plus ';filename=' (runnable as printed: no file needs to exist).
    option = f"{part.name}={_form_quote(part.value)}"
    if part.is_file:
        option += ";filename=" + _form_quote(part.filename or "")
    if part.content_type:
        option += ";type=" + part.content_type
    return "--form " + shell_quote(option)


def _plain_form_value(value: str) -> bool:
    return not value.startswith(("@", "<", '"')) and ";" not in value and "," not in value


def _form_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


register_target(
    Target(name="shell_curl", language="curl", client="curl", render=render, extension="sh", aliases=("shell",))
)
