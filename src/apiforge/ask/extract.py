"""Deterministic argument extraction: values stated in a request, matched to an operation's parameters.

This is the `none` backend's way to fill arguments, and a cross-check for model answers. It never invents a value:
every argument it returns is a span of the request text (or an enum value / boolean the text names), matched to a
parameter by the words around it, the value's shape (email, date, number, `owner/repo`...) and the parameter's
type, format, enum and name. Unmatched required parameters are left for the builder to mark as placeholders.

How it works (mentions live in `mentions.py`, the operation's inputs in `fields.py`):
1. find *mentions* in the text: quoted strings, `key=value` pairs, URLs, emails, phone numbers, dates, UUIDs, IP
   addresses, domains, `owner/repo` pairs, lists of numbers or ids, numbers, id-like tokens, upper-case codes,
   proper names, and plain words;
2. add mentions that only make sense for this operation: enum values and booleans the text names;
3. score every (parameter, mention) pair: type/format compatibility, whether words of the parameter's name (or the
   path segment before it, `/buckets/{id}` → "bucket") sit right before the mention, what verb introduces a quoted
   text ("rename ... to 'X'" → a name), and how specific the mention's shape is;
4. assign greedily by score, one mention per parameter and one parameter per mention; then give required
   parameters still empty the first unused value of a compatible, specific shape.
Credentials (`token`, `api_key`, ...) are never filled from free text: they come from the credential store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apiforge.ask.fields import ArgumentCandidate, name_words, operation_fields, singular
from apiforge.ask.mentions import Mention, find_mentions
from apiforge.spec.model import Api, Operation

__all__ = ["ArgumentCandidate", "Extracted", "Mention", "extract_arguments", "find_mentions", "operation_fields"]

# -- words ---------------------------------------------------------------------------------------------------------

_STOP = {
    "a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "with", "by", "from", "my", "me", "i", "is", "it",
    "all", "any", "that", "this", "at", "as", "be", "please", "can", "you", "show", "get", "list", "give", "find",
    "what", "which", "who", "how", "do", "does", "are", "using", "use", "via", "into", "then", "new", "some", "its",
    "their", "our", "your", "want", "need", "would", "like", "let", "make", "set", "called", "named", "titled", "now",
    "there", "here", "exist", "exists", "available", "valid", "just", "only", "also", "up", "out", "about", "over",
    "right", "today", "yet", "been", "has", "have", "was", "were", "will", "should", "could", "one", "ones", "them",
}  # fmt: skip
_LIMIT_NAMES = {"limit", "per_page", "perpage", "page_size", "pagesize", "max_results", "maxresults", "count", "size",
                "top", "first", "n", "max", "num", "number_of_results", "take", "_limit"}  # fmt: skip
_COUNTED = r"\s*(results|items|entries|records|rows|at a time|per|max)"
_LIMIT_WORDS = {"top", "first", "last", "latest", "max", "maximum", "limit", "up", "only", "most", "newest"}
_SYNONYMS = {
    "user": {"username", "user", "login", "owner", "author", "assignee", "member"},
    "repository": {"repo", "repository"},
    "repo": {"repo", "repository"},
    "org": {"org", "organization", "organisation"},
    "organization": {"org", "organization"},
    "search": {"q", "query", "search", "keyword", "term"},
    "query": {"q", "query", "search", "matching"},
    "message": {"message", "text", "body", "content"},
    "title": {"title", "subject"},
    "email": {"email", "mail"},
    "number": {"index", "number", "num"},
    "issue": {"index", "issue"},
    "pr": {"index", "pull"},
    "sort": {"sort", "order", "sorted"},
    "channel": {"channel", "conversation"},
    "description": {"description", "desc"},
    "phone": {"phone", "number"},
}
#: Words that introduce a quoted or proper-name value, and the field-name words they point to.
_INTRO = {
    ("rename", "renamed", "called", "named", "titled", "title", "name"): {
        "name", "title", "subject", "display", "label",
    },
    ("say", "saying", "says", "text", "message", "comment", "post", "send", "reply", "write", "content", "note"): {
        "text", "body", "message", "content", "comment", "note", "description",
    },
    ("search", "find", "query", "matching", "match", "for", "about", "containing"): {"q", "query", "search", "term"},
    ("prompt", "image", "picture", "of", "draw"): {"prompt"},
    ("instruction", "instructions"): {"instruction"},
    ("description", "describe", "described"): {"description"},
    ("in", "for", "at", "near"): {"location", "city", "place", "region", "address", "zone", "room", "speaker"},
    ("to",): {"topic", "purpose", "name", "value", "status", "title", "presence", "destination"},
    ("from",): {"origin", "sender", "source"},
}  # fmt: skip


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ingly", "edly", "ing", "ly", "ed", "es", "s"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _anchor_words(field: ArgumentCandidate) -> set[str]:
    words = name_words(field.name)
    anchors = {w for w in words if w not in {"id", "ids", "gid", "sid", "uuid", "key", "value", "type"}} or set(words)
    for word in list(anchors):
        anchors.add(singular(word))
        for key, group in _SYNONYMS.items():
            if word == key or word in group:
                anchors.add(key)
                anchors.update(g for g in group if len(g) > 2)
    anchors.update(field.context)
    if len(words) > 1:
        return {a for a in anchors if a not in _STOP}
    return anchors


def _matches_anchor(word: str, anchors: set[str]) -> bool:
    word = singular(word.lower())
    for anchor in anchors:
        if word == anchor or (
            len(word) >= 4 and len(anchor) >= 4 and (anchor.startswith(word) or word.startswith(anchor))
        ):
            return True
    return False


# -- scoring -----------------------------------------------------------------------------------------------------


def _coerce(field: ArgumentCandidate, mention: Mention) -> Any:
    """The mention's value in the field's type, or None when it does not fit."""
    if mention.kind in ("enum", "boolean"):
        return mention.value
    if mention.kind == "list":
        if field.type != "array":
            return None
        item = ArgumentCandidate(field.name, field.location, field.schema.get("items") or {}, field.required)
        values = [_coerce(item, Mention("word", text, 0, 0)) for text in mention.items]
        return values if all(v is not None for v in values) else None
    text = mention.text.strip()
    if mention.kind == "slug_pair" and not _is_repo_like(field):
        text = f"{mention.key}/{text}"
    kind = field.type
    if field.enum:
        for value in field.enum:
            if str(value).lower() == text.lower():
                return [value] if kind == "array" else value
        return None
    if kind == "integer":
        if re.fullmatch(r"[-+]?\d+", text) and _in_range(field.schema, int(text)):
            return int(text)
        return None
    if kind == "number":
        if re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
            number = float(text)
            value = int(number) if number.is_integer() and "." not in text else number
            return value if _in_range(field.schema, value) else None
        return None
    if kind == "boolean":
        return {"true": True, "false": False}.get(text.lower())
    if kind == "array":
        item = ArgumentCandidate(field.name, field.location, field.schema.get("items") or {}, field.required)
        if item.type in ("object", "array"):
            return None
        value = _coerce(item, mention)
        return None if value is None else [value]
    if kind == "object":
        return None
    if field.format == "date-time" and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", text):
        text += ":00"  # RFC 3339 wants seconds; the user's minute precision is kept exactly
    return text if _matches_pattern(field.schema, text) else None


def _matches_pattern(schema: dict[str, Any], text: str) -> bool:
    """A value that breaks the parameter's `pattern` (e.g. Twilio's `^AC[0-9a-f]{32}$`) belongs elsewhere."""
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return True
    try:
        return re.search(pattern, text) is not None
    except re.error:  # an ECMA-only construct: do not judge
        return True


def _in_range(schema: dict[str, Any], value: float) -> bool:
    low, high = schema.get("minimum"), schema.get("maximum")
    return (low is None or value >= low) and (high is None or value <= high)


def _is_repo_like(field: ArgumentCandidate) -> bool:
    return bool(set(name_words(field.name)) & {"repo", "repository", "project", "collection"})


_ID_WORDS = {"id", "ids", "gid", "sid", "uuid", "key", "ref", "sha", "hash", "number", "index", "code", "slug", "ts"}
_KIND_FITS = {
    # mention kind → field formats / name words it fits
    "email": {"email", "mail", "idn-email", "recipient", "to", "from", "cc", "bcc"},
    "url": {"uri", "url", "link", "href", "website", "webhook", "endpoint", "callback", "uri-reference"},
    "phone": {"phone", "to", "from", "number", "caller", "msisdn"},
    "datetime": {"date-time", "date", "time", "since", "before", "after", "until", "at", "due", "start", "end"},
    "date": {"date", "date-time", "since", "before", "after", "until", "due", "start", "end", "day", "value"},
    "uuid": {"uuid", "id", "gid"},
    "ip": {"ipv4", "ipv6", "ip", "address", "cidr"},
    "domain": {"domain", "hostname", "host", "name", "fqdn", "site"},
    "code": {"country", "currency", "code", "region", "locale", "language", "market", "type", "state"},
}


def _score(field: ArgumentCandidate, mention: Mention, words: list[Mention], vocabulary: set[str], text: str) -> float:
    """How well `mention` fits `field`: 0 means not at all."""
    if field.is_credential and mention.kind != "pair":
        return 0.0
    if _coerce(field, mention) is None:
        return 0.0
    field_words = set(name_words(field.name))
    hints = field_words | {field.format}
    anchors = _anchor_words(field)
    score = 0.0

    if mention.kind == "pair":
        key = mention.key.lower().replace("-", "_")
        if key == field.name.lower().replace("-", "_"):
            return 100.0
        return 60.0 if _matches_anchor(key, anchors) else 0.0
    if mention.kind in ("enum", "boolean"):
        return 35.0 if mention.key == field.name else 0.0
    if field.enum:  # the text names one of the enum's values exactly
        score += 25
    elif mention.kind in _KIND_FITS:
        if hints & _KIND_FITS[mention.kind]:
            score += 30
        elif field.type != "string" or mention.kind in ("email", "url", "phone", "datetime", "ip"):
            return 0.0
        else:
            score += 1
    elif mention.kind == "slug_pair":
        score += 25 if _is_repo_like(field) or field_words & {"name"} else 2
    elif mention.kind == "list":
        score += 20
    elif mention.kind == "quoted":
        # Quotes are the user saying "this exact text is a value": stronger than any plain word.
        score += 25 if field.type in ("string", "array") and not field.format else 3
    elif mention.kind == "number":
        digits = len(mention.text.lstrip("+-").split(".")[0])
        if field.type in ("integer", "number"):
            limit_like = field.name.lower() in _LIMIT_NAMES
            score += 2 if limit_like and digits >= 6 else 10
        elif field.type == "string":
            score += 8 if field_words & _ID_WORDS or field.location == "path" else 0.5
    elif mention.kind in ("id", "token"):
        if field.type in ("string", "array"):
            score += 8 if field_words & _ID_WORDS or field.location == "path" else 3
        else:
            return 0.0
    elif mention.kind == "proper":
        if field.type not in ("string", "array"):
            return 0.0
        score += 3
    elif mention.kind == "word":
        if field.type not in ("string", "array"):
            return 0.0
        lowered = mention.text.lower()
        if lowered in _STOP or _stem(lowered) in vocabulary:
            return 0.0
        score += 0.5

    # Anchors: words of the field's name right before the mention ("repo foo", "limit 10", "bucket main").
    before = [w for w in words if w.end <= mention.start][-4:]
    anchored = False
    for distance, word in enumerate(reversed(before)):
        if _matches_anchor(word.text, anchors):
            # A plain word right after an anchor is a weaker claim than a value-shaped token further on.
            score += (25 if mention.kind == "word" else 40) - 10 * distance
            anchored = distance == 0
            break
    else:
        if field.type in ("integer", "number") and mention.kind == "number" and field.name.lower() in _LIMIT_NAMES:
            lowered = {w.text.lower() for w in before}
            if lowered & _LIMIT_WORDS or re.match(_COUNTED, text[mention.end : mention.end + 24].lower()):
                score += 30
    if mention.kind in ("quoted", "proper", "word") and field.type in ("string", "array"):
        # "in the kitchen", "called pasta", "about the offsite": the words before say what the value is.
        intro = [w.text.lower() for w in before[-3:] if w.text.lower() not in ("the", "a", "an", "my", "our")]
        for triggers, targets in _INTRO.items():
            if intro and intro[-1] in triggers and field_words & targets:
                score += 20
                anchored = True
                break
    after = [w.text for w in words if w.start >= mention.end][:2]
    if mention.kind in ("number", "quoted", "id", "list", "token") and any(_matches_anchor(w, anchors) for w in after):
        score += 15
    if mention.kind == "word" and not anchored:
        return 0.0
    if field.required:
        score += 3
    if field.location == "path":
        score += 2
    return score


@dataclass(frozen=True, slots=True)
class Extracted:
    arguments: dict[str, Any]
    evidence: dict[str, str]
    """Argument name → the text span it came from."""


def extract_arguments(text: str, api: Api, operation: Operation, *, minimum: float = 10.0) -> Extracted:
    """Values stated in `text` for `operation`'s parameters and top-level body properties."""
    fields = operation_fields(api, operation)
    vocabulary = _vocabulary(api, operation)
    mentions = find_mentions(text)
    words = [m for m in mentions if m.kind == "word"]
    mentions += _enum_mentions(text, fields, vocabulary) + _boolean_mentions(text, fields, vocabulary)
    arguments: dict[str, Any] = {}
    evidence: dict[str, str] = {}
    pairs: list[tuple[float, int, int]] = []
    for fi, field in enumerate(fields):
        for mi, mention in enumerate(mentions):
            score = _score(field, mention, words, vocabulary, text)
            if score >= minimum:
                pairs.append((score, fi, mi))
    used_fields: set[int] = set()
    used_spans: list[tuple[int, int]] = []
    for _value, fi, mi in sorted(pairs, key=lambda x: (-x[0], x[1], x[2])):
        mention = mentions[mi]
        if fi in used_fields or _overlaps(mention, used_spans):
            continue
        _take(fields, fi, mention, arguments, evidence, used_fields, used_spans)
    _fill_required(fields, mentions, words, vocabulary, text, arguments, evidence, used_fields, used_spans)
    return Extracted(arguments, evidence)


