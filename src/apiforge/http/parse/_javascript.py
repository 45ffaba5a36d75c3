"""JavaScript / Node: `XMLHttpRequest`, `fetch`, the `request` package and `axios` (best effort)."""

from __future__ import annotations

import base64
import urllib.parse
from dataclasses import dataclass
from typing import Any

from apiforge.http._models import Part
from apiforge.http.parse._draft import Draft, ParseResult
from apiforge.http.parse._eval import Evaluator, FileRef, UnknownValue, as_text, plain
from apiforge.http.parse._reader import Call, Name, Node, Obj
from apiforge.http.parse._tokens import Syntax

__all__ = ["parse_javascript"]

JS = Syntax("javascript", backtick="template")
_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")


@dataclass(frozen=True, slots=True)
class _Blob:
    """`new Blob(["text"], {type})` / `new File(["text"], "name", {type})`."""

    content: str
    content_type: str
    filename: str | None = None


def _hook(ev: Evaluator, call: Call) -> Any:
    if call.name in ("Blob", "File", "buffer.Blob") and call.args:
        chunks = ev.value(call.args[0])
        content = "".join(as_text(c) for c in chunks) if isinstance(chunks, list) else as_text(chunks)
        name = ev.text(call.args[1]) if call.name == "File" and len(call.args) > 1 else None
        options = ev.value(call.args[-1]) if len(call.args) > (2 if call.name == "File" else 1) else {}
        content_type = as_text(options.get("type", "")) if isinstance(options, dict) else ""
        return _Blob(content, content_type, name)
    if call.name.endswith("URLSearchParams"):
        return _Form(_pairs(ev, call.args[0]) if call.args else [])
    return NotImplemented


@dataclass(frozen=True, slots=True)
class _Form:
    fields: list[tuple[str, str]]

    def __str__(self) -> str:
        return urllib.parse.urlencode(self.fields)


def parse_javascript(text: str) -> ParseResult:
    ev = Evaluator(text, JS, hook=_hook)
    draft = Draft("javascript")
    if not (_xhr(ev, draft) or _fetch(ev, draft) or _axios(ev, draft) or _request(ev, draft)):
        draft.notes.append("no XMLHttpRequest, fetch, axios or request call found")
    return draft.finish()


def _xhr(ev: Evaluator, draft: Draft) -> bool:
    opens = [c for c in ev.calls_named(".open") if len(c.args) >= 2]
    if not opens or "XMLHttpRequest" not in {c.name for c in ev.calls}:
        return False
    draft.method = ev.text(opens[0].args[0]).upper()
    draft.url = ev.text(opens[0].args[1])
    for call in ev.calls_named(".setRequestHeader"):
        if len(call.args) >= 2:
            draft.headers.append((ev.text(call.args[0]), ev.text(call.args[1])))
    for call in ev.calls_named(".send"):
        if call.args:
            _body(ev, draft, call.args[0])
    return True


def _fetch(ev: Evaluator, draft: Draft) -> bool:
    calls = [c for c in ev.calls if c.name == "fetch" and c.args]
    if not calls:
        return False
    call = calls[0]
    draft.url = ev.text(call.args[0])
    options = _object(ev, call.args[1]) if len(call.args) > 1 else None
    if options is not None:
        items = dict(options.items) if isinstance(options, _Items) else {}
        if "method" in items:
            draft.method = ev.text(items["method"]).upper()
        if "headers" in items:
            draft.headers.extend(_pairs(ev, items["headers"]))
        if "body" in items:
            _body(ev, draft, items["body"])
    return True


