"""Any OpenAI-compatible chat-completions server: OpenAI, vLLM, Ollama, llama.cpp's server, LM Studio...

Talks HTTP with httpx directly (no SDK) so that the fallbacks stay in our hands: servers differ in what
`response_format` they accept, so we try a JSON schema first, then plain JSON mode, then no constraint with
tolerant parsing — and remember what worked. Every answer is validated against the schema; an invalid one is sent
back with the validator's complaint, a bounded number of times.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

import httpx
import jsonschema

from apiforge.llm._base import Message, ModelError, Usage, extract_json

__all__ = ["OpenAICompatibleBackend"]

_MODES = ("json_schema", "json_object", "none")


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
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.model = model
        self.base_url = (base_url or os.environ.get("APIFORGE_BASE_URL") or "https://api.openai.com/v1").rstrip("/")
        key = api_key or os.environ.get("APIFORGE_API_KEY") or os.environ.get("OPENAI_API_KEY") or ""
        self.name = f"openai-compatible:{model}@{self.base_url}"
        self.usage = Usage()
        self._retries = retries
        self._repairs = repairs
        self._mode = "json_schema"
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def close(self) -> None:
        self._client.close()

    def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], *, max_tokens: int = 256, purpose: str = ""
    ) -> Any:
        convo = list(messages)
        problem = ""
        for _ in range(self._repairs + 1):
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
            if self._mode == "json_schema":
                payload["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema, "strict": False},
                }
            elif self._mode == "json_object":
                payload["response_format"] = {"type": "json_object"}
            started = time.perf_counter()
            response = self._post(payload)
            if response.status_code == 400 and self._mode != "none" and "response_format" in response.text:
                # The server does not know this kind of constraint: step down and remember it.
                self._mode = _MODES[_MODES.index(self._mode) + 1]
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

    def _post(self, payload: dict[str, Any]) -> httpx.Response:
        url = f"{self.base_url}/chat/completions"
        for attempt in range(self._retries + 1):
            try:
                response = self._client.post(url, json=payload)
            except httpx.TimeoutException as exc:
                error: str = f"timed out after {self._client.timeout.read}s"
                cause: Exception = exc
            except httpx.TransportError as exc:
                error, cause = f"cannot reach {url}: {exc}", exc
            else:
                if response.status_code in (429, 500, 502, 503, 504) and attempt < self._retries:
                    time.sleep(min(2.0**attempt, 8.0))
                    continue
                return response
            if attempt == self._retries:
                raise ModelError(error, backend=self.name) from cause
            time.sleep(min(2.0**attempt, 8.0))
        raise AssertionError("unreachable")
