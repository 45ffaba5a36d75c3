"""`node_request`: the npm `request` library, API Pack's Node target (deprecated upstream, still widely found)."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part
from apiforge.snippets._common import body_of, cookie_header, finish, grouped, js_str, json_text, raw_text
from apiforge.snippets._js import header_items, js_key, js_object
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]


def render(request: HttpRequest) -> str:
    """Render `request` as a Node script using `request(options, callback)`."""
    options: list[tuple[str, str]] = [("method", js_str(request.method)), ("url", js_str(request.url))]
    repeated = False
    if request.query:
        query, repeated = _grouped_object(request.query, "  ")
        options.append(("qs", query))
    body = body_of(request)
    headers = header_items(request, implicit_form=True, cookie=cookie_header(request) or None)
    if headers:
        options.append(("headers", js_object(headers, "  ")))
    if isinstance(body, JsonBody):
        options.append(("body", "JSON.stringify(" + json_text(body.value).replace("\n", "\n  ") + ")"))
    elif isinstance(body, FormBody):
        form, form_repeated = _grouped_object(body.fields, "  ")
        repeated = repeated or form_repeated
        options.append(("form", form))
    elif isinstance(body, MultipartBody):
        options.append(("formData", _form_data(body.parts)))
    elif body is not None:
        options.append(("body", js_str(raw_text(body))))
    if repeated:  # the default `qs` encoder writes arrays as a[0]=1&a[1]=2; Node's querystring repeats the key
        options.append(("useQuerystring", "true"))
    lines = [
        "const request = require('request');",
        "",
        "const options = " + js_object(options) + ";",
        "",
        "request(options, (error, response, body) => {",
        "  if (error) throw new Error(error);",
        "",
        "  console.log(response.statusCode);",
        "  console.log(body);",
        "});",
        "",
    ]
    return finish("\n".join(lines))


def _grouped_object(pairs: tuple[tuple[str, str], ...], indent: str) -> tuple[str, bool]:
    items, repeated = [], False
    for key, values in grouped(pairs).items():
        if len(values) == 1:
            items.append((js_key(key), js_str(values[0])))
        else:
            repeated = True
            items.append((js_key(key), "[" + ", ".join(js_str(v) for v in values) + "]"))
    return js_object(items, indent), repeated


def _form_data(parts: tuple[Part, ...]) -> str:
    items = []
    for key, group in _parts_by_name(parts).items():
        values = [_part_value(p) for p in group]
        items.append((js_key(key), values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"))
    return js_object(items, "  ")


def _parts_by_name(parts: tuple[Part, ...]) -> dict[str, list[Part]]:
    out: dict[str, list[Part]] = {}
    for part in parts:
        out.setdefault(part.name, []).append(part)
    return out


def _part_value(part: Part) -> str:
    if not part.is_file and not part.content_type:
        return js_str(part.value)
    options = []
    if part.is_file:
        options.append(("filename", js_str(part.filename or "")))
    if part.content_type:
        options.append(("contentType", js_str(part.content_type)))
    return js_object([("value", js_str(part.value)), ("options", js_object(options, "      "))], "    ")


register_target(
    Target(name="node_request", language="node", client="request", render=render, extension="js", aliases=("request",))
)
