"""Evaluate snippet expressions to Python values, never running anything.

Variables resolve to their last assignment (`x += ...` appends); unknown variables, environment reads and
function results become `UnknownValue`, which prints as a `{{name}}` placeholder inside strings: a snippet that
reads `process.env.API_KEY` asks for a secret, and that is exactly what a placeholder means.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apiforge.http._models import placeholder
from apiforge.http.parse._reader import (
    Arr,
    Call,
    Concat,
    Index,
    Lit,
    Member,
    Name,
    Node,
    Obj,
    Reader,
    Unknown,
    assignments,
    calls,
    node_name,
)
from apiforge.http.parse._tokens import Code, Syntax, Tmpl, Token, tokenize

__all__ = ["Evaluator", "FileRef", "UnknownValue", "as_text", "compact_json", "plain"]


@dataclass(frozen=True, slots=True)
class UnknownValue:
    """The value of a variable or expression the parser cannot know (an env var, a function result)."""

    name: str


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the code reads; its content is not known to us."""

    path: str


_CONSTANTS: dict[str, Any] = {
    "true": True,
    "false": False,
    "True": True,
    "False": False,
    "TRUE": True,
    "FALSE": False,
    "null": None,
    "nil": None,
    "NULL": None,
    "None": None,
    "undefined": None,
}
_JSON_CALLS = frozenset({"JSON.stringify", "json_encode", "JSON.dump", "JSON.generate", "JSON.pretty_generate"})
_FILE_CALLS = frozenset({"createReadStream", "File", "open", "fopen", "file_get_contents", "ReadFile", "readFileSync"})
_ENV_CALLS = frozenset({"getenv", "Getenv", "LookupEnv"})
_PASS_RECEIVER = frozenset(
    {"data", "getBytes", "encode", "utf8", "toByteArray", "bytes", "trim", "toString", "to_s", "toRequestBody"}
)
_PASS_ARG = frozenset(
    {
        "NewReader",
        "NewBufferString",
        "NewBuffer",
        "bytes",
        "create",
        "URI",
        "URL",
        "NSURL",
        "parse",
        "ofString",
        "String",
        "Data",
        "NSMutableData",
        "NSData",
        "StringEntity",
        "byte",
        "string",
        "CString",
        "strdup",
        "from",
        "StringContent",
        "toRequestBody",
        "Headers",
        "URLComponents",
    }
)

Hook = Callable[["Evaluator", Call], Any]


def compact_json(value: Any) -> str:
    """What `JSON.stringify` / `json_encode` print: no spaces, non-ASCII kept."""
    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)


def plain(value: Any) -> Any:
    """`value` with unknowns turned into placeholder strings, ready to be a JSON body."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (UnknownValue, FileRef)):
        return as_text(value)
    return value


def as_text(value: Any) -> str:
    """A value as it would appear inside a string: unknown variables become `{{name}}` placeholders."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, UnknownValue):
        return placeholder(value.name.split(".")[-1].lstrip("$@").lower() or "value")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, FileRef):
        return ""
    if isinstance(value, (dict, list)):
        return compact_json(value)
    return str(value)


