"""Instruction datasets for API-call models: the API Pack pipeline (Guo et al.), resumable and checked.

Usage::

    from apiforge.dataset import PipelineConfig, build_dataset

    result = build_dataset(apis, "out/", PipelineConfig(model="local", k=3))
    result.written   # rows per split; out/ has {split}.jsonl, {split}.parquet, README.md (card), drops.jsonl

See `pipeline` for the stages and `runner` for checkpointing and engines.
"""

from apiforge.dataset.api_db import api_db_records
from apiforge.dataset.pipeline import BuildResult, PipelineConfig, build_dataset
from apiforge.dataset.records import API_DB_FIELDS, DEFAULT_TARGETS, LANGUAGES
from apiforge.dataset.runner import ENGINES, Checkpoint, RateLimiter, Runner, Stage

__all__ = [
    "API_DB_FIELDS",
    "DEFAULT_TARGETS",
    "ENGINES",
    "LANGUAGES",
    "BuildResult",
    "Checkpoint",
    "PipelineConfig",
    "RateLimiter",
    "Runner",
    "Stage",
    "api_db_records",
    "build_dataset",
]
