"""Literal builders shared by the JavaScript targets (`node_fetch`, `node_request`, `javascript_*`)."""

from __future__ import annotations

import re

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part
from apiforge.snippets._common import body_of, content_type, grouped, js_str, json_text, raw_text

__all__ = ["body_expression", "form_data_lines", "header_items", "js_key", "js_object", "search_params"]

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


def js_key(name: str) -> str:
    """An object key: bare when it is an identifier (`Accept`), else quoted (`'Content-Type'`)."""
    return name if _IDENTIFIER.match(name) else js_str(name)


def js_object(items: list[tuple[str, str]], indent: str = "") -> str:
    """`{k: v, ...}` over several lines from rendered keys and values (values indented by their owner)."""
    if not items:
        return "{}"
    inner = indent + "  "
    return "{\n" + ",\n".join(f"{inner}{k}: {v}" for k, v in items) + "\n" + indent + "}"


def header_items(request: HttpRequest, *, implicit_form: bool, cookie: str | None) -> list[tuple[str, str]]:
    """Rendered header entries, with the `Content-Type` the client does not set and an optional `Cookie`.

    `implicit_form`: the client sets the form media type itself (a `URLSearchParams` body). Repeated names are
    joined with ', ' (equivalent in HTTP).
    """
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, value in request.headers:
        merged.setdefault(name.lower(), (name, []))[1].append(value)
    media_type = content_type(request)
    implicit = implicit_form and media_type == "application/x-www-form-urlencoded"
    if media_type and not implicit and "content-type" not in merged:
        merged["content-type"] = ("Content-Type", [media_type])
    if cookie:
        merged["cookie"] = ("Cookie", [cookie])
    return [(js_key(name), js_str(", ".join(values))) for name, values in merged.values()]


def search_params(fields: tuple[tuple[str, str], ...]) -> str:
    """`new URLSearchParams(...)`: from an object, or from pairs when a key repeats."""
    if len(grouped(fields)) == len(fields):
        return "new URLSearchParams(" + js_object([(js_key(k), js_str(v)) for k, v in fields]) + ")"
    return "new URLSearchParams([\n" + ",\n".join(f"  [{js_str(k)}, {js_str(v)}]" for k, v in fields) + "\n])"


def form_data_lines(parts: tuple[Part, ...], name: str = "form") -> list[str]:
    """`const form = new FormData(); form.append(...)` lines; files as in-memory `Blob`s with their file name.

    A plain field's own content type cannot be expressed with `FormData` (only files carry a type); it is dropped.
    """
    lines = [f"const {name} = new FormData();"]
    for part in parts:
        if part.is_file:
            options = f", {{ type: {js_str(part.content_type)} }}" if part.content_type else ""
            blob = f"new Blob([{js_str(part.value)}]{options})"
            lines.append(f"{name}.append({js_str(part.name)}, {blob}, {js_str(part.filename or '')});")
        else:
            lines.append(f"{name}.append({js_str(part.name)}, {js_str(part.value)});")
    return lines


def body_expression(request: HttpRequest) -> str:
    """The `body` value for fetch/XHR of a non-multipart body: `JSON.stringify(...)`, URLSearchParams or a string."""
    body = body_of(request)
    if isinstance(body, JsonBody):
        return "JSON.stringify(" + json_text(body.value) + ")"
    if isinstance(body, FormBody):
        return search_params(body.fields)
    if isinstance(body, MultipartBody):
        raise TypeError("multipart bodies are rendered with form_data_lines()")
    return js_str(raw_text(body)) if body is not None else "null"
