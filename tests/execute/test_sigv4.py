"""AWS SigV4 against moto_server with IAM authentication on (`INITIAL_NO_AUTH_ACTION_COUNT=0`): moto re-derives
every signature with botocore, so a wrong secret really fails; S3 ListObjectsV2 pages are followed by continuation
token exactly once; and our signer agrees with botocore's byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from apiforge.execute import AwsKeys, CallResult, Credential, CredentialStore, paginate, send
from apiforge.execute.sigv4 import sign
from apiforge.http.build import build_request
from apiforge.spec._load import load_spec
from apiforge.spec.model import Api
from tests.fixtures.servers import start_server, stop_server, unused_port

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("moto")]

SPEC = Path(__file__).resolve().parents[1] / "data/execute/s3_list_objects.json"
BUCKET = "apiforge-bucket"
OBJECTS = 23
REGION = "us-east-1"


@pytest.fixture(scope="module")
def moto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """(URL, access key id, secret) of an IAM user allowed s3:*; the bucket holds OBJECTS objects."""
    boto3 = pytest.importorskip("boto3", reason="boto3 (with moto[server]) is not installed")
    binary = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = unused_port()
    server = start_server([binary, "-H", "127.0.0.1", "-p", str(port)], port, env={"INITIAL_NO_AUTH_ACTION_COUNT": "0"})
    try:
        # Auth is on from the start; moto's admin API lets exactly 3 unsigned IAM actions create the test user.
        httpx.post(f"{server.url}/moto-api/reset-auth", content=b"3").raise_for_status()
        anon = {"aws_access_key_id": "AKIAANONYMOUS0000000", "aws_secret_access_key": "x", "region_name": REGION}
        iam = boto3.client("iam", endpoint_url=server.url, **anon)
        iam.create_user(UserName="apiforge")
        key = iam.create_access_key(UserName="apiforge")["AccessKey"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="apiforge", PolicyName="s3", PolicyDocument=json.dumps(policy))
        httpx.post(f"{server.url}/moto-api/reset-auth", content=b"0").raise_for_status()
        creds = {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}
        s3 = boto3.client("s3", endpoint_url=server.url, region_name=REGION, **creds)
        s3.create_bucket(Bucket=BUCKET)
        for n in range(OBJECTS):
            s3.put_object(Bucket=BUCKET, Key=f"notes/{n:03d} a+b=c.txt", Body=f"note {n}".encode())
        yield server.url, key["AccessKeyId"], key["SecretAccessKey"]
    finally:
        stop_server(server)


@pytest.fixture
def s3_api(tmp_path: Path, moto: tuple[str, str, str]) -> Api:
    document = json.loads(SPEC.read_text())
    document["servers"] = [{"url": moto[0]}]
    path = tmp_path / "s3.json"
    path.write_text(json.dumps(document))
    return load_spec(str(path)).api


def _store(tmp_path: Path, key_id: str, secret: str) -> CredentialStore:
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    fields = {"access_key_id": key_id, "secret_access_key": secret, "region": REGION}
    store.set("s3-mini", "hmac", Credential(fields=fields))
    return store


def _texts(results: list[CallResult], caplog_text: str) -> str:
    return "\n".join([caplog_text, *(t for r in results for t in [*r.trace, json.dumps(r.to_dict()), r.failure])])


def test_list_objects_signed_with_the_right_secret(s3_api: Api, moto, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    _, key_id, secret = moto
    op = s3_api.operation("ListObjectsV2")
    assert op is not None
    request = build_request(s3_api, op, {"Bucket": BUCKET, "list-type": "2", "max-keys": 5}).request
    result = send(s3_api, op, request, _store(tmp_path, key_id, secret), timeout=10, retries=0)
    assert result.status == 200, result.failure
    assert "<KeyCount>5</KeyCount>" in result.body and "NextContinuationToken" in result.body
    assert result.request.header("Authorization") is None  # the placeholder request never carries a signature
    assert secret not in _texts([result], caplog.text)


def test_wrong_secret_is_refused_with_a_clear_error(s3_api: Api, moto, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    _, key_id, _ = moto
    wrong = "Wrong/aws+secret-key-0000000000000000000"
    op = s3_api.operation("ListObjectsV2")
    assert op is not None
    request = build_request(s3_api, op, {"Bucket": BUCKET, "list-type": "2"}).request
    result = send(s3_api, op, request, _store(tmp_path, key_id, wrong), timeout=10, retries=0)
    assert result.status == 403 and not result.is_success
    assert "SignatureDoesNotMatch" in result.failure and "secret_access_key" in result.failure
    assert "apiforge auth set s3-mini hmac" in result.failure
    assert wrong not in _texts([result], caplog.text)


def test_continuation_token_listing_collects_every_object_once(s3_api: Api, moto, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    _, key_id, secret = moto
    op = s3_api.operation("ListObjectsV2")
    assert op is not None
    request = build_request(s3_api, op, {"Bucket": BUCKET, "list-type": "2", "max-keys": 10}).request
    store = _store(tmp_path, key_id, secret)
    pages = paginate(s3_api, op, request, store, max_pages=20, timeout=10, retries=0)
    keys = [item["Key"] for item in pages.items]
    assert pages.is_success and pages.style == "cursor" and pages.pages == 3, pages.stopped_because
    assert keys == [f"notes/{n:03d} a+b=c.txt" for n in range(OBJECTS)]  # every object once, in order
    assert secret not in _texts(list(pages.results), caplog.text)


def test_signature_matches_botocore() -> None:
    """Same request, same instant: our Authorization header equals botocore's (S3 and a non-S3 service)."""
    pytest.importorskip("botocore")
    from botocore.auth import S3SigV4Auth, SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    when = dt.datetime(2026, 11, 23, 12, 0, 0, tzinfo=dt.UTC)
    cases: list[tuple[str, type[Any], str, str, bytes]] = [
        ("s3", S3SigV4Auth, "GET", "http://127.0.0.1:9000/b/some%20key?list-type=2&prefix=a%2Bb&max-keys=10", b""),
        ("sqs", SigV4Auth, "POST", "https://sqs.us-east-1.amazonaws.com/", b"Action=ListQueues&Version=2012-11-05"),
    ]
    for service, botocore_auth, method, url, body in cases:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        ours = httpx.Request(method, url, headers=headers, content=body)
        sign(ours, AwsKeys("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", REGION, service), when)
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        signed = {**headers, "Host": ours.url.netloc.decode(), "X-Amz-Date": stamp}
        theirs = AWSRequest(method=method, url=str(ours.url), data=body, headers=signed)
        theirs.context["timestamp"] = stamp
        if service == "s3":
            theirs.headers["X-Amz-Content-SHA256"] = ours.headers["x-amz-content-sha256"]
        auth = botocore_auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), service, REGION)
        canonical = auth.canonical_request(theirs)
        expected = auth.signature(auth.string_to_sign(theirs, canonical), theirs)
        assert ours.headers["Authorization"].endswith(f"Signature={expected}"), (service, canonical)


