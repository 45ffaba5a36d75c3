"""`node_fetch`: Node's built-in `fetch` (Node 18+), the default for `node`: no dependency to install."""

from __future__ import annotations

from apiforge.http import HttpRequest, MultipartBody
from apiforge.snippets._common import body_of, cookie_header, finish, full_url, js_str
from apiforge.snippets._js import body_expression, form_data_lines, header_items, js_object
from apiforge.snippets._registry import Target, register_target

__all__ = ["fetch_program", "render"]


def render(request: HttpRequest) -> str:
    """Render `request` as a Node script using the global `fetch`."""
    return finish(fetch_program(request, cookie=cookie_header(request) or None, credentials=False))


def fetch_program(request: HttpRequest, *, cookie: str | None, credentials: bool) -> str:
    """The fetch program shared with `javascript_fetch` (which lets the browser send cookies instead)."""
    lines = [f"const url = {js_str(full_url(request))};"]
    options: list[tuple[str, str]] = []
    if request.method != "GET":
        options.append(("method", js_str(request.method)))
    body = body_of(request)
    headers = header_items(request, implicit_form=True, cookie=cookie)
    if headers:
        options.append(("headers", js_object(headers, "  ")))
    if credentials:
        options.append(("credentials", "'include'"))
    if isinstance(body, MultipartBody):
        lines += form_data_lines(body.parts)
        options.append(("body", "form"))
    elif body is not None:
        options.append(("body", body_expression(request).replace("\n", "\n  ")))
    if options:
        lines.append("const options = " + js_object(options) + ";")
    call = "fetch(url, options)" if options else "fetch(url)"
    lines += [
        "",
        call,
        "  .then(async (response) => {",
        "    console.log(response.status);",
        "    console.log(await response.text());",
        "  })",
        "  .catch((error) => console.error(error));",
        "",
    ]
    return "\n".join(lines)


register_target(Target(name="node_fetch", language="node", client="fetch", render=render, extension="js"))
