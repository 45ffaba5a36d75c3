"""The embedded model under JSON-schema constraints (llama.cpp grammar): valid answers, long prompts, failures."""

from __future__ import annotations

import jsonschema
import pytest

from apiforge.llm import ModelError, fit_messages, get_backend
from apiforge.llm.local import LocalBackend

pytestmark = pytest.mark.slow

OPERATIONS = ["issueListIssues", "repoGet", "issueCreateIssue", "repoDelete"]


def test_enum_choice_is_one_of_the_candidates(local_backend: LocalBackend) -> None:
    schema = {
        "type": "object",
        "properties": {"operation": {"type": "string", "enum": OPERATIONS}},
        "required": ["operation"],
        "additionalProperties": False,
    }
    listing = "\n".join(f"- {op}" for op in OPERATIONS)
    messages = [{"role": "user", "content": f"Operations:\n{listing}\nRequest: delete the repo\nWhich operation?"}]
    answer = local_backend.complete_json(messages, schema, max_tokens=32, purpose="choose")
    assert set(answer) == {"operation"} and answer["operation"] in OPERATIONS
    assert local_backend.usage.by_purpose.get("choose", 0) >= 1


def test_object_answer_is_valid_for_the_schema(local_backend: LocalBackend) -> None:
    schema = {
        "type": "object",
        "properties": {
            "owner": {"type": "string"},
            "repo": {"type": "string"},
            "state": {"enum": ["open", "closed", "all"]},
            "limit": {"type": "integer"},
        },
        "required": ["owner", "repo"],
        "additionalProperties": False,
    }
    messages = [{"role": "user", "content": "Extract the arguments: list open issues in go-gitea/gitea"}]
    answer = local_backend.complete_json(messages, schema, max_tokens=64)
    jsonschema.validate(answer, schema)
    assert set(answer) <= {"owner", "repo", "state", "limit"}


def test_same_prompt_same_answer(local_backend: LocalBackend) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string", "maxLength": 20}}, "required": ["name"]}
    messages = [{"role": "user", "content": "Name a colour."}]
    first = local_backend.complete_json(messages, schema, max_tokens=24)
    other = local_backend.complete_json([{"role": "user", "content": "Something else."}], schema, max_tokens=24)
    assert local_backend.complete_json(messages, schema, max_tokens=24) == first
    jsonschema.validate(other, schema)


def test_prompt_longer_than_the_context_is_shortened_not_refused(gguf_path: object) -> None:
    backend = LocalBackend(n_ctx=512)  # a small window keeps the (shortened) prompt quick to read
    ids = [f"op{i}" for i in range(6)]
    listing = "\n".join(f"- {op}: " + "lists widgets with many filters and options " * 20 for op in ids)
    messages = [{"role": "user", "content": f"{listing}\nRequest: list widgets\nWhich operation?"}]
    assert backend.count_tokens(messages[0]["content"]) > backend.n_ctx  # really too long
    answer = backend.complete_json(messages, {"enum": ids}, max_tokens=16)
    assert answer in ids


def test_answer_cut_off_by_max_tokens_is_a_model_error(gguf_path: object) -> None:
    backend = LocalBackend(n_ctx=2048, retries=1)
    schema = {"type": "object", "properties": {"text": {"type": "string", "minLength": 200}}, "required": ["text"]}
    with pytest.raises(ModelError, match=r"no valid answer after 2 tries, not JSON \(cut off at max_tokens\)"):
        backend.complete_json([{"role": "user", "content": "Write a poem."}], schema, max_tokens=4)
    assert backend.usage.calls == 2 and backend.usage.retries == 1


def test_get_backend_local_shares_the_loaded_model(local_backend: LocalBackend) -> None:
    other = get_backend("local")
    assert isinstance(other, LocalBackend)
    assert other.llama is LocalBackend().llama


def test_fit_messages_shortens_the_longest_lines_and_keeps_every_line() -> None:
    words = len  # one "token" per character keeps the arithmetic visible
    messages = [
        {"role": "system", "content": "S" * 100},
        {"role": "user", "content": "\n".join(["a" * 400, "b" * 50, "request: list things"])},
    ]
    fitted = fit_messages(messages, words, budget=400)
    lines = fitted[1]["content"].split("\n")
    assert fitted[0] == messages[0]  # the system prompt is never cut
    assert len(lines) == 3 and lines[1:] == ["b" * 50, "request: list things"]
    assert lines[0].startswith("a" * 40) and lines[0].endswith("…") and len(lines[0]) < 400
    assert sum(words(m["content"]) + 8 for m in fitted) <= 400
    assert messages[1]["content"].startswith("a" * 400)  # the input is not modified


def test_fit_messages_gives_up_with_a_model_error_when_nothing_is_left_to_cut() -> None:
    messages = [{"role": "user", "content": "\n".join(["x" * 40] * 50)}]
    with pytest.raises(ModelError, match="more than the 100 the context window leaves"):
        fit_messages(messages, len, budget=100)
