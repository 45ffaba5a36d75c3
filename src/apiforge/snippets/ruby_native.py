"""Ruby with the standard library's `net/http` (no gem needed)."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, MultipartBody
from apiforge.snippets._common import cookie_header, finish, ruby_str
from apiforge.snippets._payload import code_url, file_type, payload
from apiforge.snippets._registry import Target, register_target

__all__ = ["TARGET", "render"]

# Net::HTTP has a request class for each of these; others use Net::HTTPGenericRequest.
_CLASSES = {
    m: m.capitalize()
    for m in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "COPY", "LOCK", "MKCOL", "MOVE")
} | {"PROPFIND": "Propfind", "PROPPATCH": "Proppatch", "UNLOCK": "Unlock"}


def _ruby_bytes(data: bytes) -> str:
    return '"' + "".join(f"\\x{b:02X}" for b in data) + '".b'


def _hash_or_pairs(pairs: tuple[tuple[str, str], ...]) -> str:
    """`{ "a" => "1" }`, or `[["a", "1"], ["a", "2"]]` when a key repeats (a Hash would lose it)."""
    if len({k for k, _ in pairs}) == len(pairs):
        return "{ " + ", ".join(f"{ruby_str(k)} => {ruby_str(v)}" for k, v in pairs) + " }"
    return "[" + ", ".join(f"[{ruby_str(k)}, {ruby_str(v)}]" for k, v in pairs) + "]"


def _body_lines(request: HttpRequest) -> list[str]:
    body = request.body
    if isinstance(body, FormBody):
        lines = [f"request.set_form_data({_hash_or_pairs(body.fields)})"]
        if body.media_type != "application/x-www-form-urlencoded":
            lines.append(f'request["Content-Type"] = {ruby_str(body.media_type)}')
        return lines
    if isinstance(body, MultipartBody):
        fields = []
        for part in body.parts:
            item = f"[{ruby_str(part.name)}, {ruby_str(part.value)}"
            if part.filename is not None:
                item += f", {{ filename: {ruby_str(part.filename)}, content_type: {ruby_str(file_type(part))} }}"
            fields.append(item + "]")
        inner = "".join(f"\n  {field}," for field in fields)
        return [f"request.set_form([{inner}\n], {ruby_str(body.media_type)})"]
    data = payload(request)
    if data is None:
        return []
    content = _ruby_bytes(data.content) if isinstance(data.content, bytes) else ruby_str(data.content)
    return [f'request["Content-Type"] = {ruby_str(data.content_type)}', f"request.body = {content}"]


def render(request: HttpRequest) -> str:
    """Render `request` as a Ruby script that sends it and prints the status and the body."""
    method = request.method
    if method in _CLASSES:
        new = f"Net::HTTP::{_CLASSES[method]}.new(url)"
    else:
        has_body = "true" if request.body is not None else "false"
        new = f"Net::HTTPGenericRequest.new({ruby_str(method)}, {has_body}, true, url)"
    lines = [
        'require "uri"',
        'require "net/http"',
        "",
        f"url = URI({ruby_str(code_url(request))})",
        "",
        "http = Net::HTTP.new(url.host, url.port)",
        'http.use_ssl = url.scheme == "https"',
        "",
        f"request = {new}",
    ]
    seen: set[str] = set()
    for name, value in request.headers:
        value_code = ruby_str(value)
        if name.lower() in seen:
            lines.append(f"request.add_field({ruby_str(name)}, {value_code})")
        else:
            lines.append(f"request[{ruby_str(name)}] = {value_code}")
            seen.add(name.lower())
    if request.cookies:
        lines.append(f'request["Cookie"] = {ruby_str(cookie_header(request))}')
    lines.extend(_body_lines(request))
    lines += [
        "",
        "response = http.request(request)",
        "puts response.code",
        "puts response.body",
    ]
    return finish("\n".join(lines) + "\n")


TARGET = register_target(
    Target(
        name="ruby_native",
        language="ruby",
        client="net/http",
        render=render,
        extension="rb",
        aliases=("net/http", "net_http"),
    )
)
