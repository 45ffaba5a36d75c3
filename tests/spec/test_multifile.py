"""Descriptions split over several files (YAML and JSON, nested folders), and recursive schemas."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from apiforge.spec import Api, LoadedSpec, Operation, load_spec


@pytest.fixture(scope="module")
def multifile(specs_dir: Path) -> LoadedSpec:
    return load_spec(specs_dir / "multifile" / "openapi.yaml")


def _op(api: Api, op_id: str) -> Operation:
    op = api.operation(op_id)
    assert op is not None, op_id
    return op


def test_path_item_in_another_file_resolves_refs_relative_to_that_file(multifile: LoadedSpec) -> None:
    api = multifile.api
    assert [(op.id, op.method, op.path) for op in api.operations] == [
        ("listPets", "GET", "/pets"),
        ("createPet", "POST", "/pets"),
        ("getPet", "GET", "/pets/{petId}"),
        ("deletePet", "DELETE", "/pets/{petId}"),
    ]
    limit = _op(api, "listPets").parameter("limit", "query")
    assert limit is not None
    assert (limit.schema, limit.example, limit.has_example) == ({"type": "integer", "maximum": 100}, 20, True)
    body = _op(api, "createPet").request_body
    assert body is not None and body.required
    assert body.content["application/json"].schema == {"$ref": "#/components/schemas/Pet"}


def test_external_schemas_are_named_and_cross_file_cycles_stay_refs(multifile: LoadedSpec) -> None:
    schemas = multifile.api.schemas
    # `Pet: {$ref: ./schemas/pet.json}` makes the external file's schema *the* Pet (no alias, no copy).
    assert set(schemas) == {"Pet", "Owner", "PetId", "Error"}
    assert schemas["Pet"]["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert schemas["Owner"]["properties"]["pets"]["items"] == {"$ref": "#/components/schemas/Pet"}
    # OpenAPI 3.0 `nullable` becomes a JSON Schema type array.
    assert schemas["Pet"]["properties"]["tag"] == {"type": ["string", "null"]}
    # A schema ref inside the JSON file (`#/components/schemas/PetId`) is relative to that file, not the root.
    pet_id = _op(multifile.api, "getPet").parameter("petId", "path")
    assert pet_id is not None and pet_id.schema == {"$ref": "#/components/schemas/PetId"}
    assert schemas["PetId"] == {"type": "integer", "minimum": 1}
    json.dumps(multifile.api.to_dict())


def test_refs_to_responses_headers_and_security_schemes(multifile: LoadedSpec) -> None:
    api = multifile.api
    not_found = next(r for r in _op(api, "getPet").responses if r.status == "404")
    assert not_found.description == "Not found."
    assert not_found.headers == {"X-Request-Id": {"type": "string", "format": "uuid"}}
    assert not_found.content["application/json"].schema == {"$ref": "#/components/schemas/Error"}
    default = next(r for r in _op(api, "createPet").responses if r.status == "default")
    assert default.description == "Not found."
    key = api.security_schemes["apiKey"]
    assert (key.type, key.location, key.param_name) == ("apiKey", "header", "X-Api-Key")


def test_effective_security_and_servers(multifile: LoadedSpec) -> None:
    api = multifile.api
    assert _op(api, "getPet").security == ({"apiKey": []},)
    assert _op(api, "deletePet").security == ()  # `security: []` overrides the API-level default
    assert [s.url for s in api.servers] == ["/v1"]  # relative, and loaded from a file: left as written


def test_digest_and_size_cover_every_referenced_file(specs_dir: Path, multifile: LoadedSpec) -> None:
    folder = specs_dir / "multifile"
    files = ["openapi.yaml", "paths/pets.yaml", "schemas/pet.json", "schemas/owner.yaml", "shared/common.json"]
    assert multifile.size == sum((folder / f).stat().st_size for f in files)
    root_only = hashlib.sha256((folder / "openapi.yaml").read_bytes()).hexdigest()
    assert len(multifile.digest) == 64 and multifile.digest != root_only
    assert load_spec(folder / "openapi.yaml").digest == multifile.digest  # stable


def test_digest_changes_when_a_referenced_file_changes(tmp_path: Path, specs_dir: Path) -> None:
    copy = tmp_path / "multifile"
    shutil.copytree(specs_dir / "multifile", copy)
    before = load_spec(copy / "openapi.yaml")
    owner = copy / "schemas" / "owner.yaml"
    owner.write_text(owner.read_text().replace("name:", "full_name:"))
    after = load_spec(copy / "openapi.yaml")
    assert after.digest != before.digest
    assert "full_name" in after.api.schemas["Owner"]["properties"]


def test_recursive_schemas_stay_recursive(specs_dir: Path) -> None:
    loaded = load_spec(specs_dir / "recursive.yaml")
    schemas = loaded.api.schemas
    assert schemas["Tree"]["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Tree"}
    assert schemas["Forest"]["properties"]["trees"]["items"] == {"$ref": "#/components/schemas/Tree"}
    # A schema under `#/paths/...` that refers to itself is copied once into Api.schemas and points to itself.
    comments = loaded.api.operation("get_comments_id")
    assert comments is not None
    schema = comments.responses[0].content["application/json"].schema
    ref = schema["properties"]["replies"]["items"]["$ref"]
    name = ref.removeprefix("#/components/schemas/")
    assert name in schemas and name.startswith("comments_id")
    assert schemas[name]["properties"]["replies"]["items"] == {"$ref": ref}
    json.dumps(loaded.api.to_dict())  # finite: would raise on a cycle of Python objects
