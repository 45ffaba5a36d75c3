"""`javascript_fetch`: the browser's `fetch`; cookies come from the browser's own jar, never a header."""

from __future__ import annotations

from apiforge.http import HttpRequest
from apiforge.snippets._common import cookie_header, finish
from apiforge.snippets._registry import Target, register_target
from apiforge.snippets.node_fetch import fetch_program

__all__ = ["render"]


def render(request: HttpRequest) -> str:
    """Render `request` as browser JavaScript using `fetch`."""
    code = fetch_program(request, cookie=None, credentials=bool(request.cookies))
    if request.cookies:
        # A page cannot set a Cookie header (a forbidden header): say which cookies the browser must hold.
        code = f"// Sent by the browser with credentials: 'include' -- cookies: {cookie_header(request)}\n" + code
    return finish(code)


register_target(Target(name="javascript_fetch", language="javascript", client="fetch", render=render, extension="js"))
