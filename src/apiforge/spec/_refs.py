"""`$ref` lookup across the root document and the files (or URLs) it references.

Documents are loaded once, on first use, and identified by a URI: an absolute file path or an http(s) URL. A ref
is always resolved against the document it is written in, so refs inside an external file are relative to that
file. Nothing is copied or expanded here: callers get the target object itself and decide what to do with it,
which is what keeps recursive schemas finite.

A ref that cannot be resolved raises `Unresolved`; it collects the JSON pointer where the ref was used while it
propagates (each level adds its key only when raised, so the happy path pays nothing) and becomes an
`UnresolvableReference` at the top.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

import httpx

from apiforge.errors import SpecError, UnresolvableReference, did_you_mean
from apiforge.spec._read import is_url, parse_document, read_file, read_url

__all__ = ["Resolver", "Unresolved", "escape", "pointer_of"]


def escape(segment: str) -> str:
    """One JSON-pointer segment, escaped (`~` → `~0`, `/` → `~1`)."""
    return segment.replace("~", "~0").replace("/", "~1")


def pointer_of(*segments: str | int) -> str:
    return "".join("/" + escape(str(s)) for s in segments)


class Unresolved(Exception):
    """A ref with no target (internal; becomes `UnresolvableReference`).

    `path` gathers the pointer segments, innermost first, while it propagates.
    """

    def __init__(self, ref: str, uri: str, reason: str) -> None:
        super().__init__(ref)
        self.ref = ref
        self.uri = uri
        self.reason = reason
        self.path: list[str] = []
        self.sealed = False
        """Set once the pointer is complete (it reached the top of the document the ref is written in)."""

    def add(self, *segments: str | int) -> Unresolved:
        """Prepend segments (given outermost first) unless the pointer is already complete."""
        if not self.sealed:
            self.path.extend(str(s) for s in reversed(segments))
        return self

    def seal(self, *segments: str | int) -> Unresolved:
        """Prepend the location of the object the ref sits in, and stop adding: the pointer is now complete."""
        self.add(*segments)
        self.sealed = True
        return self

    def to_error(self, display: dict[str, str]) -> UnresolvableReference:
        used_at = "".join("/" + escape(s) for s in reversed(self.path))
        return UnresolvableReference(
            self.ref, source=display.get(self.uri, self.uri), used_at=used_at, reason=self.reason
        )


class Resolver:
    """Loads referenced documents lazily and follows JSON pointers into them; keeps the digest and size."""

    def __init__(
        self,
        root_uri: str,
        root: Any,
        data: bytes,
        *,
        display: str,
        limit: int,
        client: httpx.Client | None,
        client_factory: Callable[[], httpx.Client] | None = None,
    ) -> None:
        self.root_uri = root_uri
        self.docs: dict[str, Any] = {root_uri: root}
        self.display: dict[str, str] = {root_uri: display}
        """URI → how to name it in errors (the root as the user gave it)."""
        self.size = len(data)
        self._hash = hashlib.sha256(data)
        self._limit = limit
        self._client = client
        self._client_factory = client_factory

    @property
    def digest(self) -> str:
        return self._hash.hexdigest()

    def locate(self, ref: str, base: str) -> tuple[str, str]:
        """(document URI, JSON pointer) a ref names, the pointer unescaped from URI percent-encoding."""
        if ref.startswith("#"):
            fragment = ref[1:]
            uri = base
        else:
            target, _, fragment = ref.partition("#")
            uri = _join(base, target)
        if "%" in fragment:
            fragment = unquote(fragment)
        return uri, fragment

    def get(self, uri: str, pointer: str, ref: str, used_in: str) -> Any:
        """The object at `pointer` in document `uri`; raises `Unresolved` (blaming `used_in`) when there is none."""
        doc = self.docs.get(uri)
        if doc is None:
            doc = self._load(uri, ref, used_in)
        if not pointer:
            return doc
        if pointer[0] != "/":
            raise Unresolved(ref, used_in, f"'#{pointer}' is not a JSON pointer")
        node = doc
        for raw in pointer[1:].split("/"):
            key = raw.replace("~1", "/").replace("~0", "~") if "~" in raw else raw
            if isinstance(node, dict):
                if key not in node:
                    raise Unresolved(ref, used_in, self._missing(uri, pointer) + did_you_mean(key, node))
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                raise Unresolved(ref, used_in, self._missing(uri, pointer))
        return node

    def _missing(self, uri: str, pointer: str) -> str:
        where = "this document" if uri == self.root_uri else self.display.get(uri, uri)
        return f"no '{pointer}' in {where}"

    def _load(self, uri: str, ref: str, used_in: str) -> Any:
        try:
            if is_url(uri):
                if self._client is None:
                    if self._client_factory is None:
                        raise SpecError("no HTTP client to fetch a referenced URL", source=uri)
                    self._client = self._client_factory()
                fetched = read_url(uri, limit=self._limit, client=self._client)
                data = fetched.data
            else:
                data = read_file(uri, limit=self._limit)
        except SpecError as exc:
            raise Unresolved(ref, used_in, f"cannot read {uri}: {exc.message}") from None
        self.display.setdefault(uri, uri)
        doc = parse_document(data, uri)
        self.docs[uri] = doc
        self._hash.update(data)
        self.size += len(data)
        return doc


def _join(base: str, target: str) -> str:
    if is_url(target):
        return target.partition("#")[0]
    if is_url(base):
        return urljoin(base, target)
    if target.startswith("file:"):
        return os.path.normpath(url2pathname(urlsplit(target).path))
    return os.path.normpath(os.path.join(os.path.dirname(base), unquote(target)))
