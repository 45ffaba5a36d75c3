"""The OpenAI-compatible backend against a real llama.cpp server (llama-cpp-python's, serving SmolLM2-135M).

That server refuses `response_format: json_schema` (HTTP 500) and constrains `json_object` + `schema` with a
grammar; the backend must find that out by itself, without retry delays, and keep using it.
"""

from __future__ import annotations

import jsonschema
import pytest

from apiforge.llm import ModelError
from apiforge.llm.openai_compat import OpenAICompatibleBackend

pytestmark = [pytest.mark.server, pytest.mark.slow, pytest.mark.xdist_group("llama-server")]

SCHEMA = {
    "type": "object",
    "properties": {
        "owner": {"type": "string"},
        "repo": {"type": "string"},
        "state": {"enum": ["open", "closed", "all"]},
    },
    "required": ["owner", "repo", "state"],
    "additionalProperties": False,
}
EXTRACT = [
    {"role": "system", "content": "Extract the arguments of the request. Answer in JSON."},
    {"role": "user", "content": "list open issues in go-gitea/gitea"},
]


def test_schema_constrained_answer_through_the_fallback_chain(llama_server_url: str) -> None:
    backend = OpenAICompatibleBackend("smollm2", base_url=llama_server_url, backoff=5.0)
    answer = backend.complete_json(EXTRACT, SCHEMA, max_tokens=64)
    jsonschema.validate(answer, SCHEMA)
    # json_schema was refused by this server; the grammar-backed extension is what works, and it is remembered.
    assert backend.mode == "json_object_schema"
    assert backend.usage.calls == 1 and backend.usage.completion_tokens > 0
    choice = {
        "type": "object",
        "properties": {"operation": {"enum": ["listIssues", "getRepo"]}},
        "required": ["operation"],
    }
    assert backend.complete_json(EXTRACT, choice, max_tokens=24)["operation"] in ("listIssues", "getRepo")
    assert backend.mode == "json_object_schema"
    backend.close()


def test_plain_json_mode_answers_are_checked_against_the_schema(llama_server_url: str) -> None:
    """Without the schema the server only guarantees *some* JSON object: the backend validates it and, when the
    tiny model's object does not fit, sends the complaint back — a valid answer or a ModelError, never junk."""
    backend = OpenAICompatibleBackend("smollm2", base_url=llama_server_url, response_format="json_object", repairs=1)
    try:
        answer = backend.complete_json(EXTRACT, SCHEMA, max_tokens=48)
    except ModelError as exc:
        assert "no valid answer after 2 tries" in str(exc)
        assert backend.usage.calls == 2 and backend.usage.retries == 1
    else:
        jsonschema.validate(answer, SCHEMA)
    assert backend.mode == "json_object"


def test_unconstrained_mode_parses_json_out_of_free_text(llama_server_url: str) -> None:
    backend = OpenAICompatibleBackend("smollm2", base_url=llama_server_url, response_format="none", repairs=0)
    schema = {"type": "object"}
    messages = [
        {"role": "system", "content": "You answer with one JSON object and nothing else."},
        {"role": "user", "content": 'Return this JSON object unchanged: {"name": "Ada"}'},
    ]
    answer = backend.complete_json(messages, schema, max_tokens=48)
    assert isinstance(answer, dict)
    assert backend.mode == "none"
