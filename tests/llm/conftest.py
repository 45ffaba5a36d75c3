"""Fixtures for the model backends: the embedded model and a real llama.cpp server serving the same GGUF file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from apiforge.llm.local import LocalBackend, local_model_path, local_unavailable_reason
from tests.fixtures.llama import start_llama_server
from tests.fixtures.servers import stop_server


def _require_local() -> Path:
    reason = local_unavailable_reason()
    if reason:
        # Printed too, so a local run shows why the model tests did not run (CI installs both).
        print(f"skipping local-model tests: {reason}")
        pytest.skip(reason)
    path = local_model_path()
    assert path is not None
    return path


@pytest.fixture(scope="session")
def gguf_path() -> Path:
    """The SmolLM2-135M-Instruct GGUF file (skips, saying why, when llama-cpp-python or the model is missing)."""
    return _require_local()


@pytest.fixture(scope="session")
def local_backend(gguf_path: Path) -> LocalBackend:
    """The embedded model; llama.cpp loads it once per process, so sharing one backend saves nothing but setup."""
    return LocalBackend(n_ctx=2048)


@pytest.fixture(scope="session")
def llama_server_url(gguf_path: Path) -> Iterator[str]:
    """`http://127.0.0.1:PORT/v1` of a real `python -m llama_cpp.server` serving the GGUF file."""
    server = start_llama_server(gguf_path, n_ctx=2048, extra=("--seed", "0"))
    try:
        yield f"{server.url}/v1"
    finally:
        stop_server(server)
