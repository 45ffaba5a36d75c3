r"""Training and evaluation prompts: 0-shot, and 3-shot with random, retrieved and oracle shots (API Pack).

Format (API Pack's, after Gorilla): `###Instruction: {instruction} Use {lang}.\n\n###Output:\n<<<api_call>>>: `
followed by the call. Shots are solved examples in the same format and the same language, from the train split
(an instance never sees itself):
- random: three drawn with a per-instance seeded rng;
- retrieved: the three whose instructions are nearest to this one, by cosine of the embeddings of our search
  (`apiforge.catalog` MiniLM encoder; every instruction encoded once per build), or by shared words when the
  encoder is not installed;
- oracle: three calls of the gold endpoint itself in other languages (an upper bound: it shows the answer's URL).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from apiforge.dataset.records import endpoint_key, record_key, rng_for

__all__ = ["PROMPT_KINDS", "add_prompts", "format_prompt", "nearest"]

PROMPT_KINDS = ("prompt_0shot", "prompt_3shot_random", "prompt_3shot_retrieved", "prompt_3shot_oracle")


def _query(instance: dict[str, Any]) -> str:
    return f"###Instruction: {instance['instruction']} Use {instance['lang']}.\n\n###Output:\n<<<api_call>>>: "


def format_prompt(instance: dict[str, Any], shots: Sequence[dict[str, Any]] = ()) -> str:
    """The prompt for `instance` after `shots` (each shown with its call)."""
    parts = [f"{_query(s)}\n{s['api_call']}\n\n" for s in shots]
    return "".join(parts) + _query(instance)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


class _Vectors:
    """Embeddings of every distinct text, computed once per build (instructions repeat across languages)."""

    def __init__(self, texts: Sequence[str]) -> None:
        from apiforge.catalog._embed import get_encoder

        self.encoder = get_encoder()
        self.row: dict[str, int] = {}
        self.matrix: Any = None
        if self.encoder is not None and texts:
            distinct = sorted(set(texts))
            self.row = {t: i for i, t in enumerate(distinct)}
            self.matrix = self.encoder.encode(distinct)


def nearest(queries: Sequence[str], pool: Sequence[str], k: int, vectors: _Vectors | None = None) -> list[list[int]]:
    """For each query, the indexes of the `k` most similar pool texts, best first (embeddings, else words)."""
    if not queries or not pool:
        return [[] for _ in queries]
    vectors = vectors or _Vectors([*queries, *pool])
    if vectors.matrix is not None:
        q = vectors.matrix[[vectors.row[t] for t in queries]]
        p = vectors.matrix[[vectors.row[t] for t in pool]]
        top = np.argsort(-(q @ p.T), axis=1, kind="stable")[:, :k]
        return [[int(i) for i in r] for r in top]
    index: dict[str, list[int]] = defaultdict(list)
    sizes = []
    for i, text in enumerate(pool):
        words = _words(text)
        sizes.append(len(words))
        for w in words:
            index[w].append(i)
    out = []
    for text in queries:
        shared: dict[int, int] = defaultdict(int)
        for w in _words(text):
            for i in index.get(w, ()):
                shared[i] += 1
        ranked = sorted(shared, key=lambda i: (-shared[i] / (1 + sizes[i]), i))
        out.append(ranked[:k])
    return out


def add_prompts(splits: dict[str, list[dict[str, Any]]], *, seed: int = 0, k: int = 3) -> None:
    """Set the `PROMPT_KINDS` fields and `completion` on every instance of every split, in place."""
    pool_by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for instance in splits.get("train", []):
        pool_by_lang[instance["lang"]].append(instance)
    by_endpoint: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rows in splits.values():
        for instance in rows:
            if instance["split"] != "test_level1":
                by_endpoint[endpoint_key(instance)].append(instance)
    by_lang: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rows in splits.values():
        for instance in rows:
            by_lang[instance["lang"]].append(instance)
    vectors = _Vectors([i["instruction"] for rows in splits.values() for i in rows])
    for lang, instances in by_lang.items():
        pool = pool_by_lang.get(lang, [])
        hits = nearest([i["instruction"] for i in instances], [p["instruction"] for p in pool], k + 1, vectors)
        for instance, found in zip(instances, hits, strict=True):
            key = record_key(instance)
            rng = rng_for(seed, "shots", instance["split"], key)
            drawn = rng.sample(range(len(pool)), min(k + 1, len(pool)))  # one spare: the instance may be in the pool
            random_shots = [pool[i] for i in drawn if record_key(pool[i]) != key][:k]
            retrieved = [pool[i] for i in found if record_key(pool[i]) != key][:k]
            oracle_pool = [o for o in by_endpoint[endpoint_key(instance)] if o["lang"] != lang]
            oracle = rng.sample(oracle_pool, min(k, len(oracle_pool)))
            instance["prompt_0shot"] = format_prompt(instance)
            instance["prompt_3shot_random"] = format_prompt(instance, random_shots)
            instance["prompt_3shot_retrieved"] = format_prompt(instance, retrieved)
            instance["prompt_3shot_oracle"] = format_prompt(instance, oracle)
            instance["completion"] = instance["api_call"]
