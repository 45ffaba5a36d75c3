"""Hybrid search over the catalog's operations: BM25 (SQLite FTS5) fused with dense embeddings.

The index is derived data, kept in the catalog's own database next to what it indexes and rebuilt per API when
that API's digest changes (so a re-ingested spec is re-indexed lazily, on the next search). Embeddings come from
the embedded all-MiniLM-L6-v2 (`_embed.py`), are stored as float16 and scanned with one matrix product; when the
encoder is not installed, search is BM25 alone and says so (`SearchIndex.dense_unavailable`). Whole-catalog BM25
adds up per-word scores that an index object keeps in memory once a word has been searched (`_bm25_summed`):
the same ranking as one FTS5 OR query, without re-scoring every matching row on every query.

Fusion is a weighted sum of the cosine similarity and the BM25 score scaled to the query's best keyword hit: on our
development set (HTTP requests, API given) it beats reciprocal rank fusion by 7 points of top-1 (45.6 % → 52.3 %),
because RRF throws away how *much* better the first dense match is. Usage::

    index = SearchIndex(catalog)
    hits = index.search("list open issues of a repo", api="gitea.io", k=5)
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson

from apiforge.catalog._catalog import Catalog
from apiforge.catalog._embed import DIMENSIONS, MODEL_ID, Encoder, encoder_unavailable_reason, get_encoder

__all__ = ["SearchHit", "SearchIndex", "operation_text"]

_TABLES = """
CREATE TABLE IF NOT EXISTS search_state (
    api_id TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    model  TEXT NOT NULL DEFAULT ''   -- embedding model id, '' when indexed without vectors
);
CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(
    api_id UNINDEXED, op_id UNINDEXED, title, name, summary, path, params, description,
    tokenize = 'porter unicode61'
);
CREATE TABLE IF NOT EXISTS search_vectors (
    api_id TEXT NOT NULL,
    op_id  TEXT NOT NULL,
    vector BLOB NOT NULL,             -- float16 x 384, unit length
    PRIMARY KEY (api_id, op_id)
);
CREATE TABLE IF NOT EXISTS search_rowids (
    api_id TEXT PRIMARY KEY,
    first  INTEGER NOT NULL,          -- the API's rows in search_fts are rowids first..last
    last   INTEGER NOT NULL
);
"""
# Column weights for bm25(): api_id, op_id (unindexed), title, name, summary, path, params, description.
_BM25_WEIGHTS = "0, 0, 0.5, 2.0, 3.0, 1.5, 1.0, 0.7"
#: Weight of BM25 (scaled to the query's best hit) next to cosine similarity. Tuned on tests/data/ask/dev.jsonl
#: with a coarse grid (benchmarks/ask_accuracy.py); 0.1-0.5 all score within 1 point of each other.
BM25_WEIGHT = 0.25
#: Added when the request names the API ("... on gitea"), so that it wins over look-alike operations elsewhere.
API_NAMED_BONUS = 0.15
_GENERIC_API_WORDS = frozenset(
    "api apis rest web v1 v2 v3 com io org net platform service services the and of for public documentation"
    " current stable prod management".split()
)
#: Operations embedded together by `update()` (see there), and how many distinct texts it remembers.
_INDEX_GROUP = 2048
_SEEN_LIMIT = 200_000
#: Rows of per-word BM25 scores kept in memory for whole-catalog searches (`_word_scores`), 16 bytes each.
_POSTINGS_LIMIT = 4_000_000
_FTS_TOKEN = re.compile(r"[A-Za-z0-9]+")
_STOPWORDS = frozenset(
    "a an the of in on for to and or with by from my me i is it its be as at this that please can you "
    "show give want need would like using use via how do does what which who all some any".split()
)


def split_words(text: str) -> str:
    """`listRepoIssues` / `list_repo_issues` / `/repos/{owner}` → space-separated lower-case words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    return " ".join(w.lower() for w in _FTS_TOKEN.findall(spaced))


