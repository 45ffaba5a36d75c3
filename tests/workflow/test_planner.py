"""The planner on a small music API written here: producers found from the spec, lookups, loops, selections.

Keyword search only (no embeddings), so these tests are fast and depend on nothing but the spec. Accuracy over
real specs is measured by `benchmarks/workflow_accuracy.py` on tests/data/workflow/dev.jsonl.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from apiforge.catalog import Catalog
from apiforge.catalog.search import SearchIndex
from apiforge.workflow import Plan, plan_request, split_clauses

S = {"type": "string"}
ARTIST = {"type": "object", "properties": {"id": S, "name": S, "genre": S}}
ALBUM = {"type": "object", "properties": {"id": S, "title": S, "released": S}}


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def _path_id(name: str = "id") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": S}


MUSIC = {
    "openapi": "3.0.3",
    "info": {"title": "music", "version": "1", "x-apiforge-id": "music"},
    "servers": [{"url": "https://music.example.com"}],
    "components": {"schemas": {"Artist": ARTIST, "Album": ALBUM}},
    "paths": {
        "/search": {"get": {
            "operationId": "search", "summary": "Search artists by name",
            "parameters": [{"name": "q", "in": "query", "required": True, "schema": S}],
            "responses": _ok({"type": "object", "properties": {"artists": {"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Artist"}}}}}}),
        }},
        "/artists/{id}": {"get": {
            "operationId": "getArtist", "summary": "Get an artist", "parameters": [_path_id()],
            "responses": _ok({"$ref": "#/components/schemas/Artist"}),
        }},
        "/artists/{id}/albums": {"get": {
            "operationId": "listArtistAlbums", "summary": "List an artist's albums", "parameters": [_path_id()],
            "responses": _ok({"type": "object", "properties": {
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Album"}}}}),
        }},
        "/albums/{album_id}": {"delete": {
            "operationId": "deleteAlbum", "summary": "Delete an album", "parameters": [_path_id("album_id")],
            "responses": {"204": {"description": "deleted"}},
        }},
        "/artists/{id}/follow": {"put": {
            "operationId": "followArtist", "summary": "Follow an artist", "parameters": [_path_id()],
            "responses": {"204": {"description": "followed"}},
        }},
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("music")
    spec = folder / "music.json"
    spec.write_text(json.dumps(MUSIC))
    catalog = Catalog(folder / "cat.db")
    catalog.ingest(str(spec))
    return catalog


def _plan(catalog: Catalog, request: str) -> Plan:
    index = SearchIndex(catalog, dense=False)
    index.update()
    return plan_request(request, catalog, api="music", index=index)


def test_a_name_is_turned_into_an_id_by_the_search_operation(catalog: Catalog) -> None:
    plan = _plan(catalog, "follow the artist 'Nina Simone'")
    search, follow = plan.workflow.steps
    assert (search.operation, follow.operation) == ("search", "followArtist")
    assert plan.workflow.inputs["q"] == "Nina Simone"
    assert search.arguments == {"q": "$inputs.q"}
    # the value is read from the nested list, and narrowed to the one named (even if the search is fuzzy)
    assert search.outputs["id"] == "$response.body.artists.items | [?name=={$inputs.q}] | [0].id"
    assert follow.arguments == {"id": "$steps.search.outputs.id"}
    assert any(c.type == "jmespath" for c in search.success)  # an empty search result is a failure to repair


def test_every_becomes_a_loop_and_newest_a_selection(catalog: Catalog) -> None:
    loop = _plan(catalog, "delete every album of the artist with id ar_19f3kd81")
    listing, delete = loop.workflow.steps
    assert (listing.operation, delete.operation) == ("listArtistAlbums", "deleteAlbum")
    assert listing.outputs == {"items": "$response.body.data"}
    assert delete.for_each == "$steps.listArtistAlbums.outputs.items"
    assert delete.arguments == {"album_id": "$item.id"}
    newest = _plan(catalog, "delete the newest album of the artist with id ar_19f3kd81").workflow.steps[0]
    assert newest.outputs["album_id"] == "$response.body.data | max_by(@, &to_string(released)).id"


def test_split_clauses_keeps_noun_phrases_together() -> None:
    assert split_clauses("find the artist Nina Simone and then follow her") == [
        "find the artist Nina Simone",
        "follow her",
    ]
    assert split_clauses("list albums and singles of Nina Simone") == ["list albums and singles of Nina Simone"]


def test_the_plan_explains_itself(catalog: Catalog) -> None:
    plan = _plan(catalog, "follow the artist 'Nina Simone'")
    assert any("search gives 'id' of followArtist" in reason for reason in plan.reasons)
    assert plan.to_dict()["workflow"]["steps"][1]["operation"] == "followArtist"


def test_a_saved_plan_needs_no_planner(catalog: Catalog, tmp_path: Path) -> None:
    from apiforge.workflow import load_workflow, save_workflow

    plan = _plan(catalog, "follow the artist 'Nina Simone'")
    assert load_workflow(save_workflow(plan.workflow, tmp_path / "p.yaml")) == plan.workflow
