"""Level 1/2/3 test splits (API Pack): what a model has seen decides what a test measures.

- Level 3, unseen API: every endpoint of the held-out APIs; none of their endpoints is in train.
- Level 2, seen API, unseen endpoint: held-out endpoints of the training APIs; not in train.
- Level 1, seen API and endpoint, new instruction: endpoints that ARE in train, asked with the paraphrase (the
  second-best good candidate) instead of the instruction train uses.
Units are endpoints (all languages of an endpoint go together) and APIs; choices are seeded shuffles of sorted
ids, so the same seed and input give the same splits. A size below 1 is a fraction, 1 or more a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apiforge.dataset.records import endpoint_key, rng_for

__all__ = ["SPLITS", "make_splits"]

SPLITS = ("train", "test_level1", "test_level2", "test_level3")


def _size(value: float, n: int) -> int:
    if value <= 0 or n == 0:
        return 0
    if value >= 1:
        return min(int(value), n)
    return min(n, max(1, round(value * n)))


def _held_out(
    keys: list[str], size: float, seed: int, label: str, notes: list[str], *, keep_one: str | None = None
) -> set[str]:
    """A seeded choice of `size` of the sorted `keys`; with `keep_one`, never all of them (the note says so)."""
    n = _size(size, len(keys))
    if keep_one is not None and n >= len(keys) and keys:
        n = len(keys) - 1
        notes.append(keep_one)
    shuffled = list(keys)
    rng_for(seed, label).shuffle(shuffled)
    return set(shuffled[:n])


def make_splits(
    instances: Sequence[dict[str, Any]],
    *,
    seed: int = 0,
    level3_apis: float = 0.2,
    level2_endpoints: float = 0.1,
    level1_endpoints: float = 0.1,
) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The instances by split (each with `split` and `instruction` set) and notes on what could not be held out."""
    notes: list[str] = []
    apis = sorted({i["api_id"] for i in instances})
    unseen_apis = _held_out(
        apis,
        level3_apis,
        seed,
        "level3",
        notes,
        keep_one="Level 3 needs an API left for training: held out all but one API",
    )
    seen_endpoints = sorted({endpoint_key(i) for i in instances if i["api_id"] not in unseen_apis})
    unseen_endpoints = _held_out(
        seen_endpoints,
        level2_endpoints,
        seed,
        "level2",
        notes,
        keep_one="Level 2 needs an endpoint left for training: held out all but one",
    )
    train_endpoints = sorted(set(seen_endpoints) - unseen_endpoints)
    level1 = _held_out(train_endpoints, level1_endpoints, seed, "level1", notes)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    for instance in instances:
        key = endpoint_key(instance)
        if instance["api_id"] in unseen_apis:
            out["test_level3"].append({**instance, "split": "test_level3"})
        elif key in unseen_endpoints:
            out["test_level2"].append({**instance, "split": "test_level2"})
        else:
            out["train"].append({**instance, "split": "train"})
            if key in level1:
                paraphrased = {**instance, "split": "test_level1", "instruction": instance["paraphrase"]}
                out["test_level1"].append(paraphrased)
    for name in SPLITS:
        if not out[name]:
            notes.append(f"{name} is empty")
    return out, notes
