"""Every real description in the shared folder loads, and normalisation holds on real specs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pytest

from apiforge.spec import HTTP_METHODS, Api, LoadedSpec, find_spec_files, load_spec

SHARED_SETS = ("specs/directory", "specs/swagger2", "fixtures/apipack/specs")


def _shared_files(shared: Path) -> list[Path]:
    return [f for folder in SHARED_SETS for f in find_spec_files(shared / folder)]


def _raw_operation_count(path: Path) -> int:
    """Operations counted straight from the JSON, independently of the loader (TRACE excluded)."""
    doc = orjson.loads(path.read_bytes())
    return sum(1 for item in doc["paths"].values() for key in item if key in HTTP_METHODS)


def _refs(node: object) -> list[str]:
    """Every `$ref` in the model, skipping data that is kept as written: examples and `x-*` vendor extensions."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value)
            elif not key.startswith("x-") and key not in ("example", "examples", "extensions", "default", "enum"):
                found.extend(_refs(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_refs(item))
    return found


@pytest.fixture(scope="module")
def loaded(shared_dir: Path) -> dict[Path, LoadedSpec]:
    """Every shared description, loaded once for this module."""
    return {path: load_spec(path) for path in _shared_files(shared_dir)}


@pytest.fixture(scope="module")
def apis(shared_dir: Path, loaded: dict[Path, LoadedSpec]) -> dict[str, Api]:
    """Loaded APIs by path relative to the shared folder."""
    return {str(path.relative_to(shared_dir)): spec.api for path, spec in loaded.items()}


def test_every_shared_spec_loads(loaded: dict[Path, LoadedSpec]) -> None:
    assert len(loaded) == 26
    for path, spec in loaded.items():
        assert spec.api.operations, path
        assert spec.warnings == (), path
        data = path.read_bytes()
        assert spec.document == orjson.loads(data)  # the raw document, untouched by normalisation
        assert spec.size == len(data)
        assert spec.digest == hashlib.sha256(data).hexdigest()
        # The model must be plain data (the catalog stores it as JSON): this also fails on any cycle.
        json.dumps(spec.api.to_dict())


def test_directory_set_has_2885_operations(shared_dir: Path, loaded: dict[Path, LoadedSpec]) -> None:
    files = list(find_spec_files(shared_dir / "specs/directory"))
    assert len(files) == 20
    expected = sum(_raw_operation_count(f) for f in files)
    assert expected == 2885
    assert sum(len(loaded[f].api.operations) for f in files) == expected


def test_operation_ids_are_unique_and_every_ref_resolves(loaded: dict[Path, LoadedSpec]) -> None:
    total = 0
    for path, spec in loaded.items():
        api = spec.api
        ids = [op.id for op in api.operations]
        assert len(ids) == len(set(ids)), path
        refs = set(_refs(api.to_dict()))
        total += len(refs)
        assert all(r.startswith("#/components/schemas/") for r in refs), path
        assert {r.removeprefix("#/components/schemas/") for r in refs} <= set(api.schemas), path
    assert total > 1000


def test_api_ids_follow_apis_guru_names(shared_dir: Path, loaded: dict[Path, LoadedSpec]) -> None:
    for path in find_spec_files(shared_dir / "specs/directory"):
        assert loaded[path].api.id == path.stem
    assert load_spec(shared_dir / "specs/directory/stripe.com.json", api_id="mine").api.id == "mine"


def test_kinto_swagger2(apis: dict[str, Api]) -> None:
    api = apis["specs/swagger2/kinto-26.5.0-live.json"]
    assert api.spec_version == "2.0"
    assert [s.url for s in api.servers] == ["http://127.0.0.1:8888/v1"]
    assert len(api.operations) == 44
    # Every Kinto operation says `security: []`: explicitly no auth, not "inherit".
    assert all(op.security == () for op in api.operations)
    patch = api.operation("patch_record")
    assert patch is not None and patch.request_body is not None
    assert patch.request_body.media_types == ["application/json", "application/merge-patch+json"]
    assert patch.request_body.content["application/json"].schema["properties"]["data"]["type"] == "object"
    assert all(p.location != "body" for op in api.operations for p in op.parameters)
    get_records = api.operation("get_records")
    assert get_records is not None
    sort = get_records.parameter("_sort", "query")
    assert sort is not None and sort.schema["type"] == "array"
    # Swagger 2's default collectionFormat is csv: comma-separated, not repeated.
    assert (sort.style, sort.explode) == ("form", False)
    assert {r.status for r in get_records.responses} >= {"200", "400"}


def test_1forge_swagger2(apis: dict[str, Api]) -> None:
    api = apis["fixtures/apipack/specs/api_gurus_1forge.com_0.0.1_swagger.json"]
    assert api.id == "1forge.com"
    assert [s.url for s in api.servers] == ["https://1forge.com/forex-quotes", "http://1forge.com/forex-quotes"]
    assert [(op.id, op.method, op.path) for op in api.operations] == [
        ("get_quotes", "GET", "/quotes"),
        ("get_symbols", "GET", "/symbols"),
    ]
    symbols = api.operations[1]
    (ok,) = symbols.responses
    assert ok.content["application/json"].schema == {
        "example": ["EURUSD", "GBPJPY", "AUDUSD"],
        "items": {"type": "string"},
        "type": "array",
    }
    assert api.operations[0].responses[0].content == {}
    assert api.extensions["x-apisguru-categories"] == ["financial"]


def test_vercel_openapi31(apis: dict[str, Api]) -> None:
    api = apis["specs/directory/vercel.com.json"]
    assert api.spec_version == "3.1.0"
    assert len(api.operations) == 113
    assert api.security_schemes["bearerToken"].scheme == "bearer"
    assert "authorizationCode" in api.security_schemes["oauth2"].flows
    # 3.1 type arrays are kept as JSON Schema, and recursive schemas stay a $ref.
    tree = api.schemas["FileTree"]
    assert tree["properties"]["children"]["items"] == {"$ref": "#/components/schemas/FileTree"}
    assert any(isinstance(p.schema.get("type"), list) for op in api.operations for p in op.parameters) or any(
        isinstance(s.get("type"), list) for s in api.schemas.values()
    )


def test_stripe_form_bodies(apis: dict[str, Api]) -> None:
    api = apis["specs/directory/stripe.com.json"]
    op = api.operation("PostCustomers")
    assert op is not None and (op.method, op.path) == ("POST", "/v1/customers")
    assert op.request_body is not None
    form = op.request_body.content["application/x-www-form-urlencoded"]
    assert form.schema["type"] == "object"
    assert {"email", "address", "metadata"} <= set(form.schema["properties"])
    assert form.encoding["address"] == {"explode": True, "style": "deepObject"}
    assert op.security == ({"basicAuth": []}, {"bearerAuth": []})
    assert {s.scheme for s in api.security_schemes.values()} == {"basic", "bearer"}


def test_recursive_schema_in_real_spec_stays_a_ref(apis: dict[str, Api]) -> None:
    api = apis["specs/directory/gitea.io.json"]
    assert api.schemas["GPGKey"]["properties"]["subkeys"]["items"] == {"$ref": "#/components/schemas/GPGKey"}
    assert api.resolve_schema({"$ref": "#/components/schemas/GPGKey"}) is api.schemas["GPGKey"]


def test_refs_into_paths_become_named_schemas(shared_dir: Path, apis: dict[str, Api]) -> None:
    """DigitalOcean's schemas point into `#/paths/...`: those are copied into `Api.schemas` under new names."""
    doc = orjson.loads((shared_dir / "specs/directory/digitalocean.com.json").read_bytes())
    assert '"#/paths/' in json.dumps(doc)
    api = apis["specs/directory/digitalocean.com.json"]
    assert '"#/paths/' not in json.dumps(api.to_dict())
    assert any(name.startswith("v2_") for name in api.schemas)


def test_path_level_parameters_are_merged(shared_dir: Path, apis: dict[str, Api]) -> None:
    doc = orjson.loads((shared_dir / "specs/directory/gitea.io.json").read_bytes())
    api = apis["specs/directory/gitea.io.json"]
    for path, item in doc["paths"].items():
        for method in item:
            if method not in HTTP_METHODS:
                continue
            op = next(o for o in api.operations if o.path == path and o.method == method.upper())
            declared = {p["name"] for p in item[method].get("parameters", []) if "name" in p}
            assert declared <= {p.name for p in op.parameters}


@pytest.mark.parametrize("name", ["asana.com.json", "spotify.com.json", "apache.org_airflow.json"])
def test_parameter_and_response_refs_are_dereferenced(apis: dict[str, Api], name: str) -> None:
    api = apis[f"specs/directory/{name}"]
    for op in api.operations:
        for p in op.parameters:
            assert p.name and p.location in ("path", "query", "header", "cookie")
        for r in op.responses:
            assert r.status
    text = json.dumps(api.to_dict())
    for kind in ("parameters", "responses", "requestBodies", "headers"):
        assert f"#/components/{kind}/" not in text
