"""Read API descriptions from files, folders and URLs into the normalised `Api` model.

Usage::

    loaded = load_spec("specs/petstore.yaml")          # or a folder's files via find_spec_files, or a URL
    loaded.api.operations[0].id, loaded.warnings, loaded.digest

Pipeline: `_read` (bytes, size limit, JSON/YAML with line/column errors) → version check here →
`_normalize.OpenApiBuilder` / `_swagger2.Swagger2Builder` (model), with `_refs.Resolver` following `$ref`s across
files and URLs and `_schemas.Schemas` rewriting schema refs into `Api.schemas`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from apiforge.errors import SpecFetchError, UnsupportedSpec
from apiforge.spec._functions import is_function_document, load_functions
from apiforge.spec._normalize import OpenApiBuilder, slug
from apiforge.spec._read import DEFAULT_TIMEOUT, is_url, max_spec_bytes, parse_document, read_file, read_url
from apiforge.spec._refs import Resolver, Unresolved
from apiforge.spec._swagger2 import Swagger2Builder
from apiforge.spec.model import Api

__all__ = ["LoadedSpec", "SpecWarning", "find_spec_files", "load_spec"]

SPEC_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class SpecWarning:
    """Something odd in a description that did not stop it loading (empty `paths`, duplicate operationId...)."""

    message: str
    pointer: str = ""
    """JSON pointer into the source document, e.g. `/paths/~1pets/get/operationId`."""

    def __str__(self) -> str:
        return f"#{self.pointer}: {self.message}" if self.pointer else self.message


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    api: Api
    warnings: tuple[SpecWarning, ...] = ()
    digest: str = ""
    """sha256 of the source bytes (of the root document and every file it references), to detect changes."""
    size: int = 0
    """Bytes read."""
    document: dict = field(default_factory=dict, repr=False)
    """The raw root document as parsed (before normalisation)."""


def find_spec_files(path: str | Path) -> Iterator[Path]:
    """Every `.json`, `.yaml` and `.yml` file under `path` (recursively, sorted); `path` itself if it is a file.

    Hidden files and folders (`.git`, `.cache`, ...) and `node_modules` are skipped. Files that are parts of a
    multi-file description (referenced schemas) are listed too: `load_spec` rejects them as `UnsupportedSpec`.
    """
    root = Path(path)
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise SpecFetchError("no such file or folder", source=str(path))
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        found.extend(
            Path(folder, name) for name in files if not name.startswith(".") and name.lower().endswith(SPEC_SUFFIXES)
        )
    yield from sorted(found)


def load_spec(
    source: str | Path,
    *,
    api_id: str | None = None,
    max_bytes: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> LoadedSpec:
    """Load one description from a file path or an http(s) URL. Raises a `SpecError` subclass on failure.

    Args:
        source: a file path, or an `http(s)://` URL (redirects are followed; relative refs and relative server
            URLs resolve against where the spec ended up).
        api_id: the catalog id to give the API (default: `x-apiforge-id`, APIs.guru names, or a title slug).
        max_bytes: refuse any file bigger than this (default `$APIFORGE_MAX_SPEC_BYTES`, else 50 MB).
        timeout: seconds allowed for each URL fetch.

    """
    limit = max_spec_bytes(max_bytes)
    shown = str(source)
    client: httpx.Client | None = None

    def new_client() -> httpx.Client:
        nonlocal client
        client = httpx.Client(timeout=timeout, follow_redirects=True)
        return client

    try:
        fetched_url: str | None = None
        if is_url(shown):
            fetched = read_url(shown, limit=limit, client=new_client())
            data, uri, fetched_url = fetched.data, fetched.url, fetched.url
        else:
            path = url2pathname(urlsplit(shown).path) if shown.startswith("file:") else shown
            uri = os.path.abspath(path)
            data = read_file(uri, limit=limit, display=shown)
        document = parse_document(data, shown)
        if is_function_document(document):
            api = load_functions(document, source=shown, api_id=api_id or slug(_stem(shown)) or "functions")
            return LoadedSpec(api=api, digest=_sha256(data), size=len(data), document=_as_dict(document))
        builder_class = _builder_for(document, shown)
        resolver = Resolver(uri, document, data, display=shown, limit=limit, client=client, client_factory=new_client)
        builder = builder_class(resolver, document, source=shown, fetched_url=fetched_url, api_id=api_id)
        try:
            api = builder.build()
        except Unresolved as exc:
            raise exc.to_error(resolver.display) from None
        warnings = tuple(SpecWarning(message, pointer) for message, pointer in builder.warnings)
        return LoadedSpec(api=api, warnings=warnings, digest=resolver.digest, size=resolver.size, document=document)
    finally:
        if client is not None:
            client.close()


def _builder_for(document: Any, source: str) -> type[OpenApiBuilder]:
    """The builder for the document's version; `UnsupportedSpec` for anything but OpenAPI 3.0/3.1, Swagger 2.0."""
    if not isinstance(document, dict):
        raise UnsupportedSpec(
            f"not an OpenAPI or Swagger description (the document is a {type(document).__name__}, not an object)",
            source=source,
        )
    if "openapi" in document:
        version = str(document["openapi"]).strip()
        if version.startswith("3.0"):
            return _OpenApi30Builder
        if version.startswith("3.1"):
            return _OpenApi31Builder
        raise UnsupportedSpec(f"OpenAPI {version} is not supported (only 3.0, 3.1 and Swagger 2.0)", source=source)
    if "swagger" in document:
        version = str(document["swagger"]).strip()
        if version in ("2.0", "2"):
            return Swagger2Builder
        raise UnsupportedSpec(f"Swagger {version} is not supported (only 2.0, OpenAPI 3.0 and 3.1)", source=source)
    if "swaggerVersion" in document:
        version = str(document["swaggerVersion"])
        raise UnsupportedSpec(f"Swagger {version} is not supported (only 2.0, OpenAPI 3.0 and 3.1)", source=source)
    raise UnsupportedSpec(
        "not an OpenAPI or Swagger description: it has no 'openapi' or 'swagger' version key", source=source
    )


class _OpenApi30Builder(OpenApiBuilder):
    dialect = "3.0"


class _OpenApi31Builder(OpenApiBuilder):
    dialect = "3.1"


def _stem(source: str) -> str:
    return source.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _as_dict(document: Any) -> dict[str, Any]:
    return document if isinstance(document, dict) else {"functions": document}
