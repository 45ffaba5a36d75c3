"""Read expressions and statements from tokens: literals, member chains, calls, object/array/map literals.

Deliberately forgiving: this is not a compiler front end, only enough structure to find a request in a snippet.
Every method returns a node and never raises; what cannot be read becomes `Unknown`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from apiforge.http.parse._tokens import Syntax, Tmpl, Token

__all__ = [
    "Arr",
    "Call",
    "Concat",
    "Index",
    "Lit",
    "Member",
    "Name",
    "Node",
    "Obj",
    "Reader",
    "Unknown",
    "assignments",
    "calls",
    "node_name",
]


# -- nodes ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any


@dataclass(frozen=True, slots=True)
class Name:
    path: str
    """Dotted: `http.MethodPost`, `Net.HTTP.Post` (`::` and `->` read as `.`)."""


@dataclass(frozen=True, slots=True)
class Member:
    obj: Node
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    obj: Node
    key: Node


@dataclass(frozen=True, slots=True)
class Call:
    func: Node
    args: tuple[Node, ...] = ()
    kwargs: tuple[tuple[str, Node], ...] = ()
    block: Node | None = None
    """A trailing `{ ... }` (Go composite literal, Swift closure, Ruby block) when it reads as a literal."""

    @property
    def name(self) -> str:
        """The called name: `Request.Builder`, or `.url` for a method called on a call's result."""
        return node_name(self.func)


@dataclass(frozen=True, slots=True)
class Obj:
    items: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class Arr:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Concat:
    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Unknown:
    text: str = ""


Node = Lit | Tmpl | Name | Member | Index | Call | Obj | Arr | Concat | Unknown


def node_name(node: Node) -> str:
    if isinstance(node, Name):
        return node.path
    if isinstance(node, Member):
        base = node_name(node.obj)
        return f"{base}.{node.name}" if base else "." + node.name
    return ""


# -- expressions ---------------------------------------------------------------------------------------------------

