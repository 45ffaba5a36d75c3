"""Fixtures for the dataset pipeline tests: the small Notes spec, and `datasets` kept offline and in tmp."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTES = Path(__file__).parent / "data" / "notes.json"


@pytest.fixture
def hf_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hugging Face `datasets` caches under tmp and never touches the network."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf" / "datasets"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
