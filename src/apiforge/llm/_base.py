"""What every model backend offers: a chat completion constrained to a JSON schema.

apiforge never lets a model write a request: the model only chooses (an operation id from a list, argument values
that fit a schema). So one method is enough: `complete_json(messages, schema)` returns a value valid for `schema`
or raises `ModelError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import orjson

from apiforge.errors import ApiforgeError

__all__ = ["Message", "ModelBackend", "ModelError", "Usage", "extract_json"]

Message = dict[str, str]
"""`{"role": "system" | "user" | "assistant", "content": "..."}`."""


class ModelError(ApiforgeError):
    """A model backend failed: unreachable, too slow, or no valid answer after retries."""

    def __init__(self, message: str, *, backend: str = "") -> None:
        self.backend = backend
        super().__init__(f"{backend}: {message}" if backend else message)


@dataclass(slots=True)
class Usage:
    """Token accounting, summed over calls."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    by_purpose: dict[str, int] = field(default_factory=dict)

    def add(self, prompt: int, completion: int, seconds: float, purpose: str = "") -> None:
        self.calls += 1
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        self.seconds += seconds
        if purpose:
            self.by_purpose[purpose] = self.by_purpose.get(purpose, 0) + 1


@runtime_checkable
class ModelBackend(Protocol):
    name: str
    usage: Usage

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256, purpose: str = ""
    ) -> Any:
        """The model's answer as a JSON value valid for `schema` (constrained where the backend can)."""
        ...


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """Tolerant JSON extraction for servers that cannot constrain output: fenced blocks, then the first
    balanced `{...}` / `[...]`. Raises ValueError when there is none."""
    text = text.strip()
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for candidate in candidates:
        try:
            return orjson.loads(candidate)
        except orjson.JSONDecodeError:
            pass
        for opener, closer in (("{", "}"), ("[", "]")):
            start = candidate.find(opener)
            while start != -1:
                depth, in_string, escaped = 0, False, False
                for i in range(start, len(candidate)):
                    ch = candidate[i]
                    if in_string:
                        if escaped:
                            escaped = False
                        elif ch == "\\":
                            escaped = True
                        elif ch == '"':
                            in_string = False
                    elif ch == '"':
                        in_string = True
                    elif ch == opener:
                        depth += 1
                    elif ch == closer:
                        depth -= 1
                        if depth == 0:
                            try:
                                return orjson.loads(candidate[start : i + 1])
                            except orjson.JSONDecodeError:
                                break
                start = candidate.find(opener, start + 1)
    raise ValueError("no JSON value found in the model's answer")
