"""The record shapes the pipeline passes between stages (plain dicts, so any engine can ship them) and their keys.

An API DB record has API Pack's fields plus three of ours: `api_id`, `operation_id` (the catalog's ids, to find
the spec again) and `target` (the snippet target that rendered `api_call`).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

import orjson

__all__ = [
    "API_DB_FIELDS",
    "DEFAULT_TARGETS",
    "LANGUAGES",
    "endpoint_key",
    "record_key",
    "rng_for",
    "stable_hash",
]

LANGUAGES: dict[str, str] = {
    "shell_curl": "cURL",
    "java_okhttp": "Java",
    "node_request": "Node",
    "python_python3": "Python",
    "go_native": "go",
    "ruby_native": "Ruby",
    "php_curl": "PHP",
    "swift_nsurlsession": "swift",
    "c_libcurl": "libcurl",
    "javascript_xhr": "javascript xhr",
}
"""API Pack's ten openapi-snippet targets (our snippet targets of the same names) → its `lang` values."""

DEFAULT_TARGETS: tuple[str, ...] = tuple(LANGUAGES)

API_DB_FIELDS: tuple[str, ...] = (
    "api_call",
    "api_name",
    "api_provider",
    "endpoint",
    "framework",
    "functionality",
    "api_arguments",
    "description",
    "path",
    "method",
    "lang",
    "domain",
    "api_description",
    "api_license",
)


def stable_hash(value: Any) -> str:
    """A short hash of a JSON value, the same in every process and on every machine (unlike `hash`)."""
    data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(data).hexdigest()[:16]


def endpoint_key(record: dict[str, Any]) -> str:
    """`api_id:operation_id`: instructions are written once per endpoint, for every language."""
    return f"{record['api_id']}:{record['operation_id']}"


def record_key(record: dict[str, Any]) -> str:
    """`api_id:operation_id:target`: one API DB record."""
    return f"{endpoint_key(record)}:{record['target']}"


def rng_for(seed: int, *parts: str) -> random.Random:
    """A random generator that depends only on the seed and the record, never on order or concurrency."""
    return random.Random(stable_hash([seed, *parts]))
