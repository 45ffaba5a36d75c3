"""`javascript_xhr`: browser `XMLHttpRequest`, API Pack's JavaScript target."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, MultipartBody
from apiforge.snippets._common import body_of, content_type, cookie_header, finish, full_url, js_str
from apiforge.snippets._js import body_expression, form_data_lines
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]


def render(request: HttpRequest) -> str:
    """Render `request` as browser JavaScript using `XMLHttpRequest`."""
    lines = []
    body = body_of(request)
    if isinstance(body, MultipartBody):
        lines += form_data_lines(body.parts, "data")
    elif isinstance(body, FormBody):
        # as a string with its own Content-Type: older XHR implementations (jsdom) cannot send URLSearchParams
        lines.append("const data = " + body_expression(request) + ".toString();")
    elif body is not None:
        lines.append("const data = " + body_expression(request) + ";")
    lines += ["", "const xhr = new XMLHttpRequest();"]
    if request.cookies:
        # A page cannot set a Cookie header (a forbidden header): the browser sends the cookies it holds.
        lines.append(f"xhr.withCredentials = true; // cookies: {cookie_header(request)}")
    lines += [
        "",
        "xhr.addEventListener('readystatechange', function () {",
        "  if (this.readyState === this.DONE) {",
        "    console.log(this.status);",
        "    console.log(this.responseText);",
        "  }",
        "});",
        "",
        f"xhr.open({js_str(request.method)}, {js_str(full_url(request))});",
    ]
    for name, value in request.headers:
        lines.append(f"xhr.setRequestHeader({js_str(name)}, {js_str(value)});")
    media_type = content_type(request)
    # FormData sets multipart with its boundary itself (content_type() is None for it)
    if media_type and not any(name.lower() == "content-type" for name, _ in request.headers):
        lines.append(f"xhr.setRequestHeader('Content-Type', {js_str(media_type)});")
    lines += ["", "xhr.send(data);" if body is not None else "xhr.send();", ""]
    return finish("\n".join(lines).lstrip("\n"))


register_target(
    Target(
        name="javascript_xhr",
        language="javascript",
        client="XMLHttpRequest",
        render=render,
        extension="js",
        aliases=("xhr",),
    )
)
