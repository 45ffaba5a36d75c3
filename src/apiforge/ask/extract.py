"""Deterministic argument extraction: values stated in a request, matched to an operation's parameters.

This is the `none` backend's way to fill arguments, and a cross-check for model answers. It never invents a value:
every argument it returns is a span of the request text (or an enum value / boolean the text names), matched to a
parameter by the words around it, the value's shape (email, date, number, `owner/repo`...) and the parameter's
type, format, enum and name. Unmatched required parameters are left for the builder to mark as placeholders.

How it works, in three steps:
1. find *mentions* in the text: quoted strings, `key=value` pairs, URLs, emails, dates, UUIDs, `owner/repo`
   pairs, numbers, id-like tokens, and plain words;
2. score every (parameter, mention) pair: type/format compatibility, whether words of the parameter's name
   ("anchors") sit right before the mention, and how specific the mention's shape is;
3. assign greedily by score, one mention per parameter and one parameter per mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from apiforge.spec.model import Api, Operation

__all__ = ["ArgumentCandidate", "Extracted", "Mention", "extract_arguments", "find_mentions", "operation_fields"]

# -- mentions ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str
    """quoted, pair, url, email, datetime, date, uuid, slug_pair, number, id, word."""
    text: str
    start: int
    end: int
    key: str = ""
    """For `pair` (`key=value`) and `slug_pair`: the key text."""


_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|`([^`]+)`|(?<![\w])'([^']+)'(?![\w])")
_PAIR = re.compile(r"\b([A-Za-z_][\w.-]*)\s*(?:=|:)\s*(\"[^\"]*\"|'[^']*'|[^\s,;]+)")
_URL = re.compile(r"\bhttps?://[^\s\"'<>]+[^\s\"'<>.,;:!?)]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_SLUG_PAIR = re.compile(r"(?<![\w/.:@-])([A-Za-z0-9][\w.-]*)/([A-Za-z0-9][\w.-]*)(?![\w/])")
_NUMBER = re.compile(r"(?<![\w.#-])[-+]?\d+(?:\.\d+)?(?![\w.-]*[A-Za-z])")
_HASHNUM = re.compile(r"#(\d+)\b")
_ID = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9][\w-]{2,}\b")
_WORD = re.compile(r"[@]?[A-Za-z0-9][\w.-]*[\w]|[A-Za-z0-9]")


def find_mentions(text: str) -> list[Mention]:
    """Every value-looking span of `text`, most specific kinds first; spans never overlap."""
    taken: list[tuple[int, int]] = []
    found: list[Mention] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: str, value: str, start: int, end: int, key: str = "", claim: tuple[int, int] | None = None) -> None:
        span = claim or (start, end)
        if value and free(*span):
            taken.append(span)
            found.append(Mention(kind, value, start, end, key))

    for m in _QUOTED.finditer(text):
        group = next(i for i in range(1, 6) if m.group(i) is not None)
        add("quoted", m.group(group), m.start(group), m.end(group), claim=(m.start(), m.end()))
    for m in _URL.finditer(text):
        add("url", m.group(0), m.start(), m.end())
    for m in _PAIR.finditer(text):
        value = m.group(2).strip("\"'")
        if not m.group(1).lower().startswith("http"):
            add("pair", value, m.start(2), m.end(2), key=m.group(1), claim=(m.start(), m.end()))
    for kind, pattern in (("email", _EMAIL), ("datetime", _DATETIME), ("date", _DATE), ("uuid", _UUID)):
        for m in pattern.finditer(text):
            add(kind, m.group(0), m.start(), m.end())
    for m in _SLUG_PAIR.finditer(text):
        if not (m.group(1).isdigit() and m.group(2).isdigit()):  # 1/2 is a fraction, not owner/repo
            add("slug_pair", m.group(2), m.start(2), m.end(2), key=m.group(1), claim=(m.start(), m.end()))
    for m in _HASHNUM.finditer(text):
        add("number", m.group(1), m.start(1), m.end(1), claim=(m.start(), m.end()))
    for m in _ID.finditer(text):
        if not re.fullmatch(r"v?\d+(\.\d+)*|\d+(st|nd|rd|th|s|k|m|kb|mb|gb|px)", m.group(0), re.IGNORECASE):
            add("id", m.group(0), m.start(), m.end())
    for m in _NUMBER.finditer(text):
        add("number", m.group(0), m.start(), m.end())
    for m in _WORD.finditer(text):
        add("word", m.group(0), m.start(), m.end())
    found.sort(key=lambda x: x.start)
    return found


# -- the operation's fields ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArgumentCandidate:
    """A parameter or top-level body property a value can go to."""

    name: str
    location: str
    """path, query, header, cookie or body."""
    schema: dict[str, Any]
    required: bool
    description: str = ""

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


_SKIP_HEADERS = {"accept", "content-type", "user-agent", "authorization", "accept-language", "cookie"}


def operation_fields(api: Api, operation: Operation) -> list[ArgumentCandidate]:
    """Parameters (minus standard/auth headers) and top-level body properties of `operation`, schemas resolved."""
    fields: list[ArgumentCandidate] = []
    for p in operation.parameters:
        if p.location == "header" and p.name.lower() in _SKIP_HEADERS:
            continue
        fields.append(ArgumentCandidate(p.name, p.location, api.resolve_schema(p.schema), p.required, p.description))
    body = operation.request_body
    if body is not None and body.content:
        media = next((m for t, m in body.content.items() if "json" in t), next(iter(body.content.values())))
        schema = _merge_all_of(api, api.resolve_schema(media.schema))
        required = set(schema.get("required") or [])
        taken = {f.name for f in fields}
        for name, prop in (schema.get("properties") or {}).items():
            if name in taken:
                continue
            resolved = api.resolve_schema(prop) if isinstance(prop, dict) else {}
            if resolved.get("readOnly"):
                continue
            fields.append(
                ArgumentCandidate(name, "body", resolved, name in required, str(resolved.get("description", "")))
            )
    return fields


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


# -- scoring -----------------------------------------------------------------------------------------------------

_STOP = {
    "a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "with", "by", "from", "my", "me", "i", "is", "it",
    "all", "any", "that", "this", "at", "as", "be", "please", "can", "you", "show", "get", "list", "give", "find",
    "what", "which", "who", "how", "do", "does", "are", "using", "use", "via", "into", "then", "new", "some", "its",
    "their", "our", "your", "want", "need", "would", "like", "let", "make", "set", "called", "named", "titled",
}  # fmt: skip
_LIMIT_NAMES = {"limit", "per_page", "perpage", "page_size", "pagesize", "max_results", "maxresults", "count", "size",
                "top", "first", "n", "max", "num", "number_of_results", "take"}  # fmt: skip
_LIMIT_WORDS = {"top", "first", "last", "latest", "max", "maximum", "limit", "up", "only", "at most"}
_SYNONYMS = {
    "user": {"username", "user", "login", "owner", "author", "assignee", "member"},
    "repository": {"repo", "repository"},
    "repo": {"repo", "repository"},
    "org": {"org", "organization", "organisation", "team", "workspace"},
    "organization": {"org", "organization"},
    "search": {"q", "query", "search", "keyword", "term", "text"},
    "query": {"q", "query", "search"},
    "message": {"message", "text", "body", "content"},
    "title": {"title", "name", "subject"},
    "name": {"name", "title"},
    "email": {"email", "mail"},
    "number": {"index", "number", "id", "num"},
    "issue": {"index", "issue", "number"},
    "pr": {"index", "pull", "number"},
    "sort": {"sort", "order", "order_by", "orderby", "sort_by"},
    "order": {"order", "direction", "sort"},
    "page": {"page", "offset", "cursor"},
    "channel": {"channel", "channel_id", "conversation"},
    "description": {"description", "body", "desc"},
}
_NAME_INTRO = {"called", "named", "titled", "name", "title", "subject", "label", "saying", "says", "message", "text"}


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]


def _anchor_words(field: ArgumentCandidate) -> set[str]:
    words = set(_name_words(field.name))
    anchors = {w for w in words if w not in {"id", "ids", "key", "value", "type"} or len(words) == 1}
    for word in list(words):
        for key, group in _SYNONYMS.items():
            if word in group:
                anchors.add(key)
                anchors.update(g for g in group if len(g) > 2)
    return {a for a in anchors if a not in _STOP or a in {"name", "title", "message", "text"}}


def _matches_anchor(word: str, anchors: set[str]) -> bool:
    word = word.lower().rstrip("s") if len(word) > 3 else word.lower()
    for anchor in anchors:
        a = anchor.rstrip("s") if len(anchor) > 3 else anchor
        if word == a or (len(word) >= 4 and len(a) >= 4 and (a.startswith(word) or word.startswith(a))):
            return True
    return False


def _coerce(field: ArgumentCandidate, mention: Mention) -> Any:
    """The mention's value in the field's type, or None when it does not fit."""
    text = mention.text.strip()
    kind = field.type
    if field.enum:
        for value in field.enum:
            if str(value).lower() == text.lower():
                return [value] if kind == "array" else value
        return None
    if kind == "integer":
        if re.fullmatch(r"[-+]?\d+", text):
            value = int(text)
            if _in_range(field.schema, value):
                return value
        return None
    if kind == "number":
        if re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
            number = float(text)
            value = int(number) if number.is_integer() and "." not in text else number
            return value if _in_range(field.schema, value) else None
        return None
    if kind == "boolean":
        return {"true": True, "false": False, "yes": True, "no": False}.get(text.lower())
    if kind == "array":
        item = ArgumentCandidate(field.name, field.location, field.schema.get("items") or {}, field.required)
        if item.type in ("object", "array"):
            return None
        parts = [p.strip() for p in re.split(r"\s*,\s*", text) if p.strip()]
        values = [_coerce(item, Mention(mention.kind, p, 0, 0)) for p in parts]
        return values if values and all(v is not None for v in values) else None
    if kind == "object":
        return None
    return text


def _in_range(schema: dict[str, Any], value: float) -> bool:
    low, high = schema.get("minimum"), schema.get("maximum")
    return (low is None or value >= low) and (high is None or value <= high)


_KIND_FITS = {
    # mention kind → (field format/name hint → bonus)
    "email": ("email",),
    "url": ("uri", "url", "link", "href", "website", "webhook", "endpoint", "callback"),
    "datetime": ("date-time", "date", "time", "since", "before", "after", "until", "at", "due", "start", "end"),
    "date": ("date", "date-time", "since", "before", "after", "until", "due", "start", "end", "day"),
    "uuid": ("uuid", "id"),
}


def _score(field: ArgumentCandidate, mention: Mention, words: list[tuple[str, int, int]], text: str) -> float:
    """How well `mention` fits `field`: 0 means not at all."""
    if _coerce(field, mention) is None:
        return 0.0
    name_words = set(_name_words(field.name))
    hints = name_words | {field.format}
    anchors = _anchor_words(field)
    score = 0.0

    if mention.kind == "pair":
        key = mention.key.lower().replace("-", "_")
        if key == field.name.lower().replace("-", "_"):
            return 100.0
        if _matches_anchor(key, anchors):
            return 60.0
        return 0.0

    fits = _KIND_FITS.get(mention.kind)
    if fits is not None:
        if field.format in fits or hints & set(fits):
            score += 30
        elif field.type != "string" or field.enum:
            return 0.0
        else:
            score += 2
    elif mention.kind == "slug_pair":
        # `owner/repo`: the value is the second part; the first part belongs to an owner-like field.
        score += 25 if name_words & {"repo", "repository", "project", "name"} else 0
    elif mention.kind == "quoted":
        score += 12 if field.type == "string" and not field.enum and not field.format else 3
    elif mention.kind == "number":
        if field.type in ("integer", "number"):
            score += 10
        elif field.type == "string" and not field.enum:
            score += 2 if name_words & {"id", "number", "index", "code"} else 0.5
    elif mention.kind == "id":
        if field.type == "string" and not field.enum:
            score += 8 if name_words & {"id", "sid", "key", "ref", "sha", "hash", "token"} else 3
        elif field.type in ("integer", "number"):
            return 0.0
    elif mention.kind == "word":
        if field.enum:
            score += 20
        elif field.type == "boolean":
            return 0.0
        elif field.type == "string":
            score += 0.5
        else:
            return 0.0

    # Anchors: words of the field's name right before the mention ("repo foo", "limit 10", "state open").
    preceding = [w for w, _, end in words if end <= mention.start][-3:]
    for distance, word in enumerate(reversed(preceding)):
        if _matches_anchor(word, anchors):
            score += 40 - 12 * distance
            break
    else:
        if field.type in ("integer", "number") and mention.kind == "number":
            if field.name.lower().replace("-", "_") in _LIMIT_NAMES:
                lowered = [w.lower() for w in preceding]
                following = text[mention.end : mention.end + 24].lower()
                if set(lowered) & _LIMIT_WORDS or re.match(
                    r"\s*(results|items|entries|records|rows|of|per)", following
                ):
                    score += 30
        if mention.kind == "quoted" and [w.lower() for w in preceding[-1:]] and preceding[-1].lower() in _NAME_INTRO:
            score += 10 if name_words & {"name", "title", "subject", "message", "text", "body", "content"} else 0
    # Words after the mention can anchor too ("alice's repos" → no; "5 per page" → per_page).
    following_words = [w for w, start, _ in words if start >= mention.end][:2]
    if any(_matches_anchor(w, anchors) for w in following_words) and mention.kind in ("number", "quoted", "id"):
        score += 15
    if field.required:
        score += 3
    if field.location == "path":
        score += 2
    # Plain words are only taken when something (an anchor or an enum) says so.
    if mention.kind == "word" and not field.enum and score < 30:
        return 0.0
    return score


@dataclass(frozen=True, slots=True)
class Extracted:
    arguments: dict[str, Any]
    evidence: dict[str, str]
    """Argument name → the text span it came from."""


def extract_arguments(text: str, api: Api, operation: Operation, *, minimum: float = 10.0) -> Extracted:
    """Values stated in `text` for `operation`'s parameters and top-level body properties."""
    fields = operation_fields(api, operation)
    mentions = find_mentions(text)
    words = [(m.text, m.start, m.end) for m in mentions if m.kind == "word"]
    arguments: dict[str, Any] = {}
    evidence: dict[str, str] = {}

    pairs: list[tuple[float, int, int]] = []
    for fi, field in enumerate(fields):
        for mi, mention in enumerate(mentions):
            score = _score(field, mention, words, text)
            if score >= minimum:
                pairs.append((score, fi, mi))
    used_fields: set[int] = set()
    used_mentions: set[int] = set()
    for _score_value, fi, mi in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        if fi in used_fields or mi in used_mentions:
            continue
        field, mention = fields[fi], mentions[mi]
        arguments[field.name] = _coerce(field, mention)
        evidence[field.name] = mention.text
        used_fields.add(fi)
        used_mentions.add(mi)
        if mention.kind == "slug_pair":
            _assign_owner(fields, used_fields, mention, arguments, evidence)
    _fill_booleans(text, fields, used_fields, arguments, evidence)
    return Extracted(arguments, evidence)


