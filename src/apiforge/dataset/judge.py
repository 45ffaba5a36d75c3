"""Stage 3b, the instruction judge: is a candidate a good instruction for its endpoint?

The rubric (API Pack's annotators' error patterns): one directive and no extra text (no "Sure, here is...",
no list of queries, no quoted query inside an answer); the right API name; no code identifier such as the
endpoint id; no capability the endpoint does not have; plain grammar.

Two judges, combined in the pipeline:
- `rule_verdict` (the `none` backend, documented heuristic): checks what text can show — format, length, the API
  name, the endpoint id and code identifiers, and at least one content word shared with the endpoint's summary or
  description (a weak proxy for "right intent"). It cannot see hallucinated capabilities or grammar.
- `model_verdict`: a model answers `{"good": "yes" | "no"}` (enum-constrained) after the rubric, optionally
  with five few-shot examples from a made-up API (`SHOTS`; never from the human-labelled set, which measures it).
`judge_candidate` asks the model only about candidates the rules pass: a rule failure needs no model call.
"""

from __future__ import annotations

import re
from typing import Any

from apiforge.llm import Message, ModelBackend, ModelError

__all__ = ["SHOTS", "VERDICT_SCHEMA", "judge_candidate", "judge_messages", "model_verdict", "rule_verdict"]

_CHATTER = re.compile(
    r"^(sure|certainly|of course|here('s| is| are)|i'?d be happy|i would be happy|user query|query|task|"
    r"instruction|output|answer)\b",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"`[^`]+`|\b[a-z]+(?:_[a-z0-9]+)+\b|\b[a-z]+[A-Z][A-Za-z0-9]*\b|\\_")
_STOP = set(
    "a an the of to for in on with by from and or is are be this that it its as at your my me i you how can "
    "please show tell give need want know example using use api apis".split()
)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2}


def _stem(word: str) -> str:
    return word[:5]


def _names(api_name: str) -> list[str]:
    """Accepted spellings of an API name: as written, without a parenthesised part, without a trailing 'API'."""
    base = re.sub(r"\s*\([^)]*\)", "", api_name).strip()
    names = {api_name.strip(), base, re.sub(r"\s+(REST\s+)?APIs?$", "", base, flags=re.IGNORECASE)}
    return [n.lower() for n in names if n]


def rule_verdict(candidate: str, endpoint: dict[str, Any]) -> tuple[bool, list[str]]:
    """`(good, reasons)` from the rules alone; `reasons` name each failed rule."""
    text = candidate.strip()
    reasons: list[str] = []
    words = text.split()
    if not 6 <= len(words) <= 60:
        reasons.append(f"wrong format: {len(words)} words (6-60 expected)")
    if "\n" in text or _CHATTER.match(text) or text.count('"') >= 2 or text.count("?") > 1:
        reasons.append("wrong format: extra text, a quoted query or several questions")
    if not any(name in text.lower() for name in _names(endpoint.get("api_name", ""))):
        reasons.append(f"wrong API name: does not name {endpoint.get('api_name', '')!r}")
    op = endpoint.get("endpoint") or ""
    if (op and len(op) > 3 and op.lower() in text.lower()) or _IDENTIFIER.search(text):
        reasons.append("names a code identifier or the endpoint id")
    about = {_stem(w) for w in _words(f"{endpoint.get('functionality', '')} {endpoint.get('description', '')}")}
    about -= {_stem(w) for w in _words(endpoint.get("api_name", ""))}
    if about and not about & {_stem(w) for w in _words(text) - _words(endpoint.get("api_name", ""))}:
        reasons.append("wrong intent: shares no content word with the endpoint's summary or description")
    return not reasons, reasons


VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"good": {"enum": ["yes", "no"]}},
    "required": ["good"],
    "additionalProperties": False,
}

_RUBRIC = (
    "You check instructions written for an API endpoint. A good instruction is one request from a developer, "
    "names the API, asks for something the endpoint does, and has no extra text. A bad one adds chatter or "
    "several queries, names the wrong API or none, names code identifiers, asks for something the endpoint "
    "cannot do, or is broken English. Answer in JSON."
)
SHOTS: tuple[tuple[str, str, str], ...] = (
    ("Find pets by status", "I want to list all sold pets using the Petstore API.", "yes"),
    ("Add a pet to the store", 'Sure! Here is a query: "Add a pet". Also: "Delete a pet".', "no"),
    ("Delete a pet", "How do I rename a pet and upload its photo with the Petstore API?", "no"),
    ("Find pets by status", "Show me how to call findPetsByStatus to get pets.", "no"),
    ("Delete a pet", "Please tell me how to remove a pet from the Petstore API.", "yes"),
)
"""Few-shot examples from a made-up API (never from the human-labelled set, which measures the judge)."""


def judge_messages(candidate: str, endpoint: dict[str, Any], *, shots: bool = False) -> list[Message]:
    """The judge prompt. `shots=False` (the default) asks the rubric question alone: with SmolLM2-135M the
    few-shot form agreed less with the human labels (see docs/dataset.md), so it is opt-in."""
    what = " ".join(f"{endpoint.get('functionality', '')} {endpoint.get('description', '')}".split())[:300]
    examples = ""
    if shots:
        examples = "".join(
            f'API: Petstore API\nEndpoint: {e}\nInstruction: {c}\nAnswer: {{"good": "{v}"}}\n\n' for e, c, v in SHOTS
        )
    return [
        {"role": "system", "content": _RUBRIC},
        {
            "role": "user",
            "content": f"{examples}API: {endpoint.get('api_name', '')}\nEndpoint: {what}\nInstruction: {candidate}"
            "\n\nIs this a good instruction for the endpoint?",
        },
    ]


def model_verdict(
    candidate: str, endpoint: dict[str, Any], backend: ModelBackend, *, shots: bool = False
) -> tuple[bool, list[str]]:
    """The model's verdict alone; a model failure is a `bad` verdict whose reason says so."""
    try:
        answer = backend.complete_json(
            judge_messages(candidate, endpoint, shots=shots), VERDICT_SCHEMA, max_tokens=16, purpose="judge"
        )
    except ModelError as exc:
        return False, [f"judge failed: {str(exc)[:160]}"]
    good = answer.get("good") == "yes"
    return good, [] if good else [f"judged bad by {backend.name}"]


def judge_candidate(
    candidate: str, endpoint: dict[str, Any], backend: ModelBackend | None, *, shots: bool = False
) -> tuple[bool, list[str]]:
    """Rules first; the model (when there is one) only sees candidates the rules pass."""
    good, reasons = rule_verdict(candidate, endpoint)
    if not good or backend is None:
        return good, reasons
    return model_verdict(candidate, endpoint, backend, shots=shots)
