"""Swift with Foundation's `URLSession` (Apple platforms and Linux via FoundationNetworking); top-level code.

The snippet blocks on a semaphore until the data task finishes, so it runs as a script (`swift main.swift`) as well
as inside an app. URLSession has no form or multipart encoder, so bodies are sent as prepared text.
"""

from __future__ import annotations

from apiforge.http import HttpRequest, MultipartBody
from apiforge.snippets._common import cookie_header, finish, swift_str
from apiforge.snippets._payload import code_url, payload
from apiforge.snippets._registry import Target, register_target

__all__ = ["TARGET", "render"]


def _body_lines(request: HttpRequest) -> list[str]:
    data = payload(request)
    if data is None:
        return []
    lines = [f'request.setValue({swift_str(data.content_type)}, forHTTPHeaderField: "Content-Type")']
    if isinstance(data.content, bytes):
        lines.append("request.httpBody = Data([" + ", ".join(f"0x{b:02x}" for b in data.content) + "])")
    elif isinstance(request.body, MultipartBody):
        # An array joined at run time: a long `+` chain of literals is slow for Swift's type checker.
        pieces = "".join(f"    {swift_str(line)},\n" for line in data.content.splitlines(keepends=True))
        lines += ["let body = [\n" + pieces + "].joined()", "request.httpBody = Data(body.utf8)"]
    else:
        lines.append(f"request.httpBody = Data({swift_str(data.content)}.utf8)")
    return lines


def render(request: HttpRequest) -> str:
    """Render `request` as top-level Swift code that sends it and prints the status and the body."""
    lines = [
        "import Foundation",
        "#if canImport(FoundationNetworking)",
        "import FoundationNetworking",
        "#endif",
        "",
        f"var request = URLRequest(url: URL(string: {swift_str(code_url(request))})!)",
    ]
    if request.method != "GET":
        lines.append(f"request.httpMethod = {swift_str(request.method)}")
    seen: set[str] = set()
    for name, value in request.headers:
        # setValue replaces; addValue appends to a header already set (a repeated header).
        verb = "addValue" if name.lower() in seen else "setValue"
        seen.add(name.lower())
        lines.append(f"request.{verb}({swift_str(value)}, forHTTPHeaderField: {swift_str(name)})")
    if request.cookies:
        lines.append(f'request.setValue({swift_str(cookie_header(request))}, forHTTPHeaderField: "Cookie")')
    lines += _body_lines(request)
    lines += [
        "",
        "let semaphore = DispatchSemaphore(value: 0)",
        "let task = URLSession.shared.dataTask(with: request) { data, response, error in",
        "    defer { semaphore.signal() }",
        "    if let error = error {",
        '        print("Request failed: \\(error)")',
        "        return",
        "    }",
        "    if let response = response as? HTTPURLResponse {",
        "        print(response.statusCode)",
        "    }",
        "    if let data = data {",
        "        print(String(decoding: data, as: UTF8.self))",
        "    }",
        "}",
        "task.resume()",
        "semaphore.wait()",
    ]
    return finish("\n".join(lines) + "\n")


TARGET = register_target(
    Target(
        name="swift_nsurlsession",
        language="swift",
        client="URLSession",
        render=render,
        extension="swift",
        aliases=("urlsession", "nsurlsession"),
    )
)
