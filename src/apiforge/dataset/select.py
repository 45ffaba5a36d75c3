r"""Stage 4, selection by back-translation: which good candidate best "explains" its endpoint?

Score = mean log-probability of the endpoint's metadata (its summary, then its description) given the candidate,
`log P(metadata | "Instruction: {candidate}\nEndpoint:\n")`, from the model's prompt log-probs (llama.cpp
in-process; `/completions` with `echo` + `logprobs` on vLLM-style servers). API Pack meant to combine two such
scores, but one of them was always 0 in its published code; this is the one that worked, computed for real.

When a backend cannot give prompt log-probs (no model, or a server that refuses `echo`), the fallback score is
said in the record (`score_kind = "overlap"`): the F1 of content words between candidate and metadata — a
documented lexical proxy, not a probability. The best candidate becomes the instruction; the next best good one
the paraphrase used for the Level 1 test.
"""

from __future__ import annotations

import re
from typing import Any

from apiforge.llm import ModelBackend, ModelError

__all__ = ["MIN_GOOD", "metadata_text", "overlap_score", "select_candidates"]

MIN_GOOD = 2
"""An endpoint needs this many good candidates: one to train on, one as its paraphrase test."""


def metadata_text(endpoint: dict[str, Any], limit: int = 400) -> str:
    text = " ".join(f"{endpoint.get('functionality', '')}. {endpoint.get('description', '')}".split()).strip(". ")
    return text[:limit] or f"{endpoint['method'].upper()} {endpoint['path']}"


def _content(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2]


def overlap_score(candidate: str, metadata: str) -> float:
    """F1 of content-word sets (0..1): the fallback score when no log-probs are available."""
    a, b = set(_content(candidate)), set(_content(metadata))
    common = len(a & b)
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def _logprob_score(backend: Any, candidate: str, metadata: str) -> float:
    values = backend.prompt_logprobs(f"Instruction: {candidate}\nEndpoint:\n", metadata, purpose="select")
    if not values:
        raise ModelError("no tokens scored")
    return sum(values) / len(values)


def select_candidates(
    endpoint: dict[str, Any], candidates: list[str], verdicts: list[dict[str, Any]], backend: ModelBackend | None
) -> dict[str, Any]:
    """`{"kept", "instruction", "paraphrase", "scores", "score_kind", "drop_reason", "notes"}` for one endpoint."""
    good = [i for i, v in enumerate(verdicts) if v["good"]]
    distinct: list[int] = []
    for i in good:  # identical good candidates count once
        if all(candidates[i].lower() != candidates[j].lower() for j in distinct):
            distinct.append(i)
    out: dict[str, Any] = {"kept": False, "instruction": "", "paraphrase": "", "scores": {}, "notes": []}
    if len(distinct) < MIN_GOOD:
        reasons = sorted({r for v in verdicts for r in v["reasons"]})
        if len(good) > len(distinct):
            reasons.append(f"{len(good) - len(distinct)} good candidate(s) repeat another word for word")
        out["drop_reason"] = f"{len(distinct)} distinct good candidate(s) of {len(candidates)}, {MIN_GOOD} needed" + (
            f" ({'; '.join(reasons)[:300]})" if reasons else ""
        )
        out["score_kind"] = ""
        return out
    metadata = metadata_text(endpoint)
    kind = "logprob" if backend is not None and hasattr(backend, "prompt_logprobs") else "overlap"
    if backend is None:
        out["notes"].append("no model: back-translation replaced by the overlap score (F1 of content words)")
    elif kind == "overlap":
        out["notes"].append(f"{backend.name} cannot give prompt log-probs: overlap score used")
    scores: dict[int, float] = {}
    for i in distinct:
        if kind == "logprob":
            try:
                scores[i] = _logprob_score(backend, candidates[i], metadata)
                continue
            except ModelError as exc:
                out["notes"].append(f"no log-probs ({str(exc)[:160]}): overlap score used")
                kind = "overlap"
                scores.clear()
                break
        scores[i] = overlap_score(candidates[i], metadata)
    if kind == "overlap" and not scores:
        scores = {i: overlap_score(candidates[i], metadata) for i in distinct}
    ranked = sorted(distinct, key=lambda i: (-scores[i], i))
    out.update(
        kept=True,
        instruction=candidates[ranked[0]],
        paraphrase=candidates[ranked[1]],
        scores={str(i): round(s, 6) for i, s in scores.items()},
        score_kind=kind,
        drop_reason="",
    )
    return out
