"""Kinto as a user meets it: its own Swagger 2 spec (`/v1/__api__`) ingested into the catalog, an account created
with `apiforge call --no-auth`, basic auth through the accounts plugin, then optimistic concurrency: a stale
`If-Match` is refused with 412 (reported naming the header), the current ETag succeeds.

Kinto lists its `basicauth` security definition only when the `basicauth` policy is enabled, so the server runs
`multiauth.policies = account basicauth`: the accounts policy is tried first, and the tests check that requests
really authenticate as `account:<name>` (a basicauth fallback identity could not read the account).
"""

from __future__ import annotations

import base64
import importlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from tests.fixtures.kinto import accounts_auth, start_kinto
from tests.fixtures.servers import stop_server

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("kinto-accounts")]
API = "kinto"
PASSWORD = "Kq7-account-password-9931"


@pytest.fixture(scope="module")
def kinto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    auth = accounts_auth("account basicauth")
    server = start_kinto(tmp_path_factory.mktemp("kinto-accounts"), secret="apiforge-tests-accounts", auth=auth)
    try:
        yield f"{server.url}/v1"
    finally:
        stop_server(server)


@pytest.fixture
def app() -> typer.Typer:
    """The real root group with `ingest`, `call` and `auth` (as in tests/execute/conftest.py's `cli_app`)."""
    app_module = importlib.import_module("apiforge.cli.app")
    app = typer.Typer(cls=app_module._Group, no_args_is_help=True, pretty_exceptions_enable=False)
    app.callback()(app_module._root)
    for name in ("ingest", "call", "auth"):
        importlib.import_module(f"apiforge.cli.{name}").register(app)
    return app


class Session:
    """Runs `apiforge` commands and keeps every output, so a test can assert no secret was ever printed."""

    def __init__(self, app: typer.Typer) -> None:
        self.app = app
        self.outputs: list[str] = []

    def run(self, *args: str) -> Result:
        result = CliRunner().invoke(self.app, list(args))
        self.outputs.append(result.stdout + result.stderr)
        return result

    def call_json(self, *args: str) -> tuple[int, dict[str, Any]]:
        result = self.run("call", API, *args, "--json", "--verbose")
        return result.exit_code, json.loads(result.stdout)

    def assert_no_secret(self, user: str, secret: str, *more: str) -> None:
        basic = base64.b64encode(f"{user}:{secret}".encode()).decode()
        for text in [*self.outputs, *more]:
            assert secret not in text and basic not in text


@pytest.fixture
def session(app: typer.Typer, kinto_url: str) -> Session:
    """A user who ingested Kinto's own spec from the running server."""
    s = Session(app)
    ingested = s.run("ingest", f"{kinto_url}/__api__", "--id", API)
    assert ingested.exit_code == 0, ingested.stderr
    return s


def _etag(data: dict[str, Any]) -> str:
    return next(value for name, value in data["headers"] if name.lower() == "etag")


def test_account_basic_auth_and_if_match(session: Session, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    s = session
    body = json.dumps({"data": {"password": PASSWORD}})
    # Sign-up is anonymous in Kinto although its spec marks every operation secured: --no-auth.
    created = s.run("call", API, "update_account", "--arg", "id=ada", "--arg", f"body={body}", "--no-auth")
    assert created.exit_code == 0, created.stderr
    assert s.run("auth", "set", API, "basicauth", "--username", "ada", "--password", PASSWORD).exit_code == 0

    code, account = s.call_json("get_account", "--arg", "id=ada")
    assert code == 0 and account["body"]["permissions"]["write"] == ["account:ada"]  # the accounts policy
    assert s.run("call", API, "update_bucket", "--arg", "id=blog").exit_code == 0
    assert s.run("call", API, "update_collection", "--arg", "bucket_id=blog", "--arg", "id=notes").exit_code == 0
    where = ("--arg", "bucket_id=blog", "--arg", "collection_id=notes")
    record_file = tmp_path / "record.json"  # --arg body=@FILE: a JSON body from a file
    record_file.write_text('{"data": {"title": "v1"}}')
    code, record = s.call_json("create_record", *where, "--arg", f"body=@{record_file}")
    assert code == 0 and record["status"] == 201
    record_id, first_etag = record["body"]["data"]["id"], _etag(record)

    # Someone else changes the record: the ETag we hold is now stale.
    one = (*where, "--arg", f"id={record_id}")
    code, changed = s.call_json("update_record", *one, "--arg", 'body={"data": {"title": "v2"}}')
    assert code == 0 and _etag(changed) != first_etag

    stale = s.run(
        "call", API, "update_record", *one, "--arg", 'body={"data": {"title": "v3"}}', "-a", f"If-Match={first_etag}"
    )
    assert stale.exit_code == 1
    message = " ".join(stale.stderr.split())
    assert f"HTTP 412 Precondition Failed: precondition failed on If-Match: {first_etag}" in message
    assert "fetch it again and retry with its current ETag" in message
    code, stale_json = s.call_json("update_record", *one, "--arg", 'body={"data": {}}', "-a", f"If-Match={first_etag}")
    assert code == 1 and stale_json["status"] == 412 and "If-Match" in stale_json["failure"]

    code, current = s.call_json("get_record", *one)
    assert code == 0 and current["body"]["data"]["title"] == "v2"
    code, updated = s.call_json(
        "update_record", *one, "--arg", 'body={"data": {"title": "v3"}}', "--arg", f"If-Match={_etag(current)}"
    )
    assert code == 0 and updated["status"] == 200 and updated["body"]["data"]["title"] == "v3"
    s.assert_no_secret("ada", PASSWORD, caplog.text)


def test_wrong_password_is_not_the_account(session: Session, kinto_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    s = session
    body = json.dumps({"data": {"password": PASSWORD}})
    assert s.run("call", API, "update_account", "--arg", "id=bob", "--arg", f"body={body}", "--no-auth").exit_code == 0
    wrong = "not-" + PASSWORD
    s.run("auth", "set", API, "basicauth", "--username", "bob", "--password", wrong)
    code, data = s.call_json("get_account", "--arg", "id=bob")
    # Kinto's basicauth fallback accepts any password as another identity: bob's account stays out of reach.
    assert code == 1 and data["status"] in (401, 403) and not data["ok"]
    s.assert_no_secret("bob", wrong, caplog.text)
