from __future__ import annotations

import logging
from pathlib import Path

import pytest

from apiforge.execute import CallResult, Credential, CredentialStore, MissingCredential, send
from apiforge.http.build import build_request
from apiforge.spec.model import Api

pytestmark = pytest.mark.server
SECRET = "Zq9-very-secret-value-77"
FAST = {"timeout": 10.0, "backoff": 0.01, "max_delay": 0.05}


def _store(tmp_path: Path, scheme: str, cred: Credential) -> CredentialStore:
    store = CredentialStore(tmp_path / "creds.toml", environ={})
    store.set("httpbin-exec", scheme, cred)
    return store


def _send(api: Api, op_id: str, store: CredentialStore, args: dict | None = None, retries: int = 0) -> CallResult:
    op = api.operation(op_id)
    assert op is not None
    request = build_request(api, op, args or {}).request
    result = send(api, op, request, store, retries=retries, **FAST)
    assert result.request is request  # the result keeps the placeholder request; the filled one never leaves send
    return result


def _leaks(result: CallResult, secret: str = SECRET) -> bool:
    return secret in "\n".join(result.trace) + repr(result.to_dict())


@pytest.mark.parametrize(("password", "status"), [(SECRET, 200), ("wrong-password", 401)])
def test_basic(api: Api, tmp_path: Path, password: str, status: int) -> None:
    store = _store(tmp_path, "basicAuth", Credential(username="ada", password=password))
    result = _send(api, "basic", store, {"user": "ada", "passwd": SECRET})
    assert result.status == status and result.is_success is (status == 200)
    assert not _leaks(result, password)


@pytest.mark.parametrize(("password", "status"), [(SECRET, 200), ("wrong-password", 401)])
def test_digest(api: Api, tmp_path: Path, password: str, status: int) -> None:
    store = _store(tmp_path, "digestAuth", Credential(username="ada", password=password))
    result = _send(api, "digest", store, {"user": "ada", "passwd": SECRET})
    assert result.status == status
    assert not _leaks(result, password)


def test_bearer_and_missing_credential(api: Api, tmp_path: Path) -> None:
    result = _send(api, "bearer", _store(tmp_path, "bearerAuth", Credential(value=SECRET)))
    assert result.status == 200 and result.body["token"] == "••••" and not _leaks(result)
    assert result.request.header("Authorization") == "Bearer {{bearer_auth_token}}"
    with pytest.raises(MissingCredential) as info:
        _send(api, "bearer", CredentialStore(tmp_path / "none.toml", environ={}))
    assert "apiforge auth set httpbin-exec bearerAuth" in str(info.value)
    assert "APIFORGE_CRED_HTTPBIN_EXEC_BEARERAUTH" in str(info.value)


def test_api_key_header_is_sent_and_masked_in_logs(api: Api, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    result = _send(api, "headers", _store(tmp_path, "keyAuth", Credential(value=SECRET)))
    assert result.status == 200 and result.body["headers"]["X-Api-Key"] == "••••"
    assert not _leaks(result) and SECRET not in caplog.text


def test_retries_5xx_and_429(api: Api, tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "none.toml", environ={})
    for code in ("429", "500", "503"):
        result = _send(api, "status", store, {"codes": code}, retries=2)
        assert result.status == int(code) and len(result.attempts) == 3 and not result.is_success


def test_post_not_retried_without_idempotency_key(api: Api, tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "none.toml", environ={})
    plain = _send(api, "statusPost", store, {"codes": "500"}, retries=2)
    assert len(plain.attempts) == 1 and any("not retried" in line for line in plain.trace)
    keyed = _send(api, "statusPost", store, {"codes": "500", "Idempotency-Key": "k-1"}, retries=2)
    assert len(keyed.attempts) == 3


def test_html_under_2xx_is_a_failure(api: Api, tmp_path: Path) -> None:
    result = _send(api, "html", CredentialStore(tmp_path / "none.toml", environ={}))
    assert result.status == 200 and not result.is_success and "HTML page" in result.failure


def test_json_error_object_under_2xx_is_a_failure(api: Api, tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "none.toml", environ={})
    result = _send(api, "responseHeaders", store, {"error": "quota exceeded"})
    assert result.status == 200 and not result.is_success and "error object" in result.failure
    fine = _send(api, "responseHeaders", store, {})
    assert fine.status == 200 and fine.is_success
