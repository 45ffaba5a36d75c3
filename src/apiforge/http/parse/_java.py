"""Java: OkHttp (`Request.Builder`), `java.net.http` (`HttpRequest.newBuilder`) and Unirest, read from call chains."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from apiforge.http._models import Part
from apiforge.http.parse._draft import Draft, ParseResult
from apiforge.http.parse._eval import Evaluator, FileRef, as_text
from apiforge.http.parse._reader import Call, Member, Name, Node
from apiforge.http.parse._tokens import Syntax

__all__ = ["parse_java"]

JAVA = Syntax("java", triple="java")
_VERBS = {"get", "post", "put", "patch", "delete", "head", "options"}


@dataclass(slots=True)
class _Body:
    """What a `RequestBody` / `BodyPublisher` / multipart or form builder holds."""

    text: str | None = None
    media_type: str = ""
    parts: list[Part] | None = None
    form: list[tuple[str, str]] | None = None
    notes: list[str] = field(default_factory=list)


def parse_java(text: str) -> ParseResult:
    ev = Evaluator(text, JAVA, hook=_hook)
    draft = Draft("java")
    unirest = [c for c in ev.calls if c.name.startswith("Unirest.") and c.name[8:].lower() in _VERBS and c.args]
    if unirest:
        draft.method = unirest[0].name[8:].upper()
        draft.url = ev.text(unirest[0].args[0])
    for call in ev.calls:
        name, args = call.name, call.args
        if name in (".url", ".uri") and args and draft.url is None:
            draft.url = ev.text(args[0])
        elif name == ".method" and args:
            draft.method = ev.text(args[0]).upper()
            if len(args) > 1:
                _set_body(draft, ev.value(args[1]))
        elif name.startswith(".") and name[1:].lower() in _VERBS and not unirest:
            if name[1:] == "get" and args:
                continue  # `map.get(key)`, not the builder's GET
            draft.method = name[1:].upper()
            if args:
                _set_body(draft, ev.value(args[0]))
        elif name in (".addHeader", ".header", ".setHeader") and len(args) >= 2:
            draft.headers.append((ev.text(args[0]), ev.text(args[1])))
        elif name == ".headers" and len(args) >= 2:
            texts = [ev.text(a) for a in args]
            draft.headers.extend(zip(texts[::2], texts[1::2], strict=False))
        elif unirest and name in (".queryString", ".routeParam") and len(args) >= 2:
            if name == ".queryString":
                draft.query.append((ev.text(args[0]), ev.text(args[1])))
            else:
                draft.url = (draft.url or "").replace("{" + ev.text(args[0]) + "}", ev.text(args[1]))
        elif unirest and name == ".body" and args:
            _set_body(draft, ev.value(args[0]))
        elif unirest and name == ".field" and len(args) >= 2:
            draft.body_form = [*(draft.body_form or []), (ev.text(args[0]), ev.text(args[1]))]
        elif unirest and name == ".basicAuth" and len(args) >= 2:
            user = f"{ev.text(args[0])}:{ev.text(args[1])}"
            draft.headers.append(("Authorization", "Basic " + base64.b64encode(user.encode()).decode()))
    return draft.finish()


def _set_body(draft: Draft, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, _Body):
        draft.notes.extend(value.notes)
        if value.parts is not None:
            draft.body_parts = value.parts
        elif value.form is not None:
            draft.body_form = value.form
        elif value.text is not None:
            draft.body_text = value.text
        draft.media_type = value.media_type or draft.media_type
    elif isinstance(value, FileRef):
        draft.notes.append(f"body read from file {value.path!r} (not read)")
        draft.body_text = ""
    else:
        draft.body_text = as_text(value)


def _chain(node: Node) -> list[Call]:
    """`new X.Builder().a(1).b(2)` → the calls innermost first: `X.Builder()`, `.a(1)`, `.b(2)`."""
    found: list[Call] = []
    while isinstance(node, Call):
        found.append(node)
        func = node.func
        node = func.obj if isinstance(func, Member) else Name("")
    return found[::-1]


def _hook(ev: Evaluator, call: Call) -> Any:
    name = call.name
    last = name.rsplit(".", 1)[-1]
    if name.endswith("RequestBody.create") or last == "toRequestBody":
        values = [ev.value(a) for a in call.args]
        if isinstance(call.func, Member) and last == "toRequestBody":  # Kotlin-style `"...".toRequestBody(type)`
            values = [ev.value(call.func.obj), *values]
        # OkHttp 3: create(mediaType, content); OkHttp 4: create(content, mediaType) — tell them by the shape.
        media, content = (values + [None, None])[:2]
        if isinstance(media, FileRef) or (
            isinstance(content, str) and _looks_like_media_type(content) and not _looks_like_media_type(as_text(media))
        ):
            media, content = content, media
        if len(values) == 1:
            media, content = "", values[0]
        if isinstance(content, FileRef):
            return _Body(text="", media_type=as_text(media), notes=[f"body read from file {content.path!r} (not read)"])
        return _Body(text=as_text(content), media_type=as_text(media))
    if name.endswith(("BodyPublishers.ofString", "BodyPublishers.ofByteArray")) and call.args:
        return _Body(text=ev.text(call.args[0]))
    if name.endswith("BodyPublishers.noBody"):
        return None
    if name.endswith("BodyPublishers.ofFile"):
        return _Body(text="", notes=["body read from a file (not read)"])
    if last == "build" or isinstance(call.func, Member):
        chain = _chain(call)
        root = chain[0].name if chain else ""
        if root.endswith("MultipartBody.Builder"):
            return _multipart(ev, chain[1:])
        if root.endswith("FormBody.Builder"):
            fields = [
                (ev.text(c.args[0]), ev.text(c.args[1])) for c in chain[1:] if c.name == ".add" and len(c.args) >= 2
            ]
            return _Body(form=fields)
    return NotImplemented


def _multipart(ev: Evaluator, chain: list[Call]) -> _Body:
    parts: list[Part] = []
    media = ""
    for call in chain:
        if call.name == ".setType" and call.args:
            value = call.args[0]
            media = "multipart/" + value.path.rsplit(".", 1)[-1].lower() if isinstance(value, Name) else ev.text(value)
            media = "multipart/form-data" if media == "multipart/form" else media
        elif call.name == ".addFormDataPart" and len(call.args) == 2:
            parts.append(Part(ev.text(call.args[0]), ev.text(call.args[1])))
        elif call.name == ".addFormDataPart" and len(call.args) >= 3:
            body = ev.value(call.args[2])
            media_type = body.media_type if isinstance(body, _Body) else ""
            content = body.text or "" if isinstance(body, _Body) else as_text(body)
            parts.append(Part(ev.text(call.args[0]), content, ev.text(call.args[1]), media_type))
    return _Body(parts=parts, media_type=media)


def _looks_like_media_type(text: str) -> bool:
    head = text.split(";")[0].strip()
    return head.count("/") == 1 and " " not in head and not head.startswith(("{", "[", "<")) and "=" not in head