_PREFIX = frozenset({"new", "await", "try", "&", "*", "!", "@", "...", "return", "yield", "throw"})
_OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Reader:
    """Reads expressions from a token list; every method returns a node and never raises."""

    tokens: list[Token]
    syntax: Syntax
    pos: int = 0
    _depth: int = field(default=0)

    def peek(self, offset: int = 0) -> Token | None:
        j = self.pos + offset
        return self.tokens[j] if 0 <= j < len(self.tokens) else None

    def at(self, text: str, offset: int = 0) -> bool:
        tok = self.peek(offset)
        return tok is not None and tok.kind == "op" and tok.text == text

    def skip_group(self) -> None:
        """Skip from an opening bracket to just after its partner."""
        depth = 0
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok.kind == "op" and tok.text in _OPEN:
                depth += 1
            elif tok.kind == "op" and tok.text in (")", "]", "}"):
                depth -= 1
                if depth <= 0:
                    return

    def expr(self) -> Node:
        self._depth += 1
        try:
            if self._depth > 200:
                return Unknown("too deep")
            parts = [self.unary()]
            while True:
                tok = self.peek()
                if tok is None or tok.kind != "op" or tok.text not in self.syntax.concat:
                    break
                self.pos += 1
                parts.append(self.unary())
            if len(parts) == 1:
                return parts[0]
            return Concat(tuple(parts))
        finally:
            self._depth -= 1

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.text in _PREFIX and tok.kind in ("op", "id"):
            self.pos += 1
            return self.unary()
        if tok is not None and tok.kind == "op" and tok.text == "-":
            nxt = self.peek(1)
            if nxt is not None and nxt.kind == "num":
                self.pos += 2
                return Lit(-nxt.value if isinstance(nxt.value, (int, float)) else nxt.text)
        return self.postfix(self.primary())

    def primary(self) -> Node:
        tok = self.peek()
        if tok is None:
            return Unknown("end")
        if tok.kind == "str":
            self.pos += 1
            values = [tok.value]
            while (nxt := self.peek()) is not None and nxt.kind == "str":  # C adjacent literals
                values.append(nxt.value)
                self.pos += 1
            if len(values) == 1:
                return Tmpl(values[0].parts) if isinstance(values[0], Tmpl) else Lit(values[0])
            return Concat(tuple(Tmpl(v.parts) if isinstance(v, Tmpl) else Lit(v) for v in values))
        if tok.kind == "num":
            self.pos += 1
            return Lit(tok.value)
        if tok.kind == "id":
            self.pos += 1
            path = tok.text
            while (
                (op := self.peek()) is not None
                and op.kind == "op"
                and op.text in self.syntax.member
                and ((nxt := self.peek(1)) is not None and nxt.kind == "id")
            ):
                path += "." + nxt.text
                self.pos += 2
            if path in ("array", "Array") and self.at("("):  # PHP `array(...)`
                return self.sequence(")")
            return Name(path)
        if tok.kind == "op" and tok.text == "(":
            self.pos += 1
            inner = self.expr()
            self._close(")")
            return inner
        if tok.kind == "op" and tok.text == "[":
            return self.sequence("]")
        if tok.kind == "op" and tok.text == "{":
            return self.sequence("}")
        self.pos += 1
        return Unknown(tok.text)

    def postfix(self, node: Node) -> Node:
        while (tok := self.peek()) is not None:
            if tok.kind == "id" and tok.text == "as" and self.syntax.name == "swift":
                self._skip_cast()
                continue
            if tok.kind != "op":
                break
            same_line = self.pos > 0 and self.tokens[self.pos - 1].line == tok.line
            if tok.text in self.syntax.member and (nxt := self.peek(1)) is not None and nxt.kind == "id":
                self.pos += 2
                node = Member(node, nxt.text)
            elif tok.text == "(" and same_line:
                args, kwargs = self.arguments()
                node = Call(node, args, kwargs)
            elif tok.text == "[" and same_line:
                self.pos += 1
                key = self.expr()
                self._close("]")
                node = Index(node, key)
            elif tok.text == "{" and same_line and self.syntax.name in ("go", "swift", "ruby"):
                block = self.sequence("}")
                if isinstance(node, Call):
                    node = Call(node.func, node.args, node.kwargs, block)
                elif isinstance(node, (Name, Index, Member)) and self.syntax.name == "go":
                    node = Call(node, (), (), block)  # composite literal `http.Cookie{...}`
            elif tok.text == "!" and self.syntax.name == "swift":
                self.pos += 1
            elif tok.text == "?" and self.at(".", 1):
                self.pos += 1
            else:
                break
        return node

    def _skip_cast(self) -> bool:
        """Skip Swift `as Data` / `as! URL` / `as [String : Any]` casts."""
        tok = self.peek()
        if tok is None or tok.kind != "id" or tok.text != "as":
            return False
        self.pos += 1
        if self.at("!") or self.at("?"):
            self.pos += 1
        if self.at("["):
            self.skip_group()
        elif (nxt := self.peek()) is not None and nxt.kind == "id":
            self.pos += 1
            while self.at(".") and (n2 := self.peek(1)) is not None and n2.kind == "id":
                self.pos += 2
        return True

    def arguments(self) -> tuple[tuple[Node, ...], tuple[tuple[str, Node], ...]]:
        """Read `( ... )`: positional arguments, and labelled ones (`url: x`, `name => x`)."""
        self.pos += 1
        args: list[Node] = []
        kwargs: list[tuple[str, Node]] = []
        while (tok := self.peek()) is not None and not self.at(")"):
            if tok.kind == "id" and self.at(":", 1) and not self.at("::", 1):
                self.pos += 2
                kwargs.append((tok.text, self.expr()))
            else:
                start = self.pos
                value = self.expr()
                if self.at("=>"):
                    self.pos += 1
                    kwargs.append((_key_text(value), self.expr()))
                else:
                    args.append(value)
                if self.pos == start:
                    self.pos += 1
            if self.at(","):
                self.pos += 1
            elif not self.at(")"):
                self._recover(")")
                break
        self._close(")")
        return tuple(args), tuple(kwargs)

    def sequence(self, close: str) -> Node:
        """Read `[...]`, `{...}` or PHP `array(...)`: a map if any item has a key (`:` or `=>`), else a list."""
        self.pos += 1
        items: list[tuple[Node | None, Node]] = []
        while self.peek() is not None and not self.at(close):
            if self.at("..."):
                self.pos += 1
                self.expr()
            elif self.at(":") and close == "]":  # Swift empty dictionary `[:]`
                self.pos += 1
                self._close("]")
                return Obj(())
            else:
                start = self.pos
                key_tok = self.peek()
                value = self.expr()
                if self.at(":") or self.at("=>") or (self.at("=") and close == "}" and self.syntax.name == "ruby"):
                    self.pos += 1
                    key: Node = Lit(key_tok.text) if isinstance(value, Name) and key_tok is not None else value
                    items.append((key, self.expr()))
                elif isinstance(value, Name) and close == "}" and self.syntax.name == "javascript":
                    items.append((Lit(value.path), value))  # `{ url, method }` shorthand
                else:
                    items.append((None, value))
                if self.pos == start:
                    self.pos += 1
            if self.at(","):
                self.pos += 1
            elif not self.at(close):
                self._recover(close)
                break
        self._close(close)
        return self._finish_sequence(items, close)

    def _finish_sequence(self, items: list[tuple[Node | None, Node]], close: str) -> Node:
        if any(k is not None for k, _ in items) or (close == "}" and not items):
            return Obj(tuple((k if k is not None else Lit(str(i)), v) for i, (k, v) in enumerate(items)))
        return Arr(tuple(v for _, v in items))

    def _recover(self, close: str) -> None:
        """Skip to the closing bracket of the current group (used when an item does not parse)."""
        while (tok := self.peek()) is not None:
            if tok.kind == "op" and tok.text == close:
                return
            if tok.kind == "op" and tok.text in _OPEN:
                self.skip_group()
            else:
                self.pos += 1

    def _close(self, close: str) -> None:
        if self.at(close):
            self.pos += 1


