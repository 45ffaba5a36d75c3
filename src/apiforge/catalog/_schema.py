"""The catalog's SQLite schema and its migrations, versioned with `PRAGMA user_version`.

Each entry of `MIGRATIONS` moves the database one version up; later work (FTS5 search, embeddings) appends a
migration rather than editing an old one, so existing catalogs upgrade in place. Operations get an integer
primary key (`pk`) so that an FTS5 table can use them as external content (`content_rowid='pk'`).
"""

from __future__ import annotations

import sqlite3

from apiforge.errors import CatalogError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

MIGRATIONS: tuple[str, ...] = (
    # v1: apis, operations, warnings.
    """
    CREATE TABLE apis (
        id              TEXT PRIMARY KEY,
        title           TEXT NOT NULL,
        version         TEXT NOT NULL,
        description     TEXT NOT NULL DEFAULT '',
        source          TEXT NOT NULL DEFAULT '',
        digest          TEXT NOT NULL,
        spec_version    TEXT NOT NULL DEFAULT '',
        kind            TEXT NOT NULL DEFAULT 'openapi',
        operation_count INTEGER NOT NULL DEFAULT 0,
        schema_count    INTEGER NOT NULL DEFAULT 0,
        warning_count   INTEGER NOT NULL DEFAULT 0,
        size            INTEGER NOT NULL DEFAULT 0,
        json            TEXT NOT NULL,   -- Api.to_dict(with_operations=False)
        ingested_at     TEXT NOT NULL    -- ISO 8601, UTC
    );
    CREATE TABLE operations (
        pk          INTEGER PRIMARY KEY,
        api_id      TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        id          TEXT NOT NULL,
        method      TEXT NOT NULL,
        path        TEXT NOT NULL,
        summary     TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        tags        TEXT NOT NULL DEFAULT '[]',  -- JSON array
        deprecated  INTEGER NOT NULL DEFAULT 0,
        json        TEXT NOT NULL,               -- Operation.to_dict()
        UNIQUE (api_id, id)
    );
    CREATE INDEX operations_method ON operations (method);
    CREATE TABLE warnings (
        api_id  TEXT NOT NULL REFERENCES apis(id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        message TEXT NOT NULL,
        pointer TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (api_id, seq)
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, *, path: str = "") -> None:
    """Bring the database up to `SCHEMA_VERSION`, one migration per transaction."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise CatalogError(
            f"{path}: catalog schema version {current} is newer than this apiforge understands "
            f"({SCHEMA_VERSION}); upgrade apiforge or use another --catalog"
        )
    for version in range(current, SCHEMA_VERSION):
        try:
            conn.executescript(
                "BEGIN IMMEDIATE;" + MIGRATIONS[version] + f"PRAGMA user_version = {version + 1}; COMMIT;"
            )
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise CatalogError(f"{path}: could not upgrade the catalog to version {version + 1}: {exc}") from exc
