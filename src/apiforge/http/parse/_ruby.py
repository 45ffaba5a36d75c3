"""Ruby with `net/http`: `URI(...)`, `Net::HTTP::Post.new(url)`, `request["X"] = ...`, `request.body = ...`."""

from __future__ import annotations

import base64

from apiforge.http._models import Part
from apiforge.http.parse._draft import Draft, ParseResult
from apiforge.http.parse._eval import Evaluator, FileRef, as_text, plain
from apiforge.http.parse._reader import Call, Name
from apiforge.http.parse._tokens import Syntax

__all__ = ["parse_ruby"]

RUBY = Syntax("ruby", hash_comments=True, single="raw", byte_escapes=True, interpolation="ruby", symbols=True)
_VERBS = {"Get", "Post", "Put", "Patch", "Delete", "Head", "Options"}


def parse_ruby(text: str) -> ParseResult:
    ev = Evaluator(text, RUBY)
    draft = Draft("ruby")
    uris = [ev.text(c.args[0]) for c in ev.calls if c.name in ("URI", "URI.parse") and c.args]
    request_var = ""
    for call in ev.calls:
        parts = call.name.split(".")
        if len(parts) == 4 and parts[:2] == ["Net", "HTTP"] and parts[2] in _VERBS and parts[3] == "new":
            draft.method = parts[2].upper()
            url = ev.text(call.args[0]) if call.args else ""
            draft.url = url if "://" in url or not uris else uris[0]
            if len(call.args) > 1:
                headers = ev.value(call.args[1])
                if isinstance(headers, dict):
                    draft.headers.extend((k, as_text(v)) for k, v in headers.items())
            request_var = next((t for t, node in ev.env.items() if _same_call(node, call)), "request")
            break
        if (
            parts[:2] == ["Net", "HTTP"]
            and len(parts) == 3
            and parts[2] in ("get", "get_response", "post", "post_form")
        ):
            draft.method = "GET" if parts[2].startswith("get") else "POST"
            draft.url = ev.text(call.args[0]) if call.args else (uris[0] if uris else "")
            if parts[2] == "post_form" and len(call.args) > 1:
                form = ev.value(call.args[1])
                if isinstance(form, dict):
                    draft.body_form = [(k, as_text(v)) for k, v in form.items()]
            elif parts[2] == "post" and len(call.args) > 1:
                draft.body_text = ev.text(call.args[1])
                headers = ev.value(call.args[2]) if len(call.args) > 2 else None
                if isinstance(headers, dict):
                    draft.headers.extend((k, as_text(v)) for k, v in headers.items())
            break
    if request_var:
        for target, key, node in ev.index_sets:
            if target == request_var:
                draft.headers.append((ev.text(key), ev.text(node)))
        if f"{request_var}.body" in ev.env:
            body = ev.value(Name(f"{request_var}.body"))
            if isinstance(body, (dict, list)):
                draft.set_json(plain(body))
            elif body is not None:
                draft.body_text = as_text(body)
        if f"{request_var}.content_type" in ev.env:
            draft.headers.append(("Content-Type", ev.text(Name(f"{request_var}.content_type"))))
        for call in ev.calls:
            if not call.name.startswith(request_var + "."):
                continue
            method = call.name[len(request_var) + 1 :]
            if method in ("add_field", "[]=") and len(call.args) >= 2:
                draft.headers.append((ev.text(call.args[0]), ev.text(call.args[1])))
            elif method in ("set_form_data", "form_data=") and call.args:
                draft.body_form = _form_pairs(ev.value(call.args[0]))
            elif method == "set_form" and call.args:
                enctype = ev.text(call.args[1]) if len(call.args) > 1 else "application/x-www-form-urlencoded"
                if enctype.startswith("multipart/"):
                    draft.body_parts = _parts(ev.value(call.args[0]))
                else:
                    draft.body_form = _form_pairs(ev.value(call.args[0]))
            elif method == "basic_auth" and len(call.args) >= 2:
                user = f"{ev.text(call.args[0])}:{ev.text(call.args[1])}"
                draft.headers.append(("Authorization", "Basic " + base64.b64encode(user.encode()).decode()))
    return draft.finish()


def _same_call(node: object, call: Call) -> bool:
    return isinstance(node, Call) and node.name == call.name and node.args == call.args


def _form_pairs(value: object) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [(k, as_text(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [(as_text(p[0]), as_text(p[1])) for p in value if isinstance(p, list) and len(p) >= 2]
    return []


def _parts(value: object) -> list[Part]:
    """`set_form([[name, value, {filename:, content_type:}], ...], "multipart/form-data")`."""
    parts = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, list) or len(item) < 2:
            continue
        options = item[2] if len(item) > 2 and isinstance(item[2], dict) else {}
        content = item[1]
        filename = options.get("filename")
        if isinstance(content, FileRef):
            filename = filename or content.path.rsplit("/", 1)[-1]
            content = ""
        parts.append(
            Part(
                as_text(item[0]),
                as_text(content),
                None if filename is None else as_text(filename),
                as_text(options.get("content_type", "")),
            )
        )
    return parts
