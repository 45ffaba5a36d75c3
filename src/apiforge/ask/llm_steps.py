"""The steps a model may take in `ask`, always constrained: choosing among candidates, filling arguments.

Choosing: the model answers with one id from an enum of the candidates' ids — it cannot name anything else.

Filling: constrained to a JSON schema made from the operation's own inputs.

The schema lists only the operation's parameters and top-level body properties (with their types and enums) and
forbids anything else, so a model cannot invent a parameter. It can still invent a *value*: string and number
values that appear nowhere in the request are dropped (`grounded`), because a user who did not say a value did not
ask for one — the builder marks the missing required ones as placeholders instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from apiforge.ask.choose import Choice
from apiforge.ask.fields import ArgumentCandidate
from apiforge.llm import Message, ModelBackend, ModelError

__all__ = ["arguments_schema", "choose_with_model", "fill_with_model", "grounded"]


def _field_schema(field: ArgumentCandidate) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    kind = field.type
    if kind in ("string", "integer", "number", "boolean"):
        schema["type"] = kind
    elif kind == "array":
        item = field.schema.get("items") or {}
        item_type = item.get("type") if item.get("type") in ("string", "integer", "number", "boolean") else "string"
        schema = {"type": "array", "items": {"type": item_type}}
        if item.get("enum"):
            schema["items"]["enum"] = [v for v in item["enum"] if v is not None]
    else:
        schema["type"] = "string"
    if field.enum and kind != "array":
        schema = {"enum": field.enum}
    if field.description:
        schema["description"] = field.description[:200]
    return schema


def arguments_schema(fields: list[ArgumentCandidate]) -> dict[str, Any]:
    """A JSON schema whose properties are exactly the operation's simple-typed inputs; nothing is required.
    Credentials are left out: they come from the credential store, never from a model."""
    properties = {f.name: _field_schema(f) for f in fields if f.type != "object" and not f.is_credential}
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower())


def _stated(value: Any, text: str) -> bool:
    """Whether `value` occurs in the normalised request `text` as whole words ("issue" is not in "issues")."""
    needle = _normalise(str(value)).strip()
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text) is not None


def grounded(request: str, fields: list[ArgumentCandidate], values: dict[str, Any]) -> dict[str, Any]:
    """Keep only values the request states: strings and numbers must occur in its text as whole words; enum
    values and booleans are kept only when the request mentions them (or, for booleans, the field's name)."""
    text = _normalise(request)
    by_name = {f.name: f for f in fields}
    kept: dict[str, Any] = {}
    for name, value in values.items():
        field = by_name.get(name)
        if field is None or value is None or value == "" or value == []:
            continue
        items = value if isinstance(value, list) else [value]
        if isinstance(value, bool):
            words = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").lower()
            if any(_stated(w, text) for w in words.split() if len(w) > 3):
                kept[name] = value
            continue
        if all(_stated(item, text) for item in items):
            kept[name] = value
    return kept


def fill_with_model(
    backend: ModelBackend, request: str, fields: list[ArgumentCandidate], operation_summary: str
) -> dict[str, Any]:
    """The model's grounded argument values for `fields` ({} when the model fails)."""
    schema = arguments_schema(fields)
    if not schema["properties"]:
        return {}
    described = "\n".join(
        f"- {f.name} ({f.location}, {f.type}{', required' if f.required else ''}): {f.description[:100]}"
        for f in fields
        if f.name in schema["properties"]
    )
    messages = [
        {
            "role": "system",
            "content": "Extract the argument values the user states for an API operation. Use only values "
            "written in the request. Leave out anything the request does not say. Answer in JSON.",
        },
        {"role": "user", "content": f"Operation: {operation_summary}\nArguments:\n{described}\n\nRequest: {request}"},
    ]
    try:
        values = backend.complete_json(messages, schema, max_tokens=200, purpose="fill")
    except ModelError:
        return {}
    return grounded(request, fields, values if isinstance(values, dict) else {})


def choose_with_model(
    backend: ModelBackend, request: str, choices: Sequence[Choice], *, examples: Sequence[tuple[str, str]] = ()
) -> Choice:
    """The model picks one candidate id (constrained to an enum of them); a failure keeps the top choice.

    Candidates are listed in the reranker's order, one line each. Measured with SmolLM2-135M on the dev set
    (benchmarks/llm_steps.py): few-shot examples from a made-up API and bare operation ids both made its choices
    worse, so the prompt stays this plain. `examples` are (request, "api:operation") pairs for this catalog."""
    ids = [f"{c.hit.api_id}:{c.hit.operation_id}" for c in choices]
    listing = "\n".join(
        f"- {ident}: {c.hit.method} {c.hit.path} — {' '.join(c.hit.summary.split())[:120]}"
        for ident, c in zip(ids, choices, strict=True)
    )
    shots = "".join(f'Request: {q}\nAnswer: {{"operation": "{a}"}}\n\n' for q, a in examples if a in ids)
    messages: list[Message] = [
        {"role": "system", "content": "You pick the API operation that does what the user asks. Answer in JSON."},
        {"role": "user", "content": f"Operations:\n{listing}\n\n{shots}Request: {request}\nWhich operation?"},
    ]
    schema = {
        "type": "object",
        "properties": {"operation": {"type": "string", "enum": ids}},
        "required": ["operation"],
        "additionalProperties": False,
    }
    try:
        answer = backend.complete_json(messages, schema, max_tokens=64, purpose="choose")
        picked = ids.index(answer["operation"])
    except (ModelError, KeyError, ValueError, TypeError):
        return choices[0]
    chosen = choices[picked]
    return Choice(chosen.hit, chosen.score, f"chosen by {backend.name} among {len(ids)} candidates")
