"""Prompt log-probs for back-translation: the embedded model gives them; a server that cannot says so clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from apiforge.dataset.select import select_candidates
from apiforge.llm import ModelError
from apiforge.llm.local import LocalBackend, local_model_path, local_unavailable_reason
from apiforge.llm.openai_compat import OpenAICompatibleBackend
from tests.fixtures.servers import RunningServer, stop_server, unused_port, wait_for_port

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
    pytest.importorskip("llama_cpp.server.app", reason="llama-cpp-python[server] deps are not installed")
    if local_unavailable_reason():
        pytest.skip(local_unavailable_reason() or "")
    port = unused_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", str(local_model_path()), "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--n_ctx", "512", "--n_threads", "1", "--logits_all", "False", "--verbose", "False"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ))
    try:
        wait_for_port(port, proc, timeout=180)
    except Exception:
        proc.kill()
        raise
    server = RunningServer(url=f"http://127.0.0.1:{port}", port=port, proc=proc)
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
