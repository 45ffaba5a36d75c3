"""`python_httpx`: the `httpx` library (sync API), the modern alternative to requests."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody
from apiforge.snippets._common import body_of, finish, py_literal, py_str, raw_text
from apiforge.snippets._python import dict_literal, file_tuples, header_dict, pairs_literal
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]

_SHORTCUTS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_BODYLESS_SHORTCUTS = frozenset({"GET", "DELETE", "HEAD", "OPTIONS"})  # httpx.get() & co. take no body


def render(request: HttpRequest) -> str:
    """Render `request` as an `httpx` call printing the status and body."""
    lines = ["import httpx", "", "url = " + py_str(request.url)]
    args = ["url"]
    if request.query:
        lines.append("params = " + pairs_literal(request.query))
        args.append("params=params")
    body = body_of(request)
    headers = header_dict(request, implicit_json=isinstance(body, JsonBody) and body.value is not None)
    if headers:
        lines.append("headers = " + dict_literal(headers))
        args.append("headers=headers")
    if request.cookies:
        lines.append("cookies = " + pairs_literal(request.cookies, single=True))
    if isinstance(body, JsonBody):
        if body.value is None:  # json=None means "no body"; a JSON null body is the text 'null'
            lines.append('payload = "null"')
            args.append("content=payload")
        else:
            lines.append("payload = " + py_literal(body.value))
            args.append("json=payload")
    elif isinstance(body, FormBody):
        lines.append("payload = " + pairs_literal(body.fields))
        args.append("data=payload")
    elif isinstance(body, MultipartBody):
        lines.append("files = " + file_tuples(body))
        args.append("files=files")
    elif body is not None:
        lines.append("payload = " + py_str(raw_text(body)))
        args.append("content=payload")
    method = request.method
    # per-request cookies are deprecated in httpx: cookies belong to a client
    owner = "client" if request.cookies else "httpx"
    if method in _SHORTCUTS and not (body is not None and method in _BODYLESS_SHORTCUTS):
        call = f"{owner}.{method.lower()}({', '.join(args)})"
    else:
        call = f"{owner}.request({py_str(method)}, {', '.join(args)})"
    lines.append("")
    if request.cookies:
        lines += [
            "with httpx.Client(cookies=cookies) as client:",
            "    response = " + call,
        ]
    else:
        lines.append("response = " + call)
    lines += ["print(response.status_code)", "print(response.text)", ""]
    return finish("\n".join(lines))


register_target(
    Target(name="python_httpx", language="python", client="httpx", render=render, extension="py", aliases=("httpx",))
)
