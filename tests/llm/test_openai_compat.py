"""The OpenAI-compatible backend's failure handling: unreachable and silent servers, refused constraint modes,
transient errors and invalid answers. Servers are real sockets where the network matters (closed port, a server
that never answers); scripted answers go through httpx's transport boundary (`httpx.MockTransport`)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from apiforge.llm import ModelError
from apiforge.llm.openai_compat import OpenAICompatibleBackend
from tests.fixtures.servers import unused_port

SCHEMA = {
    "type": "object",
    "properties": {"operation": {"enum": ["listIssues", "getRepo"]}},
    "required": ["operation"],
    "additionalProperties": False,
}
ASK = [{"role": "user", "content": "list the issues"}]


def _completion(content: str) -> httpx.Response:
    body = {"choices": [{"message": {"role": "assistant", "content": content}}], "usage": {"prompt_tokens": 5}}
    return httpx.Response(200, json=body)


def _scripted(answer: Callable[[dict[str, object]], httpx.Response]) -> tuple[httpx.MockTransport, list[dict]]:
    seen: list[dict] = []

    def handler(request: httpx.Request) -> httpx.Response:
        payload = json.loads(request.content)
        seen.append(payload)
        return answer(payload)

    return httpx.MockTransport(handler), seen


def test_unreachable_server_is_a_model_error_naming_the_url_after_bounded_retries() -> None:
    port = unused_port()  # nothing listens there
    backend = OpenAICompatibleBackend("m", base_url=f"http://127.0.0.1:{port}/v1", retries=2, backoff=0.01)
    with pytest.raises(
        ModelError, match=rf"cannot reach http://127\.0\.0\.1:{port}/v1/chat/completions \(3 attempts\)"
    ):
        backend.complete_json(ASK, SCHEMA)


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A real TCP server that accepts connections and never answers (a hung model server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1", accepted
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def test_server_that_never_answers_times_out_with_a_model_error(silent_server: tuple[str, list]) -> None:
    url, accepted = silent_server
    backend = OpenAICompatibleBackend("m", base_url=url, timeout=0.3, retries=1, backoff=0.01)
    with pytest.raises(ModelError, match=rf"timed out after 0\.3s waiting for {url}/chat/completions \(2 attempts\)"):
        backend.complete_json(ASK, SCHEMA)
    assert len(accepted) == 2  # one retry, then it gives up


def test_refused_constraint_modes_step_down_to_tolerant_parsing_and_are_remembered() -> None:
    def answer(payload: dict[str, object]) -> httpx.Response:
        if "response_format" in payload:
            return httpx.Response(400, json={"error": {"message": "Unrecognized request argument: response_format"}})
        return _completion('Sure! Here it is:\n```json\n{"operation": "listIssues"}\n```')

    transport, seen = _scripted(answer)
    backend = OpenAICompatibleBackend("m", base_url="http://model.test/v1", transport=transport)
    assert backend.complete_json(ASK, SCHEMA) == {"operation": "listIssues"}
    sent = [p.get("response_format", {"type": "none"}) for p in seen]
    assert [f["type"] for f in sent] == ["json_schema", "json_object", "json_object", "none"]
    assert "schema" in sent[1] and "schema" not in sent[2]
    assert backend.mode == "none"
    backend.complete_json(ASK, SCHEMA)
    assert len(seen) == 5 and "response_format" not in seen[-1]  # no new round of refusals


def test_invalid_answer_is_sent_back_with_the_complaint_and_repaired() -> None:
    answers = iter(['{"operation": "deleteRepo"}', '{"operation": "getRepo"}'])
    transport, seen = _scripted(lambda _: _completion(next(answers)))
    backend = OpenAICompatibleBackend("m", base_url="http://model.test/v1", transport=transport)
    assert backend.complete_json(ASK, SCHEMA) == {"operation": "getRepo"}
    complaint = seen[1]["messages"][-1]["content"]
    assert "'deleteRepo' is not one of" in complaint
    assert seen[1]["messages"][-2] == {"role": "assistant", "content": '{"operation": "deleteRepo"}'}
    assert backend.usage.calls == 2 and backend.usage.retries == 1


def test_answers_that_stay_invalid_end_in_a_model_error() -> None:
    transport, seen = _scripted(lambda _: _completion("I think you want the issues endpoint."))
    backend = OpenAICompatibleBackend("m", base_url="http://model.test/v1", transport=transport, repairs=2)
    with pytest.raises(ModelError, match="no valid answer after 3 tries: no JSON value found"):
        backend.complete_json(ASK, SCHEMA)
    assert len(seen) == 3


def test_transient_errors_are_retried_but_client_errors_are_not() -> None:
    statuses = iter([503, 429])
    transport, seen = _scripted(
        lambda _: (
            httpx.Response(next(statuses, 200), json={"error": "busy"})
            if len(seen) < 3
            else _completion('{"operation": "listIssues"}')
        )
    )
    backend = OpenAICompatibleBackend("m", base_url="http://model.test/v1", transport=transport, backoff=0.01)
    assert backend.complete_json(ASK, SCHEMA) == {"operation": "listIssues"}
    assert len(seen) == 3

    transport, seen = _scripted(lambda _: httpx.Response(401, json={"error": {"message": "invalid api key"}}))
    backend = OpenAICompatibleBackend("m", base_url="http://model.test/v1", transport=transport, backoff=0.01)
    with pytest.raises(ModelError, match=r"HTTP 401 from http://model\.test/v1/chat/completions: .*invalid api key"):
        backend.complete_json(ASK, SCHEMA)
    assert len(seen) == 1


def test_answer_without_choices_is_a_model_error() -> None:
    transport, _ = _scripted(lambda _: httpx.Response(200, json={"object": "error"}))
    backend = OpenAICompatibleBackend("m", base_url="http://model.test/v1", transport=transport)
    with pytest.raises(ModelError, match="unexpected answer shape from http://model.test/v1"):
        backend.complete_json(ASK, SCHEMA)
