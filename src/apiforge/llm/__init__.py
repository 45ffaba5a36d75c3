"""Model backends: any OpenAI-compatible server, the embedded local model, or none at all.

`get_backend("none")` returns None: callers then use deterministic strategies only.
"""

from __future__ import annotations

from apiforge.llm._base import Message, ModelBackend, ModelError, Usage, extract_json, fit_messages

__all__ = ["Message", "ModelBackend", "ModelError", "Usage", "extract_json", "fit_messages", "get_backend"]


def get_backend(model: str = "none", *, base_url: str | None = None, api_key: str | None = None) -> ModelBackend | None:
    """`none` → None; `local` → the embedded model; anything else is a model name on an OpenAI-compatible server
    (`base_url`, default OpenAI or `APIFORGE_BASE_URL`)."""
    if model in ("", "none"):
        return None
    if model == "local":
        from apiforge.llm.local import LocalBackend

        return LocalBackend()
    from apiforge.llm.openai_compat import OpenAICompatibleBackend

    return OpenAICompatibleBackend(model, base_url=base_url, api_key=api_key)
