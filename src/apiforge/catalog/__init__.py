"""The catalog: a SQLite store of ingested API descriptions, their operations and the loader's warnings."""

from apiforge.catalog._catalog import POOL_THRESHOLD, AmbiguousApi, Catalog, ProgressCallback, Source
from apiforge.catalog._paths import CATALOG_ENV, default_catalog_path
from apiforge.catalog._rows import ApiRow, IngestResult, IngestStatus, OperationRow
from apiforge.catalog._schema import SCHEMA_VERSION

__all__ = [
    "CATALOG_ENV",
    "POOL_THRESHOLD",
    "SCHEMA_VERSION",
    "AmbiguousApi",
    "ApiRow",
    "Catalog",
    "IngestResult",
    "IngestStatus",
    "OperationRow",
    "ProgressCallback",
    "Source",
    "default_catalog_path",
]
