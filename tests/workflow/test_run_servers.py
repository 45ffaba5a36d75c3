"""End-to-end workflows against real servers started here: plan from words, run, pass data, heal, record.

Patterns: lookup then detail (json-server), a paginated list then one call per item (json-server), fetch from one
server → transform → write to another (json-server → Kinto), a failure repaired from the server's complaint and
one that cannot be (Kinto, json-server).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from apiforge.catalog import Catalog
from apiforge.catalog.search import SearchIndex
from apiforge.execute import Credential, CredentialStore
from apiforge.spec._load import load_spec
from apiforge.workflow import NONEMPTY, ApiSource, Step, Workflow, plan_request, run_workflow
from tests.workflow.conftest import KINTO_SECRET, POSTS, USERS, kinto_spec, shop_spec, write_spec

pytestmark = pytest.mark.server


def _no_credentials(tmp_path: Path) -> CredentialStore:
    return CredentialStore(tmp_path / "creds.toml", environ={})


def _kinto_credentials(tmp_path: Path, password: str = KINTO_SECRET) -> CredentialStore:
    store = CredentialStore(tmp_path / "creds.toml", environ={})
    store.set("kinto", "basicAuth", Credential(username="ada", password=password))
    return store


def test_plan_from_words_then_run_lookup_then_detail(tmp_path: Path, json_server: str) -> None:
    catalog = Catalog(tmp_path / "cat.db")
    catalog.ingest(str(write_spec(tmp_path, "shop", shop_spec(json_server))))
    index = SearchIndex(catalog, dense=False)
    index.update()
    plan = plan_request("show the details of the user with email grace@example.com", catalog, api="shop", index=index)
    assert plan.workflow.operations == [("shop", "listUsers"), ("shop", "getUser")]
    result = run_workflow(plan.workflow, ApiSource(catalog=catalog), _no_credentials(tmp_path), retries=0)
    assert result.ok, result.error
    lookup, detail = result.steps
    assert lookup.calls[0].request["queryString"] == [{"name": "email", "value": "grace@example.com"}]
    assert detail.calls[0].url == f"{json_server}/users/2"
    assert detail.calls[0].body == USERS[1]
    # the same workflow, saved and loaded, runs again with another input and no planning at all
    again = Workflow.from_dict(json.loads(json.dumps(plan.workflow.to_dict())))
    email_input = next(k for k, v in again.inputs.items() if v == "grace@example.com")
    rerun = run_workflow(
        again, ApiSource(catalog=catalog), _no_credentials(tmp_path), inputs={email_input: "alan@example.com"}
    )
    assert rerun.ok and rerun.steps[-1].calls[0].body == USERS[2]


def test_paginated_list_then_one_call_per_item(tmp_path: Path, json_server: str) -> None:
    api = load_spec(str(write_spec(tmp_path, "shop", shop_spec(json_server)))).api
    workflow = Workflow(
        "review-all-posts",
        steps=(
            Step("posts", "shop", "listPosts", {"_page": 1, "_limit": 5}, {"ids": "$response.body[*].id"},
                 paginate=True),
            Step("review", "shop", "updatePost", {"id": "$item", "reviewed": True},
                 {"title": "$response.body.title"}, for_each="$steps.posts.outputs.ids"),
        ),
        output={"reviewed": "$steps.review.outputs.title"},
    )  # fmt: skip
    result = run_workflow(workflow, ApiSource(apis={"shop": api}), _no_credentials(tmp_path), max_items=100)
    assert result.ok, result.error
    listing, review = result.steps
    assert listing.calls[0].pages == 5 and listing.outputs["ids"] == list(range(1, POSTS + 1))
    assert len(review.calls) == POSTS and {c.status for c in review.calls} == {200}
    assert result.output["reviewed"] == [f"post {i}" for i in range(1, POSTS + 1)]
    stored = httpx.get(f"{json_server}/posts", params={"_limit": 100}).json()
    assert all(post["reviewed"] is True for post in stored)


def test_fetch_transform_write_to_another_server(tmp_path: Path, json_server: str, kinto_url: str) -> None:
    shop = load_spec(str(write_spec(tmp_path, "shop", shop_spec(json_server)))).api
    kinto = load_spec(str(write_spec(tmp_path, "kinto", kinto_spec(kinto_url)))).api
    workflow = Workflow(
        "copy-people",
        steps=(
            Step("users", "shop", "listUsers", {}, {"people": "$response.body[*].{who: name, mail: email}"}),
            Step("store", "kinto", "createRecord", {"bid": "shop", "cid": "people", "data": "$item"},
                 {"id": "$response.body#/data/id"}, for_each="$steps.users.outputs.people"),
        ),
        output={"ids": "$steps.store.outputs.id"},
    )  # fmt: skip
    result = run_workflow(workflow, ApiSource(apis={"shop": shop, "kinto": kinto}), _kinto_credentials(tmp_path))
    assert result.ok, result.error
    assert len(result.output["ids"]) == len(USERS)
    with httpx.Client(auth=("ada", KINTO_SECRET)) as client:
        stored = client.get(f"{kinto_url}/buckets/shop/collections/people/records").json()["data"]
    assert sorted((r["who"], r["mail"]) for r in stored) == sorted((u["name"], u["email"]) for u in USERS)
    dumped = json.dumps(result.to_dict())
    assert KINTO_SECRET not in dumped
    assert all(c.request["headers"] for c in result.steps[1].calls)  # the auth header is recorded, masked


def test_a_rejected_argument_is_repaired_and_the_repair_recorded(tmp_path: Path, kinto_url: str) -> None:
    kinto = load_spec(str(write_spec(tmp_path, "kinto", kinto_spec(kinto_url)))).api
    workflow = Workflow(
        "list-people",
        steps=(Step("people", "kinto", "listRecords", {"bid": "shop", "cid": "people", "_limit": "lots"}),),
    )
    result = run_workflow(workflow, ApiSource(apis={"kinto": kinto}), _kinto_credentials(tmp_path))
    assert result.ok, result.error
    (record,) = result.steps
    assert [c.status for c in record.calls] == [400, 200]
    (repair,) = record.repairs
    assert repair.kind == "drop" and "_limit" in repair.detail and "_limit" not in repair.arguments
    assert record.arguments[-1] == {"bid": "shop", "cid": "people"}


def test_the_checker_diagnostics_drive_a_repair(tmp_path: Path, json_server: str) -> None:
    document = shop_spec(json_server)
    document["paths"]["/users"]["get"]["parameters"][0]["schema"] = {"type": "string", "format": "email"}
    api = load_spec(str(write_spec(tmp_path, "shop", document))).api
    workflow = Workflow(
        "w", steps=(Step("users", "shop", "listUsers", {"email": "ada at example.com"},
                         {"n": "$response.body | length(@)"}, success=(NONEMPTY,)),),
    )  # fmt: skip
    result = run_workflow(workflow, ApiSource(apis={"shop": api}), _no_credentials(tmp_path))
    assert result.ok, result.error
    (repair,) = result.steps[0].repairs  # json-server found nobody; the checker says why: not an email
    assert repair.kind == "drop" and "invalid-format" in repair.detail and repair.arguments == {}
    assert result.steps[0].calls[0].body == [] and result.steps[0].outputs == {"n": len(USERS)}


def test_a_failure_that_cannot_be_repaired_stops_the_run_and_says_where(tmp_path: Path, json_server: str) -> None:
    api = load_spec(str(write_spec(tmp_path, "shop", shop_spec(json_server)))).api
    workflow = Workflow(
        "missing-user",
        steps=(
            Step("user", "shop", "getUser", {"id": 999}, {"name": "$response.body.name"}),
            Step("posts", "shop", "listPosts", {"userId": "$inputs.never"}),
        ),
    )
    result = run_workflow(workflow, ApiSource(apis={"shop": api}), _no_credentials(tmp_path), retries=0)
    assert not result.ok and result.failed_step == "user"
    assert result.error == "HTTP 404 Not Found"
    assert len(result.steps) == 1  # the second step never ran
    assert result.steps[0].calls[0].url == f"{json_server}/users/999"


def test_an_empty_lookup_is_relaxed_but_never_picks_the_wrong_item(tmp_path: Path, json_server: str) -> None:
    api = load_spec(str(write_spec(tmp_path, "shop", shop_spec(json_server)))).api
    workflow = Workflow(
        "detail-by-email",
        inputs={"email": "nobody@example.com"},
        steps=(
            Step("find", "shop", "listUsers", {"email": "$inputs.email"},
                 {"id": "$response.body | [?email=={$inputs.email}] | [0].id"}, success=(NONEMPTY,)),
            Step("detail", "shop", "getUser", {"id": "$steps.find.outputs.id"}),
        ),
    )  # fmt: skip
    result = run_workflow(workflow, ApiSource(apis={"shop": api}), _no_credentials(tmp_path))
    find, detail = result.steps
    assert [r.kind for r in find.repairs] == ["relax"]  # the empty filtered list: the filter was dropped...
    assert find.ok and find.outputs == {"id": None}  # ...but the selector still wants that email: no match
    assert not result.ok and result.failed_step == "detail" and not detail.calls
    assert result.error == "argument 'id' came out empty ($steps.find.outputs.id): nothing earlier matched"


def test_a_missing_credential_fails_the_step_with_its_name(tmp_path: Path, kinto_url: str) -> None:
    kinto = load_spec(str(write_spec(tmp_path, "kinto", kinto_spec(kinto_url)))).api
    workflow = Workflow("w", steps=(Step("people", "kinto", "listRecords", {"bid": "shop", "cid": "people"}),))
    result = run_workflow(workflow, ApiSource(apis={"kinto": kinto}), _no_credentials(tmp_path))
    assert not result.ok and result.failed_step == "people"
    assert result.error.startswith("the request cannot be sent:") and "basicAuth" in result.error
    assert result.steps[0].calls == ()  # nothing was sent without the credential


def test_an_unknown_operation_is_a_workflow_error(tmp_path: Path, json_server: str) -> None:
    from apiforge.workflow import WorkflowError

    api = load_spec(str(write_spec(tmp_path, "shop", shop_spec(json_server)))).api
    workflow = Workflow("w", steps=(Step("s", "shop", "listUser"),))
    with pytest.raises(WorkflowError, match="no operation 'listUser'.*Did you mean 'listUsers'"):
        run_workflow(workflow, ApiSource(apis={"shop": api}), _no_credentials(tmp_path))
