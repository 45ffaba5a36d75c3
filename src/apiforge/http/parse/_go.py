"""Go with `net/http`: `http.NewRequest`, `req.Header.Add/Set`, `strings.NewReader(...)`, `http.Get/Post/PostForm`."""

from __future__ import annotations

import base64
import re
import urllib.parse
from typing import Any

from apiforge.http._models import Part
from apiforge.http.parse._draft import Draft, ParseResult, parse_multipart_text
from apiforge.http.parse._eval import Evaluator, FileRef, UnknownValue, as_text
from apiforge.http.parse._reader import Call, Name, Node
from apiforge.http.parse._tokens import Syntax

__all__ = ["parse_go"]

GO = Syntax("go", backtick="raw", byte_escapes=True)
_MAP_TYPE = re.compile(r"\bmap\[[^\]]*\](?:\[\])?[\w.*]*\s*\{")
_SLICE_TYPE = re.compile(r"\[\](?:byte|string)\s*(?=[({])")


def _hook(ev: Evaluator, call: Call) -> Any:
    name = call.name
    if name.endswith(".Encode") and not call.args:  # `form.Encode()` of a `url.Values` built up with `.Add`
        return urllib.parse.urlencode(_values(ev, name.removesuffix(".Encode")))
    if name.endswith(".FormDataContentType"):
        return "multipart/form-data"
    if name.endswith("multipart.NewWriter"):
        return _MULTIPART
    return NotImplemented


_MULTIPART = "\0multipart"


def _values(ev: Evaluator, var: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    initial = ev.value(ev.env[var]) if var in ev.env else None
    if isinstance(initial, dict):
        pairs.extend((k, as_text(v)) for k, vs in initial.items() for v in _listed(vs))
    for call in ev.calls_named(var + ".Add", var + ".Set"):
        if len(call.args) >= 2:
            pairs.append((ev.text(call.args[0]), ev.text(call.args[1])))
    return pairs


def _multipart_parts(ev: Evaluator, draft: Draft) -> list[Part]:
    """`mime/multipart`: `WriteField`, `CreateFormFile`, `CreatePart(MIMEHeader{...})`, then writes to the part."""
    parts: list[Part] = []
    for call in ev.calls:
        name, args = call.name, call.args
        if name.endswith(".WriteField") and len(args) >= 2:
            parts.append(Part(ev.text(args[0]), ev.text(args[1])))
        elif name.endswith((".CreateFormFile", ".CreateFormField")) and args:
            filename = ev.text(args[1]) if len(args) > 1 else None
            parts.append(Part(ev.text(args[0]), "", filename, "application/octet-stream" if filename else ""))
        elif name.endswith(".CreatePart") and args:
            header = ev.value(args[0])
            header = header if isinstance(header, dict) else {}
            disposition = as_text(_first(header.get("Content-Disposition")))
            parsed = parse_multipart_text(f"--b\r\nContent-Disposition: {disposition}\r\n\r\n\r\n--b--", boundary="b")
            part = parsed[0] if parsed else Part("")
            parts.append(Part(part.name, "", part.filename, as_text(_first(header.get("Content-Type")))))
        elif parts and (
            name in ("io.WriteString", "io.Copy", "fmt.Fprint") and len(args) >= 2 or name.endswith(".Write")
        ):
            content = ev.value(args[-1]) if args else ""
            if isinstance(content, FileRef):
                draft.notes.append(f"multipart file {content.path!r} (not read)")
                content = ""
            last = parts[-1]
            parts[-1] = Part(last.name, last.value + as_text(content), last.filename, last.content_type)
    return parts


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def parse_go(text: str) -> ParseResult:
    # Type syntax the expression reader does not need: `map[string]string{` → `map{`, `[]byte(x)` → `byte(x)`.
    text = _SLICE_TYPE.sub(lambda m: "byte" if "byte" in m.group(0) else "", _MAP_TYPE.sub("map{", text))
    ev = Evaluator(text, GO, hook=_hook)
    draft = Draft("go")
    for call in ev.calls:
        name = call.name
        args = call.args
        if name.endswith(("NewRequest", "NewRequestWithContext")) and len(args) >= 2:
            if name.endswith("WithContext"):
                args = args[1:]
            draft.method = _method(ev, args[0])
            draft.url = ev.text(args[1])
            if len(args) > 2:
                _body(ev, draft, args[2])
            break
        short = name.rsplit(".", 1)[-1]
        if name.count(".") == 1 and "Header" not in name and short in ("Get", "Head", "Post", "PostForm") and args:
            draft.method = "GET" if short == "Get" else "HEAD" if short == "Head" else "POST"
            draft.url = ev.text(args[0])
            if short == "Post" and len(args) >= 3:
                draft.media_type = ev.text(args[1])
                _body(ev, draft, args[2])
            elif short == "PostForm" and len(args) >= 2:
                form = ev.value(args[1])
                if isinstance(form, dict):
                    draft.body_form = [(k, as_text(v)) for k, vs in form.items() for v in _listed(vs)]
            break
    for call in ev.calls:
        name, args = call.name, call.args
        if name.endswith((".Header.Add", ".Header.Set")) and len(args) >= 2:
            draft.headers.append((ev.text(args[0]), ev.text(args[1])))
        elif name.endswith(".SetBasicAuth") and len(args) >= 2:
            user = f"{ev.text(args[0])}:{ev.text(args[1])}"
            draft.headers.append(("Authorization", "Basic " + base64.b64encode(user.encode()).decode()))
        elif name.endswith(".AddCookie") and args:
            cookie = ev.value(args[0])
            if isinstance(cookie, dict):
                draft.cookies.append((as_text(cookie.get("Name")), as_text(cookie.get("Value"))))
    for target, node in ev.env.items():
        if target.endswith("URL.RawQuery"):
            draft.query.extend(urllib.parse.parse_qsl(ev.text(node), keep_blank_values=True))
    return draft.finish()


def _method(ev: Evaluator, node: Node) -> str:
    if isinstance(node, Name) and node.path.startswith("http.Method"):
        return node.path.removeprefix("http.Method").upper()
    value = ev.value(node)
    return as_text(value).upper() if not isinstance(value, UnknownValue) else "GET"


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _body(ev: Evaluator, draft: Draft, node: Node) -> None:
    value = ev.value(node)
    if value is None:
        return
    source = ev.env.get(node.path) if isinstance(node, Name) else None
    writers = [t for t, n in ev.env.items() if isinstance(n, Call) and n.name.endswith("multipart.NewWriter")]
    if writers or (isinstance(source, Call) and source.name.endswith("multipart.NewWriter")):
        draft.body_parts = _multipart_parts(ev, draft)
        return
    if isinstance(value, FileRef):
        draft.notes.append(f"body read from file {value.path!r} (not read)")
        value = ""
    draft.body_text = as_text(value)
