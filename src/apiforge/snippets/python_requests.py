"""`python_requests`: the `requests` library, the default for `python` (what most Python users reach for)."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody
from apiforge.snippets._common import body_of, finish, py_literal, py_str, raw_text
from apiforge.snippets._python import dict_literal, file_tuples, header_dict, pairs_literal
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]

_SHORTCUTS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def render(request: HttpRequest) -> str:
    """Render `request` as a `requests` call printing the status and body."""
    lines = ["import requests", "", "url = " + py_str(request.url)]
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
        args.append("cookies=cookies")
    if isinstance(body, JsonBody):
        if body.value is None:  # json=None would mean "no body"; a JSON null body is the text 'null'
            lines.append('payload = "null"')
            args.append("data=payload")
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
        text = raw_text(body)
        lines.append("payload = " + py_str(text))
        # a str body goes out Latin-1 encoded (http.client): encode non-ASCII text as UTF-8 ourselves
        args.append("data=payload" if text.isascii() else 'data=payload.encode("utf-8")')
    args.append("timeout=30")
    method = request.method
    if method in _SHORTCUTS:
        call = f"requests.{method.lower()}({', '.join(args)})"
    else:
        call = f"requests.request({py_str(method)}, {', '.join(args)})"
    lines += ["", "response = " + call, "print(response.status_code)", "print(response.text)", ""]
    return finish("\n".join(lines))


register_target(
    Target(
        name="python_requests",
        language="python",
        client="requests",
        render=render,
        extension="py",
        aliases=("requests",),
    )
)
