"""Choosing the *target* operation of a multi-step request: what the user wants done at the end.

`ask`'s reranker (`apiforge.ask.choose.rerank`) is tuned for one-call requests, where the request names every
input. A multi-step request names the target's inputs indirectly ("the album 'Discovery'", "the droplet called
web-1"), so two more signals matter here: the action verb, read with a vocabulary of task verbs (save, queue,
refund, reboot, merge...), and how well the operation's literal path words agree with the request's nouns —
an operation whose path names things the request never mentions (`/reactions`, `/tags/{tag}`, `/dangerous`) is
a worse target than its plainer sibling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from apiforge.ask.choose import method_prior, rerank
from apiforge.ask.fields import name_words, singular
from apiforge.catalog.search import SearchHit

__all__ = ["Target", "rank_targets", "wanted_methods"]

#: Task verbs `ask`'s vocabulary leaves out, or that mean another method in a workflow.
_TASK_VERBS: dict[str, tuple[str, ...]] = {
    "save": ("PUT", "POST"), "like": ("PUT", "POST"), "queue": ("POST",), "follow": ("PUT", "POST"),
    "unfollow": ("DELETE",), "refund": ("POST",), "cancel": ("DELETE", "POST"), "void": ("POST",),
    "finalize": ("POST",), "merge": ("POST", "PUT"), "reboot": ("POST",), "restart": ("POST",),
    "power": ("POST",), "shutdown": ("POST",), "archive": ("POST", "PATCH", "PUT"), "unstar": ("DELETE",),
    "star": ("PUT", "POST"), "rename": ("PATCH", "PUT", "POST"), "mark": ("PATCH", "PUT", "POST"),
    "close": ("PATCH", "POST", "PUT"), "give": ("PUT", "POST"), "grant": ("PUT", "POST"), "invite": ("POST", "PUT"),
    "add": ("POST", "PUT"), "remove": ("DELETE",), "delete": ("DELETE",), "destroy": ("DELETE",),
    "update": ("PATCH", "PUT", "POST"), "change": ("PATCH", "PUT", "POST"), "set": ("PUT", "PATCH", "POST"),
    "assign": ("PUT", "POST", "PATCH"), "pin": ("PUT", "POST"), "lock": ("PUT", "POST"), "upload": ("POST", "PUT"),
    "comment": ("POST",), "reply": ("POST",), "send": ("POST",), "post": ("POST",), "create": ("POST", "PUT"),
    "play": ("PUT", "POST"), "pause": ("PUT", "POST"), "skip": ("POST",), "approve": ("POST", "PUT"),
    "reject": ("POST", "PUT"), "resolve": ("POST", "PATCH", "PUT"), "reopen": ("PATCH", "POST"),
    "enable": ("POST", "PUT", "PATCH"), "disable": ("POST", "PUT", "PATCH", "DELETE"), "snapshot": ("POST",),
    "list": ("GET",), "show": ("GET",), "get": ("GET",), "find": ("GET",), "what": ("GET",), "which": ("GET",),
    "fetch": ("GET",), "download": ("GET",), "count": ("GET",), "check": ("GET",), "view": ("GET",),
}  # fmt: skip
_IGNORED_PATH_WORDS = {"v1", "v2", "v3", "api", "me", "my", "user", "current", "self"}


@dataclass(frozen=True, slots=True)
class Target:
    hit: SearchHit
    score: float
    reason: str


def wanted_methods(clause: str) -> tuple[str, ...]:
    """The HTTP methods the clause's first task verb suggests (most likely first), or () when it names none."""
    for word in re.findall(r"[a-z]+", clause.lower())[:6]:
        if word in _TASK_VERBS:
            return _TASK_VERBS[word]
    prior = method_prior(clause)
    return (prior,) if prior else ()


def _path_words(path: str) -> list[str]:
    literal = re.sub(r"\{[^}]*\}", " ", path)
    return [singular(w) for w in name_words(literal) if w not in _IGNORED_PATH_WORDS and len(w) > 1]


#: Verbs that act on a thing that already exists (so never a collection's create).
_EXISTING = {"update", "change", "rename", "archive", "close", "reopen", "finalize", "void", "cancel", "edit",
             "set", "mark", "merge", "refund", "reboot", "restart", "power", "shutdown", "lock", "pin", "resolve",
             "approve", "reject", "enable", "disable", "delete", "remove", "destroy"}  # fmt: skip
_DETAIL = re.compile(r"\b(details?|info|information|profile)\b", re.IGNORECASE)
_SKIP = {"the", "a", "an", "all", "every", "each", "my", "our", "me", "of", "this", "that", "these", "those", "some",
         "any", "detail", "details", "info", "information", "profile", "up", "out", "it", "them"}  # fmt: skip


def _head_noun(clause: str, hits: Sequence[SearchHit]) -> str:
    """The first word of the clause, after its verb, that names a resource of the candidates' paths."""
    vocabulary = {w for hit in hits for w in _path_words(hit.path)}
    words = [singular(w) for w in name_words(clause)]
    for position, word in enumerate(words[1:], 1):
        if word in _SKIP or (position < 2 and word in _TASK_VERBS):
            continue
        if word in vocabulary:
            return word
    return ""


def rank_targets(clause: str, hits: Sequence[SearchHit]) -> list[Target]:
    """`hits` re-scored as targets of `clause` (best first)."""
    methods = wanted_methods(clause)
    words = {singular(w) for w in name_words(clause)}
    stems = {w[:5] for w in words if len(w) >= 5}
    head = _head_noun(clause, hits)
    detail = bool(_DETAIL.search(clause))
    first_verb = next((w for w in re.findall(r"[a-z]+", clause.lower())[:6] if w in _TASK_VERBS), "")
    acts_on_existing = first_verb in _EXISTING
    out: list[Target] = []
    for choice in rerank(clause, hits):
        hit = choice.hit
        score = choice.score
        reasons = [choice.reason]
        if methods:
            if hit.method == methods[0]:
                score += 0.25
            elif hit.method in methods:
                score += 0.15
            else:
                score -= 0.25
                reasons.append(f"verb wants {'/'.join(methods)}")
        path_words = _path_words(hit.path)
        unmatched = [w for w in dict.fromkeys(path_words) if w not in words and w[:5] not in stems]
        score -= 0.12 * len(unmatched)
        if unmatched:
            reasons.append(f"path words not asked for: {', '.join(unmatched)}")
        if head and path_words:
            if path_words[-1] == head:
                score += 0.2
                reasons.append(f"acts on the {head}")
            elif head not in path_words:
                score -= 0.1
        if acts_on_existing and hit.method != "GET":
            # "update/archive/finalize the X": an operation on one existing thing, not the collection's create
            score += 0.1 if "{" in hit.path else -0.15
        if detail and hit.method == "GET" and hit.path.rstrip("/").endswith("}"):
            score += 0.15
        out.append(Target(hit, score, "; ".join(reasons)))
    out.sort(key=lambda t: -t.score)
    return out