#: Bumped whenever `operation_text` changes, so existing catalogs re-index themselves on the next search.
INDEX_FORMAT = "4"
_TAG = re.compile(r"<[^>]+>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _state_model(dense: bool) -> str:
    return f"{MODEL_ID if dense else ''}#{INDEX_FORMAT}"


def clean_text(text: str) -> str:
    """Descriptions as words: HTML tags and Markdown link targets removed, whitespace collapsed."""
    return " ".join(_MD_LINK.sub(r"\1", _TAG.sub(" ", text)).split())


def operation_text(api_title: str, op: dict[str, Any]) -> dict[str, str]:
    """The searchable fields of one stored operation (`Operation.to_dict()` form).

    (Summarising operations that have no summary by their description's first sentence was tried and measured
    worse on the development set: Stripe 67 → 62 %, Twilio 54 → 43 % top-1.)
    """
    params = " ".join(split_words(p["name"]) for p in op.get("parameters", ()))
    body = op.get("request_body") or {}
    for media in (body.get("content") or {}).values():
        props = (media.get("schema") or {}).get("properties") or {}
        params += " " + " ".join(split_words(name) for name in props)
        break
    description = clean_text((op.get("description") or "")[:2000])[:1000]
    summary = clean_text(op.get("summary") or "")
    return {
        "title": api_title,
        "name": split_words(op["id"]),
        "summary": summary + " " + " ".join(op.get("tags", ())),
        "path": op["method"].lower() + " " + split_words(op["path"]),
        "params": params,
        "description": description,
    }


def _embedding_text(fields: dict[str, str]) -> str:
    description = fields["description"].split("\n", 1)[0][:200]
    return f"{fields['summary']}. {fields['name']}. {fields['path']}. {description}"


@dataclass(slots=True)
class _PendingApi:
    """One API read for indexing: its operations, their searchable fields and (once embedded) vectors."""

    api_id: str
    digest: str
    ops: list[dict[str, Any]]
    fields: list[dict[str, str]]
    texts: list[str]
    vectors: list[bytes] | None = None


def _embed_group(encoder: Encoder, group: list[_PendingApi], seen: dict[str, bytes]) -> None:
    """Fill each API's `vectors` (float16 bytes), encoding each distinct text not in `seen` once."""
    new = list(dict.fromkeys(t for pending in group for t in pending.texts if t not in seen))
    if new:
        for text, vector in zip(new, encoder.encode(new).astype(np.float16), strict=True):
            seen[text] = vector.tobytes()
    for pending in group:
        if pending.ops:
            pending.vectors = [seen[t] for t in pending.texts]


@dataclass(frozen=True, slots=True)
class _Matrix:
    """Every stored vector as one float32 matrix, rows sorted by (api, operation); each API is one row range."""

    keys: list[tuple[str, str]]
    matrix: np.ndarray[Any, np.dtype[np.float32]]
    ranges: dict[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class SearchHit:
    api_id: str
    operation_id: str
    method: str
    path: str
    summary: str
    score: float
    """Fused score (higher is better); comparable only within one result list."""
    bm25_rank: int | None = None
    dense_rank: int | None = None
    similarity: float | None = None
    """Cosine similarity of query and operation embeddings, when dense search ran."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api_id,
            "operation": self.operation_id,
            "method": self.method,
            "path": self.path,
            "summary": self.summary,
            "score": round(self.score, 6),
            "bm25_rank": self.bm25_rank,
            "dense_rank": self.dense_rank,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
        }


class SearchIndex:
    """The search index of one catalog. Indexing is lazy: `search()` first brings stale APIs up to date."""

    def __init__(self, catalog: Catalog, *, dense: bool = True) -> None:
        self.catalog = catalog
        self._conn: sqlite3.Connection = catalog._conn
        self._conn.executescript(_TABLES)
        self.dense_unavailable: str | None = None if dense else "disabled"
        if dense:
            self.dense_unavailable = encoder_unavailable_reason()
        # Caches derived from the index, valid until the catalog changes (see `_refresh`).
        self._version: tuple[int, int] | None = None
        self._indexed: str | None = None  # what was indexed, with which digest and rowids (see `_refresh`)
        self._matrix: _Matrix | None = None
        self._api_words: dict[str, list[str]] | None = None
        self._rowids: dict[str, tuple[int, int]] | None = None
        self._postings: dict[str, tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]] = {}
        self._postings_size = 0

    def _invalidate(self) -> None:
        self._matrix = self._api_words = self._rowids = None
        self._postings, self._postings_size = {}, 0

    def _catalog_version(self) -> tuple[int, int]:
        """Changes whenever anything is committed to the catalog: by another connection (`data_version`) or by
        this one (`total_changes`)."""
        return self._conn.execute("PRAGMA data_version").fetchone()[0], self._conn.total_changes

    def _refresh(self) -> None:
        """`update()`, unless nothing was written to the catalog since the last time (then nothing can be stale).

        The caches are dropped too when another connection re-indexed an API (a second process that ingested and
        searched): then nothing is stale here, but the rows of `search_fts` and `search_vectors` did change."""
        if self._version is not None and self._version == self._catalog_version():
            return
        self.update()
        indexed = self._conn.execute(
            "SELECT group_concat(s.api_id || ' ' || s.digest || ' ' || s.model || ' ' || ifnull(r.first, '') || ' '"
            " || ifnull(r.last, ''), ',') FROM search_state s LEFT JOIN search_rowids r USING (api_id)"
        ).fetchone()[0]
        if indexed != self._indexed:
            self._invalidate()
            self._indexed = indexed
        self._version = self._catalog_version()

    # -- indexing --------------------------------------------------------------------------------------------

    def stale_apis(self) -> list[str]:
        model = _state_model(self.dense_unavailable is None)
        rows = self._conn.execute(
            "SELECT a.id FROM apis a LEFT JOIN search_state s ON s.api_id = a.id "
            "WHERE s.digest IS NULL OR s.digest != a.digest OR s.model != ? ORDER BY a.id",
            (model,),
        ).fetchall()
        return [r[0] for r in rows]

    def update(self, progress: Callable[[str, int, int], None] | None = None) -> int:
        """Index every API that changed since it was last indexed; returns the number of APIs (re)indexed.

        APIs are embedded in groups of about `_INDEX_GROUP` operations: sorting a large group by length keeps
        padding (wasted encoder work) small, and a text seen before in this run (the same operation in another
        version of an API) is encoded once. Each API is still written in its own transaction.
        """
        dropped = self._drop_removed()
        stale = self.stale_apis()
        encoder = get_encoder() if self.dense_unavailable is None else None
        seen: dict[str, bytes] = {}
        group: list[_PendingApi] = []
        done = 0
        for position, api_id in enumerate(stale, 1):
            group.append(self._read_api(api_id, encoder is not None))
            if sum(len(p.ops) for p in group) < _INDEX_GROUP and position < len(stale):
                continue
            if encoder is not None:
                _embed_group(encoder, group, seen)
            for pending in group:
                self._write_api(pending, encoder is not None)
                done += 1
                if progress is not None:
                    progress(pending.api_id, done, len(stale))
            group = []
            if len(seen) > _SEEN_LIMIT:
                seen.clear()
        if stale or dropped:
            self._invalidate()
        return len(stale)

    def _drop_removed(self) -> bool:
        gone = self._conn.execute(
            "SELECT api_id FROM search_state WHERE api_id NOT IN (SELECT id FROM apis)"
        ).fetchall()
        for (api_id,) in gone:
            self._clear(api_id)
        return bool(gone)

    def _clear(self, api_id: str) -> None:
        with self._conn:
            self._conn.execute("DELETE FROM search_fts WHERE api_id = ?", (api_id,))
            self._conn.execute("DELETE FROM search_vectors WHERE api_id = ?", (api_id,))
            self._conn.execute("DELETE FROM search_state WHERE api_id = ?", (api_id,))
            self._conn.execute("DELETE FROM search_rowids WHERE api_id = ?", (api_id,))

    def _read_api(self, api_id: str, dense: bool) -> _PendingApi:
        title, digest = self._conn.execute("SELECT title, digest FROM apis WHERE id = ?", (api_id,)).fetchone()
        ops = [
            orjson.loads(j) for (j,) in self._conn.execute("SELECT json FROM operations WHERE api_id = ?", (api_id,))
        ]
        fields = [operation_text(title, op) for op in ops]
        texts = [_embedding_text(f) for f in fields] if dense else []
        return _PendingApi(api_id, digest, ops, fields, texts)

    def _write_api(self, pending: _PendingApi, dense: bool) -> None:
        api_id, ops, fields = pending.api_id, pending.ops, pending.fields
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("DELETE FROM search_fts WHERE api_id = ?", (api_id,))
            conn.execute("DELETE FROM search_vectors WHERE api_id = ?", (api_id,))
            # Explicit, consecutive rowids: one API's rows form one range, which `api=` searches restrict to.
            first = conn.execute("SELECT coalesce(max(rowid), 0) + 1 FROM search_fts").fetchone()[0]
            conn.executemany(
                "INSERT INTO search_fts (rowid, api_id, op_id, title, name, summary, path, params, description) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (first + i, api_id, op["id"], f["title"], f["name"], f["summary"], f["path"], f["params"])
                    + (f["description"],)
                    for i, (op, f) in enumerate(zip(ops, fields, strict=True))
                ],
            )
            conn.execute(
                "INSERT OR REPLACE INTO search_rowids (api_id, first, last) VALUES (?, ?, ?)",
                (api_id, first, first + len(ops) - 1),
            )
            if pending.vectors is not None:
                conn.executemany(
                    "INSERT INTO search_vectors (api_id, op_id, vector) VALUES (?, ?, ?)",
                    [(api_id, op["id"], vector) for op, vector in zip(ops, pending.vectors, strict=True)],
                )
            conn.execute(
                "INSERT OR REPLACE INTO search_state (api_id, digest, model) VALUES (?, ?, ?)",
                (api_id, pending.digest, _state_model(dense)),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # -- querying --------------------------------------------------------------------------------------------

    def search(
        self, query: str, *, api: str | Sequence[str] | None = None, k: int = 10, pool: int = 100
    ) -> list[SearchHit]:
        """The `k` best operations for `query`, optionally within one API (or a list of API ids)."""
        self._refresh()
        apis = [api] if isinstance(api, str) else list(api) if api else []
        bm25 = self._bm25(query, apis, pool)
        dense, similarities = self._dense(query, apis, pool)
        best_bm25 = max(bm25.values(), default=0.0) or 1.0
        named = self._named_apis(query) if not apis or len(apis) > 1 else set()
        fused: dict[tuple[str, str], float] = {}
        for key in dict.fromkeys([*dense, *bm25]):
            if dense:
                # Cosine similarity leads; BM25 (scaled to the best hit) adds exact-word evidence.
                score = similarities.get(key, 0.0) + BM25_WEIGHT * bm25.get(key, 0.0) / best_bm25
            else:
                score = bm25.get(key, 0.0) / best_bm25
            fused[key] = score + (API_NAMED_BONUS if key[0] in named else 0.0)
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        bm25_rank = {key: i + 1 for i, key in enumerate(sorted(bm25, key=lambda x: -bm25[x]))}
        dense_rank = {key: i + 1 for i, key in enumerate(dense)}
        rows = self._describe([key for key, _ in best])
        return [
            SearchHit(
                api_id=key[0],
                operation_id=key[1],
                method=rows[key][0],
                path=rows[key][1],
                summary=rows[key][2],
                score=score,
                bm25_rank=bm25_rank.get(key),
                dense_rank=dense_rank.get(key),
                similarity=similarities.get(key),
            )
            for key, score in best
            if key in rows
        ]

    def _named_apis(self, query: str) -> set[str]:
        """APIs the query names ("on gitea", "in slack"): words of their id or title, generic words left out."""
        if self._api_words is None:
            # word → the APIs whose id (before the first dot) or title contains it; built once per catalog state.
            index: dict[str, list[str]] = {}
            for api_id, title in self._conn.execute("SELECT id, title FROM apis"):
                names = set(split_words(api_id.split(".", 1)[0]).split()) | set(split_words(title).split())
                for word in names - _GENERIC_API_WORDS:
                    index.setdefault(word, []).append(api_id)
            self._api_words = index
        words = set(split_words(query).split())
        return {api_id for word in words for api_id in self._api_words.get(word, ())}

    def _bm25(self, query: str, apis: list[str], pool: int) -> dict[tuple[str, str], float]:
        """BM25 scores (higher is better) of the `pool` best keyword matches."""
        words = [w for w in (split_words(query).split()) if w not in _STOPWORDS] or split_words(query).split()
        if not words:
            return {}
        if not apis:
            return self._bm25_summed(list(dict.fromkeys(words)), pool)
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        sql = f"SELECT api_id, op_id, bm25(search_fts, {_BM25_WEIGHTS}) FROM search_fts WHERE search_fts MATCH ? "
        params: list[Any] = [match]
        rowids = self._api_rowids(apis[0]) if len(apis) == 1 else None
        if rowids is not None:
            # FTS5 walks only this rowid range instead of every match in the catalog.
            sql += "AND rowid BETWEEN ? AND ? "
            params += rowids
        elif apis:
            sql += f"AND api_id IN ({','.join('?' * len(apis))}) "
            params += apis
        sql += "ORDER BY 3 LIMIT ?"
        params.append(pool)
        return {(a, o): -score for a, o, score in self._conn.execute(sql, params)}

    def _bm25_summed(self, words: list[str], pool: int) -> dict[tuple[str, str], float]:
        """Whole-catalog BM25 as the sum of each word's own BM25 scores, kept in memory per word.

        FTS5's bm25() scores each phrase of a query on its own (its IDF, the row's term frequency and length) and
        adds them up, so `"a" OR "b"` scores a row exactly as `"a"` plus `"b"` do. What costs is bm25() itself,
        about 1.5 µs per matching row: on the 125k rows of the APIs.guru catalog the OR of a request's words
        matched 8.5k rows at the median and 35k at p90 (benchmarks/ask.py requests), on every query. The frequent
        words ("list", "user", "create") are the costly ones and also the ones requests repeat, so each word's
        scores are fetched once per catalog state and summed with numpy (`_word_scores`): the same top `pool` as
        the OR query, in 1-5 ms once warm.
        """
        parts = [self._word_scores(w) for w in words]
        rowids = np.concatenate([rowids for rowids, _ in parts])
        if not len(rowids):
            return {}
        totals = np.bincount(rowids, weights=np.concatenate([scores for _, scores in parts]))
        matched = np.flatnonzero(totals)
        if len(matched) > pool:  # the best `pool` and every row tied with the last of them
            cut = -np.partition(-totals[matched], pool - 1)[pool - 1]
            matched = matched[totals[matched] >= cut]
        # Best first, ties by rowid, as FTS5's `ORDER BY bm25(...) LIMIT pool` gives them.
        ordered = matched[np.lexsort((matched, -totals[matched]))][:pool].tolist()
        keys = {
            rowid: (a, o)
            for rowid, a, o in self._conn.execute(
                f"SELECT rowid, api_id, op_id FROM search_fts WHERE rowid IN ({','.join('?' * len(ordered))})",
                ordered,
            )
        }
        return {keys[r]: float(totals[r]) for r in ordered if r in keys}

    def _word_scores(self, word: str) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The rowids matching `word` and their BM25 scores (positive), cached; least recently used words are
        dropped beyond `_POSTINGS_LIMIT` rows in all."""
        cached = self._postings.pop(word, None)
        if cached is None:
            rows = self._conn.execute(
                f"SELECT rowid, -bm25(search_fts, {_BM25_WEIGHTS}) FROM search_fts WHERE search_fts MATCH ?",
                (f'"{word}"',),
            ).fetchall()
            table = np.array(rows, dtype=np.float64).reshape(len(rows), 2)
            cached = (table[:, 0].astype(np.int64), table[:, 1].copy())
            self._postings_size += len(rows)
            while self._postings and self._postings_size > _POSTINGS_LIMIT:
                self._postings_size -= len(self._postings.pop(next(iter(self._postings)))[0])
        self._postings[word] = cached  # (re)inserted last: the dict's order is least recently used first
        return cached

    def _api_rowids(self, api_id: str) -> tuple[int, int] | None:
        """The rowid range of the API's rows in `search_fts`, when it was recorded at indexing."""
        if self._rowids is None:
            self._rowids = {a: (first, last) for a, first, last in self._conn.execute("SELECT * FROM search_rowids")}
        return self._rowids.get(api_id)

    def _dense(
        self, query: str, apis: list[str], pool: int
    ) -> tuple[list[tuple[str, str]], dict[tuple[str, str], float]]:
        encoder = get_encoder() if self.dense_unavailable is None else None
        if encoder is None:
            return [], {}
        stored = self._load_matrix()
        if not stored.keys:
            return [], {}
        vector = encoder.encode([query])[0].astype(np.float32)
        rows: np.ndarray[Any, Any] | None = None
        if apis:
            # Score only the wanted APIs' rows (each API is one contiguous range of the sorted matrix).
            spans = sorted(stored.ranges[a] for a in dict.fromkeys(apis) if a in stored.ranges)
            if not spans:
                return [], {}
            rows = np.concatenate([np.arange(lo, hi) for lo, hi in spans])
            lo, hi = spans[0]
            scores = (stored.matrix[lo:hi] if len(spans) == 1 else stored.matrix[rows]) @ vector
        else:
            scores = stored.matrix @ vector
        top = min(pool, len(scores))
        index = np.argpartition(-scores, top - 1)[:top]
        index = index[np.argsort(-scores[index], kind="stable")]
        positions = index if rows is None else rows[index]
        ranked = [stored.keys[p] for p in positions.tolist()]
        return ranked, dict(zip(ranked, scores[index].tolist(), strict=True))

    def _load_matrix(self) -> _Matrix:
        if self._matrix is None:
            rows = self._conn.execute("SELECT api_id, op_id, vector FROM search_vectors ORDER BY api_id, op_id")
            keys: list[tuple[str, str]] = []
            blobs: list[bytes] = []
            ranges: dict[str, tuple[int, int]] = {}
            for api_id, op_id, blob in rows:
                if api_id not in ranges:
                    ranges[api_id] = (len(keys), len(keys))
                keys.append((api_id, op_id))
                blobs.append(blob)
                ranges[api_id] = (ranges[api_id][0], len(keys))
            matrix = np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(len(keys), DIMENSIONS)
            self._matrix = _Matrix(keys, matrix.astype(np.float32), ranges)
        return self._matrix

    def _describe(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str, str]]:
        if not keys:
            return {}
        values = ",".join("(?, ?)" for _ in keys)
        rows = self._conn.execute(
            # A join (not `(api_id, id) IN (VALUES ...)`, which SQLite answers with a full scan) uses the key index.
            f"SELECT o.api_id, o.id, o.method, o.path, o.summary FROM (VALUES {values}) AS v "
            "JOIN operations o ON o.api_id = v.column1 AND o.id = v.column2",
            [part for key in keys for part in key],
        )
        return {(a, i): (m, p, s) for a, i, m, p, s in rows}
