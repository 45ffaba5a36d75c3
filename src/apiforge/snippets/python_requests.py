"""`python_requests`: the `requests` library, the default for `python` (what most Python users reach for)."""

from __future__ import annotations

from apiforge.http import HttpRequest
from apiforge.snippets._common import finish, py_str
from apiforge.snippets._python import call_arguments
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]

_SHORTCUTS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def render(request: HttpRequest) -> str:
    """Render `request` as a `requests` call printing the status and body."""
    lines, args = call_arguments(request, raw_keyword="data", cookies_argument=True, encode_non_ascii=True)
    lines = ["import requests", "", *lines]
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
