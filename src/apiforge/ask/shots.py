"""Few-shot examples for the model steps of `ask`: the prompting strategies of API Pack, made selectable.

An example is a solved request: `{"request", "api", "operation", "arguments"}` (the format of
`tests/data/ask/dev.jsonl`; datasets built by apiforge export the same fields). Strategies:

- `0-shot`: no examples;
- `3-shot-random`: three examples drawn at random (seeded, so runs are reproducible);
- `3-shot-retrieved`: the three examples whose requests are nearest to the new one (embedding cosine, falling
  back to word overlap when the encoder is not installed);
- `oracle`: three examples of the gold operation itself (API Pack's upper bound; needs the gold operation).

The request being answered is never its own example.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apiforge.errors import ApiforgeError

__all__ = ["STRATEGIES", "Example", "load_examples", "select_shots"]

STRATEGIES = ("0-shot", "3-shot-random", "3-shot-retrieved", "oracle")


@dataclass(frozen=True, slots=True)
class Example:
    request: str
    api: str
    operation: str
    arguments: dict[str, Any]


def load_examples(path: str | Path) -> list[Example]:
    """Read a JSONL file of solved requests; a bad line is an error naming the file and line."""
    examples: list[Example] = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            examples.append(Example(row["request"], row["api"], row["operation"], dict(row.get("arguments") or {})))
        except (ValueError, KeyError, TypeError) as exc:
            raise ApiforgeError(f"{path}:{number}: not an example line ({exc!r})") from exc
    return examples


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def select_shots(
    strategy: str,
    request: str,
    examples: Sequence[Example],
    *,
    k: int = 3,
    seed: int = 0,
    gold_operation: tuple[str, str] | None = None,
) -> list[Example]:
    """The examples to show the model for `request` under `strategy`."""
    if strategy not in STRATEGIES:
        raise ApiforgeError(f"Unknown strategy '{strategy}'. Known: {', '.join(STRATEGIES)}")
    pool = [e for e in examples if e.request.strip() != request.strip()]
    if strategy == "0-shot" or not pool:
        return []
    if strategy == "3-shot-random":
        return random.Random(f"{seed}:{request}").sample(pool, min(k, len(pool)))
    if strategy == "oracle":
        if gold_operation is None:
            raise ApiforgeError("the oracle strategy needs the gold operation (it is for evaluation only)")
        same = [e for e in pool if (e.api, e.operation) == gold_operation]
        return same[:k]
    return _nearest(request, pool, k)


_POOL_VECTORS: dict[tuple[str, ...], Any] = {}


def _nearest(request: str, pool: Sequence[Example], k: int) -> list[Example]:
    from apiforge.catalog._embed import get_encoder

    encoder = get_encoder()
    if encoder is None:
        query = _words(request)
        scored = sorted(pool, key=lambda e: -len(query & _words(e.request)) / (1 + len(_words(e.request))))
        return scored[:k]
    key = tuple(e.request for e in pool)
    if key not in _POOL_VECTORS:
        _POOL_VECTORS.clear()  # one pool at a time: a run uses one example file
        _POOL_VECTORS[key] = encoder.encode(list(key))
    similarity = _POOL_VECTORS[key] @ encoder.encode([request])[0]
    order = similarity.argsort()[::-1][:k]
    return [pool[int(i)] for i in order]
