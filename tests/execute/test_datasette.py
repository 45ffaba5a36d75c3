"""Datasette 1.0a: a signed API token (`datasette create-token`) on a private database, and keyset pagination.

The database `private` is visible only to the actor `root` (an `allow` block in datasette.yaml): without a token
the table answers 403, with root's token 200. Its table holds more rows than a page, and every row is collected
exactly once whichever way the next page is found: the `Link` header (detected), the `next` token sent back as
`?_next=` (`--paginate cursor`) or the body's `next_url` (`--paginate url`).
The spec is `tests/data/execute/datasette.yaml` (Datasette publishes none); `--server` points it at this server.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import secrets
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from apiforge.catalog import Catalog
from tests.fixtures.servers import start_server, stop_server, unused_port

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("datasette")]
SPEC = Path(__file__).resolve().parents[1] / "data/execute/datasette.yaml"
API = "datasette-local"
ROWS = 237
PAGE = 50


@dataclass(frozen=True)
class Datasette:
    url: str
    token: str


def _datasette_bin() -> str:
    return shutil.which("datasette", path=str(Path(sys.executable).parent)) or "datasette"


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Datasette]:
    if importlib.util.find_spec("datasette") is None:
        pytest.skip("datasette is not installed (pip install --pre datasette)")
    root = tmp_path_factory.mktemp("datasette")
    db = root / "private.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table notes (id integer primary key, title text)")
        conn.executemany("insert into notes values (?, ?)", [(i, f"note {i}") for i in range(1, ROWS + 1)])
    config = root / "datasette.yaml"
    config.write_text("databases:\n  private:\n    allow:\n      id: root\n")
    signing = secrets.token_hex(16)
    port = unused_port()
    argv = [_datasette_bin(), "serve", str(db), "-c", str(config), "--secret", signing, "-p", str(port)]
    server = start_server(argv, port)
    try:
        made = subprocess.run(
            [_datasette_bin(), "create-token", "root", "--secret", signing],
            capture_output=True,
            text=True,
            check=True,
        )
        token = made.stdout.strip()
        assert token.startswith("dstok_")
        yield Datasette(server.url, token)
    finally:
        stop_server(server)


class Session:
    """Runs `apiforge` commands and keeps every output, for the no-secret assertions."""

    def __init__(self, app: typer.Typer, server: str) -> None:
        self.app = app
        self.server = server
        self.outputs: list[str] = []

    def run(self, *args: str) -> Result:
        result = CliRunner().invoke(self.app, list(args))
        self.outputs.append(result.stdout + result.stderr)
        return result

    def call(self, operation: str, *args: str) -> Result:
        return self.run("call", API, operation, "--server", self.server, *args)

    def assert_no_secret(self, secret: str, *more: str) -> None:
        tail = secret.removeprefix("dstok_")  # the signed part alone is the secret too
        for text in [*self.outputs, *more]:
            assert secret not in text and tail not in text


@pytest.fixture
def session(cli_app: typer.Typer, datasette: Datasette) -> Session:
    with Catalog() as catalog:
        result = catalog.ingest(str(SPEC))
    assert result.api_id == API, result.error
    return Session(cli_app, datasette.url)


TABLE = ("--arg", "database=private", "--arg", "table=notes")


def test_bearer_token_opens_the_private_table(
    session: Session, datasette: Datasette, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    s = session
    anonymous = s.call("listRows", *TABLE, "--no-auth", "--json")
    assert anonymous.exit_code == 1 and json.loads(anonymous.stdout)["status"] == 403
    missing = s.call("listRows", *TABLE)
    assert missing.exit_code == 2 and "apiforge auth set datasette-local datasetteToken" in missing.stderr

    assert s.run("auth", "set", API, "datasetteToken", "--value", datasette.token).exit_code == 0
    who = s.call("whoAmI", "--json", "--verbose")
    assert who.exit_code == 0, who.stderr
    assert json.loads(who.stdout)["body"]["actor"]["id"] == "root"
    assert "Authorization: Bearer ••••" in who.stderr
    page = s.call("listRows", *TABLE, "--arg", "_size=5", "--json", "--verbose")
    assert page.exit_code == 0, page.stderr
    data = json.loads(page.stdout)
    assert data["status"] == 200 and [r["id"] for r in data["body"]["rows"]] == [1, 2, 3, 4, 5]
    s.assert_no_secret(datasette.token, caplog.text)


@pytest.mark.parametrize(
    ("forced", "style", "marker"),
    [((), "link", "_next="), (("--paginate", "cursor"), "cursor", "_next="), (("--paginate", "url"), "url", "_next=")],
    ids=["link-header", "next-token", "next-url"],
)
def test_keyset_pagination_collects_every_row_once(
    session: Session,
    datasette: Datasette,
    caplog: pytest.LogCaptureFixture,
    forced: tuple[str, ...],
    style: str,
    marker: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    s = session
    env_var = "APIFORGE_CRED_DATASETTE_LOCAL_DATASETTETOKEN"  # the environment works as well as the file
    result = CliRunner().invoke(
        s.app,
        ["call", API, "listRows", "--server", s.server, *TABLE, "--arg", f"_size={PAGE}", "--all", *forced]
        + ["--json", "--verbose"],
        env={env_var: datasette.token},
    )
    s.outputs.append(result.stdout + result.stderr)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    ids = [row["id"] for row in data["items"]]
    assert ids == list(range(1, ROWS + 1))  # every row, once, in order
    assert (data["pages"], data["style"], data["stopped_because"]) == (5, style, "no next page")
    follow_ups = [page["url"] for page in data["page_results"][1:]]
    assert len(follow_ups) == 4 and all(marker in url for url in follow_ups)
    assert result.stderr.count("Authorization: Bearer ••••") == 5  # the token went with every page
    s.assert_no_secret(datasette.token, caplog.text)
