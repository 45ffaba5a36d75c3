"""Any OpenAI-compatible chat-completions server: OpenAI, vLLM, Ollama, llama.cpp's server, LM Studio...

Talks HTTP with httpx directly (no SDK) so that the fallbacks stay in our hands: servers differ in what
`response_format` they accept, so we step down a chain and remember what worked:

1. `json_schema` — OpenAI, vLLM, llama.cpp's own `llama-server`, LM Studio;
2. `json_object` + `schema` — llama-cpp-python's server (it rejects `json_schema`, with HTTP 500, but turns this
   extension into a grammar);
3. `json_object` — plain JSON mode (Ollama, older servers);
4. `none` — no constraint; the answer is parsed tolerantly (`extract_json`).

A server says it does not know a constraint with a 400/422/500/501 whose body names `response_format` or
`json_schema`; that is not retried, the next mode is tried at once. Every answer is validated against the schema;
an invalid one is sent back with the validator's complaint, a bounded number of times.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any, Literal

import httpx
import jsonschema

from apiforge.llm._base import Message, ModelError, Usage, extract_json

__all__ = ["OpenAICompatibleBackend"]

Mode = Literal["json_schema", "json_object_schema", "json_object", "none"]
_MODES: tuple[Mode, ...] = ("json_schema", "json_object_schema", "json_object", "none")
_TRANSIENT = (429, 500, 502, 503, 504)


class OpenAICompatibleBackend:
    """A chat model behind `/v1/chat/completions`.

    Usage::

        backend = OpenAICompatibleBackend(model="gpt-4o-mini")  # key from OPENAI_API_KEY / APIFORGE_API_KEY
        backend = OpenAICompatibleBackend(model="qwen2.5", base_url="http://127.0.0.1:11434/v1")  # Ollama
    """

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 2,
        repairs: int = 2,
        backoff: float = 1.0,
        response_format: Mode = "json_schema",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """`retries`: extra attempts after a network failure, timeout or 429/5xx (waiting `backoff`, doubling);
        `repairs`: extra attempts after an answer outside the schema (the complaint is sent back);
        `response_format`: the first constraint mode to try (it steps down from there when refused)."""
        self.model = model
        self.base_url = (base_url or os.environ.get("APIFORGE_BASE_URL") or "https://api.openai.com/v1").rstrip("/")
        key = api_key or os.environ.get("APIFORGE_API_KEY") or os.environ.get("OPENAI_API_KEY") or ""
        self.name = f"openai-compatible:{model}@{self.base_url}"
        self.usage = Usage()
        self._retries = retries
        self._repairs = repairs
        self._backoff = backoff
        self.mode: Mode = response_format
        """The constraint mode in use: starts at `response_format`, steps down when a server refuses it."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def close(self) -> None:
        self._client.close()

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256, purpose: str = ""
    ) -> Any:
        convo = list(messages)
        problem = ""
        for attempt in range(self._repairs + 1):
            if attempt:
                self.usage.retries += 1
            text = self._chat(convo, schema, max_tokens, purpose)
            try:
                value = extract_json(text)
                jsonschema.validate(value, schema)
                return value
            except (ValueError, jsonschema.ValidationError) as exc:
                problem = exc.message if isinstance(exc, jsonschema.ValidationError) else str(exc)
                convo = [
                    *messages,
                    {"role": "assistant", "content": text[:2000]},
                    {"role": "user", "content": f"That answer is invalid ({problem}). Reply with JSON only."},
                ]
        raise ModelError(f"no valid answer after {self._repairs + 1} tries: {problem}", backend=self.name)

    def _chat(self, messages: Sequence[Message], schema: dict[str, Any], max_tokens: int, purpose: str) -> str:
        while True:
            payload: dict[str, Any] = {
                "model": self.model,
                "messages": list(messages),
                "temperature": 0,
                "max_tokens": max_tokens,
            }
            if self.mode == "json_schema":
                payload["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema, "strict": False},
                }
            elif self.mode == "json_object_schema":
                payload["response_format"] = {"type": "json_object", "schema": schema}
            elif self.mode == "json_object":
                payload["response_format"] = {"type": "json_object"}
            started = time.perf_counter()
            response = self._post(payload)
            if self.mode != "none" and _refuses_format(response):
                # The server does not know this kind of constraint: step down and remember it.
                self.mode = _MODES[_MODES.index(self.mode) + 1]
                continue
            if response.status_code >= 400:
                raise ModelError(
                    f"HTTP {response.status_code} from {self.base_url}/chat/completions: {response.text[:300]}",
                    backend=self.name,
                )
            try:
                data = response.json()
                text = data["choices"][0]["message"]["content"] or ""
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise ModelError(f"unexpected answer shape from {self.base_url}: {exc!r}", backend=self.name) from exc
            usage = data.get("usage") or {}
            self.usage.add(
                int(usage.get("prompt_tokens", 0)),
                int(usage.get("completion_tokens", 0)),
                time.perf_counter() - started,
                purpose,
            )
            return text

    def prompt_logprobs(self, context: str, continuation: str, *, purpose: str = "") -> list[float]:
        """Log-probability of each token of `continuation` given `context`, from `/completions` with `echo` and
        `logprobs` (vLLM, llama-cpp-python's server started with `--logits_all true`; OpenAI's chat models cannot).
        Raises `ModelError` naming the reason when the server cannot give prompt log-probs."""
        payload = {
            "model": self.model,
            "prompt": context + continuation,
            "max_tokens": 1,
            "temperature": 0,
            "echo": True,
            "logprobs": 1,
        }
        started = time.perf_counter()
        response = self._post(payload, "completions")
        if response.status_code >= 400:
            raise ModelError(
                f"no prompt log-probs (HTTP {response.status_code} from /completions with echo+logprobs): "
                f"{response.text[:200]}",
                backend=self.name,
            )
        try:
            data = response.json()
            logprobs = data["choices"][0]["logprobs"]
            offsets: list[int] = logprobs["text_offset"]
            values: list[float | None] = logprobs["token_logprobs"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelError(f"no prompt log-probs in the /completions answer ({exc!r})", backend=self.name) from exc
        usage = data.get("usage") or {}
        self.usage.add(int(usage.get("prompt_tokens", 0)), 0, time.perf_counter() - started, purpose)
        end = len(context) + len(continuation)
        # Echoed prompt tokens start at offset 0; the one generated token (max_tokens=1) starts at `end`.
        picked = [v for o, v in zip(offsets, values, strict=False) if len(context) <= o < end and v is not None]
        if not picked:
            raise ModelError("the server echoed no log-probs for the prompt tokens", backend=self.name)
        return [float(v) for v in picked]

    def _post(self, payload: dict[str, Any], endpoint: str = "chat/completions") -> httpx.Response:
        url = f"{self.base_url}/{endpoint}"
        attempts = self._retries + 1
        for attempt in range(attempts):
            try:
                response = self._client.post(url, json=payload)
            except httpx.TimeoutException as exc:
                error = f"timed out after {self._client.timeout.read}s waiting for {url} ({attempts} attempts)"
                cause: Exception = exc
            except httpx.TransportError as exc:
                error, cause = f"cannot reach {url} ({attempts} attempts): {exc}", exc
            else:
                transient = response.status_code in _TRANSIENT and not _refuses_format(response)
                if transient and attempt < self._retries:
                    time.sleep(min(self._backoff * 2.0**attempt, 8.0))
                    continue
                return response
            if attempt == self._retries:
                raise ModelError(error, backend=self.name) from cause
            time.sleep(min(self._backoff * 2.0**attempt, 8.0))
        raise AssertionError("unreachable")


def _refuses_format(response: httpx.Response) -> bool:
    """Whether an error response says the server does not accept the `response_format` we sent."""
    if response.status_code not in (400, 422, 500, 501):
        return False
    text = response.text
    return "response_format" in text or "json_schema" in text