def _axios(ev: Evaluator, draft: Draft) -> bool:
    for call in ev.calls:
        name = call.name
        if name in ("axios", "axios.request") and call.args:
            config = _object(ev, call.args[0])
            if config is None:
                draft.url = ev.text(call.args[0])
                config = _object(ev, call.args[1]) if len(call.args) > 1 else None
            _config(ev, draft, config)
            return True
        if name.startswith("axios.") and name[6:] in _METHODS and call.args:
            draft.method = name[6:].upper()
            draft.url = ev.text(call.args[0])
            rest = list(call.args[1:])
            if draft.method in ("POST", "PUT", "PATCH") and rest:
                _body(ev, draft, rest.pop(0), objects_are_json=True)
            _config(ev, draft, _object(ev, rest[0]) if rest else None)
            return True
    return False


def _config(ev: Evaluator, draft: Draft, config: _Items | None) -> None:
    items = dict(config.items) if config is not None else {}
    if "url" in items:
        draft.url = ev.text(items["url"])
    if "baseURL" in items:
        draft.url = ev.text(items["baseURL"]).rstrip("/") + "/" + (draft.url or "").lstrip("/")
    if "method" in items:
        draft.method = ev.text(items["method"]).upper()
    if "params" in items:
        draft.query.extend(_pairs(ev, items["params"]))
    if "headers" in items:
        draft.headers.extend(_pairs(ev, items["headers"]))
    if "data" in items:
        _body(ev, draft, items["data"], objects_are_json=True)
    if "auth" in items:
        auth = ev.value(items["auth"])
        if isinstance(auth, dict):
            _basic(draft, as_text(auth.get("username")), as_text(auth.get("password")))


def _request(ev: Evaluator, draft: Draft) -> bool:
    """The `request` package: `request(options, cb)`, `request.post(options)`, `request(url)`."""
    for call in ev.calls:
        name = call.name
        method = name.split(".", 1)[1] if name.startswith("request.") else ""
        if not call.args or not (name == "request" or method in _METHODS):
            continue
        options = _object(ev, call.args[0])
        if options is None:
            draft.url = ev.text(call.args[0])
            options = _object(ev, call.args[1]) if len(call.args) > 1 and _object(ev, call.args[1]) else None
        if method:
            draft.method = method.upper()
        items = dict(options.items) if options is not None else {}
        for key in ("url", "uri"):
            if key in items:
                draft.url = ev.text(items[key])
        if "baseUrl" in items:
            draft.url = ev.text(items["baseUrl"]).rstrip("/") + "/" + (draft.url or "").lstrip("/")
        if "method" in items:
            draft.method = ev.text(items["method"]).upper()
        if "qs" in items:
            draft.query.extend(_pairs(ev, items["qs"]))
        if "headers" in items:
            draft.headers.extend(_pairs(ev, items["headers"]))
        json_flag = ev.value(items["json"]) if "json" in items else None
        if "body" in items:
            _body(ev, draft, items["body"], objects_are_json=json_flag is True)
        elif isinstance(json_flag, (dict, list)):
            draft.set_json(plain(json_flag))
        if "form" in items:
            form = ev.value(items["form"])
            if isinstance(form, dict):
                draft.body_form = _value_pairs(form)
            else:
                draft.body_text = as_text(form)
                draft.media_type = "application/x-www-form-urlencoded"
        if "formData" in items:
            draft.body_parts = _parts_from_object(ev.value(items["formData"]))
        if "auth" in items:
            auth = ev.value(items["auth"])
            if isinstance(auth, dict) and "bearer" in auth:
                draft.headers.append(("Authorization", "Bearer " + as_text(auth["bearer"])))
            elif isinstance(auth, dict):
                _basic(
                    draft,
                    as_text(auth.get("user", auth.get("username"))),
                    as_text(auth.get("pass", auth.get("password"))),
                )
        return True
    return False


class _Items:
    """An object literal's `(key, node)` items (keys as text)."""

    def __init__(self, items: list[tuple[str, Node]]) -> None:
        self.items = items


def _object(ev: Evaluator, node: Node, depth: int = 0) -> _Items | None:
    """The object literal `node` is, or refers to (through variables)."""
    if isinstance(node, Name) and node.path in ev.env and depth < 10:
        return _object(ev, ev.env[node.path], depth + 1)
    if isinstance(node, Obj):
        return _Items([(ev.text(k), v) for k, v in node.items])
    return None


