"""Java with OkHttp 4 (the Java client API Pack uses); needs `com.squareup.okhttp3:okhttp` on the classpath.

Bodies are given to OkHttp as UTF-8 bytes, never as `String`: for a String OkHttp appends `; charset=utf-8` to the
media type, so the server would not see the Content-Type the request states.
"""

from __future__ import annotations

from apiforge.errors import RenderError
from apiforge.http import FormBody, HttpRequest, MultipartBody
from apiforge.snippets._common import cookie_header, finish, java_str
from apiforge.snippets._payload import code_url, file_type, payload
from apiforge.snippets._registry import Target, register_target
from apiforge.snippets.java_httpclient import java_bytes

__all__ = ["TARGET", "render"]

_I = " " * 16  # continuation indent inside main()

# Request.Builder shortcuts; any other method goes through .method(name, body).
_NO_BODY = {"GET": ".get()", "HEAD": ".head()", "DELETE": ".delete()"}
_WITH_BODY = {"POST": ".post(body)", "PUT": ".put(body)", "PATCH": ".patch(body)", "DELETE": ".delete(body)"}
# OkHttp throws "method POST must have a request body." for these when none is given.
_REQUIRES_BODY = {"POST", "PUT", "PATCH", "PROPPATCH", "REPORT", "QUERY"}


def _utf8(text: str) -> str:
    return f"{java_str(text)}.getBytes(StandardCharsets.UTF_8)"


def _body_lines(request: HttpRequest) -> list[str]:
    """Statements that declare `RequestBody body`, or [] when the request has none."""
    body = request.body
    if isinstance(body, FormBody) and body.media_type == "application/x-www-form-urlencoded":
        adds = "".join(f"\n{_I}.add({java_str(k)}, {java_str(v)})" for k, v in body.fields)
        return [f"RequestBody body = new FormBody.Builder(){adds}\n{_I}.build();"]
    if isinstance(body, MultipartBody):
        calls = [".setType(MultipartBody.FORM)"]
        if body.media_type != "multipart/form-data":
            calls = [f".setType(MediaType.parse({java_str(body.media_type)}))"]
        for part in body.parts:
            name, value = java_str(part.name), part.value
            if part.filename is not None:
                content = f"RequestBody.create({_utf8(value)}, MediaType.parse({java_str(file_type(part))}))"
                calls.append(f".addFormDataPart({name}, {java_str(part.filename)}, {content})")
            elif part.content_type:
                content = f"RequestBody.create({_utf8(value)}, MediaType.parse({java_str(part.content_type)}))"
                calls.append(f".addFormDataPart({name}, null, {content})")
            else:
                calls.append(f".addFormDataPart({name}, {java_str(value)})")
        chain = "".join(f"\n{_I}{call}" for call in calls)
        return [f"RequestBody body = new MultipartBody.Builder(){chain}\n{_I}.build();"]
    data = payload(request)
    if data is None:
        return []
    content = java_bytes(data.content) if isinstance(data.content, bytes) else _utf8(data.content)
    return [
        f"MediaType mediaType = MediaType.parse({java_str(data.content_type)});",
        f"RequestBody body = RequestBody.create({content}, mediaType);",
    ]


def render(request: HttpRequest) -> str:
    """Render `request` as a complete `Main` class that sends it and prints the status and the body."""
    method = request.method
    extra_headers: list[tuple[str, str]] = []
    data = payload(request)
    if data is not None and method in ("GET", "HEAD"):
        # OkHttp refuses a body on GET/HEAD. An empty one (specs such as Stripe's give GETs an empty form body)
        # comes down to its Content-Type header; a non-empty one cannot be sent at all.
        if data.content:
            raise RenderError(f"OkHttp cannot send a request body with {method}")
        request = request.with_body(None)
        extra_headers.append(("Content-Type", data.content_type))
    setup = _body_lines(request)
    has_body = bool(setup)
    if not has_body and method in _REQUIRES_BODY:
        setup = ["RequestBody body = RequestBody.create(new byte[0]);"]
        has_body = True

    builder = [f"Request request = new Request.Builder()\n{_I}.url({java_str(code_url(request))})"]
    if has_body and method in _WITH_BODY:
        builder.append(_WITH_BODY[method])
    elif not has_body and method in _NO_BODY:
        builder.append(_NO_BODY[method])
    else:
        builder.append(f".method({java_str(method)}, {'body' if has_body else 'null'})")
    for name, value in (*request.headers, *extra_headers):
        builder.append(f".addHeader({java_str(name)}, {java_str(value)})")
    if request.cookies:
        builder.append(f'.addHeader("Cookie", {java_str(cookie_header(request))})')
    builder.append(".build();")

    imports = ["okhttp3.OkHttpClient", "okhttp3.Request", "okhttp3.Response"]
    code = "\n".join(setup)
    for name in ("FormBody", "MediaType", "MultipartBody", "RequestBody"):
        if name in code:
            imports.append(f"okhttp3.{name}")
    if "StandardCharsets" in code:
        imports.append("java.nio.charset.StandardCharsets")
    lines = [
        *(f"import {name};" for name in sorted(imports)),
        "",
        "public class Main {",
        "    public static void main(String[] args) throws Exception {",
        "        OkHttpClient client = new OkHttpClient();",
        "",
        *(f"        {line}" for line in setup),
        "        " + f"\n{_I}".join(builder),
        "",
        "        try (Response response = client.newCall(request).execute()) {",
        "            System.out.println(response.code());",
        "            System.out.println(response.body().string());",
        "        }",
        "    }",
        "}",
    ]
    return finish("\n".join(lines) + "\n")


TARGET = register_target(
    Target(
        name="java_okhttp",
        language="java",
        client="OkHttp",
        render=render,
        extension="java",
        aliases=("okhttp",),
    )
)