def _assign_owner(
    fields: list[ArgumentCandidate],
    used: set[int],
    mention: Mention,
    arguments: dict[str, Any],
    evidence: dict[str, str],
) -> None:
    owner_names = {"owner", "org", "organization", "user", "username", "namespace", "workspace", "account"}
    for fi, field in enumerate(fields):
        if fi not in used and field.type == "string" and set(_name_words(field.name)) & owner_names:
            arguments[field.name] = mention.key
            evidence[field.name] = f"{mention.key}/{mention.text}"
            used.add(fi)
            return


def _fill_booleans(
    text: str,
    fields: Iterable[ArgumentCandidate],
    used: set[int],
    arguments: dict[str, Any],
    evidence: dict[str, str],
) -> None:
    """`include archived`, `only private`, `not archived`: a boolean field named in the text."""
    lowered = text.lower()
    for fi, field in enumerate(fields):
        if fi in used or field.type != "boolean":
            continue
        words = [w for w in _name_words(field.name) if w not in {"is", "include", "show", "with", "only", "has"}]
        if not words:
            continue
        phrase = " ".join(words)
        match = re.search(r"(\b(?:not|no|without|exclude|excluding|non)[\s-]+)?\b" + re.escape(phrase) + r"\b", lowered)
        if match is None and len(words) == 1 and len(words[0]) > 4:
            match = re.search(r"(\b(?:not|no|without|exclude|excluding|non)[\s-]+)?\b" + re.escape(words[0]), lowered)
        if match is not None:
            arguments[field.name] = match.group(1) is None
            evidence[field.name] = match.group(0)