def _overlaps(mention: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(mention.start < end and start < mention.end for start, end in spans)


def _take(
    fields: list[ArgumentCandidate],
    fi: int,
    mention: Mention,
    arguments: dict[str, Any],
    evidence: dict[str, str],
    used_fields: set[int],
    used_spans: list[tuple[int, int]],
) -> None:
    field = fields[fi]
    arguments[field.name] = _coerce(field, mention)
    evidence[field.name] = mention.text if mention.kind != "slug_pair" else f"{mention.key}/{mention.text}"
    used_fields.add(fi)
    used_spans.append((mention.start, mention.end))
    if mention.kind == "slug_pair" and _is_repo_like(field):
        _assign_owner(fields, used_fields, mention, arguments, evidence)


_STRONG = (
    "id",
    "uuid",
    "token",
    "quoted",
    "number",
    "list",
    "proper",
    "domain",
    "email",
    "url",
    "phone",
    "code",
    "date",
)


def _fill_required(
    fields: list[ArgumentCandidate],
    mentions: list[Mention],
    words: list[Mention],
    vocabulary: set[str],
    text: str,
    arguments: dict[str, Any],
    evidence: dict[str, str],
    used_fields: set[int],
    used_spans: list[tuple[int, int]],
) -> None:
    """Required inputs still empty take the first unused value of a specific shape that fits their type."""
    order = sorted(range(len(fields)), key=lambda i: (fields[i].location != "path", i))
    for fi in order:
        field = fields[fi]
        if fi in used_fields or not field.required or field.is_credential or field.enum or field.type == "boolean":
            continue
        for mention in mentions:
            if mention.kind not in _STRONG or _overlaps(mention, used_spans):
                continue
            if mention.kind == "number" and field.type == "string" and field.location != "path":
                if not set(name_words(field.name)) & _ID_WORDS:
                    continue
            if mention.kind == "proper" and field.location == "path":
                continue
            if _coerce(field, mention) is not None and _score(field, mention, words, vocabulary, text) > 0:
                _take(fields, fi, mention, arguments, evidence, used_fields, used_spans)
                break


def _assign_owner(
    fields: list[ArgumentCandidate],
    used: set[int],
    mention: Mention,
    arguments: dict[str, Any],
    evidence: dict[str, str],
) -> None:
    owner_names = {"owner", "org", "organization", "user", "username", "namespace", "workspace", "account", "bucket"}
    for fi, field in enumerate(fields):
        if fi not in used and field.type == "string" and set(name_words(field.name)) & owner_names:
            arguments[field.name] = mention.key
            evidence[field.name] = f"{mention.key}/{mention.text}"
            used.add(fi)
            return


def _vocabulary(api: Api, operation: Operation) -> set[str]:
    """Stems of words that name the operation itself (path literals, operation id, summary, API name): never
    plain-word values."""
    words = set(name_words(operation.id)) | set(name_words(api.id.split(".", 1)[0])) | set(name_words(api.title))
    words |= set(name_words(operation.summary))
    for segment in operation.path.split("/"):
        if segment and "{" not in segment:
            words.update(name_words(segment))
    return {_stem(w) for w in words if len(w) > 2}


def _text_stems(text: str) -> list[tuple[str, int, int]]:
    return [(_stem(m.group(0)), m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text)]


def _enum_mentions(text: str, fields: list[ArgumentCandidate], vocabulary: set[str]) -> list[Mention]:
    """Enum values the text names, also as inflected words ("most recently updated" → `recentupdate`)."""
    stems = _text_stems(text)
    out: list[Mention] = []
    for field in fields:
        if not field.enum or len(field.enum) > 25 or field.type == "boolean" or field.is_credential:
            continue  # long enums (field selectors) match ordinary words by accident
        for value in field.enum:
            if not isinstance(value, str) or len(value) < 2:
                continue
            target = "".join(_stem(w) for w in name_words(value))
            if not target or (target in vocabulary and _stem(value) == target):
                continue
            for i in range(len(stems)):
                joined = ""
                for j in range(i, min(i + 3, len(stems))):
                    joined += stems[j][0]
                    if joined == target or (len(target) >= 6 and joined == _stem(value.lower())):
                        start, end = stems[i][1], stems[j][2]
                        coerced = [value] if field.type == "array" else value
                        out.append(Mention("enum", text[start:end], start, end, key=field.name, value=coerced))
                        break
                    if not target.startswith(joined):
                        break
    return out


_NEGATIONS = {"not", "no", "without", "skip", "skipping", "exclude", "excluding", "except", "hide", "hiding", "non"}
_NEGATIVE_NAMES = {"exclude", "skip", "hide", "disable", "no", "without", "omit"}
_BOOLEAN_FILLER = {"is", "include", "includes", "show", "with", "only", "has", "should", "can", "allow", "enable"}


def _boolean_mentions(text: str, fields: list[ArgumentCandidate], vocabulary: set[str]) -> list[Mention]:
    """Booleans the text names: `include archived`, `skip archived ones`, `private repo`, `with cache cleared`."""
    tokens = [(m.group(0).lower(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text)]
    out: list[Mention] = []
    for field in fields:
        if field.type != "boolean":
            continue
        words = name_words(field.name)
        negative_name = bool(set(words) & _NEGATIVE_NAMES)
        content = [w for w in words if w not in _BOOLEAN_FILLER | _NEGATIVE_NAMES]
        if not content or content == ["state"]:
            continue
        key = content[-1]
        for i, (word, start, end) in enumerate(tokens):
            if _stem(word) in vocabulary:  # "subscription schedules" names the operation, not `scheduled`
                continue
            common = len(_common_prefix(word, key))
            if common >= 4 and common >= min(len(word), len(key)) - 3 or (len(key) < 4 and word == key):
                negated = any(t[0] in _NEGATIONS for t in tokens[max(0, i - 2) : i])
                out.append(
                    Mention("boolean", text[start:end], start, end, key=field.name, value=negated == negative_name)
                )
                break
    return out


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]
