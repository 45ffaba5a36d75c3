"""httpbin beyond auth and retries: redirects followed and reported, credentials dropped on a cross-origin redirect,
a multipart file upload from `--arg file=@path`, a clear timeout error.

The spec is `tests/data/execute/httpbin-more.yaml` (httpbin's own /spec.json leaves these untyped), ingested into
the test's catalog; `--server` points it at the httpbin started by the `httpbin_url` fixture.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.parse
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from apiforge.execute import CredentialStore, send
from apiforge.http.build import build_request
from apiforge.spec._load import load_spec
from tests.fixtures.ingest import ingest_spec

pytestmark = pytest.mark.server
SPEC = Path(__file__).resolve().parents[1] / "data/execute/httpbin-more.yaml"
API = "httpbin-more"
SECRET = "Hb-more-secret-token-5150"


@pytest.fixture
def ingested() -> str:
    return ingest_spec(SPEC, API)


def _call(app: typer.Typer, *args: str):
    return CliRunner().invoke(app, list(args))


def _assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert SECRET not in text
        assert base64.b64encode(SECRET.encode()).decode() not in text


def test_redirects_are_followed_and_reported(
    cli_app: typer.Typer, ingested: str, httpbin_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = _call(cli_app, "call", API, "redirectTimes", "--arg", "n=3", "--server", httpbin_url, "--json", "-v")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] and data["status"] == 200 and data["url"] == f"{httpbin_url}/get"
    hops = data["redirects"]
    assert len(hops) == 3 and all(hop.startswith("302 ") for hop in hops)
    assert hops[0] == f"302 {httpbin_url}/redirect/3 -> {httpbin_url}/relative-redirect/2"
    assert hops[-1].endswith(f"-> {httpbin_url}/get")
    assert result.stderr.count("< redirected: 302") == 3  # the --verbose trace shows each hop
    human = _call(cli_app, "call", API, "absoluteRedirect", "--arg", "n=2", "--server", httpbin_url)
    assert human.exit_code == 0 and human.stderr.count("redirected: 302") == 2


def test_cross_origin_redirect_drops_the_credential(
    cli_app: typer.Typer, ingested: str, httpbin_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _call(cli_app, "auth", "set", API, "bearerAuth", "--value", SECRET)
    # 127.0.0.1 → localhost is another origin: httpx strips Authorization, so httpbin's /bearer answers 401.
    elsewhere = httpbin_url.replace("127.0.0.1", "localhost") + "/bearer"
    same = _call(cli_app, "call", API, "redirectTo", "--arg", f"url={httpbin_url}/bearer", "--server", httpbin_url)
    other = _call(cli_app, "call", API, "redirectTo", "--arg", f"url={elsewhere}", "--server", httpbin_url, "--json")
    assert same.exit_code == 0, same.stderr
    assert json.loads(same.stdout) == {"authenticated": True, "token": "••••"}
    data = json.loads(other.stdout)
    assert other.exit_code == 1 and data["status"] == 401 and data["url"] == elsewhere
    quoted = urllib.parse.quote(elsewhere, safe="")
    assert data["redirects"] == [f"302 {httpbin_url}/redirect-to?url={quoted} -> {elsewhere}"]
    _assert_no_secret(same.stdout, same.stderr, other.stdout, other.stderr, caplog.text)


def test_multipart_upload_from_a_file(
    cli_app: typer.Typer, ingested: str, httpbin_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _call(cli_app, "auth", "set", API, "bearerAuth", "--value", SECRET)
    binary = tmp_path / "photo.bin"
    binary.write_bytes(b"\x89PNG\x00\xff" + bytes(range(256)))
    args = ("--arg", f"file=@{binary}", "--arg", "title=Holiday", "--server", httpbin_url, "--json", "--verbose")
    result = _call(cli_app, "call", API, "upload", *args)
    assert result.exit_code == 0, result.stderr
    echo = json.loads(result.stdout)["body"]
    encoded = base64.b64encode(binary.read_bytes()).decode()
    assert echo["files"] == {"file": f"data:application/octet-stream;base64,{encoded}"}  # every byte arrived
    assert echo["form"] == {"title": "Holiday"}
    assert echo["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert echo["headers"]["Authorization"] == "Bearer ••••"
    _assert_no_secret(result.stdout, result.stderr, caplog.text)


def test_upload_of_a_missing_file_is_a_usage_error(cli_app: typer.Typer, ingested: str, tmp_path: Path) -> None:
    result = _call(cli_app, "call", API, "upload", "--arg", f"file=@{tmp_path / 'nope.png'}")
    assert result.exit_code == 2 and "CallError" in result.stderr and "nope.png: no such file" in result.stderr


def test_send_refuses_an_upload_for_a_part_the_body_lacks(tmp_path: Path) -> None:
    api = load_spec(str(SPEC)).api
    op = api.operation("upload")
    assert op is not None
    request = build_request(api, op, {"file": "x"}).request
    stray = tmp_path / "a.txt"
    stray.write_text("a")
    from apiforge.execute import CallError

    with pytest.raises(CallError, match="cannot upload .* as 'photo': its file parts are: file"):
        send(api, op, request, CredentialStore(tmp_path / "c.toml", environ={}), files={"photo": stray})


def test_timeout_is_reported_clearly_and_retried(httpbin_url: str, tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "delay", "version": "1"},
        "servers": [{"url": httpbin_url}],
        "paths": {
            "/delay/{delay}": {
                "get": {
                    "operationId": "delay",
                    "parameters": [{"name": "delay", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    path = tmp_path / "delay.json"
    path.write_text(json.dumps(document))
    api = load_spec(str(path)).api
    op = api.operation("delay")
    assert op is not None
    request = build_request(api, op, {"delay": 2}).request
    store = CredentialStore(tmp_path / "c.toml", environ={})
    result = send(api, op, request, store, timeout=0.3, retries=1, backoff=0.01, max_delay=0.01)
    assert result.status is None and not result.is_success
    assert result.failure == "timed out after 0.3 s waiting for the response (ReadTimeout)"
    assert [a.error for a in result.attempts] == [result.failure] * 2  # tried, then retried once