def test_cli_call_all_with_an_environment_json_credential(s3_api: Api, moto, cli_app, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from apiforge.catalog import Catalog

    _, key_id, secret = moto
    with Catalog() as catalog:
        assert catalog.ingest(s3_api.source).api_id == "s3-mini"
    env = {
        "APIFORGE_CRED_S3_MINI_HMAC": json.dumps(
            {"access_key_id": key_id, "secret_access_key": secret, "region": REGION}
        )
    }
    args = ["call", "s3-mini", "ListObjectsV2", "-a", f"Bucket={BUCKET}", "-a", "list-type=2", "-a", "max-keys=10"]
    result = CliRunner().invoke(cli_app, [*args, "--all", "--json", "--verbose"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["count"] == OBJECTS and data["pages"] == 3
    assert secret not in result.stdout + result.stderr


def test_missing_keys_name_the_fields_to_set(tmp_path: Path) -> None:
    from apiforge.execute import MissingCredential

    document = json.loads(SPEC.read_text())
    path = tmp_path / "s3.json"
    path.write_text(json.dumps(document))
    api = load_spec(str(path)).api
    op = api.operation("ListObjectsV2")
    assert op is not None
    request = build_request(api, op, {"Bucket": BUCKET, "list-type": "2"}).request
    with pytest.raises(MissingCredential) as info:
        send(api, op, request, CredentialStore(tmp_path / "none.toml", environ={}))
    message = str(info.value)
    assert "apiforge auth set s3-mini hmac --field access_key_id=..." in message
    assert "APIFORGE_CRED_S3_MINI_HMAC='{" in message
