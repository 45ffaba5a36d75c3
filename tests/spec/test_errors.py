"""Every bad input gets a specific error (or warning) naming the file and where in it; one real file per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.errors import (
    SpecError,
    SpecFetchError,
    SpecParseError,
    UnresolvableReference,
    UnsupportedSpec,
)
from apiforge.spec import load_spec


def test_malformed_json_reports_line_and_column(specs_dir: Path) -> None:
    path = specs_dir / "broken" / "malformed.json"
    with pytest.raises(SpecParseError) as info:
        load_spec(path)
    err = info.value
    # Line 5 holds `"description": "ok",}`: the trailing comma is the 61st character.
    assert (err.line, err.column) == (5, 61)
    assert path.read_text().splitlines()[4][60] == ","
    assert err.source == str(path)
    assert "malformed JSON" in str(err) and "line 5, column 61" in str(err)


def test_malformed_yaml_reports_line_and_column(specs_dir: Path) -> None:
    path = specs_dir / "broken" / "malformed.yaml"
    with pytest.raises(SpecParseError) as info:
        load_spec(path)
    err = info.value
    # `summary: [unclosed` on line 8 is only found broken at `responses:` on line 9.
    assert (err.line, err.column) == (9, 16)
    assert "flow sequence" in str(err) and err.source == str(path)


def test_not_openapi(specs_dir: Path) -> None:
    with pytest.raises(UnsupportedSpec, match="no 'openapi' or 'swagger'"):
        load_spec(specs_dir / "broken" / "not-openapi.yaml")


@pytest.mark.parametrize(
    ("name", "version"), [("swagger-1.2.json", "Swagger 1.2"), ("openapi-4.0.yaml", "OpenAPI 4.0.0")]
)
def test_unsupported_versions(specs_dir: Path, name: str, version: str) -> None:
    with pytest.raises(UnsupportedSpec, match=f"{version} is not supported"):
        load_spec(specs_dir / "broken" / name)


def test_ref_to_missing_pointer(specs_dir: Path) -> None:
    path = specs_dir / "broken" / "ref-missing-pointer.yaml"
    with pytest.raises(UnresolvableReference) as info:
        load_spec(path)
    err = info.value
    assert err.ref == "#/components/schemas/Pet"
    assert err.used_at == "/paths/~1pets/get/responses/200/content/application~1json/schema/items"
    assert err.source == str(path)
    assert "no '/components/schemas/Pet'" in str(err)


def test_ref_to_missing_file(specs_dir: Path) -> None:
    path = specs_dir / "broken" / "ref-missing-file.yaml"
    with pytest.raises(UnresolvableReference) as info:
        load_spec(path)
    err = info.value
    assert err.ref == "./no-such-dir/parameters.yaml#/Limit"
    assert err.used_at == "/paths/~1pets/get/parameters/0"
    assert "no-such-dir/parameters.yaml" in str(err) and "no such file" in str(err)


def test_unresolvable_ref_inside_an_external_file_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(
        "type: object\nproperties:\n  owner:\n    $ref: '#/definitions/Owner'\n"
    )
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    get:\n      responses:\n"
        "        '200':\n          description: ok\n          content:\n            application/json:\n"
        "              schema: {$ref: 'schemas/pet.yaml'}\n"
    )
    with pytest.raises(UnresolvableReference) as info:
        load_spec(tmp_path / "api.yaml")
    err = info.value
    assert err.source == str(tmp_path / "schemas" / "pet.yaml")
    assert err.used_at == "/properties/owner"
    assert err.ref == "#/definitions/Owner"


def test_empty_paths_is_a_warning(specs_dir: Path) -> None:
    loaded = load_spec(specs_dir / "broken" / "empty-paths.yaml")
    assert loaded.api.operations == ()
    assert [(w.pointer, w.message) for w in loaded.warnings] == [
        ("/paths", "the description has no paths, so no operations")
    ]


def test_duplicate_operation_ids_warn_and_get_derived_ids(specs_dir: Path) -> None:
    loaded = load_spec(specs_dir / "broken" / "duplicate-ids.yaml")
    ops = [(op.id, op.method, op.path, op.spec_operation_id) for op in loaded.api.operations]
    assert ops == [
        ("list", "GET", "/users", "list"),
        ("get_groups", "GET", "/groups", "list"),
        # Derived ids never take an id the spec uses elsewhere (`post_groups` belongs to POST /teams).
        ("post_groups_2", "POST", "/groups", ""),
        ("post_groups", "POST", "/teams", "post_groups"),
    ]
    (warning,) = loaded.warnings
    assert warning.pointer == "/paths/~1groups/get/operationId"
    assert "duplicate operationId 'list'" in warning.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecFetchError, match="no such file"):
        load_spec(tmp_path / "nope.yaml")


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.json"
    with big.open("wb") as f:
        f.truncate(50 * 1024 * 1024 + 1)  # sparse: one byte over the 50 MB default, nothing actually written
    with pytest.raises(SpecError, match="over the 52,428,800-byte limit") as info:
        load_spec(big)
    assert type(info.value) is SpecError


def test_size_limit_by_argument_and_environment(
    specs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = specs_dir / "recursive.yaml"
    with pytest.raises(SpecError, match="over the 100-byte limit"):
        load_spec(path, max_bytes=100)
    monkeypatch.setenv("APIFORGE_MAX_SPEC_BYTES", "200")
    with pytest.raises(SpecError, match="over the 200-byte limit"):
        load_spec(path)
    # The limit applies to referenced files too: the root fits, a referenced file does not.
    (tmp_path / "big.json").write_text('{"type": "object", "description": "' + "x" * 2000 + '"}')
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    Big: {$ref: big.json}\n"
    )
    monkeypatch.setenv("APIFORGE_MAX_SPEC_BYTES", "1000")
    with pytest.raises(UnresolvableReference, match="over the 1,000-byte limit") as info:
        load_spec(tmp_path / "api.yaml")
    assert info.value.used_at == "/components/schemas/Big"
    monkeypatch.setenv("APIFORGE_MAX_SPEC_BYTES", "lots")
    with pytest.raises(SpecError, match="APIFORGE_MAX_SPEC_BYTES must be a whole number"):
        load_spec(path)


def test_document_that_is_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(UnsupportedSpec, match="not an object"):
        load_spec(path)
