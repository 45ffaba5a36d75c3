"""`python_httpx`: the `httpx` library (sync API), the modern alternative to requests."""

from __future__ import annotations

from apiforge.http import HttpRequest
from apiforge.snippets._common import body_of, finish, py_str
from apiforge.snippets._python import call_arguments
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]

_SHORTCUTS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_BODYLESS_SHORTCUTS = frozenset({"GET", "DELETE", "HEAD", "OPTIONS"})  # httpx.get() & co. take no body


def render(request: HttpRequest) -> str:
    """Render `request` as an `httpx` call printing the status and body."""
    lines, args = call_arguments(request, raw_keyword="content", cookies_argument=False, encode_non_ascii=False)
    lines = ["import httpx", "", *lines]
    body = body_of(request)
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
