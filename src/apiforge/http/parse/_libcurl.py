"""libcurl in C and PHP: both set the request through `CURLOPT_*` options, so they share one reader of options."""

from __future__ import annotations

import base64
from typing import Any

from apiforge.http._models import Part
from apiforge.http.parse._draft import Draft, ParseResult
from apiforge.http.parse._eval import Evaluator, FileRef, UnknownValue, as_text
from apiforge.http.parse._reader import Call, Name, Node, Obj
from apiforge.http.parse._tokens import Syntax

__all__ = ["parse_c", "parse_php"]

C = Syntax("c", byte_escapes=True)
PHP = Syntax(
    "php",
    hash_comments=True,
    single="raw",
    byte_escapes=True,
    interpolation="php",
    concat=(".",),
    member=("->", "::", "?->"),
)


def parse_c(text: str) -> ParseResult:
    """C with libcurl's easy interface (`curl_easy_setopt`, `curl_slist_append`, the `curl_mime_*` calls)."""
    ev = Evaluator(text, C)
    draft = Draft("c")
    options = [(_option(c.args[1]), c.args[2]) for c in ev.calls_named("curl_easy_setopt") if len(c.args) >= 3]
    headers = [ev.text(c.args[1]) for c in ev.calls_named("curl_slist_append") if len(c.args) >= 2]
    _apply(ev, draft, options, headers)
    parts = _mime_parts(ev)
    if parts:
        draft.body_parts = parts
        draft.method = draft.method or "POST"
    return draft.finish()


def parse_php(text: str) -> ParseResult:
    """PHP with the curl extension (`curl_setopt_array`, `curl_setopt`)."""
    ev = Evaluator(text, PHP, hook=php_hook)
    draft = Draft("php")
    options: list[tuple[str, Node]] = []
    for call in ev.calls:
        if call.name == "curl_setopt_array" and len(call.args) >= 2:
            table = call.args[1]
            if isinstance(table, Name):
                table = ev.env.get(table.path, table)
            if isinstance(table, Obj):
                options.extend((_option(k), v) for k, v in table.items)
            options.extend((k, v) for k, v in call.kwargs)  # `array(CURLOPT_URL => ...)`
        elif call.name == "curl_setopt" and len(call.args) >= 3:
            options.append((_option(call.args[1]), call.args[2]))
        elif call.name == "curl_init" and call.args:
            options.insert(0, ("CURLOPT_URL", call.args[0]))
    _apply(ev, draft, options, [])
    return draft.finish()


def _option(node: Node) -> str:
    if isinstance(node, Name):
        return node.path
    return as_text(getattr(node, "value", ""))


def _apply(ev: Evaluator, draft: Draft, options: list[tuple[str, Node]], header_lines: list[str]) -> None:
    post = False
    for name, node in options:
        value = ev.value(node)
        if name == "CURLOPT_URL":
            draft.url = as_text(value)
        elif name == "CURLOPT_CUSTOMREQUEST":
            draft.method = as_text(value).upper()
        elif name in ("CURLOPT_POST", "CURLOPT_PUT", "CURLOPT_NOBODY", "CURLOPT_HTTPGET") and _truthy(value):
            post = post or name == "CURLOPT_POST"
            implied = {"CURLOPT_PUT": "PUT", "CURLOPT_NOBODY": "HEAD", "CURLOPT_HTTPGET": "GET"}.get(name)
            if implied and draft.method is None:
                draft.method = implied
        elif name == "CURLOPT_HTTPHEADER":
            if isinstance(value, list):
                header_lines.extend(as_text(v) for v in value)
            elif isinstance(value, dict):
                header_lines.extend(as_text(v) for v in value.values())
        elif name in ("CURLOPT_POSTFIELDS", "CURLOPT_COPYPOSTFIELDS"):
            _postfields(draft, value)
        elif name == "CURLOPT_USERPWD":
            draft.headers.append(("Authorization", "Basic " + base64.b64encode(as_text(value).encode()).decode()))
        elif name == "CURLOPT_XOAUTH2_BEARER":
            draft.headers.append(("Authorization", "Bearer " + as_text(value)))
        elif name == "CURLOPT_COOKIE":
            draft.headers.append(("Cookie", as_text(value)))
        elif name == "CURLOPT_USERAGENT":
            draft.headers.append(("User-Agent", as_text(value)))
        elif name == "CURLOPT_REFERER":
            draft.headers.append(("Referer", as_text(value)))
    for line in header_lines:
        draft.add_header_line(line)
    if post and draft.method is None:
        draft.method = "POST"
    if post and not draft.has_body:
        draft.body_text = ""
        draft.media_type = "application/x-www-form-urlencoded"


def _postfields(draft: Draft, value: Any) -> None:
    if isinstance(value, dict):  # PHP: an array of fields is sent as multipart/form-data
        draft.body_parts = [_php_part(k, v) for k, v in value.items()]
    elif isinstance(value, FileRef):
        draft.notes.append(f"body read from file {value.path!r} (not read)")
        draft.body_text = ""
    else:
        draft.body_text = as_text(value)
        draft.media_type = draft.media_type or "application/x-www-form-urlencoded"


def _php_part(name: str, value: Any) -> Part:
    if isinstance(value, FileRef):
        return Part(name, "", value.path.rsplit("/", 1)[-1], "")
    if isinstance(value, _CurlFile):
        return Part(name, value.content, value.filename, value.mime)
    return Part(name, as_text(value))


class _CurlFile:
    def __init__(self, path: str, mime: str, filename: str, content: str = "") -> None:
        self.path, self.mime, self.filename, self.content = path, mime, filename or path.rsplit("/", 1)[-1], content


def _truthy(value: Any) -> bool:
    return bool(value) and not isinstance(value, UnknownValue) and value not in ("0", "false")


def _mime_parts(ev: Evaluator) -> list[Part]:
    parts: list[dict[str, Any]] = []
    for call in ev.calls:
        name = call.name
        if name == "curl_mime_addpart":
            parts.append({"name": "", "value": "", "filename": None, "type": ""})
        elif not parts or len(call.args) < 2 or not name.startswith("curl_mime_"):
            continue
        elif name == "curl_mime_name":
            parts[-1]["name"] = ev.text(call.args[1])
        elif name == "curl_mime_data":
            parts[-1]["value"] = ev.text(call.args[1])
        elif name == "curl_mime_filedata":
            path = ev.text(call.args[1])
            parts[-1]["filename"] = parts[-1]["filename"] or path.rsplit("/", 1)[-1]
        elif name == "curl_mime_filename":
            parts[-1]["filename"] = ev.text(call.args[1])
        elif name == "curl_mime_type":
            parts[-1]["type"] = ev.text(call.args[1])
    return [Part(p["name"], p["value"], p["filename"], p["type"]) for p in parts]


def php_hook(ev: Evaluator, call: Call) -> Any:
    """`new CURLFile(path, mime, name)` / `curl_file_create(...)` become file parts."""
    if call.name in ("CURLFile", "curl_file_create", "CURLStringFile") and call.args:
        texts = [ev.text(a) for a in call.args] + ["", ""]
        if call.name == "CURLStringFile":  # (data, postname, mime): the content is inline
            return _CurlFile("", texts[2], texts[1] or "blob", content=texts[0])
        return _CurlFile(texts[0], texts[1], texts[2])
    return NotImplemented
