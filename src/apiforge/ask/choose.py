"""Choosing the operation among retrieved candidates.

Without a model (`none`), retrieval's fused ranking is refined by two cheap signals it cannot see: whether the
request's verb agrees with the operation's HTTP method ("delete the droplet" → DELETE), literal path words the
request names, and how many of the operation's required inputs the request actually supplies. (With a model, the
model picks among these choices: `llm_steps.choose_with_model`.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from apiforge.catalog.search import SearchHit, split_words

__all__ = ["Choice", "method_prior", "rerank"]

_VERBS: dict[str, tuple[str, ...]] = {
    "DELETE": ("delete", "remove", "kill", "destroy", "drop", "erase", "cancel", "revoke", "unstar", "unfollow",
               "uninstall", "detach", "purge", "wipe", "trash", "nuke", "unsubscribe", "leave", "unwatch", "unpin"),
    "POST": ("create", "add", "new", "make", "post", "send", "upload", "submit", "start", "open", "invite",
             "register", "generate", "trigger", "run", "publish", "reply", "comment", "attach", "fork", "transfer",
             "book", "schedule", "write", "draft", "launch", "spin", "provision", "enable", "archive"),
    "PUT": ("replace", "set", "star", "follow", "watch", "subscribe", "pin", "upsert", "overwrite", "lock", "assign"),
    "PATCH": ("update", "edit", "change", "rename", "modify", "patch", "tweak", "adjust", "mark", "move", "close",
              "reopen", "resize"),
    "GET": ("list", "show", "get", "find", "fetch", "search", "look", "what", "which", "who", "view", "see",
            "display", "check", "read", "retrieve", "lookup", "download", "count", "tell", "describe", "inspect",
            "browse", "query", "how", "where", "when", "is", "are", "does", "do", "any"),
}  # fmt: skip
_VERB_TO_METHODS = {verb: method for method, verbs in _VERBS.items() for verb in verbs}
_WORD = re.compile(r"[a-z]+")


def method_prior(request: str) -> str | None:
    """The HTTP method the request's first action verb suggests, or None when it names none."""
    for word in _WORD.findall(request.lower())[:8]:
        method = _VERB_TO_METHODS.get(word)
        if method is not None:
            return method
    return None


def _method_agrees(wanted: str | None, method: str) -> float:
    if wanted is None:
        return 0.0
    if wanted == method:
        return 1.0
    writes = {"POST", "PUT", "PATCH"}
    if wanted in writes and method in writes:
        return 0.5
    return -0.5


# Weights next to the search score (cosine similarity + scaled BM25), tuned on tests/data/ask/dev.jsonl.
METHOD_WEIGHT = 0.15
PATH_WEIGHT = 0.1
FIT_WEIGHT = 0.05


@dataclass(frozen=True, slots=True)
class Choice:
    hit: SearchHit
    score: float
    reason: str


def rerank(request: str, hits: Sequence[SearchHit], fit: dict[tuple[str, str], float] | None = None) -> list[Choice]:
    """Hits re-scored by retrieval rank, method agreement and argument fit (share of required inputs found)."""
    wanted = method_prior(request)
    words = set(split_words(request).split())
    out: list[Choice] = []
    for rank, hit in enumerate(hits):
        agree = _method_agrees(wanted, hit.method)
        key = (hit.api_id, hit.operation_id)
        filled = (fit or {}).get(key, 0.0)
        # Literal path words the request names ("issues", "comments") separate siblings retrieval ties on.
        path_words = {w for w in split_words(re.sub(r"\{[^}]*\}", " ", hit.path)).split() if len(w) > 2}
        overlap = len(path_words & words) / max(len(path_words), 1)
        score = hit.score + METHOD_WEIGHT * agree + FIT_WEIGHT * filled + PATH_WEIGHT * overlap
        parts = [f"retrieval #{rank + 1}"]
        if agree > 0:
            parts.append(f"'{wanted}' verb matches")
        elif agree < 0:
            parts.append(f"request suggests {wanted}")
        if filled:
            parts.append(f"{filled:.0%} of required inputs found")
        out.append(Choice(hit, score, ", ".join(parts)))
    out.sort(key=lambda c: -c.score)
    return out
