"""Scripted faults on WireMock: fail-then-succeed (retried, every attempt recorded on both sides), a delay longer
than the timeout (a clear timeout error, then a retry), 429 with `Retry-After`, and no retry of a POST unless it
carries an `Idempotency-Key`.

The spec is `tests/data/execute/wiremock.yaml`; each test scripts WireMock through its admin API
(`tests/fixtures/wiremock.py`) and calls it with `apiforge call --server`.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from tests.fixtures.ingest import ingest_spec
from tests.fixtures.wiremock import WireMock, wiremock_fixture, wiremock_server_fixture  # noqa: F401

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("wiremock")]
SPEC = Path(__file__).resolve().parents[1] / "data/execute/wiremock.yaml"
API = "wiremock-local"
KEY = "Wm-api-key-secret-6020"
ENV = {"APIFORGE_CRED_WIREMOCK_LOCAL_APIKEY": KEY}


@pytest.fixture
def ingested() -> str:
    return ingest_spec(SPEC, API)


@pytest.fixture
def outputs(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every output of the test's commands; after the test, none may hold the API key (nor may the logs)."""
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    yield texts
    for text in [*texts, caplog.text]:
        assert KEY not in text


def _call(app: typer.Typer, wm: WireMock, outputs: list[str], *args: str) -> tuple[Result, dict[str, Any]]:
    result = CliRunner().invoke(app, ["call", API, *args, "--server", wm.url, "--json", "--verbose"], env=ENV)
    outputs.append(result.stdout + result.stderr)
    return result, json.loads(result.stdout) if result.stdout.strip() else {}


def test_fail_then_succeed_is_retried_and_recorded(
    cli_app: typer.Typer, ingested: str, wiremock: WireMock, outputs: list[str]
) -> None:
    wiremock.fail_then_succeed("GET", "/items", [503, 503], body={"items": [1, 2, 3]})
    result, data = _call(cli_app, wiremock, outputs, "listItems", "--retries", "2")
    assert result.exit_code == 0, result.stderr
    assert data["ok"] and data["body"] == {"items": [1, 2, 3]}
    assert [a["status"] for a in data["attempts"]] == [503, 503, 200]
    assert all(a["wait_ms"] > 0 for a in data["attempts"][:2]) and data["attempts"][2]["wait_ms"] == 0
    assert result.stderr.count("retrying in") == 2
    assert wiremock.count("GET", "/items") == 3  # the server saw every attempt
    sent = [r["request"]["headers"].get("X-Api-Key") for r in wiremock.requests()]
    assert sent == [KEY] * 3  # the real key went out each time; only our output masks it
    assert "X-Api-Key: ••••" in result.stderr


def test_retries_run_out(cli_app: typer.Typer, ingested: str, wiremock: WireMock, outputs: list[str]) -> None:
    wiremock.fail_then_succeed("GET", "/items", [503, 503], body={"items": []})
    result, data = _call(cli_app, wiremock, outputs, "listItems", "--retries", "1")
    assert result.exit_code == 1 and data["failure"] == "HTTP 503 Service Unavailable"
    assert [a["status"] for a in data["attempts"]] == [503, 503] and wiremock.count("GET", "/items") == 2


def test_delay_longer_than_the_timeout_then_retry(
    cli_app: typer.Typer, ingested: str, wiremock: WireMock, outputs: list[str]
) -> None:
    slow = {"status": 200, "fixedDelayMilliseconds": 3000, "jsonBody": {"items": [0]}}
    wiremock.fail_then_succeed("GET", "/items", [slow], body={"items": [7]})
    result, data = _call(cli_app, wiremock, outputs, "listItems", "--timeout", "0.5", "--retries", "1")
    assert result.exit_code == 0, result.stderr
    first, second = data["attempts"]
    assert first["status"] is None
    assert first["error"] == "timed out after 0.5 s waiting for the response (ReadTimeout)"
    assert second["status"] == 200 and data["body"] == {"items": [7]}
    assert "< timed out after 0.5 s waiting for the response" in result.stderr


def test_a_delay_on_every_attempt_fails_clearly(
    cli_app: typer.Typer, ingested: str, wiremock: WireMock, outputs: list[str]
) -> None:
    wiremock.respond("GET", "/items", body={"items": []}, delay_ms=3000)
    result = CliRunner().invoke(
        cli_app, ["call", API, "listItems", "--server", wiremock.url, "--timeout", "0.4", "--retries", "1"], env=ENV
    )
    outputs.append(result.stdout + result.stderr)
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "no response" in message and "(2 attempts)" in message
    assert "failed: timed out after 0.4 s waiting for the response (ReadTimeout)" in message


def test_429_retry_after_is_honoured(
    cli_app: typer.Typer, ingested: str, wiremock: WireMock, outputs: list[str]
) -> None:
    wiremock.fail_then_succeed("GET", "/items", [{"status": 429, "headers": {"Retry-After": "1"}}], body={"items": []})
    result, data = _call(cli_app, wiremock, outputs, "listItems")
    assert result.exit_code == 0, result.stderr
    assert [(a["status"], a["wait_ms"]) for a in data["attempts"]] == [(429, 1000.0), (200, 0.0)]
    times = [r["request"]["loggedDate"] for r in wiremock.requests()]
    assert times[1] - times[0] >= 1000  # the server saw the second try at least a second later


def test_post_is_retried_only_with_an_idempotency_key(
    cli_app: typer.Typer, ingested: str, wiremock: WireMock, outputs: list[str]
) -> None:
    wiremock.fail_then_succeed("POST", "/orders", [503], body={"id": 1}, status=201)
    plain, data = _call(cli_app, wiremock, outputs, "createOrder", "--arg", "sku=A1")
    assert plain.exit_code == 1 and len(data["attempts"]) == 1
    assert "not retried: POST is not idempotent and has no Idempotency-Key" in plain.stderr
    assert wiremock.count("POST", "/orders") == 1

    wiremock.reset()
    wiremock.fail_then_succeed("POST", "/orders", [503], body={"id": 1}, status=201)
    keyed, data = _call(cli_app, wiremock, outputs, "createOrder", "--arg", "sku=A1", "--arg", "Idempotency-Key=k-1")
    assert keyed.exit_code == 0, keyed.stderr
    assert [a["status"] for a in data["attempts"]] == [503, 201] and data["body"] == {"id": 1}
    received = wiremock.requests()
    assert [r["request"]["headers"].get("Idempotency-Key") for r in received] == ["k-1", "k-1"]
    assert [json.loads(r["request"]["body"]) for r in received] == [{"sku": "A1"}] * 2  # the same body twice
