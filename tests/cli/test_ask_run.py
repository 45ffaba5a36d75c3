"""`apiforge ask ... --run` against a real httpbin: httpbin's own Swagger 2 spec (`/spec.json`) ingested as a user
would, the answered call sent through the execute layer, placeholders refused with what to give, credentials
filled only at send time and never shown.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from apiforge.cli import app

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("ask-run")]
MORE_SPEC = Path(__file__).resolve().parents[1] / "data/execute/httpbin-more.yaml"
TOKEN = "Ask-run-bearer-token-8128"
TOKEN_ENV = {"APIFORGE_CRED_HTTPBIN_MORE_BEARERAUTH": TOKEN}


@pytest.fixture(scope="module")
def base_catalog(tmp_path_factory: pytest.TempPathFactory, httpbin_url: str) -> Path:
    """httpbin's own spec (from the running server) and `httpbin-more`, with the search index built once."""
    db = tmp_path_factory.mktemp("ask-run") / "catalog.db"
    runner = CliRunner()
    for source, api_id in ((f"{httpbin_url}/spec.json", "httpbin"), (str(MORE_SPEC), "httpbin-more")):
        result = runner.invoke(app, ["--catalog", str(db), "ingest", source, "--id", api_id])
        assert result.exit_code == 0, result.stderr
    warmed = runner.invoke(app, ["--catalog", str(db), "ask", "return a UUID4", "--api", "httpbin", "--json"])
    assert warmed.exit_code == 0, warmed.stderr
    return db


@pytest.fixture
def catalog(base_catalog: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "catalog.db"
    for path in base_catalog.parent.iterdir():  # the catalog and the search index beside it
        if path.is_file():
            shutil.copy(path, tmp_path / path.name.replace(base_catalog.name, copy.name))
    return copy


def _ask(catalog: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["--catalog", str(catalog), "ask", *args], env=env)


def test_run_sends_the_answered_call(catalog: Path, httpbin_url: str) -> None:
    result = _ask(catalog, "return a UUID4", "--api", "httpbin", "--run", "--server", httpbin_url, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answer"]["operation"] == "get_uuid"
    call = data["call"]
    assert call["ok"] and call["status"] == 200 and call["url"] == f"{httpbin_url}/uuid"
    assert re.fullmatch(r"[0-9a-f-]{36}", call["body"]["uuid"])
    human = _ask(catalog, "return a UUID4", "--api", "httpbin", "--run", "--server", httpbin_url)
    assert human.exit_code == 0 and "GET /uuid" in human.stdout  # the answer first,
    assert f"200 OK  GET {httpbin_url}/uuid" in human.stderr and '"uuid":' in human.stdout  # then the call


def test_a_placeholder_is_listed_instead_of_run(catalog: Path, httpbin_url: str) -> None:
    request = ("return a given HTTP status code", "--api", "httpbin", "--run", "--server", httpbin_url)
    refused = _ask(catalog, *request)
    assert refused.exit_code == 2
    assert "not run: the request leaves codes to give; add --arg codes=VALUE" in refused.stderr
    as_json = json.loads(_ask(catalog, *request, "--json").stdout)
    assert as_json["call"] is None and as_json["missing"] == ["codes"]

    given = _ask(catalog, *request, "--arg", "codes=200", "--json")
    assert given.exit_code == 0, given.stderr
    assert json.loads(given.stdout)["call"]["status"] == 200
    failing = _ask(catalog, *request, "--arg", "codes=503", "--retries", "1", "--json")
    call = json.loads(failing.stdout)["call"]
    assert failing.exit_code == 1 and [a["status"] for a in call["attempts"]] == [503, 503]


def test_credentials_are_filled_at_send_time_and_masked(
    catalog: Path, httpbin_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    request = ("check that my bearer token is accepted", "--run", "--server", httpbin_url)
    missing = _ask(catalog, *request)
    assert missing.exit_code == 2 and "apiforge auth set httpbin-more bearerAuth" in missing.stderr
    result = _ask(catalog, *request, "--json", "--verbose", env=TOKEN_ENV)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["answer"]["operation"] == "checkBearerToken"
    assert data["call"]["body"] == {"authenticated": True, "token": "••••"}
    assert "Authorization: Bearer ••••" in result.stderr
    human = _ask(catalog, *request, "--verbose", env=TOKEN_ENV)
    assert human.exit_code == 0
    for text in (missing.stdout, missing.stderr, result.stdout, result.stderr, human.stdout, human.stderr):
        assert TOKEN not in text
    assert TOKEN not in caplog.text


def test_call_options_need_run(catalog: Path) -> None:
    result = _ask(catalog, "return a UUID4", "--arg", "x=1")
    assert result.exit_code == 2 and "need --run" in " ".join(result.stderr.split())
