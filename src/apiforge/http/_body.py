"""Request bodies: choosing the media type, and turning a body value into a `JsonBody`, `FormBody`,
`MultipartBody` or `RawBody`.

Media type choice: the caller's, else JSON (`application/json` itself before `+json` variants), else
`application/x-www-form-urlencoded`, else `multipart/form-data`, else the first one the spec lists.

Form fields follow each property's `encoding` (`style`, `explode`, `contentType`); without one, arrays repeat
the key and objects are written `deepObject`-style (`address[city]=x`), which is what form-reading servers
(Rails/Rack, PHP, Stripe) understand. Multipart: `format: binary` / `base64` properties (or an `encoding`
`contentType` that is not text or JSON) become file parts named `<property>.<ext>` with a small text content;
objects become JSON parts. Other media types become a `RawBody` (XML is written from the value when it is
not already text).
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any
from xml.sax.saxutils import escape

from apiforge.errors import BuildError, did_you_mean
from apiforge.http._models import Body, FormBody, JsonBody, MultipartBody, Part, RawBody
from apiforge.http._schemas import flatten, is_json_media, schema_type
from apiforge.http._style import deep_pairs, scalar_text
from apiforge.spec.model import SCHEMA_REF_PREFIX, Api, MediaType, RequestBody

__all__ = ["FILE_CONTENT", "base_media_type", "choose_media_type", "make_body"]

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

#: The content of a synthesised file part or binary body: short, readable, obviously a stand-in.
FILE_CONTENT = "example file content"

_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "application/json": ".json",
    "text/csv": ".csv",
    "text/plain": ".txt",
    "application/zip": ".zip",
    "application/xml": ".xml",
}


def base_media_type(media_type: str) -> str:
    """`Application/JSON; charset=utf-8` → `application/json`."""
    return media_type.split(";", 1)[0].strip().lower()


def choose_media_type(body: RequestBody, wanted: str | None, *, operation_id: str = "") -> str:
    """The media type to send (a key of `body.content`); see the module docstring for the preference order."""
    offered = list(body.content)
    if not offered:
        return wanted or "application/json"
    if wanted:
        for key in offered:
            if key == wanted or base_media_type(key) == base_media_type(wanted):
                return key
        raise BuildError(
            f"media type '{wanted}' is not offered by the request body.{did_you_mean(wanted, offered)} "
            f"Offered: {', '.join(offered)}",
            operation_id=operation_id,
        )
    bases = [base_media_type(k) for k in offered]
    for test in (
        lambda b: b == "application/json",
        is_json_media,
        lambda b: b == FORM,
        lambda b: b == MULTIPART,
    ):
        for key, base in zip(offered, bases, strict=True):
            if test(base):
                return key
    return offered[0]


def make_body(api: Api, media_type: str, media: MediaType | None, value: Any) -> Body:
    """The body value `value` sent as `media_type`, following the media type's schema and `encoding`."""
    media = media or MediaType()
    base = base_media_type(media_type)
    if "*" in base:
        # A wildcard is no Content-Type: send containers as JSON, anything else as bytes.
        if isinstance(value, dict | list):
            return JsonBody(value)
        return RawBody(_text(value), "application/octet-stream")
    if is_json_media(base):
        return JsonBody(value, media_type)
    if base == FORM:
        if isinstance(value, str):
            return FormBody(tuple(urllib.parse.parse_qsl(value, keep_blank_values=True)), media_type)
        if isinstance(value, dict):
            return FormBody(tuple(_form_fields(value, media)), media_type)
    if base.startswith("multipart/") and isinstance(value, dict):
        return MultipartBody(tuple(_parts(api, value, media)), media_type)
    if isinstance(value, bytes):
        return RawBody(value, media_type)
    if base.endswith(("/xml", "+xml")):
        if isinstance(value, dict | list):
            return RawBody(_to_xml(api, media.schema, value), media_type)
    return RawBody(_text(value), media_type)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return scalar_text(value)


def _form_fields(value: dict[str, Any], media: MediaType) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for name, item in value.items():
        enc = media.encoding.get(name) or {}
        content_type = str(enc.get("contentType", ""))
        style = enc.get("style")
        explode = enc.get("explode", style in (None, "form"))
        if content_type and is_json_media(content_type) and isinstance(item, dict | list):
            fields.append((name, scalar_text(item)))
        elif style == "deepObject" or (style is None and _has_object(item)):
            fields.extend(deep_pairs(name, item))
        elif isinstance(item, list):
            if explode:
                fields.extend((name, scalar_text(v)) for v in item)
            else:
                sep = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style or "form", ",")
                fields.append((name, sep.join(scalar_text(v) for v in item)))
        elif isinstance(item, dict):
            if explode:
                fields.extend((str(k), scalar_text(v)) for k, v in item.items())
            else:
                fields.append((name, ",".join(f"{k},{scalar_text(v)}" for k, v in item.items())))
        else:
            fields.append((name, scalar_text(item)))
    return fields


def _has_object(item: Any) -> bool:
    return isinstance(item, dict) or (isinstance(item, list) and any(isinstance(v, dict | list) for v in item))


def _is_binary(api: Api, schema: Any, content_type: str) -> bool:
    flat = flatten(api, schema)
    if schema_type(flat) == "array":
        return _is_binary(api, flat.get("items") or {}, content_type)
    if flat.get("format") in ("binary", "base64") or "contentMediaType" in flat or "contentEncoding" in flat:
        return True
    base = base_media_type(content_type.split(",")[0]) if content_type else ""
    return bool(base) and not (base.startswith("text/") or is_json_media(base)) and schema_type(flat) != "object"


def _parts(api: Api, value: dict[str, Any], media: MediaType) -> list[Part]:
    props = flatten(api, media.schema).get("properties") or {}
    parts: list[Part] = []
    for name, item in value.items():
        enc = media.encoding.get(name) or {}
        content_type = str(enc.get("contentType", "")).split(",")[0].strip()
        if _is_binary(api, props.get(name, {}), content_type):
            file_type = content_type if content_type and "*" not in content_type else "application/octet-stream"
            filename = name + _EXTENSIONS.get(base_media_type(file_type), ".bin")
            for content in item if isinstance(item, list) else [item]:
                text = FILE_CONTENT if content in ("", None) else _text(content)
                parts.append(Part(name, text, filename=filename, content_type=file_type))
        elif isinstance(item, dict):
            parts.append(Part(name, scalar_text(item), content_type=content_type or "application/json"))
        elif isinstance(item, list):
            parts.extend(Part(name, scalar_text(v), content_type=content_type) for v in item)
        else:
            parts.append(Part(name, scalar_text(item), content_type=content_type))
    return parts


def _to_xml(api: Api, schema: Any, value: Any) -> str:
    root = "root"
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith(SCHEMA_REF_PREFIX):
            root = ref[len(SCHEMA_REF_PREFIX) :]
        root = str((flatten(api, schema).get("xml") or {}).get("name") or root)
    return f"<{root}>{_xml_inner(value, 'item')}</{root}>"


def _xml_inner(value: Any, item_name: str) -> str:
    if isinstance(value, dict):
        out = []
        for key, sub in value.items():
            if isinstance(sub, list):
                out.extend(f"<{key}>{_xml_inner(v, 'item')}</{key}>" for v in sub)
            else:
                out.append(f"<{key}>{_xml_inner(sub, 'item')}</{key}>")
        return "".join(out)
    if isinstance(value, list):
        return "".join(f"<{item_name}>{_xml_inner(v, 'item')}</{item_name}>" for v in value)
    return escape(scalar_text(value))


def _json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
