"""Arazzo 1.0: exports validate against the published JSON schema, re-run to the same result, and documents
written by hand in the Arazzo style (operationPath, JSON pointers, criteria) run against a real server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from apiforge.execute import CredentialStore
from apiforge.workflow import ApiSource, Criterion, Step, Workflow, WorkflowError, run_workflow
from apiforge.workflow.arazzo import from_arazzo, to_arazzo
from tests.workflow.conftest import USERS, shop_spec, write_spec

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "workflow" / "arazzo-1.0.schema.json"


def _validate(document: dict[str, Any]) -> None:
    """Validate against the published Arazzo 1.0 schema (2024-08-01), offline."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def _lookup_workflow(spec_path: Path) -> Workflow:
    return Workflow(
        "user-by-email",
        inputs={"email": "grace@example.com"},
        steps=(
            Step("find", "shop", "listUsers", {"email": "$inputs.email"},
                 {"id": "$response.body | [?email=={$inputs.email}] | [0].id", "first": "$response.body[0].name"},
                 success=(Criterion("$statusCode == 200"), Criterion("length(@) > `0`", "$response.body", "jmespath"))),
            Step("detail", "shop", "getUser", {"id": "$steps.find.outputs.id"}, {"user": "$response.body"}),
        ),
        output={"user": "$steps.detail.outputs.user", "first": "$steps.find.outputs.first"},
        sources={"shop": str(spec_path)},
        summary="a user's details from their email",
    )  # fmt: skip


def test_an_offline_export_is_valid_arazzo(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "shop", shop_spec("http://127.0.0.1:9"))
    document = to_arazzo(_lookup_workflow(spec), ApiSource(base=tmp_path))
    _validate(document)
    step = document["workflows"][0]["steps"][0]
    assert step["parameters"] == [{"name": "email", "in": "query", "value": "$inputs.email"}]
    assert step["outputs"]["first"] == "$response.body#/0/name"  # a plain path becomes a JSON pointer
    assert step["x-apiforge-outputs"] == {"id": "$response.body | [?email=={$inputs.email}] | [0].id"}
    with pytest.raises(AssertionError):  # the validator really checks: a step without an operation is invalid
        _validate({**document, "workflows": [{"workflowId": "w", "steps": [{"stepId": "s"}]}]})


@pytest.mark.server
def test_round_trip_export_validate_run_same_result(tmp_path: Path, json_server: str) -> None:
    spec = write_spec(tmp_path, "shop", shop_spec(json_server))
    workflow = _lookup_workflow(spec)
    credentials = CredentialStore(tmp_path / "creds.toml", environ={})
    direct = run_workflow(workflow, ApiSource(base=tmp_path), credentials)
    assert direct.ok and direct.output["user"] == USERS[1]
    document = to_arazzo(workflow, ApiSource(base=tmp_path), sources={"shop": "shop.json"})
    _validate(document)
    exported = tmp_path / "flow.arazzo.yaml"
    exported.write_text(yaml.safe_dump(document, sort_keys=False))
    (imported,), sources = from_arazzo(yaml.safe_load(exported.read_text()), base=tmp_path)
    assert sources == {"shop": str(spec.resolve())}
    assert [s.operation for s in imported.steps] == ["listUsers", "getUser"]
    again = run_workflow(imported, ApiSource(base=tmp_path), credentials)
    assert again.ok and again.output == direct.output
    assert [c.url for s in again.steps for c in s.calls] == [c.url for s in direct.steps for c in s.calls]


HAND_WRITTEN = """\
arazzo: 1.0.0
info: {title: Posts of a user, version: 0.1.0}
sourceDescriptions:
  - {name: shopApi, url: ./shop.json, type: openapi}
workflows:
  - workflowId: postsOfUser
    inputs:
      type: object
      properties:
        email: {type: string, default: alan@example.com}
    steps:
      - stepId: find-user
        operationPath: '{$sourceDescriptions.shopApi.url}#/paths/~1users/get'
        parameters:
          - {name: email, in: query, value: $inputs.email}
        successCriteria:
          - condition: $statusCode == 200
          - {context: $response.body, condition: '$[0].id', type: jsonpath}
        outputs:
          userId: $response.body#/0/id
      - stepId: posts
        operationId: $sourceDescriptions.shopApi.listPosts
        parameters:
          - {name: userId, in: query, value: $steps.find-user.outputs.userId}
          - {name: _limit, in: query, value: 2}
        successCriteria:
          - condition: $statusCode == 200
        outputs:
          titles: $response.body
    outputs:
      user: $steps.find-user.outputs.userId
      posts: $steps.posts.outputs.titles
"""


@pytest.mark.server
def test_a_hand_written_arazzo_document_runs(tmp_path: Path, json_server: str) -> None:
    write_spec(tmp_path, "shop", shop_spec(json_server))
    (workflow,), _ = from_arazzo(yaml.safe_load(HAND_WRITTEN), base=tmp_path)
    assert workflow.steps[0].operation == "GET /users"
    result = run_workflow(workflow, ApiSource(base=tmp_path), CredentialStore(tmp_path / "c.toml", environ={}))
    assert result.ok, result.error
    assert result.output["user"] == 3
    assert [p["userId"] for p in result.output["posts"]] == [3, 3]
    missing = run_workflow(
        workflow, ApiSource(base=tmp_path), CredentialStore(tmp_path / "c.toml", environ={}),
        inputs={"email": "nobody@example.com"}, heal_rounds=0,
    )  # fmt: skip
    assert not missing.ok and missing.failed_step == "find-user"
    assert "success criterion failed: $[0].id on $response.body" in missing.error


def test_unsupported_arazzo_features_are_named(tmp_path: Path) -> None:
    document = yaml.safe_load(HAND_WRITTEN)
    document["workflows"][0]["steps"][0]["onFailure"] = [{"name": "retry", "type": "retry"}]
    with pytest.raises(WorkflowError, match="step 'find-user': 'onFailure' is not supported"):
        from_arazzo(document, base=tmp_path)
    with pytest.raises(WorkflowError, match="no workflow 'nope'"):
        from_arazzo(yaml.safe_load(HAND_WRITTEN), base=tmp_path, workflow_id="nope")
    with pytest.raises(WorkflowError, match="not an Arazzo 1.x document"):
        from_arazzo({"openapi": "3.0.0"})
