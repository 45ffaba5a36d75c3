r"""A string that matches a schema's `pattern`: a small generator for the regex subset real specs use.

Specs constrain ids with patterns (`^XE[0-9a-fA-F]{32}$`, `^[a-z][a-z0-9-]{0,30}[a-z0-9]$`, `^/`); a value
that ignores them is rejected by any validating server. Supported: anchors, literals and escapes, `.`,
character classes (ranges, negation, `\d \w \s` and their negations), groups (capturing, `(?:`, named),
alternation (the first branch giving some text) and the quantifiers `? * + {n} {n,} {n,m}` (lazy or possessive
too). Lookarounds and `\b` emit nothing; backreferences, inline flags and anything unparsable give up (None).
Every candidate is verified with Python's `re` (ECMA named groups translated) and against `minLength` /
`maxLength`, so a wrong guess is never returned. Deterministic: characters are taken in a fixed order of
preference (lowercase letters, digits from 1, uppercase, then the rest of printable ASCII), so `[0-9a-fA-F]{4}`
gives `aaaa`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from apiforge.spec.jsonschema import python_pattern

__all__ = ["pattern_string", "python_pattern"]  # python_pattern re-exported from spec.jsonschema

#: Characters tried in this order when a class allows several.
_PREFERRED = string.ascii_lowercase + "1234567890" + string.ascii_uppercase + "-_./:@ " + string.punctuation
_CATEGORIES = {
    "d": lambda c: c.isdigit() and c.isascii(),
    "w": lambda c: (c.isalnum() and c.isascii()) or c == "_",
    "s": lambda c: c in " \t\n\r\f\v",
}
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "0": "\0"}
#: Repetitions added per unbounded quantifier at most, when stretching to reach `minLength`.
_MAX_STRETCH = 4096


class _GiveUp(Exception):
    """The pattern uses syntax outside the supported subset."""


@dataclass(slots=True)
class _Chars:
    """One character from a set: literal ranges plus digit/word/space categories, maybe negated."""

    ranges: list[tuple[int, int]] = field(default_factory=list)
    categories: list[tuple[str, bool]] = field(default_factory=list)
    negated: bool = False

    def __contains__(self, ch: str) -> bool:
        code = ord(ch)
        hit = any(lo <= code <= hi for lo, hi in self.ranges) or any(
            _CATEGORIES[name](ch) != negated for name, negated in self.categories
        )
        return hit != self.negated

    def pick(self) -> str:
        for ch in _PREFERRED:
            if ch in self:
                return ch
        for lo, _ in self.ranges:
            if not self.negated and chr(lo) in self:
                return chr(lo)
        raise _GiveUp


@dataclass(slots=True)
class _Repeat:
    node: _Node
    low: int
    high: int | None


@dataclass(slots=True)
class _Alt:
    branches: list[list[_Node]]


_Node = str | _Chars | _Repeat | _Alt | None
"""A literal text, a character set, a repetition, an alternation, or None for a zero-width assertion."""


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def parse(self) -> _Alt:
        alt = self._alternation()
        if self.pos != len(self.text):
            raise _GiveUp  # an unbalanced `)`
        return alt

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _alternation(self) -> _Alt:
        branches = [self._sequence()]
        while self._peek() == "|":
            self.pos += 1
            branches.append(self._sequence())
        return _Alt(branches)

    def _sequence(self) -> list[_Node]:
        items: list[_Node] = []
        while self.pos < len(self.text) and self._peek() not in "|)":
            atom = self._atom()
            items.append(self._quantified(atom))
        return items

    def _atom(self) -> _Node:
        ch = self.text[self.pos]
        self.pos += 1
        if ch in "^$":
            return None
        if ch == ".":
            return _Chars(ranges=[(10, 10), (13, 13)], negated=True)
        if ch == "[":
            return self._class()
        if ch == "(":
            return self._group()
        if ch == "\\":
            return self._escape(in_class=False)
        if ch in "*+?":
            raise _GiveUp  # a quantifier with nothing to repeat
        return ch

    def _group(self) -> _Node:
        lookaround = False
        if self.text.startswith("?:", self.pos):
            self.pos += 2
        elif self.text.startswith(("?=", "?!"), self.pos):
            self.pos, lookaround = self.pos + 2, True
        elif self.text.startswith(("?<=", "?<!"), self.pos):
            self.pos, lookaround = self.pos + 3, True
        elif self.text.startswith(("?<", "?P<"), self.pos):
            end = self.text.find(">", self.pos)
            if end < 0:
                raise _GiveUp
            self.pos = end + 1
        elif self._peek() == "?":
            raise _GiveUp  # inline flags, conditionals, ...
        inner = self._alternation()
        if self._peek() != ")":
            raise _GiveUp
        self.pos += 1
        return None if lookaround else inner

    def _escape(self, *, in_class: bool) -> _Node:
        if self.pos >= len(self.text):
            raise _GiveUp
        ch = self.text[self.pos]
        self.pos += 1
        if ch.lower() in _CATEGORIES:
            return _Chars(categories=[(ch.lower(), ch.isupper())])
        if ch in "bB" and not in_class:
            return None
        if ch == "b":
            return "\b"
        if ch in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[ch]
        if ch in "xu":
            width = 2 if ch == "x" else 4
            digits = self.text[self.pos : self.pos + width]
            if len(digits) == width and all(c in string.hexdigits for c in digits):
                self.pos += width
                return chr(int(digits, 16))
            raise _GiveUp
        if ch.isalnum():
            raise _GiveUp  # backreferences, \A, \Z, \p{...}, \c...
        return ch

    def _class(self) -> _Chars:
        chars = _Chars()
        if self._peek() == "^":
            chars.negated = True
            self.pos += 1
        first = True
        while True:
            if self.pos >= len(self.text):
                raise _GiveUp
            ch = self.text[self.pos]
            if ch == "]" and not first:
                self.pos += 1
                return chars
            first = False
            low = self._class_char()
            if isinstance(low, _Chars):
                chars.categories.extend(low.categories)
                continue
            if self._peek() == "-" and self.text[self.pos + 1 : self.pos + 2] not in ("]", ""):
                self.pos += 1
                high = self._class_char()
                if isinstance(high, _Chars) or ord(high) < ord(low):
                    raise _GiveUp
                chars.ranges.append((ord(low), ord(high)))
            else:
                chars.ranges.append((ord(low), ord(low)))

    def _class_char(self) -> str | _Chars:
        ch = self.text[self.pos]
        self.pos += 1
        if ch != "\\":
            return ch
        node = self._escape(in_class=True)
        if not isinstance(node, str | _Chars) or (isinstance(node, str) and len(node) != 1):
            raise _GiveUp
        return node

    def _quantified(self, atom: _Node) -> _Node:
        ch = self._peek()
        bounds: tuple[int, int | None] | None = None
        if ch in ("?", "*", "+"):
            self.pos += 1
            bounds = {"?": (0, 1), "*": (0, None), "+": (1, None)}[ch]
        elif ch == "{":
            match = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.text, self.pos)
            if match:
                self.pos = match.end()
                low = int(match[1])
                high = low if match[2] is None else (int(match[3]) if match[3] else None)
                if high is not None and high < low:
                    raise _GiveUp
                bounds = (low, high)
        if bounds is None:
            return atom
        if self._peek() in ("?", "+"):  # lazy or possessive: same strings
            self.pos += 1
        if self._peek() in ("?", "*", "+"):
            raise _GiveUp
        return _Repeat(atom, *bounds)


@dataclass(slots=True)
class _Policy:
    """How many times a repetition runs: `minimal` takes the lower bound, else at least once; `extra` is the
    number of characters still wanted to reach `minLength`, taken by the first repetitions that can grow."""

    minimal: bool = False
    extra: int = 0


def _emit(node: _Node, policy: _Policy) -> str:
    if node is None:
        return ""
    if isinstance(node, str):
        return node
    if isinstance(node, _Chars):
        return node.pick()
    if isinstance(node, _Alt):
        # The first branch that gives some text: `^$|[0-9a-f]{8}` is better shown as an id than as "".
        for branch in node.branches:
            trial = _Policy(policy.minimal, policy.extra)
            text = "".join(_emit(item, trial) for item in branch)
            if text or branch is node.branches[-1]:
                policy.extra = trial.extra
                return text
    count = node.low if policy.minimal else max(node.low, min(1, node.high if node.high is not None else 1))
    unit = _emit(node.node, policy)
    text = unit * count
    if policy.extra > 0 and unit:
        room = (node.high - count) if node.high is not None else _MAX_STRETCH
        more = min(room, -(-policy.extra // len(unit)))
        text += unit * more
        policy.extra -= more * len(unit)
    return text


def pattern_string(pattern: str, *, min_length: int = 0, max_length: int | None = None) -> str | None:
    """A string matching `pattern` (searched, as JSON Schema does) within the length bounds; None if none found."""
    compiled = python_pattern(pattern)
    if compiled is None:
        return None
    try:
        tree = _Parser(pattern).parse()
        base = _emit(tree, _Policy())
        candidates = [base, _emit(tree, _Policy(minimal=True))]
        if len(base) < min_length:
            candidates.insert(0, _emit(tree, _Policy(extra=min_length - len(base))))
    except (_GiveUp, RecursionError):
        return None
    regex = re.compile(compiled)
    for text in candidates:
        if len(text) < min_length:
            text += "x" * (min_length - len(text))  # only fits an unanchored end; verified below
        if max_length is not None and len(text) > max_length:
            continue
        if regex.search(text):
            return text
    return None