def _pairs(ev: Evaluator, node: Node) -> list[tuple[str, str]]:
    return _value_pairs(ev.value(node))


def _value_pairs(value: Any) -> list[tuple[str, str]]:
    """An object (array values repeat the key), an array of `[key, value]` pairs, or a query string."""
    if isinstance(value, _Form):
        return list(value.fields)
    if isinstance(value, dict):
        return [
            (k, as_text(one))
            for k, v in value.items()
            for one in (v if isinstance(v, list) else [v])
            if one is not None
        ]
    if isinstance(value, list):
        return [(as_text(p[0]), as_text(p[1])) for p in value if isinstance(p, list) and len(p) == 2]
    if isinstance(value, str):
        return urllib.parse.parse_qsl(value, keep_blank_values=True)
    return []


def _body(ev: Evaluator, draft: Draft, node: Node, *, objects_are_json: bool = False) -> None:
    """A body expression: a string, `JSON.stringify(...)`, `URLSearchParams`, `FormData`, or an object."""
    if isinstance(node, Name) and node.path in ev.env:
        source = ev.env[node.path]
        kind = source.name if isinstance(source, Call) else ""
        if kind.endswith("FormData"):
            parts = []
            for call in ev.calls_named(node.path + ".append", node.path + ".set"):
                if len(call.args) >= 2:
                    value = ev.value(call.args[1])
                    filename = ev.text(call.args[2]) if len(call.args) > 2 else None
                    if isinstance(value, FileRef):
                        filename = filename or value.path.rsplit("/", 1)[-1]
                        draft.notes.append(f"multipart file {value.path!r} (not read)")
                        value = ""
                    if isinstance(value, _Blob):
                        filename = filename or value.filename or "blob"
                        parts.append(Part(ev.text(call.args[0]), value.content, filename, value.content_type))
                    else:
                        parts.append(Part(ev.text(call.args[0]), as_text(value), filename))
            draft.body_parts = parts
            return
        if kind.endswith("URLSearchParams"):
            fields = list(_pairs(ev, source.args[0])) if source.args else []
            for call in ev.calls_named(node.path + ".append", node.path + ".set"):
                if len(call.args) >= 2:
                    fields.append((ev.text(call.args[0]), ev.text(call.args[1])))
            draft.body_form = fields
            return
    value = ev.value(node)
    if value is None or isinstance(value, UnknownValue) and value.name in ("null", "undefined"):
        return
    if isinstance(value, _Form):
        draft.body_form = list(value.fields)
    elif isinstance(value, _Blob):
        draft.body_text = value.content
        draft.media_type = value.content_type
    elif isinstance(value, (dict, list)) and objects_are_json:
        draft.set_json(plain(value))
    elif isinstance(value, FileRef):
        draft.notes.append(f"body read from file {value.path!r} (not read)")
        draft.body_text = ""
    else:
        draft.body_text = as_text(value)


def _parts_from_object(value: Any) -> list[Part]:
    parts = []
    if not isinstance(value, dict):
        return parts
    for name, item in value.items():
        items = item if isinstance(item, list) else [item]
        for one in items:
            if isinstance(one, dict) and "value" in one:
                options = one.get("options") if isinstance(one.get("options"), dict) else {}
                inner = one["value"]
                filename = options.get("filename")
                if isinstance(inner, FileRef):
                    filename = filename or inner.path.rsplit("/", 1)[-1]
                content = "" if isinstance(inner, FileRef) else as_text(inner)
                parts.append(Part(name, content, filename, as_text(options.get("contentType", ""))))
            elif isinstance(one, FileRef):
                parts.append(Part(name, "", one.path.rsplit("/", 1)[-1]))
            else:
                parts.append(Part(name, as_text(one)))
    return parts


def _basic(draft: Draft, user: str, password: str) -> None:
    draft.headers.append(("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()))
