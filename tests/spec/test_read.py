"""Finding spec files in folders, and parsing details (YAML dates and keys, BOMs, JSON in .yaml files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.errors import SpecFetchError
from apiforge.spec import find_spec_files, load_spec


def test_find_spec_files_is_recursive_sorted_and_skips_hidden(specs_dir: Path, tmp_path: Path) -> None:
    found = [p.relative_to(specs_dir).as_posix() for p in find_spec_files(specs_dir)]
    assert found == sorted(found)
    assert {"multifile/openapi.yaml", "multifile/shared/common.json", "broken/malformed.json"} <= set(found)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.json").write_text("{}")
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/b/deep.YML", "a/spec.yaml", "top.json", "notes.txt", ".hidden.json"):
        (tmp_path / name).write_text("{}")
    assert [p.relative_to(tmp_path).as_posix() for p in find_spec_files(tmp_path)] == [
        "a/b/deep.YML",
        "a/spec.yaml",
        "top.json",
    ]
    assert list(find_spec_files(tmp_path / "top.json")) == [tmp_path / "top.json"]
    with pytest.raises(SpecFetchError, match="no such file or folder"):
        list(find_spec_files(tmp_path / "missing"))


def test_every_good_spec_in_the_test_data_loads(specs_dir: Path) -> None:
    roots = [p for p in find_spec_files(specs_dir) if p.parent == specs_dir or p.name == "openapi.yaml"]
    assert len(roots) == 5
    for path in roots:
        assert load_spec(path).api.operations, path


def test_yaml_keeps_dates_and_keys_as_json_would(tmp_path: Path) -> None:
    path = tmp_path / "dates.yaml"
    path.write_text(
        "openapi: 3.0.0\n"
        "info: {title: Dates, version: 2021-03-04}\n"
        "paths:\n"
        "  /d:\n"
        "    get:\n"
        "      parameters:\n"
        "        - {name: since, in: query, schema: {type: string, format: date}, example: 2020-01-02}\n"
        "      responses:\n"
        "        200: {description: ok}\n"
    )
    loaded = load_spec(path)
    assert loaded.api.version == "2021-03-04"
    (op,) = loaded.api.operations
    since = op.parameter("since")
    assert since is not None and since.example == "2020-01-02"
    assert [r.status for r in op.responses] == ["200"]
    assert loaded.document["paths"]["/d"]["get"]["responses"] == {"200": {"description": "ok"}}


def test_json_with_bom_and_json_named_yaml(tmp_path: Path) -> None:
    body = b'{"openapi": "3.0.0", "info": {"title": "Bom", "version": "1"}, "paths": {"/x": {"get": {}}}}'
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + body)
    (tmp_path / "json.yaml").write_bytes(body)
    for name in ("bom.json", "json.yaml"):
        api = load_spec(tmp_path / name).api
        assert [op.id for op in api.operations] == ["get_x"]


def test_function_definitions_load_as_a_functions_api(tmp_path: Path) -> None:
    path = tmp_path / "weather-tools.json"
    path.write_text(
        '[{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city.",'
        ' "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]'
    )
    api = load_spec(path).api
    assert (api.kind, api.id, [op.id for op in api.operations]) == ("functions", "weather-tools", ["get_weather"])
