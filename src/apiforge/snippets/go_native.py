"""`go_native`: Go's standard `net/http` (API Pack's Go target): one `main` that prints status and body."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part
from apiforge.snippets._common import (
    body_of,
    content_type,
    finish,
    full_url,
    go_raw_or_str,
    go_str,
    json_text,
    raw_text,
)
from apiforge.snippets._registry import Target, register_target

__all__ = ["render"]

_METHODS = {
    "GET": "http.MethodGet",
    "POST": "http.MethodPost",
    "PUT": "http.MethodPut",
    "PATCH": "http.MethodPatch",
    "DELETE": "http.MethodDelete",
    "HEAD": "http.MethodHead",
    "OPTIONS": "http.MethodOptions",
}
_FATAL = "\t\tlog.Fatal(err)\n\t}\n"


def render(request: HttpRequest) -> str:
    """Render `request` as a complete Go program."""
    imports = {"fmt", "io", "log", "net/http"}
    body = body_of(request)
    url_var = "endpoint" if isinstance(body, FormBody) else "url"  # `url` would shadow package net/url
    code = [f"\t{url_var} := {go_str(full_url(request))}\n"]
    payload = "nil"
    if isinstance(body, JsonBody):
        imports.add("strings")
        code.append(f"\tpayload := strings.NewReader({go_raw_or_str(json_text(body.value))})\n")
        payload = "payload"
    elif isinstance(body, FormBody):
        imports |= {"net/url", "strings"}
        code.append("\tform := url.Values{}\n")
        code += [f"\tform.Add({go_str(k)}, {go_str(v)})\n" for k, v in body.fields]
        code.append("\tpayload := strings.NewReader(form.Encode())\n")
        payload = "payload"
    elif isinstance(body, MultipartBody):
        imports |= {"bytes", "mime/multipart"}
        code += _multipart(body.parts, imports)
        payload = "payload"
    elif body is not None:
        imports.add("strings")
        code.append(f"\tpayload := strings.NewReader({go_raw_or_str(raw_text(body))})\n")
        payload = "payload"
    method = _METHODS.get(request.method) or go_str(request.method)
    code.append(f"\n\treq, err := http.NewRequest({method}, {url_var}, {payload})\n\tif err != nil {{\n{_FATAL}")
    seen: set[str] = set()
    for name, value in request.headers:
        verb = "Add" if name.lower() in seen else "Set"
        seen.add(name.lower())
        code.append(f"\treq.Header.{verb}({go_str(name)}, {go_str(value)})\n")
    if isinstance(body, MultipartBody):
        code.append('\treq.Header.Set("Content-Type", writer.FormDataContentType())\n')
    else:
        media_type = content_type(request)
        if media_type and "content-type" not in seen:
            code.append(f'\treq.Header.Set("Content-Type", {go_str(media_type)})\n')
    for name, value in request.cookies:
        code.append(f"\treq.AddCookie(&http.Cookie{{Name: {go_str(name)}, Value: {go_str(value)}}})\n")
    code.append(
        "\n\tres, err := http.DefaultClient.Do(req)\n\tif err != nil {\n" + _FATAL + "\tdefer res.Body.Close()\n\n"
        "\tbody, err := io.ReadAll(res.Body)\n\tif err != nil {\n" + _FATAL + "\n"
        "\tfmt.Println(res.Status)\n\tfmt.Println(string(body))\n"
    )
    head = "package main\n\nimport (\n" + "".join(f'\t"{name}"\n' for name in sorted(imports)) + ")\n\n"
    return finish(head + "func main() {\n" + "".join(code) + "}\n")


def _multipart(parts: tuple[Part, ...], imports: set[str]) -> list[str]:
    code = ["\tpayload := &bytes.Buffer{}\n", "\twriter := multipart.NewWriter(payload)\n"]
    declared = False  # `part, err :=` the first time, `=` afterwards
    for part in parts:
        if not part.is_file and not part.content_type:
            code.append(
                f"\tif err := writer.WriteField({go_str(part.name)}, {go_str(part.value)}); err != nil {{\n{_FATAL}"
            )
            continue
        if part.is_file and part.content_type in ("", "application/octet-stream"):
            create = f"writer.CreateFormFile({go_str(part.name)}, {go_str(part.filename or '')})"
        else:
            imports.add("net/textproto")
            disposition = f'form-data; name="{_escape_quotes(part.name)}"'
            if part.is_file:
                disposition += f'; filename="{_escape_quotes(part.filename or "")}"'
            create = (
                "writer.CreatePart(textproto.MIMEHeader{\n"
                f'\t\t"Content-Disposition": {{{go_raw_or_str(disposition)}}},\n'
                f'\t\t"Content-Type":        {{{go_str(part.content_type)}}},\n'
                "\t})"
            )
        code.append(f"\tpart, err {'=' if declared else ':='} {create}\n\tif err != nil {{\n{_FATAL}")
        declared = True
        code.append(f"\tif _, err := io.WriteString(part, {go_str(part.value)}); err != nil {{\n{_FATAL}")
    code.append(f"\tif err := writer.Close(); err != nil {{\n{_FATAL}")
    return code


def _escape_quotes(text: str) -> str:
    # what mime/multipart's CreateFormFile does to names and file names
    return text.replace("\\", "\\\\").replace('"', '\\"')


register_target(Target(name="go_native", language="go", client="net/http", render=render, extension="go"))
