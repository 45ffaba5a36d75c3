from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from apiforge.catalog import Catalog
from apiforge.execute import credentials_path

SECRET = "Cli-secret-token-4411"
API = "httpbin-exec"


def _run(app: typer.Typer, *args: str, input: str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), input=input, env=env)


def _output(result) -> str:
    return result.stdout + result.stderr


def test_auth_set_list_remove_never_shows_values(cli_app: typer.Typer) -> None:
    assert _run(cli_app, "auth", "set", API, "bearerAuth", "--value", "-", input=SECRET + "\n").exit_code == 0
    assert _run(cli_app, "auth", "set", API, "basicAuth", "--username", "ada", "--password", SECRET).exit_code == 0
    path = credentials_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    listed = _run(cli_app, "auth", "list")
    as_json = _run(cli_app, "auth", "list", "--json")
    assert listed.exit_code == 0 and as_json.exit_code == 0
    rows = json.loads(as_json.stdout)["credentials"]
    assert {(r["api"], r["scheme"]) for r in rows} == {(API, "bearerAuth"), (API, "basicAuth")}
    for result in (listed, as_json):
        assert SECRET not in _output(result) and SECRET[-3:] not in _output(result)
    assert _run(cli_app, "auth", "remove", API, "bearerAuth").exit_code == 0
    assert _run(cli_app, "auth", "remove", API, "bearerAuth").exit_code == 2


def test_auth_set_without_value_off_a_terminal_is_a_usage_error(cli_app: typer.Typer) -> None:
    result = _run(cli_app, "auth", "set", API, "bearerAuth")
    assert result.exit_code == 2 and not credentials_path().exists()


def test_insecure_file_refused_by_cli(cli_app: typer.Typer) -> None:
    _run(cli_app, "auth", "set", API, "bearerAuth", "--value", SECRET)
    credentials_path().chmod(0o644)
    result = _run(cli_app, "auth", "list")
    assert result.exit_code == 2 and "chmod 600" in result.stderr and SECRET not in _output(result)


@pytest.fixture
def ingested(spec_file: Path) -> str:
    with Catalog() as catalog:
        result = catalog.ingest(str(spec_file))
    assert result.api_id == API, result.error
    return API


@pytest.mark.server
def test_call_bearer_json_and_verbose_masked(cli_app: typer.Typer, ingested: str) -> None:
    _run(cli_app, "auth", "set", API, "bearerAuth", "--value", SECRET)
    result = _run(cli_app, "call", API, "bearer", "--json", "--verbose")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == 200 and data["ok"] and data["body"] == {"authenticated": True, "token": "••••"}
    assert "Authorization: Bearer ••••" in result.stderr
    assert SECRET not in _output(result)


@pytest.mark.server
def test_call_env_var_beats_file_and_wrong_secret_fails(cli_app: typer.Typer, ingested: str) -> None:
    _run(cli_app, "auth", "set", API, "basicAuth", "--username", "ada", "--password", "file-password")
    env = {"APIFORGE_CRED_HTTPBIN_EXEC_BASICAUTH": f"ada:{SECRET}"}
    good = _run(cli_app, "call", API, "basic", "--arg", "user=ada", "--arg", f"passwd={SECRET}", env=env)
    assert good.exit_code == 0, good.stderr
    bad = _run(cli_app, "call", API, "basic", "--arg", "user=ada", "--arg", f"passwd={SECRET}", "--verbose")
    assert bad.exit_code == 1 and "401" in bad.stderr
    assert "file-password" not in _output(bad)


@pytest.mark.server
def test_call_missing_credential_is_a_usage_error(cli_app: typer.Typer, ingested: str) -> None:
    result = _run(cli_app, "call", API, "bearer")
    assert result.exit_code == 2
    assert "apiforge auth set httpbin-exec bearerAuth" in result.stderr
    assert "APIFORGE_CRED_HTTPBIN_EXEC_BEARERAUTH" in result.stderr


@pytest.mark.server
def test_call_saves_binary_body_with_out(cli_app: typer.Typer, ingested: str, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    result = _run(cli_app, "call", API, "html", "--out", str(out))
    # httpbin's /html is an HTML page and the spec does not document HTML: reported as a failed call.
    assert result.exit_code == 1 and "HTML page" in result.stderr
    assert out.read_bytes().lstrip().lower().startswith(b"<!doctype html")


@pytest.mark.server
def test_call_refuses_an_invalid_request_unless_forced(cli_app: typer.Typer, ingested: str) -> None:
    refused = _run(cli_app, "call", API, "anything", "--arg", "color=green")
    assert refused.exit_code == 2 and "refusing" in refused.stderr and "color" in refused.stderr
    forced = _run(cli_app, "call", API, "anything", "--arg", "color=green", "--force", "--json")
    assert forced.exit_code == 0, forced.stderr
    assert json.loads(forced.stdout)["body"]["args"] == {"color": "green"}
