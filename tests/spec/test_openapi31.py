"""OpenAPI 3.1 specifics, operation-level servers, TRACE, and API ids."""

from __future__ import annotations

from pathlib import Path

from apiforge.spec import load_spec


def test_openapi31_features(specs_dir: Path) -> None:
    loaded = load_spec(specs_dir / "openapi31.yaml")
    api = loaded.api
    assert (api.id, api.spec_version, api.license) == ("example.com_thirtyone", "3.1.0", "MIT")
    # TRACE is deliberately not an operation.
    assert [(op.method, op.path) for op in api.operations] == [("GET", "/items/{id}"), ("POST", "/items")]
    get, post = api.operations
    item_id = get.parameter("id", "path")
    assert item_id is not None
    assert item_id.schema == {"type": ["string", "integer"]}
    assert item_id.type == "string"
    assert (item_id.example, item_id.has_example) == (7, True)  # first of `examples`
    # `$ref` with siblings is kept (3.1 allows it), ref rewritten in place.
    schema = get.responses[0].content["application/json"].schema
    assert schema == {"$ref": "#/components/schemas/Item", "description": "A $ref with a sibling (allowed in 3.1)."}
    assert api.schemas["Item"]["properties"]["name"] == {"type": ["string", "null"], "examples": ["first", "second"]}
    assert api.schemas["Item"]["properties"]["tags"]["items"] is False
    # Path-level and operation-level servers.
    assert [s.url for s in get.servers] == ["https://items.example.com"]
    assert [s.url for s in post.servers] == ["https://write.example.com"]
    assert post.request_body is not None and post.request_body.required
    media = post.request_body.content["application/json"]
    assert (media.example, media.has_example) == ({"name": "first"}, True)  # example through a $ref


def test_api_id_falls_back_to_a_title_slug(specs_dir: Path) -> None:
    assert load_spec(specs_dir / "recursive.yaml").api.id == "recursive-trees"
    assert load_spec(specs_dir / "multifile" / "openapi.yaml").api.id == "multifile-pets"  # x-apiforge-id
    assert load_spec(specs_dir / "recursive.yaml", api_id="trees").api.id == "trees"
