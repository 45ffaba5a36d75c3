"""Mentions: the value-looking spans of a request (quoted text, ids, numbers, emails, `owner/repo`, ...).

The first step of deterministic argument extraction (`apiforge.ask.extract`): find every span that could be a
value, most specific kinds first, so that spans never overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Mention", "find_mentions"]


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str
    """quoted, pair, url, email, phone, datetime, date, uuid, ip, domain, slug_pair, list, number, token, id, code,
    proper, word; per operation also enum and boolean."""
    text: str
    start: int
    end: int
    key: str = ""
    """For `pair` (`key=value`) and `slug_pair` (`owner/repo`): the part before the separator."""
    items: tuple[str, ...] = ()
    """For `list`: the values."""
    value: Any = None
    """For `enum` and `boolean`: the value meant."""


_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|`([^`]+)`|(?<![\w])'([^']+)'(?![\w])")
_PAIR = re.compile(r"\b([A-Za-z_][\w.-]*)\s*(?:=|:)\s*(\"[^\"]*\"|'[^']*'|[^\s,;]+)")
_URL = re.compile(r"\bhttps?://[^\s\"'<>]+[^\s\"'<>.,;:!?)]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w+])\+\d[\d -]{6,}\d\b")
_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?\b")
_DOMAIN = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|app|co|uk|de|fr|ai|info|biz|us|eu|me|xyz)\b", re.I)
_SLUG_PAIR = re.compile(r"(?<![\w/.:@-])([A-Za-z0-9][\w.-]*)/([A-Za-z0-9][\w.-]*)(?![\w/])")
_NUMBER_LIST = re.compile(r"(?<![\w.])#?[\w-]*\d[\w-]*(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)#?[\w-]*\d[\w-]*)+")
_HASHNUM = re.compile(r"#(\d+)\b")
_TOKEN = re.compile(r"(?<![\w:/])[A-Za-z0-9][\w.-]*(?:[:/][\w.-]+)+(?![\w:/])")
_ID = re.compile(r"#[A-Za-z][\w-]+|\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9][\w-]{2,}\b")
_NUMBER = re.compile(r"(?<![\w.#-])[-+]?\d+(?:\.\d+)?(?![\w.-]*[A-Za-z])")
_CODE = re.compile(r"\b[A-Z]{2,3}\b")
_PROPER = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\b")
_WORD = re.compile(r"[A-Za-z0-9][\w.-]*[\w]|[A-Za-z0-9]")
_NOT_ID = re.compile(r"v?\d+(\.\d+)*|\d+(st|nd|rd|th|s|k|m|kb|mb|gb|px|x\d+)?|\d+x\d+", re.IGNORECASE)


def find_mentions(text: str) -> list[Mention]:
    """Every value-looking span of `text`, most specific kinds first; spans never overlap."""
    taken: list[tuple[int, int]] = []
    found: list[Mention] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(kind: str, value: str, start: int, end: int, key: str = "", items: tuple[str, ...] = (), claim=None):
        span = claim or (start, end)
        if value and free(*span):
            taken.append(span)
            found.append(Mention(kind, value, start, end, key, items))

    for m in _QUOTED.finditer(text):
        group = next(i for i in range(1, 6) if m.group(i) is not None)
        add("quoted", m.group(group), m.start(group), m.end(group), claim=(m.start(), m.end()))
    for m in _URL.finditer(text):
        add("url", m.group(0), m.start(), m.end())
    for m in _PAIR.finditer(text):
        value = m.group(2).strip("\"'")
        if not m.group(1).lower().startswith("http") and not m.group(2).startswith("//"):
            add("pair", value, m.start(2), m.end(2), key=m.group(1), claim=(m.start(), m.end()))
    for kind, pattern in (
        ("email", _EMAIL),
        ("phone", _PHONE),
        ("datetime", _DATETIME),
        ("date", _DATE),
        ("uuid", _UUID),
        ("ip", _IP),
        ("domain", _DOMAIN),
    ):
        for m in pattern.finditer(text):
            add(kind, m.group(0), m.start(), m.end())
    for m in _SLUG_PAIR.finditer(text):
        if not (m.group(1).isdigit() and m.group(2).isdigit()):  # 1/2 is a fraction, not owner/repo
            add("slug_pair", m.group(2), m.start(2), m.end(2), key=m.group(1), claim=(m.start(), m.end()))
    for m in _NUMBER_LIST.finditer(text):
        items = tuple(i.lstrip("#") for i in re.split(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+|&)\s*", m.group(0)))
        if len(items) > 1:
            add("list", m.group(0), m.start(), m.end(), items=items)
    for m in _HASHNUM.finditer(text):
        add("number", m.group(1), m.start(1), m.end(1), claim=(m.start(), m.end()))
    for m in _TOKEN.finditer(text):
        add("token", m.group(0), m.start(), m.end())
    for m in _ID.finditer(text):
        if not _NOT_ID.fullmatch(m.group(0)):
            add("id", m.group(0), m.start(), m.end())
    for m in _NUMBER.finditer(text):
        add("number", m.group(0), m.start(), m.end())
    for m in _CODE.finditer(text):
        if m.group(0) != "I":
            add("code", m.group(0), m.start(), m.end())
    for m in _PROPER.finditer(text):
        start, value = m.start(), m.group(0)
        if start == 0 or re.search(r"[.!?:]\s*$", text[:start]):  # a capital at a sentence start proves nothing
            first, _, rest = value.partition(" ")
            if not rest:
                continue
            start, value = m.start() + len(first) + 1, rest.lstrip()
        add("proper", value, start, start + len(value))
    for m in _WORD.finditer(text):
        add("word", m.group(0), m.start(), m.end())
    found.sort(key=lambda x: x.start)
    return found
