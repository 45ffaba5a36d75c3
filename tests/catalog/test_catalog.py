from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from apiforge.catalog import SCHEMA_VERSION, AmbiguousApi, Catalog, default_catalog_path
from apiforge.errors import ApiNotFound, CatalogError, OperationNotFound
from apiforge.spec import SpecWarning
from tests.catalog.factory import dump, loaded, make_op, pets_api


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    with Catalog(tmp_path / "cat.db") as cat:
        yield cat


def test_ingest_then_same_spec_is_unchanged(catalog: Catalog) -> None:
    first = catalog.ingest(loaded(pets_api(), digest="d1"))
    assert (first.status, first.api_id, first.operations) == ("added", "pets", 3)
    before = dump(catalog.path)
    again = catalog.ingest(loaded(pets_api(), digest="d1"))
    assert (again.status, again.operations) == ("unchanged", 3)
    assert dump(catalog.path) == before  # not even ingested_at moved


def test_missing_digest_is_computed_from_content(catalog: Catalog) -> None:
    assert catalog.ingest(loaded(pets_api())).status == "added"
    assert catalog.ingest(loaded(pets_api())).status == "unchanged"
    assert catalog.ingest(loaded(pets_api(version="2.0"))).status == "updated"


def test_changed_spec_replaces_old_version_wholesale(catalog: Catalog) -> None:
    catalog.ingest(loaded(pets_api(), digest="d1", warnings=(SpecWarning("odd", "/paths"),)))
    v2 = dataclasses.replace(pets_api(version="2.0"), operations=(make_op("listCats", "GET", "/cats"),))
    result = catalog.ingest(loaded(v2, digest="d2"))
    assert (result.status, result.operations, result.previous_operations) == ("updated", 1, 3)
    assert [op.id for op in catalog.operations("pets")] == ["listCats"]
    assert catalog.api_row("pets").version == "2.0"
    assert catalog.warnings("pets") == []


def test_failure_mid_ingest_leaves_catalog_unchanged(catalog: Catalog) -> None:
    catalog.ingest(loaded(pets_api(), digest="d1", warnings=(SpecWarning("odd", "/x"),)))
    catalog.ingest(loaded(pets_api("other"), digest="o1"))
    before = dump(catalog.path)
    # The duplicate id only trips the UNIQUE constraint after the old version was deleted and the new API row
    # and first operations were written: the rollback must undo all of that.
    broken = pets_api(version="2.0", extra_ops=(make_op("listPets", "DELETE", "/pets"),))
    result = catalog.ingest(loaded(broken, digest="d2"))
    assert result.status == "failed"
    assert result.error.startswith("CatalogError:") and "share one id" in result.error and "pets" in result.error
    assert dump(catalog.path) == before
    assert catalog.api_row("pets").version == "1.0"


def test_failed_new_api_leaves_nothing(catalog: Catalog) -> None:
    before = dump(catalog.path)
    result = catalog.ingest(loaded(pets_api("fresh", extra_ops=(make_op("getOwner"),)), digest="x"))
    assert result.status == "failed"
    assert dump(catalog.path) == before
    assert catalog.apis() == []


def test_unserialisable_spec_is_reported_not_raised(catalog: Catalog) -> None:
    api = dataclasses.replace(pets_api(), extensions={"x-bad": object()})
    result = catalog.ingest(loaded(api))
    assert result.status == "failed" and result.error_type == "TypeError"


def test_missing_file_is_a_failed_result(catalog: Catalog, tmp_path: Path) -> None:
    result = catalog.ingest(tmp_path / "nope.yaml")
    assert result.status == "failed"
    assert result.error  # names the error type; the message is the loader's


def test_ingest_many_continues_after_a_failure(catalog: Catalog) -> None:
    bad = loaded(pets_api("bad", extra_ops=(make_op("listPets"),)))
    seen: list[tuple[str, int, int]] = []
    results = catalog.ingest_many(
        [loaded(pets_api("a")), bad, loaded(pets_api("b"))], progress=lambda r, d, t: seen.append((r.status, d, t))
    )
    assert [r.status for r in results] == ["added", "failed", "added"]
    assert seen == [("added", 1, 3), ("failed", 2, 3), ("added", 3, 3)]
    assert catalog.api_ids() == ["a", "b"]