def _key_text(node: Node) -> str:
    if isinstance(node, Lit):
        return str(node.value)
    if isinstance(node, Name):
        return node.path
    return ""


def calls(tokens: list[Token], syntax: Syntax) -> Iterator[Call]:
    """Every call in the code, outermost first, in source order (nested ones included)."""
    for i, tok in enumerate(tokens):
        if tok.kind != "op" or tok.text != "(" or i == 0:
            continue
        prev = tokens[i - 1]
        if prev.kind != "id" or prev.text in ("if", "for", "while", "switch", "catch", "function", "func"):
            continue
        start = i - 1
        while start >= 2 and tokens[start - 1].text in syntax.member and tokens[start - 2].kind == "id":
            start -= 2
        path = ".".join(tokens[j].text for j in range(start, i, 2))
        if start >= 1 and tokens[start - 1].text in syntax.member:
            path = "." + path
        reader = Reader(tokens, syntax, i)
        args, kwargs = reader.arguments()
        block = None
        if reader.at("{") and syntax.name in ("go", "swift") and tokens[reader.pos].line == tokens[reader.pos - 1].line:
            block = reader.sequence("}")
        yield Call(Name(path), args, kwargs, block)


def assignments(tokens: list[Token], syntax: Syntax) -> Iterator[tuple[str, Node | None, Node, str]]:
    """`(target, index key or None, value, operator)` for each `x = ...`, `x.y = ...`, `x["k"] = ...`, `x += ...`."""
    for i, tok in enumerate(tokens):
        if tok.kind != "op" or tok.text not in ("=", ":=", "+=", ".="):
            continue
        j = i - 1
        key: Node | None = None
        if j >= 0 and tokens[j].text == "]":
            depth, k = 0, j
            while k >= 0:
                if tokens[k].text == "]":
                    depth += 1
                elif tokens[k].text == "[":
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            if k > 0 and tokens[k - 1].text == ":":  # Swift/TS type annotation: `let x: [String: Any] = ...`
                j = k - 2
            elif k == j - 1 and k >= 2 and tokens[k - 1].kind == "id" and tokens[k - 2].kind == "id":
                j = k - 1  # C array declaration `char body[] = "..."`: a plain assignment
            elif k > 0:
                reader = Reader(tokens, syntax, k + 1)
                key = reader.expr() if k + 1 < j else Lit(None)
                j = k - 1
        elif j >= 2 and tokens[j - 1].text == ":" and tokens[j].kind == "id":  # `val x: String = ...`
            j -= 2
        if j < 0 or tokens[j].kind != "id":
            continue
        start = j
        while start >= 2 and tokens[start - 1].text in syntax.member and tokens[start - 2].kind == "id":
            start -= 2
        target = ".".join(tokens[k].text for k in range(start, j + 1, 2))
        reader = Reader(tokens, syntax, i + 1)
        yield target, key, reader.expr(), tok.text
