"""Schemas into `Api.schemas`: every `$ref` rewritten to `#/components/schemas/NAME`, dialects made JSON Schema.

The root document's own named schemas (`components/schemas`, or `definitions` in Swagger 2.0) keep their names.
Anything else a schema refers to — a file (`./pet.json`), a schema inside another file, a schema living under
`#/paths/...` or inside another schema — is copied into `Api.schemas` once, under a unique readable name, and
the ref is rewritten to point there. Refs are never followed while rewriting, so recursive schemas stay recursive.

Rewriting is copy-on-write: a schema that needs no change is returned as the very same object, so a large
OpenAPI 3.1 document costs one walk and no copies. Dialect fixes (so a JSON Schema validator reads them right):
- OpenAPI 3.0 / Swagger 2.0 `nullable: true` (`x-nullable`) → `type: [T, "null"]` (and `null` in an `enum`);
- boolean `exclusiveMinimum` / `exclusiveMaximum` (draft 4) → the numeric form;
- Swagger 2.0 `type: file` → `type: string, format: binary`; a string `discriminator` → `{propertyName: ...}`.
"""

from __future__ import annotations

import re
from typing import Any

from apiforge.spec._refs import Resolver, Unresolved, escape
from apiforge.spec.model import SCHEMA_REF_PREFIX

__all__ = ["Schemas"]

JsonDict = dict[str, Any]

# How each JSON Schema keyword holds subschemas. Anything else (examples, defaults, enums, `x-*`) is data and is
# never walked, so a `$ref` key inside an example is left alone.
_ONE, _MAP, _LIST, _ITEMS, _REF = range(5)
_NULLABLE, _EXCLUSIVE, _TYPE, _DISCRIMINATOR = range(5, 9)
_KINDS_31: dict[str, int] = {
    "$ref": _REF,
    "properties": _MAP,
    "patternProperties": _MAP,
    "$defs": _MAP,
    "definitions": _MAP,
    "dependentSchemas": _MAP,
    "allOf": _LIST,
    "anyOf": _LIST,
    "oneOf": _LIST,
    "prefixItems": _LIST,
    "items": _ITEMS,
    "additionalItems": _ITEMS,
    "not": _ONE,
    "additionalProperties": _ONE,
    "unevaluatedProperties": _ONE,
    "unevaluatedItems": _ONE,
    "propertyNames": _ONE,
    "contains": _ONE,
    "if": _ONE,
    "then": _ONE,
    "else": _ONE,
    "contentSchema": _ONE,
}
_KINDS_30 = {**_KINDS_31, "nullable": _NULLABLE, "exclusiveMinimum": _EXCLUSIVE, "exclusiveMaximum": _EXCLUSIVE}
_KINDS_20 = {**_KINDS_30, "x-nullable": _NULLABLE, "type": _TYPE, "discriminator": _DISCRIMINATOR}
_KINDS = {"3.1": _KINDS_31, "3.0": _KINDS_30, "2.0": _KINDS_20}

_SAFE = re.compile(r"[A-Za-z0-9._-]+")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_UNDERSCORES = re.compile(r"__+")
# Pointer segments that say nothing about what a schema is; skipped when naming a copied schema.
_STRUCTURAL = frozenset(
    {"components", "schemas", "definitions", "$defs", "properties", "items", "schema", "content", "paths"}
    | {"allOf", "anyOf", "oneOf", "not", "additionalProperties", "responses", "parameters", "requestBody"}
)


def safe_name(name: str) -> str:
    """A schema name OpenAPI 3 allows (`^[A-Za-z0-9._-]+$`), so the rewritten ref is also a clean JSON pointer."""
    if _SAFE.fullmatch(name):
        return name
    return _UNDERSCORES.sub("_", _UNSAFE.sub("_", name)).strip("_") or "schema"


