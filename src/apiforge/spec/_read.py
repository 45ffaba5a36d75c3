"""Bytes in, parsed document out: read a spec file or URL (with a size limit) and parse JSON or YAML.

Errors carry where things went wrong: `SpecParseError` has 1-based line and column for both JSON (orjson reports
a character position, turned into line/column) and YAML (PyYAML marks), `SpecFetchError` names the URL or file
and the reason, and a file over the size limit is refused before it is read in full.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import orjson
import yaml

from apiforge.errors import SpecError, SpecFetchError, SpecParseError

__all__ = [
    "DEFAULT_MAX_SPEC_BYTES",
    "DEFAULT_TIMEOUT",
    "Fetched",
    "is_url",
    "max_spec_bytes",
    "parse_document",
    "read_file",
    "read_url",
]

DEFAULT_MAX_SPEC_BYTES = 50 * 1024 * 1024
"""50 MB: the largest real descriptions (Azure, AWS) stay under 20 MB; more is almost surely a mistake."""

DEFAULT_TIMEOUT = 30.0
"""Seconds for connecting to / reading from a spec URL."""

MAX_SPEC_BYTES_ENV = "APIFORGE_MAX_SPEC_BYTES"

_BOM = b"\xef\xbb\xbf"


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def max_spec_bytes(override: int | None = None) -> int:
    """The size limit: the explicit argument, else `$APIFORGE_MAX_SPEC_BYTES`, else 50 MB."""
    if override is not None:
        return override
    raw = os.environ.get(MAX_SPEC_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_SPEC_BYTES
    try:
        return int(raw)
    except ValueError:
        raise SpecError(f"{MAX_SPEC_BYTES_ENV} must be a whole number of bytes, not {raw!r}") from None


def _too_big(source: str, size: int, limit: int) -> SpecError:
    return SpecError(
        f"file is {size:,} bytes, over the {limit:,}-byte limit (raise it with max_bytes= or ${MAX_SPEC_BYTES_ENV})",
        source=source,
    )


def read_file(path: str | Path, *, limit: int, display: str | None = None) -> bytes:
    """The bytes of a local file, refusing one over `limit` bytes before reading it."""
    shown = display or str(path)
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > limit:
                raise _too_big(shown, size, limit)
            return f.read()
    except FileNotFoundError:
        raise SpecFetchError("no such file", source=shown) from None
    except IsADirectoryError:
        raise SpecFetchError(
            "is a directory, not a spec file (use find_spec_files for folders)", source=shown
        ) from None
    except OSError as exc:
        raise SpecFetchError(f"cannot read file: {exc.strerror or exc}", source=shown) from None


class Fetched:
    """The body of a URL and where it ended up after redirects (relative refs and servers resolve against it)."""

    __slots__ = ("data", "url")

    def __init__(self, data: bytes, url: str) -> None:
        self.data = data
        self.url = url


def read_url(url: str, *, limit: int, client: httpx.Client) -> Fetched:
    """GET `url` (following redirects); any failure is a `SpecFetchError` naming the URL and the reason."""
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise SpecFetchError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip(), source=url)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise _too_big(url, int(declared), limit)
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > limit:
                    raise _too_big(url, total, limit)
                chunks.append(chunk)
            return Fetched(b"".join(chunks), str(response.url))
    except httpx.TimeoutException as exc:
        raise SpecFetchError(f"timed out ({type(exc).__name__})", source=url) from None
    except httpx.HTTPError as exc:
        raise SpecFetchError(f"cannot fetch: {exc or type(exc).__name__}", source=url) from None


class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """Safe YAML loader that keeps dates as strings and mapping keys as strings, as JSON would.

    Without this `version: 2020-01-01` becomes a `date` and `200:` an `int` key, which JSON-based tools downstream
    (the catalog, orjson, jsonschema) cannot take.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        mapping = super().construct_mapping(node, deep=deep)
        if any(type(k) is not str for k in mapping):
            return {_key(k): v for k, v in mapping.items()}
        return mapping


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _looks_like_json(data: bytes) -> bool:
    return data.lstrip()[:1] in (b"{", b"[")


def parse_document(data: bytes, source: str) -> Any:
    """Parse JSON (orjson) or YAML (libyaml when available) into plain dicts/lists/scalars.

    JSON is chosen when the text starts with `{` or `[`, so a broken JSON file reports JSON's error, not YAML's.
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if _looks_like_json(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            line, column = _json_position(exc)
            raise SpecParseError(f"malformed JSON: {exc.msg}", source=source, line=line, column=column) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecParseError(f"not UTF-8 text: {exc.reason} at byte {exc.start}", source=source) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "syntax error"
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise SpecParseError(f"malformed YAML: {problem}", source=source, line=line, column=column) from None
    except yaml.YAMLError as exc:
        raise SpecParseError(f"malformed YAML: {exc}", source=source) from None


def _json_position(exc: orjson.JSONDecodeError) -> tuple[int, int]:
    """1-based line and column of a JSON error; orjson gives the character offset `pos` into the text."""
    doc = exc.doc if isinstance(exc.doc, str) else str(exc.doc)
    pos = max(0, min(exc.pos, len(doc)))
    line = doc.count("\n", 0, pos) + 1
    column = pos - (doc.rfind("\n", 0, pos) + 1) + 1
    return line, column
