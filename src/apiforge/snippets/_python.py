"""Literal builders shared by the Python targets (`python_requests`, `python_httpx`, `python_python3`)."""

from __future__ import annotations

from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody
from apiforge.snippets._common import body_of, content_type, grouped, py_literal, py_str, raw_text

__all__ = ["call_arguments", "dict_literal", "file_tuples", "header_dict", "list_literal", "pairs_literal"]


def dict_literal(items: list[tuple[str, str]]) -> str:
    """`{"k": v, ...}` from already-rendered values: inline for one short item, else one item per line."""
    if len(items) == 1:
        key, value = items[0]
        line = "{" + key + ": " + value + "}"
        if len(line) < 80 and "\n" not in value:
            return line
    return "{\n" + "".join(f"    {k}: {v},\n" for k, v in items) + "}"


def list_literal(items: list[str]) -> str:
    """`[a, b]` from rendered items: inline when short, else one item per line."""
    line = "[" + ", ".join(items) + "]"
    if len(line) < 80 and "\n" not in line:
        return line
    return "[\n" + "".join(f"    {item},\n" for item in items) + "]"


def pairs_literal(pairs: tuple[tuple[str, str], ...], *, single: bool = False) -> str:
    """A dict literal of string pairs; a repeated key becomes a list (`params`, `data`), or keeps its last value
    when `single` (cookies). Interleaved repeated keys keep their order as a list of pairs."""
    keys = [k for k, _ in pairs]
    interleaved = not single and keys != sorted(keys, key=keys.index)
    if interleaved:
        # `tag=a&limit=5&tag=b`: a dict would regroup the keys; requests and httpx also take a list of pairs.
        return "[" + ", ".join(f"({py_str(k)}, {py_str(v)})" for k, v in pairs) + "]"
    items = []
    for key, values in grouped(pairs).items():
        if len(values) == 1 or single:
            items.append((py_str(key), py_str(values[-1])))
        else:
            items.append((py_str(key), "[" + ", ".join(py_str(v) for v in values) + "]"))
    return dict_literal(items)


def header_dict(request: HttpRequest, *, implicit_json: bool, implicit_form: bool = True) -> list[tuple[str, str]]:
    """Rendered `(name, value)` items for a headers dict, with the `Content-Type` the client does not set itself.

    `implicit_json` / `implicit_form`: the client sends `application/json` (`json=`) or the form media type
    (`data=` with a dict) on its own. Repeated names are joined with
    ', ', which HTTP defines as equivalent.
    """
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, value in request.headers:
        merged.setdefault(name.lower(), (name, []))[1].append(value)
    media_type = content_type(request)
    body = body_of(request)
    implicit = (implicit_json and media_type == "application/json") or (
        implicit_form and isinstance(body, FormBody) and media_type == "application/x-www-form-urlencoded"
    )
    if media_type and not implicit and "content-type" not in merged:
        merged["content-type"] = ("Content-Type", [media_type])
    return [(py_str(name), py_str(", ".join(values))) for name, values in merged.values()]


def file_tuples(body: MultipartBody) -> str:
    """The `files=` argument of requests/httpx: `(filename, content, content_type)` per part, `None` filename for
    plain fields; a list of pairs when a field name repeats (a dict would drop it)."""
    items = []
    for part in body.parts:
        fields = [py_str(part.filename) if part.is_file else "None", py_str(part.value)]
        if part.content_type:
            fields.append(py_str(part.content_type))
        items.append((py_str(part.name), "(" + ", ".join(fields) + ")"))
    if len({k for k, _ in items}) == len(items):
        return dict_literal(items)
    return "[\n" + "".join(f"    ({k}, {v}),\n" for k, v in items) + "]"


def call_arguments(
    request: HttpRequest, *, raw_keyword: str, cookies_argument: bool, encode_non_ascii: bool
) -> tuple[list[str], list[str]]:
    """The variable lines and call arguments shared by the `requests` and `httpx` targets.

    The two libraries differ only in small ways, passed in: the keyword for raw bytes (`data` / `content`),
    whether cookies go on the call (requests) or on a client (httpx), and whether a non-ASCII `str` body must be
    encoded by hand (requests sends `str` Latin-1 encoded through http.client).
    """
    lines = ["url = " + py_str(request.url)]
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
        if cookies_argument:
            args.append("cookies=cookies")
    if isinstance(body, JsonBody):
        if body.value is None:  # json=None would mean "no body"; a JSON null body is the text 'null'
            lines.append('payload = "null"')
            args.append(f"{raw_keyword}=payload")
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
        plain = text.isascii() or not encode_non_ascii
        args.append(f"{raw_keyword}=payload" if plain else f'{raw_keyword}=payload.encode("utf-8")')
    return lines, args
