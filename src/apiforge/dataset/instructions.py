"""Stage 2, instructions: seeds from API Pack's templates, rewritten by a model into k candidates per endpoint.

Written once per endpoint and shared by every language (API Pack wrote them again for each language: ten times
the calls for the same text). Each candidate names the API and never the endpoint's id: a user asks for a task,
not for `getMessagesByChannel`.

Seeds (API Pack, `step3_1_inst_examples_gen.py`): "{request} {functionality} with the {api_name}." with five
request openers, and "I need to {description} with the {api_name}. Please help me with that." (here only for
descriptions of four words or more: "I need to symbol list" is not English). API Pack's third
template names the endpoint ("...use the endpoint {endpoint} from {api_name}"); we leave it out for that reason.

With a model, candidate i is the model's rewrite of seed i (one call each, JSON-constrained to `{"request": str}`):
a tiny model asked for k sentences at once repeats itself, one short rewrite per call it does well. Without a
model (`none`) the candidates are the seeds themselves.
"""

from __future__ import annotations

import re
from typing import Any

from apiforge.dataset.records import rng_for
from apiforge.llm import Message, ModelBackend, ModelError

__all__ = ["OPENERS", "REWRITE_SCHEMA", "rewrite_messages", "seed_instructions", "write_candidates"]

OPENERS = (
    "Please tell me how to",
    "Please show me how to",
    "Hey, tell me how to",
    "I need to know how to",
    "Give me an example of how to",
)

REWRITE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"request": {"type": "string", "minLength": 15, "maxLength": 200}},
    "required": ["request"],
    "additionalProperties": False,
}


def _phrase(text: str, limit: int = 160) -> str:
    """First sentence of `text`, lower-cased start, no trailing period, markdown and newlines flattened."""
    text = re.sub(r"[`*_#]|\[([^\]]*)\]\([^)]*\)", r"\1", " ".join(text.split()))
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".!? ")
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0]
    return first[:1].lower() + first[1:]


def seed_instructions(endpoint: dict[str, Any], k: int, seed: int) -> list[str]:
    """K seed instructions for an endpoint, from API Pack's templates (openers drawn with a per-endpoint rng)."""
    api = endpoint["api_name"]
    what = _phrase(endpoint.get("functionality") or "") or _phrase(endpoint.get("description") or "")
    if not what:
        what = f"call {endpoint['method'].upper()} {endpoint['path']}"
    openers = list(OPENERS)
    rng_for(seed, "seeds", endpoint["api_id"], endpoint["operation_id"]).shuffle(openers)
    seeds = [f"{opener} {what} with the {api}." for opener in openers]
    description = _phrase(endpoint.get("description") or "")
    if description and description.lower() != what.lower() and len(description.split()) >= 4:
        seeds.insert(1, f"I need to {description} with the {api}. Please help me with that.")
    while len(seeds) < k:  # more candidates than templates: cycle through them
        seeds.append(seeds[len(seeds) % len(openers)])
    return seeds[:k]


def rewrite_messages(endpoint: dict[str, Any], seed: str) -> list[Message]:
    api = endpoint["api_name"]
    return [
        {
            "role": "system",
            "content": "You rewrite a developer's request in other words. Keep the API name. Answer in JSON.",
        },
        {
            "role": "user",
            "content": f"Request: {seed}\nRewrite this request in other words, as one sentence that mentions "
            f"the {api}. Do not name code identifiers.",
        },
    ]


def _clean(text: str) -> str:
    return " ".join(text.strip().strip("\"'").split())


def write_candidates(
    endpoint: dict[str, Any], backend: ModelBackend | None, *, k: int, seed: int, max_tokens: int = 80
) -> dict[str, Any]:
    """The endpoint's seeds and candidates: `{"seeds": [...], "candidates": [...], "errors": [...]}`.

    A model failure on one seed keeps that seed as its candidate and records the error (the judge decides)."""
    seeds = seed_instructions(endpoint, k, seed)
    candidates: list[str] = []
    errors: list[str] = []
    for text in seeds:
        if backend is None:
            candidates.append(text)
            continue
        try:
            answer = backend.complete_json(
                rewrite_messages(endpoint, text), REWRITE_SCHEMA, max_tokens=max_tokens, purpose="instructions"
            )
            candidates.append(_clean(answer["request"]) or text)
        except (ModelError, KeyError, TypeError) as exc:
            errors.append(str(exc)[:200])
            candidates.append(text)
    return {"seeds": seeds, "candidates": candidates, "errors": errors}
