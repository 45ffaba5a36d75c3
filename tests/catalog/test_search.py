"""Hybrid search on a real catalog of shared specs with real embeddings (all-MiniLM-L6-v2, int8 ONNX).

One indexed catalog is built per module and each test works on its own copy of the database file. To keep
embedding fast, the big specs are cut down to the paths around what the tests ask for (real operations, and
real look-alikes among them: charge refunds next to refunds, issue comments next to issues).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apiforge.catalog import Catalog
from apiforge.catalog._embed import encoder_unavailable_reason
from apiforge.catalog.search import _BM25_WEIGHTS, SearchIndex
from apiforge.cli import app

pytestmark = pytest.mark.slow  # embeds ~120 operations

#: Spec name → the paths kept (a regular expression).
SPECS = {
    "gitea.io": r"^/repos/\{owner\}/\{repo\}(/issues|/pulls|/milestones|/labels|$)",
    "stripe.com": r"^/v1/(refunds|charges|customers$|customers/\{customer\}$|payment_intents)",
    "xkcd.com": r"",
}
NO_EMBEDDINGS = encoder_unavailable_reason()
needs_embeddings = pytest.mark.skipif(NO_EMBEDDINGS is not None, reason=f"no dense embeddings: {NO_EMBEDDINGS}")


@pytest.fixture(scope="module")
def indexed_db(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("search")
    path = folder / "catalog.db"
    with Catalog(path) as catalog:
        for name, keep in SPECS.items():
            result = catalog.ingest(trimmed_spec(shared_dir, name, keep, folder))
            assert result.is_ok, result.error
            assert result.api_id == name
        assert SearchIndex(catalog).update() == len(SPECS)
    return path


@pytest.fixture
def db(indexed_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "search.db"
    shutil.copy(indexed_db, copy)
    return copy


@pytest.fixture
def catalog(db: Path) -> Iterator[Catalog]:
    with Catalog(db) as catalog:
        yield catalog


def trimmed_spec(shared_dir: Path, name: str, keep: str, folder: Path) -> Path:
    document = json.loads((shared_dir / "specs" / "directory" / f"{name}.json").read_text())
    document["paths"] = {p: item for p, item in document["paths"].items() if re.search(keep, p)}
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document))
    return path


def keys(hits: list) -> list[tuple[str, str]]:
    return [(h.api_id, h.operation_id) for h in hits]


def xkcd_spec(shared_dir: Path, tmp_path: Path, *, new_id: str) -> Path:
    """The xkcd spec with its comic-by-number operation renamed (a new version of the same API)."""
    document = json.loads((shared_dir / "specs" / "directory" / "xkcd.com.json").read_text())
    operation = document["paths"]["/{comicId}/info.0.json"]["get"]
    operation["operationId"] = new_id
    operation["summary"] = "Fetch one comic strip by its number"
    path = tmp_path / "xkcd-v2.json"
    path.write_text(json.dumps(document))
    return path


@needs_embeddings
def test_finds_obvious_operations(catalog: Catalog) -> None:
    index = SearchIndex(catalog)
    assert index.dense_unavailable is None
    hits = index.search("list the open issues of a repository", api="gitea.io", k=3)
    assert ("gitea.io", "issueListIssues") in keys(hits)
    hits = index.search("create a refund", k=3)
    assert ("stripe.com", "PostRefunds") in keys(hits)
    hits = index.search("refund a charge", k=3)
    assert all(h.api_id == "stripe.com" and "Refund" in h.operation_id for h in hits)
    top = hits[0]
    assert top.similarity is not None and top.dense_rank is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@needs_embeddings
@pytest.mark.xfail(
    reason="ranking gap: Stripe operations have no summary and an HTML description, so POST /v1/refunds ranks 6th "
    "behind the charge-refund look-alikes (GET /v1/charges/{charge}/refunds/{refund} first)"
)
def test_refund_a_charge_finds_create_refund(catalog: Catalog) -> None:
    assert ("stripe.com", "PostRefunds") in keys(SearchIndex(catalog).search("refund a charge", k=3))


@needs_embeddings
def test_api_scoping_restricts_results(catalog: Catalog) -> None:
    index = SearchIndex(catalog)
    query = "refund a charge"
    assert {h.api_id for h in index.search(query, k=10)} >= {"stripe.com"}
    scoped = index.search(query, api="gitea.io", k=10)
    assert len(scoped) == 10 and {h.api_id for h in scoped} == {"gitea.io"}
    both = index.search("get a comic", api=["xkcd.com", "gitea.io"], k=30)
    assert {h.api_id for h in both} == {"xkcd.com", "gitea.io"}
    assert both[0].api_id == "xkcd.com"
    assert index.search(query, api="no-such-api", k=5) == []


def fts5_or_query(catalog: Catalog, words: list[str], pool: int) -> dict[tuple[str, str], float]:
    """Keyword scores straight from SQLite: one FTS5 OR query ranked by bm25() (what search did before)."""
    match = " OR ".join(f'"{w}"' for w in words)
    rows = catalog._conn.execute(
        f"SELECT api_id, op_id, bm25(search_fts, {_BM25_WEIGHTS}) FROM search_fts WHERE search_fts MATCH ? "
        "ORDER BY 3, rowid LIMIT ?",
        (match, pool),
    )
    return {(a, o): -score for a, o, score in rows}


@pytest.mark.parametrize("pool", [3, 100])
def test_whole_catalog_keyword_scores_are_fts5_bm25(catalog: Catalog, pool: int) -> None:
    """Whole-catalog BM25 adds up per-word scores kept in memory: the same operations, order and scores as one
    FTS5 OR query, also when the pool cuts through ties (pool=3) and for a word repeated across queries."""
    index = SearchIndex(catalog, dense=False)
    queries = ["list issues of a repository", "refund charge", "issues comments", "create a customer", "comic"]
    for query in queries:
        words = [w for w in query.split() if w not in ("of", "a")]
        expected = fts5_or_query(catalog, words, pool)
        got = index._bm25(query, [], pool)
        assert expected, query
        assert list(got) == list(expected), query
        assert list(got.values()) == pytest.approx(list(expected.values()), rel=1e-9)
    assert index._bm25("zzzqqq", [], pool) == {}


def test_reingesting_a_changed_spec_reindexes_it(catalog: Catalog, shared_dir: Path, tmp_path: Path) -> None:
    index = SearchIndex(catalog)  # one index object across the change: its caches must notice the new ingest
    before = index.search("comic by number", api="xkcd.com", k=5)
    assert ("xkcd.com", "get_comicId_info_0_json") in keys(before)
    assert ("xkcd.com", "get_comicId_info_0_json") in keys(index.search("fetch comic strip by number", k=50))

    assert catalog.ingest(xkcd_spec(shared_dir, tmp_path, new_id="fetchComicStrip")).status == "updated"
    after = index.search("fetch comic strip by number", api="xkcd.com", k=5)
    assert ("xkcd.com", "fetchComicStrip") in keys(after)
    everything = index.search("fetch comic strip by number", k=50)
    assert ("xkcd.com", "fetchComicStrip") in keys(everything)
    assert ("xkcd.com", "get_comicId_info_0_json") not in keys(everything)
    assert index.stale_apis() == []


@needs_embeddings
def test_an_api_reindexed_by_another_process_is_searched_anew(
    catalog: Catalog, db: Path, shared_dir: Path, tmp_path: Path
) -> None:
    index = SearchIndex(catalog)  # a long-running process (a server) with its caches loaded
    assert ("xkcd.com", "get_comicId_info_0_json") in keys(index.search("fetch comic strip by number", k=50))
    with Catalog(db) as other:  # another process ingests a new version and searches: it re-indexes the API
        assert other.ingest(xkcd_spec(shared_dir, tmp_path, new_id="fetchComicStrip")).status == "updated"
        assert ("xkcd.com", "fetchComicStrip") in keys(SearchIndex(other).search("fetch comic strip", k=50))
    assert index.stale_apis() == []  # nothing left for this process to index, yet its caches are outdated
    for api in (None, "xkcd.com"):
        hits = {(h.api_id, h.operation_id): h for h in index.search("fetch comic strip by number", api=api, k=50)}
        assert ("xkcd.com", "get_comicId_info_0_json") not in hits
        new = hits[("xkcd.com", "fetchComicStrip")]
        assert new.dense_rank == 1 and new.bm25_rank == 1  # its own vector and words, not the old operation's


def test_removing_an_api_removes_it_from_results(catalog: Catalog, db: Path) -> None:
    index = SearchIndex(catalog)
    assert any(h.api_id == "xkcd.com" for h in index.search("latest comic", k=10))
    with Catalog(db) as other:  # another connection, as another process would
        other.remove("xkcd.com")
    assert not any(h.api_id == "xkcd.com" for h in index.search("latest comic", k=50))
    assert index.search("latest comic", api="xkcd.com", k=5) == []
    catalog.remove("gitea.io")  # and through this very connection
    assert {h.api_id for h in index.search("list the open issues of a repository", k=50)} == {"stripe.com"}


def test_keyword_only_fallback(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APIFORGE_NO_EMBEDDINGS", "1")
    index = SearchIndex(catalog)
    assert index.dense_unavailable == "disabled by APIFORGE_NO_EMBEDDINGS"
    hits = index.search("refunds", api="stripe.com", k=5)
    assert hits and all("Refund" in h.operation_id for h in hits)
    assert all(h.similarity is None and h.dense_rank is None and h.bm25_rank is not None for h in hits)
    assert index.search("zzzqqq", k=5) == []


def test_cli_says_keyword_search_only(db: Path) -> None:
    result = CliRunner().invoke(
        app, ["--catalog", str(db), "search", "refunds", "--api", "stripe"], env={"APIFORGE_NO_EMBEDDINGS": "1"}
    )
    assert result.exit_code == 0, result.output
    assert "keyword search only" in result.stdout
    assert "PostRefunds" in result.stdout or "GetRefunds" in result.stdout


@needs_embeddings
def test_cli_search_json(db: Path) -> None:
    result = CliRunner().invoke(app, ["--catalog", str(db), "search", "create a refund", "--api", "stripe", "-k", "3"])
    assert result.exit_code == 0, result.output
    assert "keyword search only" not in result.stdout
    result = CliRunner().invoke(
        app, ["--catalog", str(db), "search", "create a refund", "--api", "stripe", "-k", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert len(hits) == 3
    assert {tuple(sorted(h)) for h in hits} == {
        ("api", "bm25_rank", "dense_rank", "method", "operation", "path", "score", "similarity", "summary")
    }
    assert all(h["api"] == "stripe.com" for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    refunds = next(h for h in hits if h["operation"] == "PostRefunds")
    assert (refunds["method"], refunds["path"]) == ("POST", "/v1/refunds")
    assert isinstance(refunds["similarity"], float)
