"""apis / ops / show / remove against a catalog filled with hand-built APIs (no loader needed)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from apiforge.catalog import Catalog
from apiforge.spec import SecurityScheme, Server
from tests.catalog.factory import loaded, pets_api
from tests.cli.conftest import Run


@pytest.fixture
def filled(run: Run) -> Run:
    with Catalog(run.catalog) as cat:
        cat.ingest(loaded(pets_api("pets")))
        zoo = dataclasses.replace(
            pets_api("zoo.example"),
            title="Zoo",
            servers=(Server("https://{region}.zoo.example", variables={"region": {"default": "eu"}}),),
            security_schemes={
                "oauth": SecurityScheme(
                    "oauth", "oauth2", flows={"clientCredentials": {"scopes": {"read": "", "write": ""}}}
                ),
                "key": SecurityScheme("key", "apiKey", location="query", param_name="api_key"),
            },
        )
        cat.ingest(loaded(zoo))
    return run


def test_apis_json_and_table(filled: Run) -> None:
    rows = filled.json("apis")
    assert [(r["id"], r["operation_count"]) for r in rows] == [("pets", 3), ("zoo.example", 3)]
    text = filled("apis").stdout
    assert "Pet Store" in text and "zoo.example" in text and "2 APIs" in text


def test_ops_filters(filled: Run) -> None:
    assert len(filled.json("ops")) == 6
    assert [o["id"] for o in filled.json("ops", "zoo", "--method", "post")] == ["createPet"]
    assert [(o["api_id"], o["id"]) for o in filled.json("ops", "--tag", "owners")] == [
        ("pets", "getOwner"),
        ("zoo.example", "getOwner"),
    ]
    assert [o["id"] for o in filled.json("ops", "pets", "--grep", "owner by")] == ["getOwner"]
    assert len(filled.json("ops", "--limit", "2")) == 2
    table = filled("ops", "--limit", "2").stdout
    assert "showing 2 of 6" in table


def test_show_api(filled: Run) -> None:
    out = filled("show", "zoo").stdout
    assert "https://{region}.zoo.example" in out
    assert "OAuth 2 (clientCredentials); scopes: read, write" in out
    assert "API key in query 'api_key'" in out
    assert "createPet" in out and "/owners/{id}" in out
    data = filled.json("show", "zoo.example")
    assert data["api"]["id"] == "zoo.example" and len(data["operations"]) == 3
    assert set(data["security_schemes"]) == {"oauth", "key"}


def test_show_operation(filled: Run) -> None:
    out = filled("show", "pets", "createPet").stdout
    assert "POST /pets" in out and "Adds a pet to the store." in out
    assert "key: API key in header 'X-Key'" in out
    # The recursive Pet schema is shown by name and not expanded inside itself.
    assert "parent: Pet (recursive)" in out
    assert "Request body (required)" in out
    by_path = filled("show", "pets", "GET /pets").stdout
    assert "limit" in by_path and "integer" in by_path and "10" in by_path
    data = filled.json("show", "pets", "createPet")
    assert data["operation"]["id"] == "createPet"
    assert set(data["schemas"]) == {"Pet"}


def test_remove(filled: Run) -> None:
    assert filled.json("remove", "pets")["removed"]["id"] == "pets"
    assert [r["id"] for r in filled.json("apis")] == ["zoo.example"]
    assert "Removed" in filled("remove", "zoo").stdout
    assert filled.json("apis") == []


def test_unknown_names_are_input_errors_without_traceback(filled: Run) -> None:
    result = filled("show", "petz", code=2)
    assert "ApiNotFound: No API 'petz' in the catalog. Did you mean 'pets'?" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    result = filled("show", "pets", "listPet", code=2)
    assert "OperationNotFound" in result.stderr and "Did you mean 'listPets'" in result.stderr
    assert filled("remove", "nothing-like-it", code=2).stdout == ""


def test_ambiguous_prefix_names_candidates(run: Run) -> None:
    with Catalog(run.catalog) as cat:
        cat.ingest(loaded(pets_api("pets.one")))
        cat.ingest(loaded(pets_api("pets.two")))
    err = run("ops", "pets.", code=2).stderr
    assert "AmbiguousApi" in err and "'pets.one', 'pets.two'" in err


def test_no_color_means_no_escape_codes(filled: Run) -> None:
    out = filled("show", "pets", "missing", code=2, env={"NO_COLOR": "1"})
    assert "\x1b[" not in out.stderr
    assert "\x1b[" not in filled("apis", env={"NO_COLOR": "1"}).stdout


def test_catalog_option_after_the_command_wins(filled: Run, tmp_path: Path) -> None:
    result = filled("apis", "--json", "--catalog", str(tmp_path / "other.db"))
    assert json.loads(result.stdout) == []


def test_help_teaches_with_examples(run: Run) -> None:
    top = run("--help").stdout
    assert "apiforge quickstart" in top and "Exit codes" in top
    for command in ("ingest", "apis", "ops", "show", "remove", "quickstart"):
        assert "Examples:" in run(command, "--help").stdout


def test_empty_catalog(run: Run) -> None:
    assert "catalog is empty" in run("apis").stdout
    assert run.json("ops") == []


def test_bad_catalog_file_is_an_input_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite" * 200)
    result = Run(bogus)("apis", code=2)
    assert result.stderr.startswith("CatalogError:") and "bogus.db" in result.stderr
