"""A compact, readable outline of a JSON Schema: refs shown by name, recursion and size guarded.

Specs have recursive and very large schemas (Stripe's request bodies run to thousands of nodes), so the outline
expands a `$ref` at most once per tree, never inside itself, only down to `depth`, and stops after `budget`
nodes, saying so rather than silently dropping parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apiforge.spec import Api
from apiforge.spec.model import SCHEMA_REF_PREFIX

__all__ = ["SchemaNode", "describe_type", "outline", "referenced_schemas"]

MAX_ENUM = 6


@dataclass(slots=True)
class SchemaNode:
    label: str
    children: list[SchemaNode] = field(default_factory=list)

    def lines(self, indent: str = "") -> list[str]:
        """Plain-text rendering (for tests and non-rich output)."""
        out = [indent + self.label]
        for child in self.children:
            out.extend(child.lines(indent + "  "))
        return out


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref[len(SCHEMA_REF_PREFIX) :] if ref.startswith(SCHEMA_REF_PREFIX) else ref
    return None


def describe_type(schema: Any) -> str:
    """One line: `string (date-time)`, `integer enum: 1 | 2`, `array of Pet`, `map of string`, `Pet`, `oneOf (3)`."""
    if not isinstance(schema, dict):
        return "any"
    name = _ref_name(schema)
    if name is not None:
        return name
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(str(k) for k in kind)
    if schema.get("nullable"):
        kind = f"{kind or 'any'} | null"
    for combiner in ("oneOf", "anyOf", "allOf"):
        if isinstance(schema.get(combiner), list):
            return f"{combiner} ({len(schema[combiner])})" + (f" {kind}" if kind else "")
    if "array" in str(kind) and "items" in schema:
        return f"array of {describe_type(schema['items'])}"
    if not kind and "properties" in schema:
        kind = "object"
    text = kind or "any"
    if schema.get("format"):
        text += f" ({schema['format']})"
    if isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties"):
        text = f"map of {describe_type(schema['additionalProperties'])}"
    if isinstance(schema.get("enum"), list):
        values = [repr(v) if isinstance(v, str) else str(v) for v in schema["enum"]]
        more = f" | … ({len(values) - MAX_ENUM} more)" if len(values) > MAX_ENUM else ""
        text += " enum: " + " | ".join(values[:MAX_ENUM]) + more
    return text


class _Builder:
    def __init__(self, api: Api, depth: int, budget: int) -> None:
        self.api = api
        self.depth = depth
        self.budget = budget
        self.expanded: set[str] = set()
        self.truncated = False

    def node(self, label: str, schema: Any, level: int, stack: frozenset[str]) -> SchemaNode:
        self.budget -= 1
        node = SchemaNode(label)
        if not isinstance(schema, dict):
            return node
        name = _ref_name(schema)
        if name is not None:
            if name in stack:
                node.label += " (recursive)"
                return node
            target = self.api.resolve_schema(schema)
            summary = describe_type(target)
            if summary not in ("object", "any") and not summary.startswith(("oneOf", "anyOf", "allOf")):
                node.label += f" → {summary}"
            if not self._has_children(target):
                return node
            if name in self.expanded:
                node.label += " (shown above)"
                return node
            if level >= self.depth or self.budget <= 0:
                self.truncated = self.truncated or self.budget <= 0
                return node
            self.expanded.add(name)
            stack = stack | {name}
            schema = target
        node.children = self.children(schema, level + 1, stack)
        return node

    @staticmethod
    def _has_children(schema: Any) -> bool:
        return isinstance(schema, dict) and any(
            k in schema for k in ("properties", "items", "oneOf", "anyOf", "allOf", "additionalProperties")
        )

    def children(self, schema: dict[str, Any], level: int, stack: frozenset[str]) -> list[SchemaNode]:
        if level > self.depth + 1:
            return []
        out: list[SchemaNode] = []
        required = set(schema.get("required") or ())
        for combiner in ("allOf", "oneOf", "anyOf"):
            for i, sub in enumerate(schema.get(combiner) or ()):
                if self._stop():
                    return out
                out.append(self.node(f"[{combiner} {i + 1}] {describe_type(sub)}", sub, level, stack))
        for prop, sub in (schema.get("properties") or {}).items():
            if self._stop():
                out.append(SchemaNode("… (more; raise --depth or see --json)"))
                return out
            flags = ", required" if prop in required else ""
            flags += ", read-only" if isinstance(sub, dict) and sub.get("readOnly") else ""
            out.append(self.node(f"{prop}: {describe_type(sub)}{flags}", sub, level, stack))
        items = schema.get("items")
        if isinstance(items, dict) and (self._has_children(items) or _ref_name(items)) and not self._stop():
            child = self.node(f"items: {describe_type(items)}", items, level, stack)
            out.extend(child.children if not _ref_name(items) else [child])
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and schema.get("properties") and not self._stop():
            out.append(self.node(f"(other keys): {describe_type(extra)}", extra, level, stack))
        return out

    def _stop(self) -> bool:
        if self.budget <= 0:
            self.truncated = True
            return True
        return False


def outline(api: Api, schema: Any, *, label: str | None = None, depth: int = 3, budget: int = 300) -> SchemaNode:
    """The schema as a tree of `SchemaNode`s, named refs expanded once, at most `depth` refs deep."""
    builder = _Builder(api, depth, budget)
    return builder.node(label if label is not None else describe_type(schema), schema, 0, frozenset())


def referenced_schemas(api: Api, *schemas: Any) -> dict[str, Any]:
    """Every named schema reachable from `schemas`, by name (for `--json` output that must stand alone)."""
    found: dict[str, Any] = {}
    todo = list(schemas)
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            name = _ref_name(value)
            if name is not None and name not in found and name in api.schemas:
                found[name] = api.schemas[name]
                todo.append(api.schemas[name])
            todo.extend(v for k, v in value.items() if k != "$ref")
        elif isinstance(value, list):
            todo.extend(value)
    return dict(sorted(found.items()))
