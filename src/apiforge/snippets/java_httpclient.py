"""Java with `java.net.http.HttpClient` (JDK 11+): no dependency, runs with `java Main.java`."""

from __future__ import annotations

from apiforge.http import HttpRequest, MultipartBody
from apiforge.snippets._common import cookie_header, finish, java_str
from apiforge.snippets._payload import code_url, payload
from apiforge.snippets._registry import Target, register_target

__all__ = ["TARGET", "java_bytes", "java_concat", "render"]

# HttpClient refuses to let code set these (IllegalArgumentException "restricted header name"); it sends its own.
_RESTRICTED = frozenset({"connection", "content-length", "expect", "host", "upgrade"})

_I = " " * 16  # continuation indent inside main()


def java_bytes(data: bytes) -> str:
    """A `new byte[] {...}` expression for a body that is not text."""
    return "new byte[] {" + ", ".join(f"(byte) 0x{b:02x}" if b > 0x7F else str(b) for b in data) + "}"


def java_concat(text: str, indent: str) -> str:
    """A long literal as one `+`-joined piece per line (multipart bodies read like the wire format)."""
    lines = text.splitlines(keepends=True) or [""]
    return f"\n{indent}+ ".join(java_str(line) for line in lines)


def render(request: HttpRequest) -> str:
    """Render `request` as a complete `Main` class that sends it and prints the status and the body."""
    body = payload(request)
    setup: list[str] = []
    builder = [f".uri(URI.create({java_str(code_url(request))}))"]
    for name, value in request.headers:
        if name.lower() in _RESTRICTED:
            setup.append(f"// HttpClient sets the {name.lower()} header itself")
        else:
            builder.append(f".header({java_str(name)}, {java_str(value)})")
    if body is not None:
        builder.append(f'.header("Content-Type", {java_str(body.content_type)})')
    if request.cookies:
        builder.append(f'.header("Cookie", {java_str(cookie_header(request))})')

    if body is None:
        publisher = "HttpRequest.BodyPublishers.noBody()"
    elif isinstance(body.content, bytes):
        publisher = f"HttpRequest.BodyPublishers.ofByteArray({java_bytes(body.content)})"
    elif isinstance(request.body, MultipartBody):
        setup.append(f"String body = {java_concat(body.content, _I)};")
        publisher = "HttpRequest.BodyPublishers.ofString(body)"
    else:
        publisher = f"HttpRequest.BodyPublishers.ofString({java_str(body.content)})"
    if request.method in ("GET", "DELETE") and body is None:
        builder.append(f".{request.method}()")
    else:
        builder.append(f".method({java_str(request.method)}, {publisher})")
    builder.append(".build();")

    lines = [
        "import java.net.URI;",
        "import java.net.http.HttpClient;",
        "import java.net.http.HttpRequest;",
        "import java.net.http.HttpResponse;",
        "",
        "public class Main {",
        "    public static void main(String[] args) throws Exception {",
        "        HttpClient client = HttpClient.newHttpClient();",
        "",
        *(f"        {line}" for line in setup),
        "        HttpRequest request = HttpRequest.newBuilder()",
        *(f"{_I}{call}" for call in builder),
        "",
        "        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());",
        "        System.out.println(response.statusCode());",
        "        System.out.println(response.body());",
        "    }",
        "}",
    ]
    return finish("\n".join(lines) + "\n")


TARGET = register_target(
    Target(
        name="java_httpclient",
        language="java",
        client="java.net.http",
        render=render,
        extension="java",
        aliases=("httpclient", "java.net.http"),
    )
)