def test_get_api_round_trips_the_model(catalog: Catalog) -> None:
    api = pets_api()
    catalog.ingest(loaded(api))
    assert catalog.get_api("pets") == api


def test_ingest_with_explicit_id(catalog: Catalog) -> None:
    assert catalog.ingest(loaded(pets_api()), api_id="zoo").api_id == "zoo"
    assert catalog.get_api("zoo").title == "Pet Store"


def test_operation_filters(catalog: Catalog) -> None:
    catalog.ingest(loaded(pets_api("a")))
    catalog.ingest(loaded(pets_api("b")))
    assert len(catalog.operations()) == 6
    assert [(o.api_id, o.id) for o in catalog.operations("b", tag="PETS")] == [("b", "listPets"), ("b", "createPet")]
    assert {o.id for o in catalog.operations(method="post")} == {"createPet"}
    assert [o.id for o in catalog.operations("a", text="store")] == ["createPet"]  # description match
    assert [o.id for o in catalog.operations("a", text="OWNERS/{")] == ["getOwner"]
    assert catalog.operations("a", text="%") == []  # LIKE wildcards are literal
    assert len(catalog.operations(limit=4)) == 4
    assert catalog.count_operations(tag="pets") == 4
    owner = catalog.operations("a", tag="owners")[0]
    assert owner.deprecated and owner.tags == ("owners",)


def test_get_operation_by_id_case_or_method_path(catalog: Catalog) -> None:
    catalog.ingest(loaded(pets_api()))
    api, op = catalog.get_operation("pets", "createPet")
    assert op.request_body is not None and op.request_body.required
    assert api.schemas["Pet"]["properties"]["parent"] == {"$ref": "#/components/schemas/Pet"}
    assert api.operations == (op,)
    assert catalog.get_operation("pets", "CREATEPET")[1].id == "createPet"
    assert catalog.get_operation("pets", "post /pets")[1].id == "createPet"
    with pytest.raises(OperationNotFound, match="Did you mean 'createPet'"):
        catalog.get_operation("pets", "createPets")
    with pytest.raises(ApiNotFound):
        catalog.get_operation("dogs", "createPet")


def test_find_api(catalog: Catalog) -> None:
    for api_id in ("stripe.com", "twilio.com:api", "twilio.com:video"):
        catalog.ingest(loaded(dataclasses.replace(pets_api(api_id), title=api_id.upper() + " API")))
    assert catalog.find_api("stripe.com").id == "stripe.com"
    assert catalog.find_api("STRIPE").id == "stripe.com"
    assert catalog.find_api("twilio.com:video api").id == "twilio.com:video"
    with pytest.raises(AmbiguousApi, match="matches 2 APIs") as err:
        catalog.find_api("twilio")
    assert err.value.candidates == ["twilio.com:api", "twilio.com:video"]
    assert isinstance(err.value, ApiNotFound)
    with pytest.raises(ApiNotFound, match="Did you mean 'stripe.com'"):
        catalog.find_api("strype.com")


def test_remove(catalog: Catalog) -> None:
    catalog.ingest(loaded(pets_api("a"), warnings=(SpecWarning("w"),)))
    catalog.ingest(loaded(pets_api("b")))
    removed = catalog.remove("a")
    assert (removed.id, removed.operation_count, removed.warning_count) == ("a", 3, 1)
    assert catalog.api_ids() == ["b"]
    assert {o.api_id for o in catalog.operations()} == {"b"}
    conn = sqlite3.connect(catalog.path)
    assert conn.execute("SELECT count(*) FROM warnings").fetchone()[0] == 0
    with pytest.raises(ApiNotFound):
        catalog.remove("a")


def test_schema_is_versioned_and_wal(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    Catalog(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(CatalogError, match="newer"):
        Catalog(db)


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("this is not sqlite" * 100)
    with pytest.raises(CatalogError, match="cannot open the catalog"):
        Catalog(bogus)


def test_default_catalog_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_CATALOG", str(tmp_path / "env.db"))
    assert default_catalog_path(tmp_path / "x.db") == tmp_path / "x.db"
    assert default_catalog_path() == tmp_path / "env.db"
    monkeypatch.delenv("APIFORGE_CATALOG")
    from platformdirs import user_data_dir

    assert default_catalog_path() == Path(user_data_dir("apiforge")) / "catalog.db"
