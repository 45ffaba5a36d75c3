"""What every model backend offers: a chat completion constrained to a JSON schema.

apiforge never lets a model write a request: the model only chooses (an operation id from a list, argument values
that fit a schema). So one method is enough: `complete_json(messages, schema)` returns a value valid for `schema`
or raises `ModelError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import orjson

from apiforge.errors import ApiforgeError

__all__ = ["Message", "ModelBackend", "ModelError", "Usage", "extract_json", "fit_messages"]

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
    retries: int = 0
    """Calls made again because the answer was invalid (cut off, or outside the schema)."""
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

    @property
    def tokens_per_second(self) -> float:
        """Completion tokens per second of model time (prompt processing included in the time)."""
        return self.completion_tokens / self.seconds if self.seconds else 0.0


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


_MIN_LINE = 48


def fit_messages(messages: Sequence[Message], count: Callable[[str], int], budget: int) -> list[Message]:
    """`messages` shortened until `count` (tokens of all contents) is at most `budget`.

    Prompts here are lists of candidates or fields, one per line, followed by the user's request; the long lines
    are descriptions. So the longest line of any non-system message is cut (to half, not below `_MIN_LINE`
    characters) until the prompt fits: every candidate stays listed, with a shorter description. Raises
    `ModelError` when even that is not enough.
    """
    out = [dict(m) for m in messages]
    lines = [m["content"].split("\n") for m in out]

    def total() -> int:
        return sum(count("\n".join(parts)) + 8 for parts in lines)  # ~8 tokens of chat template per message

    size = total()
    while size > budget:
        longest = max(
            (
                (len(line), i, j)
                for i, parts in enumerate(lines)
                if out[i]["role"] != "system"
                for j, line in enumerate(parts)
            ),
            default=(0, -1, -1),
        )
        length, i, j = longest
        if length <= _MIN_LINE:
            raise ModelError(f"the prompt needs {size} tokens, more than the {budget} the context window leaves")
        lines[i][j] = lines[i][j][: max(_MIN_LINE, length // 2) - 1] + "…"
        size = total()
    for message, parts in zip(out, lines, strict=True):
        message["content"] = "\n".join(parts)
    return out