class Schemas:
    """Names and rewritten bodies of every schema the model refers to; `collect()` gives `Api.schemas`."""

    def __init__(self, resolver: Resolver, dialect: str, root_names_at: tuple[str, ...]) -> None:
        self._resolver = resolver
        self._kinds = _KINDS[dialect]
        self._root = resolver.root_uri
        self._root_prefix = "#" + "".join("/" + escape(s) for s in root_names_at) + "/"
        self._names: dict[tuple[str, str], str] = {}
        """(document URI, pointer) of a schema → its name in `Api.schemas`."""
        self._fast: dict[str, str] = {}
        """Ref string as written in the root document → rewritten ref, for the root's own named schemas."""
        self.schemas: dict[str, Any] = {}
        self._todo: list[tuple[str, Any, str, str]] = []
        """(name, raw schema, its document URI, its pointer) still to rewrite."""
        self._stack: list[tuple[str, str]] = []

    # -- naming ---------------------------------------------------------------------------------------------------
    def add_root(self, named: Any) -> None:
        """Register the root document's named schemas (`components/schemas` or `definitions`) under their names."""
        if not isinstance(named, dict):
            return
        base = self._root_prefix[1:]
        for raw in named:
            name = self._unique(safe_name(raw))
            pointer = base + escape(raw)
            self._names[(self._root, pointer)] = name
            self._fast["#" + pointer] = SCHEMA_REF_PREFIX + name
        for raw, schema in named.items():
            pointer = base + escape(raw)
            name = self._names[(self._root, pointer)]
            uri, at = self._root, pointer
            if _is_alias(schema) and schema["$ref"] not in self._fast:
                # `Pet: {$ref: ./pet.json}` names the external schema: it is stored as `Pet`, not as an alias.
                target_uri, target_pointer = self._resolver.locate(schema["$ref"], self._root)
                try:
                    target = self._resolver.get(target_uri, target_pointer, schema["$ref"], self._root)
                except Unresolved as exc:
                    raise exc.seal(*_segments(pointer)) from None
                if (target_uri, target_pointer) not in self._names and not _is_alias(target):
                    self._names[(target_uri, target_pointer)] = name
                    schema, uri, at = target, target_uri, target_pointer
            self.schemas[name] = schema
            self._todo.append((name, schema, uri, at))

    def _unique(self, base: str) -> str:
        name = base
        n = 2
        while name in self.schemas:
            name = f"{base}_{n}"
            n += 1
        self.schemas[name] = None  # reserve; filled when rewritten
        return name

    def _name_for(self, uri: str, pointer: str) -> str:
        """A readable, unique name for a schema copied in from elsewhere: its last meaningful pointer segments."""
        kept: list[str] = []
        previous = ""
        for segment in _segments(pointer):
            skip = segment in _STRUCTURAL or previous == "content" or (segment.isdigit() and previous != "responses")
            if not skip:
                kept.append(segment)
            previous = segment
        if uri != self._root and (not kept or pointer.startswith(("/components/schemas/", "/definitions/"))):
            stem = uri.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
            kept = kept[-1:] or [stem]
        return self._unique("_".join(safe_name(k) for k in kept) or "schema")

    def ref(self, ref: str, uri: str) -> str:
        """The rewritten form of `ref` (written in document `uri`): `#/components/schemas/NAME`."""
        target_uri, pointer = self._resolver.locate(ref, uri)
        key = (target_uri, pointer)
        name = self._names.get(key)
        if name is not None:
            return SCHEMA_REF_PREFIX + name
        target = self._resolver.get(target_uri, pointer, ref, uri)
        # A pure alias (`{"$ref": ...}` and nothing else) takes the name of what it points to.
        if _is_alias(target):
            if key in self._stack:
                raise Unresolved(ref, uri, "the reference points to itself in a loop")
            self._stack.append(key)
            try:
                rewritten = self.ref(target["$ref"], target_uri)
            except Unresolved as exc:
                raise exc.seal(*_segments(pointer)) from None
            finally:
                self._stack.pop()
            self._names[key] = rewritten[len(SCHEMA_REF_PREFIX) :]
            return rewritten
        name = self._name_for(target_uri, pointer)
        self._names[key] = name
        self.schemas[name] = target
        self._todo.append((name, target, target_uri, pointer))
        return SCHEMA_REF_PREFIX + name

    # -- rewriting ------------------------------------------------------------------------------------------------
    def rewrite(self, schema: Any, uri: str) -> Any:
        """`schema` (from document `uri`) with refs rewritten and dialect fixed; the same object if unchanged."""
        if type(schema) is not dict:
            return schema
        kinds = self._kinds
        changes: JsonDict | None = None
        fixes: list[int] | None = None
        for key, value in schema.items():
            kind = kinds.get(key)
            if kind is None:
                continue
            if kind == _REF:
                if type(value) is not str:
                    continue
                # An error here is about this very object: the pointer ends here, not at `/$ref`.
                new: Any = (self._fast.get(value) if uri == self._root else None) or self.ref(value, uri)
                if new != value:
                    if changes is None:
                        changes = {}
                    changes[key] = new
                continue
            try:
                if kind == _ONE:
                    new = self.rewrite(value, uri) if type(value) is dict else value
                elif kind == _MAP:
                    new = self._rewrite_map(value, uri) if type(value) is dict else value
                elif kind == _LIST:
                    new = self._rewrite_list(value, uri) if type(value) is list else value
                elif kind == _ITEMS:
                    if type(value) is dict:
                        new = self.rewrite(value, uri)
                    else:
                        new = self._rewrite_list(value, uri) if type(value) is list else value
                else:
                    if (
                        kind == _NULLABLE
                        or (kind == _EXCLUSIVE and type(value) is bool)
                        or (kind == _TYPE and value == "file")
                        or (kind == _DISCRIMINATOR and type(value) is str)
                    ):
                        if fixes is None:
                            fixes = []
                        fixes.append(kind)
                    continue
            except Unresolved as exc:
                raise exc.add(key) from None
            if new is not value:
                if changes is None:
                    changes = {}
                changes[key] = new
        if changes is None and fixes is None:
            return schema
        out = dict(schema)
        if changes:
            out.update(changes)
        if fixes:
            _fix(out, fixes)
        return out

    def top(self, schema: Any, uri: str) -> JsonDict:
        """Like `rewrite`, for a schema the model stores directly: always a dict (`true` → `{}`, `false` → `not`)."""
        if type(schema) is dict:
            return self.rewrite(schema, uri)  # type: ignore[no-any-return]
        return {"not": {}} if schema is False else {}

    def _rewrite_map(self, mapping: JsonDict, uri: str) -> JsonDict:
        out: JsonDict | None = None
        for name, sub in mapping.items():
            try:
                new = self.rewrite(sub, uri)
            except Unresolved as exc:
                raise exc.add(name) from None
            if new is not sub:
                if out is None:
                    out = dict(mapping)
                out[name] = new
        return mapping if out is None else out

    def _rewrite_list(self, items: list[Any], uri: str) -> list[Any]:
        out: list[Any] | None = None
        for i, sub in enumerate(items):
            try:
                new = self.rewrite(sub, uri)
            except Unresolved as exc:
                raise exc.add(i) from None
            if new is not sub:
                if out is None:
                    out = list(items)
                out[i] = new
        return items if out is None else out

    def collect(self) -> dict[str, JsonDict]:
        """Rewrite every registered schema (registering what they refer to in turn) and return `Api.schemas`."""
        while self._todo:
            name, raw, uri, pointer = self._todo.pop()
            try:
                self.schemas[name] = self.top(raw, uri)
            except Unresolved as exc:
                raise exc.seal(*_segments(pointer)) from None
        return self.schemas


