"""The inputs of an operation a stated value can go to: its parameters and top-level body properties."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from apiforge.spec.model import Api, Operation

__all__ = ["ArgumentCandidate", "name_words", "operation_fields", "singular"]


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


@dataclass(frozen=True, slots=True)
class ArgumentCandidate:
    """A parameter or top-level body property a value can go to."""

    name: str
    location: str
    """path, query, header, cookie or body."""
    schema: dict[str, Any]
    required: bool
    description: str = ""
    context: tuple[str, ...] = dataclass_field(default=())
    """Extra anchor words: for a path parameter, the literal segment before it (`/buckets/{id}` → `bucket`)."""

    @property
    def type(self) -> str:
        t = self.schema.get("type", "")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "")
        if not t and "enum" in self.schema:
            return "string"
        return t or "string"

    @property
    def format(self) -> str:
        return str(self.schema.get("format", ""))

    @property
    def enum(self) -> list[Any]:
        values = self.schema.get("enum")
        if values is None and self.type == "array":
            values = (self.schema.get("items") or {}).get("enum")
        return [v for v in values or [] if v is not None]

    @property
    def is_credential(self) -> bool:
        """Secrets travel through the credential store, never through the request text."""
        words = set(name_words(self.name))
        return bool(words & _CREDENTIAL_WORDS) or self.format == "password"


_SKIP_HEADERS = {"accept", "content-type", "user-agent", "authorization", "accept-language", "cookie"}
_CREDENTIAL_WORDS = {"token", "key", "secret", "password", "passwd", "auth", "authorization", "signature", "apikey"}


def operation_fields(api: Api, operation: Operation) -> list[ArgumentCandidate]:
    """Parameters (minus standard/auth headers) and top-level body properties of `operation`, schemas resolved."""
    fields: list[ArgumentCandidate] = []
    segments = [s for s in operation.path.split("/") if s]
    for p in operation.parameters:
        if p.location == "header" and p.name.lower() in _SKIP_HEADERS:
            continue
        context: tuple[str, ...] = ()
        if p.location == "path" and "{" + p.name + "}" in segments:
            index = segments.index("{" + p.name + "}")
            if index > 0 and "{" not in segments[index - 1]:
                context = tuple(singular(w) for w in name_words(segments[index - 1]))
        schema = _with_items(api, api.resolve_schema(p.schema))
        fields.append(ArgumentCandidate(p.name, p.location, schema, p.required, p.description, context))
    body = operation.request_body
    if body is not None and body.content:
        media = next((m for t, m in body.content.items() if "json" in t), next(iter(body.content.values())))
        schema = _merge_all_of(api, api.resolve_schema(media.schema))
        required = set(schema.get("required") or [])
        taken = {f.name for f in fields}
        for name, prop in (schema.get("properties") or {}).items():
            if name in taken:
                continue
            resolved = _with_items(api, api.resolve_schema(prop)) if isinstance(prop, dict) else {}
            if resolved.get("readOnly"):
                continue
            fields.append(
                ArgumentCandidate(name, "body", resolved, name in required, str(resolved.get("description", "")))
            )
    return fields


def _with_items(api: Api, schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its array `items` resolved, so that item types can be judged."""
    items = schema.get("items")
    if isinstance(items, dict) and "$ref" in items:
        return {**schema, "items": api.resolve_schema(items)}
    return schema


def _merge_all_of(api: Api, schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    if "allOf" not in schema or depth > 5:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties = dict(merged.get("properties") or {})
    required = list(merged.get("required") or [])
    for part in schema["allOf"]:
        part = _merge_all_of(api, api.resolve_schema(part), depth + 1)
        properties.update(part.get("properties") or {})
        required.extend(part.get("required") or [])
    merged["properties"] = properties
    merged["required"] = required
    return merged
