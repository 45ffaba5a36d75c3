"""The API DB against API Pack's golden rows: same endpoints × languages on the 5 published specs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apiforge.dataset import API_DB_FIELDS, LANGUAGES, api_db_records
from apiforge.dataset.validate import check_call
from apiforge.spec import load_spec

GOLDEN_SPECS = (
    "api_gurus_1forge.com_0.0.1_swagger",
    "api_gurus_1password.local_connect_1.5.7_openapi",
    "api_gurus_6-dot-authentiqio.appspot.com_6_openapi",
    "api_gurus_ably.io_platform_1.1.0_openapi",
)


@pytest.fixture(scope="module")
def apipack(shared_dir: Path) -> Path:
    folder = shared_dir / "fixtures" / "apipack"
    if not folder.is_dir():
        pytest.skip("API Pack fixtures absent")
    return folder


@pytest.mark.parametrize("name", GOLDEN_SPECS)
def test_same_endpoints_and_languages_as_api_packs_api_db(apipack: Path, name: str) -> None:
    api = load_spec(apipack / "specs" / f"{name}.json").api
    ours = api_db_records(api)
    golden = json.loads((apipack / "api_db" / f"{name}_api_calls_api_db.json").read_text())
    # API Pack repeats a row per request media type (ably: 5 endpoints × 2); we keep one call per endpoint.
    assert {(r["path"], r["method"], r["lang"]) for r in ours} == {(g["path"], g["method"], g["lang"]) for g in golden}
    assert len(ours) == len({(r["path"], r["method"], r["lang"]) for r in ours})
    by_endpoint = {(g["path"], g["method"]): g for g in golden}
    for record in ours:
        assert set(API_DB_FIELDS) <= set(record)
        expected = by_endpoint[(record["path"], record["method"])]
        assert record["api_name"] == expected["api_name"]
        assert record["endpoint"] == expected["endpoint"]
        assert record["functionality"] == expected["functionality"]
        assert record["domain"] == expected["domain"]


def test_every_call_parses_back_to_its_own_operation(apipack: Path) -> None:
    for spec in sorted((apipack / "specs").glob("*.json")):
        api = load_spec(spec).api
        records = api_db_records(api)
        assert {r["lang"] for r in records} == set(LANGUAGES.values())
        failed = [(r["operation_id"], r["target"], check_call(r, api)["call_problems"]) for r in records]
        assert [f for f in failed if f[2]] == []


def test_a_call_for_another_operation_fails_the_structural_check() -> None:
    api = load_spec(Path(__file__).parent / "data" / "notes.json").api
    records = {(r["operation_id"], r["target"]): r for r in api_db_records(api, ("shell_curl", "python_python3"))}
    wrong = {**records[("listNotes", "shell_curl")], "operation_id": "deleteNote"}
    result = check_call(wrong, api)
    assert not result["call_ok"] and "calls listNotes, not deleteNote" in result["call_problems"][0]
    broken = {**records[("createNote", "python_python3")], "api_call": "import http.client\nthis is not python("}
    assert not check_call(broken, api)["call_ok"]
    assert check_call(records[("createNote", "python_python3")], api) == {"call_ok": True, "call_problems": []}