def _is_alias(schema: Any) -> bool:
    return type(schema) is dict and len(schema) == 1 and type(schema.get("$ref")) is str


def _segments(pointer: str) -> list[str]:
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]] if pointer else []


def _fix(schema: JsonDict, fixes: list[int]) -> None:
    """Apply the dialect fixes `rewrite` found to `schema` (a fresh copy, safe to change)."""
    if _TYPE in fixes and schema.get("type") == "file":
        schema["type"] = "string"
        schema.setdefault("format", "binary")
    if _DISCRIMINATOR in fixes and isinstance(schema.get("discriminator"), str):
        schema["discriminator"] = {"propertyName": schema["discriminator"]}
    if _EXCLUSIVE in fixes:
        for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            value = schema.get(flag)
            if value is True and bound in schema:
                schema[flag] = schema.pop(bound)
            elif isinstance(value, bool):
                del schema[flag]
    if _NULLABLE in fixes:
        nullable = bool(schema.get("nullable") or schema.get("x-nullable"))
        kind = schema.get("type")
        if not nullable or isinstance(kind, (str, list)):
            schema.pop("nullable", None)
            schema.pop("x-nullable", None)
        if nullable:
            if isinstance(kind, str):
                schema["type"] = [kind, "null"]
            elif isinstance(kind, list) and "null" not in kind:
                schema["type"] = [*kind, "null"]
            enum = schema.get("enum")
            if isinstance(kind, (str, list)) and isinstance(enum, list) and None not in enum:
                schema["enum"] = [*enum, None]