class Evaluator:
    """The variables of one snippet, and `value(node)` to evaluate expressions against them."""

    def __init__(self, text: str, syntax: Syntax, hook: Hook | None = None) -> None:
        self.syntax = syntax
        self.tokens: list[Token] = tokenize(text, syntax)
        self.hook = hook
        self.env: dict[str, Node] = {}
        self.appended: dict[str, list[Node]] = {}
        self.index_sets: list[tuple[str, Node, Node]] = []
        for target, key, node, op in assignments(self.tokens, syntax):
            if key is not None:
                self.index_sets.append((target, key, node))
            elif op in ("+=", ".="):
                self.appended.setdefault(target, []).append(node)
            elif target not in self.env or not _is_self_reference(node, target):
                self.env[target] = node
                self.appended.pop(target, None)
        self.calls: list[Call] = list(calls(self.tokens, syntax))
        self._resolving: set[str] = set()

    def calls_named(self, *suffixes: str) -> list[Call]:
        """Calls whose name is or ends with one of `suffixes` (`.url` matches `.url` and `builder.url`)."""
        found = []
        for call in self.calls:
            name = call.name
            if any(name == s or name.endswith(s if s.startswith(".") else "." + s) for s in suffixes):
                found.append(call)
        return found

    def text(self, node: Node | None) -> str:
        return as_text(self.value(node)) if node is not None else ""

    def value(self, node: Node | None) -> Any:
        if node is None:
            return None
        if isinstance(node, Lit):
            return node.value
        if isinstance(node, Tmpl):
            return "".join(as_text(self._code(p)) if isinstance(p, Code) else p for p in node.parts)
        if isinstance(node, Name):
            return self._name(node.path)
        if isinstance(node, Concat):
            parts = [self.value(p) for p in node.parts]
            if all(isinstance(p, (int, float)) and not isinstance(p, bool) for p in parts):
                return sum(parts)
            if all(isinstance(p, bytes) for p in parts):
                return b"".join(parts)
            return "".join(as_text(p) for p in parts)
        if isinstance(node, Obj):
            return {as_text(self.value(k)): self.value(v) for k, v in node.items}
        if isinstance(node, Arr):
            return [self.value(v) for v in node.items]
        if isinstance(node, Index):
            return self._index(node)
        if isinstance(node, Member):
            return self._member(node)
        if isinstance(node, Call):
            return self._call(node)
        if isinstance(node, Unknown):
            return UnknownValue(node.text or "value")
        return UnknownValue("value")

    def _code(self, code: Code) -> Any:
        reader = Reader(tokenize(code.source, self.syntax), self.syntax)
        return self.value(reader.expr())

    def _name(self, path: str) -> Any:
        if path in _CONSTANTS:
            return _CONSTANTS[path]
        if path in self._resolving:
            return UnknownValue(path)
        if path not in self.env:
            if path.startswith(("process.env.", "ENV.")):
                return UnknownValue(path.rsplit(".", 1)[-1])
            if "." in path:  # `obj.field` where `obj` is a known map or a receiver-passthrough (`x.utf8`)
                head, _, last = path.rpartition(".")
                if last in _PASS_RECEIVER:
                    return self._name(head)
                base = self._name(head) if head in self.env else None
                if isinstance(base, dict) and last in base:
                    return base[last]
                if last == "to_json" and head in self.env:
                    return compact_json(self._name(head))
            return UnknownValue(path)
        self._resolving.add(path)
        try:
            value = self.value(self.env[path])
            for extra in self.appended.get(path, []):
                more = self.value(extra)
                value = (
                    value + more
                    if isinstance(value, list) and isinstance(more, list)
                    else as_text(value) + as_text(more)
                )
            if isinstance(value, (dict, list)):
                value = self._apply_index_sets(path, value)
            return value
        finally:
            self._resolving.discard(path)

    def _apply_index_sets(self, path: str, value: dict[str, Any] | list[Any]) -> Any:
        for target, key, node in self.index_sets:
            if target != path:
                continue
            key_value = self.value(key)
            if isinstance(value, dict):
                value = {**value, as_text(key_value): self.value(node)}
            elif key_value is None:  # PHP `$headers[] = "..."`
                value = [*value, self.value(node)]
        return value

    def _index(self, node: Index) -> Any:
        base_name = node_name(node.obj)
        key = self.value(node.key)
        if base_name in ("ENV", "process.env", "os.environ", "$_ENV", "$_SERVER"):
            return UnknownValue(as_text(key))
        base = self.value(node.obj)
        if isinstance(base, dict):
            return base.get(as_text(key), UnknownValue(as_text(key)))
        if isinstance(base, list) and isinstance(key, int) and -len(base) <= key < len(base):
            return base[key]
        return UnknownValue(as_text(key) if isinstance(key, str) else base_name)

    def _member(self, node: Member) -> Any:
        if node.name in _PASS_RECEIVER:
            return self.value(node.obj)
        base = self.value(node.obj)
        if node.name == "to_json":
            return compact_json(base)
        if isinstance(base, dict) and node.name in base:
            return base[node.name]
        return UnknownValue(node.name)

    def _call(self, call: Call) -> Any:
        if self.hook is not None:
            result = self.hook(self, call)
            if result is not NotImplemented:
                return result
        name = call.name
        last = name.rsplit(".", 1)[-1]
        args = call.args
        if call.block is not None and not args:  # Go composite literal `http.Cookie{Name: "a"}`
            return self.value(call.block)
        if name in _JSON_CALLS or name.endswith(".stringify") or last == "json_encode":
            return compact_json(self.value(args[0])) if args else ""
        if name == "JSONSerialization.data" or last == "jsonEncode":
            data = dict(call.kwargs).get("withJSONObject", args[0] if args else None)
            return compact_json(self.value(data))
        if last == "http_build_query" and args:
            value = self.value(args[0])
            return urllib.parse.urlencode(value) if isinstance(value, dict) else as_text(value)
        if last in ("encodeURIComponent", "encodeURI", "QueryEscape", "PathEscape", "rawurlencode") and args:
            safe = (
                "-_.!~*'()"
                if last == "encodeURIComponent"
                else "-_.~"
                if last != "encodeURI"
                else ";,/?:@&=+$-_.!~*'()#"
            )
            return urllib.parse.quote(self.text(args[0]), safe=safe)
        if last in _FILE_CALLS:
            first = args[0] if args else (call.kwargs[0][1] if call.kwargs else None)
            return FileRef(self.text(first))
        if last in _ENV_CALLS or name in ("System.getenv", "os.environ.get", "ENV.fetch", "env"):
            return UnknownValue(self.text(args[0]) if args else "value")
        if isinstance(call.func, Member) and call.func.name in _PASS_RECEIVER:
            return self.value(call.func.obj)
        if last in _PASS_ARG or name in _PASS_ARG:
            if args:
                return self.value(args[0])
            if len(call.kwargs) == 1 or (call.kwargs and call.kwargs[0][0] in ("string", "data")):
                return self.value(call.kwargs[0][1])
        if name.startswith("URLSearchParams") or last == "URLSearchParams":
            value = self.value(args[0]) if args else {}
            return urllib.parse.urlencode(value) if isinstance(value, dict) else as_text(value)
        return UnknownValue(last or "value")


def _is_self_reference(node: Node, target: str) -> bool:
    """`headers = curl_slist_append(headers, ...)`: a list built up by calls, not a new value."""
    return isinstance(node, Call) and any(isinstance(a, Name) and a.path == target for a in node.args)
