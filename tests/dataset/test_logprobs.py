"""Prompt log-probs for back-translation: the embedded model gives them; a server that cannot says so clearly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apiforge.dataset.select import select_candidates
from apiforge.llm import ModelError
from apiforge.llm.local import LocalBackend, local_model_path, local_unavailable_reason
from apiforge.llm.openai_compat import OpenAICompatibleBackend
from tests.fixtures.llama import start_llama_server
from tests.fixtures.servers import stop_server

METADATA = "Get quotes for all symbols"


@pytest.fixture(scope="module")
def local() -> LocalBackend:
    reason = local_unavailable_reason()
    if reason:
        pytest.skip(reason)
    return LocalBackend(n_ctx=2048)


@pytest.mark.slow
def test_local_log_probs_prefer_the_instruction_that_matches_the_endpoint(local: LocalBackend) -> None:
    matching = local.prompt_logprobs("Instruction: How do I get quotes for all symbols?\nEndpoint:\n", METADATA)
    unrelated = local.prompt_logprobs("Instruction: How do I delete a Slack channel?\nEndpoint:\n", METADATA)
    assert len(matching) == len(unrelated) == local.count_tokens(METADATA)
    assert all(v <= 0 for v in matching)
    assert sum(matching) / len(matching) > sum(unrelated) / len(unrelated)
    again = local.prompt_logprobs("Instruction: How do I get quotes for all symbols?\nEndpoint:\n", METADATA)
    assert again == matching  # deterministic


@pytest.fixture(scope="module")
def plain_llama_server() -> Iterator[str]:
    """A real llama.cpp server started with `--logits_all False` (its default is True): no prompt log-probs."""
    if local_unavailable_reason():
        pytest.skip(local_unavailable_reason() or "")
    model = local_model_path()
    assert model is not None
    server = start_llama_server(model, n_ctx=512, extra=("--logits_all", "False"))
    try:
        yield f"{server.url}/v1"
    finally:
        stop_server(server)


@pytest.mark.slow
@pytest.mark.server
def test_a_server_without_prompt_log_probs_is_named_and_selection_falls_back(plain_llama_server: str) -> None:
    backend = OpenAICompatibleBackend("smollm2", base_url=plain_llama_server, retries=0)
    with pytest.raises(ModelError, match="no prompt log-probs"):
        backend.prompt_logprobs("Instruction: get quotes\nEndpoint:\n", METADATA)
    endpoint = {"functionality": METADATA, "description": "", "method": "get", "path": "/quotes"}
    candidates = ["How do I get quotes for all symbols with 1Forge?", "Show me the symbols list with 1Forge."]
    verdicts = [{"good": True, "reasons": []}, {"good": True, "reasons": []}]
    out = select_candidates(endpoint, candidates, verdicts, backend)  # type: ignore[arg-type]
    assert out["kept"] and out["score_kind"] == "overlap"
    assert out["instruction"] == candidates[0]
    assert "no prompt log-probs" in out["notes"][0]
