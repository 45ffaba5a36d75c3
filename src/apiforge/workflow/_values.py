"""What a request says about one input: a value, a name to look up, or the noun a value is said of.

Helpers of the planner (`apiforge.workflow.planner`), kept apart because they read words, not the spec's graph.
"""

from __future__ import annotations

import re
from typing import Any

from apiforge.ask.choose import method_prior
from apiforge.ask.fields import ArgumentCandidate, name_words, singular
from apiforge.ask.mentions import find_mentions
from apiforge.spec import Operation
from apiforge.workflow.graph import param_noun

__all__ = [
    "ALL",
    "FUNCTION_WORDS",
    "NEWEST",
    "enum_named",
    "id_named",
    "lookup_key",
    "looks_like_id",
    "named_near",
    "needs_lookup",
    "preceding_noun",
]

ALL = re.compile(r"\b(all|each|every|everything|both)\b", re.IGNORECASE)
NEWEST = re.compile(r"\b(newest|latest|most recent(?:ly)?|last|recent(?:ly)?|youngest)\b", re.IGNORECASE)
_ID_SHAPE = re.compile(
    r"^(?:\d+|[A-Za-z]{1,8}_[A-Za-z0-9]{6,}|[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|[0-9a-fA-F]{16,}|[A-Z][A-Z0-9]{6,}"
    r"|[A-Za-z0-9]{20,})$"
)


def looks_like_id(value: Any) -> bool:
    """An id as APIs write them: digits, `cus_123abc`, a UUID, long hex or base62 tokens."""
    return isinstance(value, int) or (isinstance(value, str) and bool(_ID_SHAPE.match(value.strip())))


def id_named(f: ArgumentCandidate) -> bool:
    """A parameter that wants an identifier by its name (`*_id`, `ids`, `index`) or type (integer)."""
    words = name_words(f.name)
    ids = ("id", "ids", "uuid", "gid", "index")
    return bool(words) and (words[-1] in ids or (words[0] == "id" and len(words) > 1) or f.type == "integer")


FUNCTION_WORDS = {"whose", "which", "that", "named", "called", "with", "where", "who", "whom", "titled", "it", "them"}
_URI_WORDS = {"uri", "uris", "url", "urls", "urn", "href"}


def needs_lookup(f: ArgumentCandidate, value: Any, op: Operation | None = None, text: str = "") -> bool:
    """Whether a stated value is a *name* of the thing (or the id of another thing) where the parameter wants
    its identifier: `customer jane@x.com`, `album 'OK Computer'`, `invoice` given `customer cus_123`."""
    raw = str(value).strip()
    if "@" in raw and "email" not in f.name.lower() and f.format != "email":
        return True
    words = name_words(f.name)
    if words and words[-1] in _URI_WORDS and not re.search(r"[:/]", raw):
        return True
    if id_named(f) and not looks_like_id(value):
        return True
    if f.location == "path" and " " in raw:
        return True
    noun = preceding_noun(text, raw)
    if op is not None and noun and looks_like_id(value):
        nouns = param_noun(op, f.name) | {singular(w) for w in words}
        return noun not in nouns
    return False


_GLUE = {"the", "a", "an", "of", "in", "on", "to", "for", "is", "id", "ids", "number", "no", "with", "named", "called",
         "whose", "which", "that", "titled", "by", "uuid", "key", "slug", "code"}  # fmt: skip


def preceding_noun(text: str, value: str) -> str:
    """The noun a value is said of ("customer cus_123" → customer, "artist with id ar_1" → artist)."""
    at = text.find(value)
    if at <= 0:
        return ""
    before = re.findall(r"[A-Za-z]+", text[:at])
    for word in reversed(before[-4:]):
        word = word.lower()
        if word in _GLUE:
            continue
        return "" if method_prior(word) is not None and word not in ("post", "comment", "star") else singular(word)
    return ""


def lookup_key(clause: str, used: set[str]) -> str:
    """A name the clause gives that no argument took: quoted text, an email, a proper name."""
    for mention in find_mentions(clause):
        if mention.kind in ("quoted", "email", "proper", "slug_pair", "id", "token") and mention.text not in used:
            if mention.kind == "proper" and mention.start == 0:
                continue
            return mention.text
    return ""


_NOT_NAMES = {"the", "a", "an", "my", "our", "your", "their", "every", "all", "each", "this", "that", "of", "in", "on",
              "for", "to", "from", "by", "with", "and", "or", "is", "it", "its", "new", "old", "open",
              "closed"}  # fmt: skip


def named_near(text: str, nouns: set[str]) -> str:
    """A plain word the text puts right next to one of `nouns`: "the acme organization", "org acme", "user carol"."""
    words = re.findall(r"[A-Za-z0-9][\w.-]*", text)
    for i, word in enumerate(words):
        if singular(word.lower()) not in nouns:
            continue
        for j in (i + 1, i - 1):
            if not 0 <= j < len(words):
                continue
            candidate = words[j].lower()
            if candidate.endswith(("ed", "ing", "est", "'s")) or NEWEST.search(candidate) or ALL.search(candidate):
                continue
            if 0 <= j < len(words) and candidate not in _NOT_NAMES and method_prior(words[j]) is None:
                if singular(words[j].lower()) not in nouns and len(words[j]) > 1:
                    return words[j]
    return ""


def enum_named(f: ArgumentCandidate, clause: str) -> Any:
    """The enum value of `f` the clause names as a word ("the artist" → `artist`), else None."""
    words = {singular(w) for w in name_words(clause)}
    for value in f.enum:
        if singular(str(value).lower()) in words:
            return value
    return None
