"""Parallel function calls: split a request that asks for several calls into one clause per call.

"What's the weather in Paris and in Tokyo?" is two `get_weather` calls (BFCL's *parallel* and *parallel multiple*
categories). Splitting is deterministic and conservative; the pipeline answers each clause with the usual machinery
and keeps the split only when every clause gives a confident, complete call (see `apiforge.ask.pipeline.ask`).

Two kinds of pieces come out of a coordination:
- a *clause* starts with a verb ("... and convert 20 USD to EUR", "; also lock the front door"): answered alone;
- a *fragment* only gives new values ("... in Paris and Tokyo", "a 5 minute timer and a 20 minute timer"): the
  previous clause is repeated with the fragment in place of its last values ("weather in Tokyo").
A piece that is neither ("black and white photos": "white photos" is no verb and no value) cancels the split.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Clause", "split_clauses"]

#: Separators that always end a clause (";", "then", "also").
_HARD = re.compile(
    r"\s*;\s*(?:and\s+)?(?:also\s+|then\s+)?"  # "; also ..."
    r"|\s*,?\s+(?:and\s+)?then\s+"  # ", then ..." / "and then ..."
    r"|\s*[,.]?\s+(?:and\s+)?also\s+",  # "and also ..." / ". Also ..."
    re.IGNORECASE,
)
#: "A, B and C" / "A, B, and C": a list whose commas are coordinations too.
_AND = re.compile(r"\s*,?\s+and\s+", re.IGNORECASE)
_BOTH = re.compile(r"\bboth\s+", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9][\w'-]*")

#: Words a clause can start with besides the verbs in the functions' names.
_VERBS = frozenset(
    """get check turn switch set convert lock unlock find search send create book tell show list give start stop play
    add remove delete update translate calculate compute look fetch open close make schedule cancel order buy call
    email text post put read write run dim toggle what what's whats how is are which who when where tell""".split()
)
#: Words a fragment may start with that the previous clause also uses ("in Berlin", "the office", "a 20 minute").
_LEAD = frozenset({"in", "at", "for", "to", "from", "on", "of", "the", "a", "an", "with", "by"})


@dataclass(frozen=True, slots=True)
class Clause:
    text: str
    carried: bool = False
    """The clause repeats the previous one with new values ("weather in Tokyo" from "... and Tokyo"), so it asks
    for the same function as the previous clause."""


def split_clauses(text: str, function_names: Iterable[str] = ()) -> list[Clause] | None:
    """The clauses `text` asks for, one per call, or None when it clearly asks for one call only.

    `function_names` (the API's functions) add verbs a clause can start with: `convert_currency` → "convert".
    """
    verbs = _VERBS | {w.lower() for name in function_names for w in re.split(r"[_\W]+|(?<=[a-z])(?=[A-Z])", name) if w}
    text = _BOTH.sub("", text.strip().rstrip("?!. "))
    pieces: list[str] = []
    for part in _HARD.split(text):
        pieces.extend(p for p in _list_split(part) if p)
    pieces = [p.strip(" ,") for p in pieces if p.strip(" ,")]
    if len(pieces) < 2:
        return None
    clauses = [Clause(pieces[0])]
    for piece in pieces[1:]:
        if piece.split()[0].lower() in verbs:
            clauses.append(Clause(piece))
            continue
        carried = _substitute(clauses[-1].text, piece)
        if carried is None:
            return None
        clauses.append(Clause(carried, carried=True))
    return clauses if len({c.text.lower() for c in clauses}) == len(clauses) else None


def _list_split(part: str) -> list[str]:
    """Split on "and" (and on the commas of "A, B and C"); one piece when there is no "and"."""
    pieces = _AND.split(part)
    if len(pieces) < 2:
        return [part]
    head, *rest = pieces
    items = [p.strip() for p in head.split(",")] if "," in head else [head]
    # "weather in Lyon, FR and Paris": a comma before a lone code is part of a value, not a list.
    if len(items) > 1 and any(_is_code(i) for i in items[1:]):
        items = [head]
    return [*items, *rest]


def _substitute(previous: str, fragment: str) -> str | None:
    """`previous` with `fragment` in place of its last values, or None when `fragment` gives no value."""
    words = fragment.split()
    first = words[0].lower()
    prev_words = previous.split()
    lowered = [w.lower().strip(",") for w in prev_words]
    # A fragment that starts like a part of the previous clause replaces that part: "in Paris" ← "in Berlin".
    if first in _LEAD or _is_value(words[0]):
        for i in range(len(lowered) - 1, 0, -1):
            if lowered[i] == first:
                return " ".join([*prev_words[:i], *words])
    # Bare values ("Tokyo") replace the values the previous clause ends with ("Paris", "Lyon, FR").
    run = 0
    while run < len(prev_words) - 1 and _is_value(prev_words[-1 - run]):
        run += 1
    if all(_is_value(w) for w in words) and run:
        return " ".join([*prev_words[:-run], *words])
    return None


def _is_value(word: str) -> bool:
    """A word that is a value by its shape: a number, a proper name, an upper-case code, a quoted string."""
    word = word.strip(",'\"")
    return bool(word) and (word[0].isdigit() or word[0].isupper() or word.startswith(("'", '"')))


def _is_code(item: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{2,3}", item.strip()))
