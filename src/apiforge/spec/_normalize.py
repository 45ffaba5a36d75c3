"""An OpenAPI 3.0 / 3.1 document into the normalised `Api` model (Swagger 2.0 subclasses this in `_swagger2`).

What the model promises and is done here: operations get unique ids (the `operationId`, else one derived from
method and path); path-level parameters are merged in (operation wins on name + location); parameter, request
body, response, header, link and security-scheme `$ref`s are followed into the model, each target built once and
shared; the effective security is applied; relative server URLs are resolved against the URL the spec came from.
Schemas go through `Schemas`, which keeps their `$ref`s (pointing into `Api.schemas`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urljoin

from apiforge.spec._refs import Resolver, Unresolved, escape
from apiforge.spec._schemas import Schemas
from apiforge.spec.model import (
    HTTP_METHODS,
    Api,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityScheme,
    Server,
)

__all__ = ["OpenApiBuilder", "SpecWarningData", "derive_operation_id", "slug"]

JsonDict = dict[str, Any]
T = TypeVar("T")
SpecWarningData = tuple[str, str]
"""(message, JSON pointer) of a warning; `_load` turns them into `SpecWarning`s."""

_METHODS = frozenset(HTTP_METHODS)
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")
_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_REF_HOPS = 64


def slug(text: str) -> str:
    """Lower-case, `-`-separated: `Swagger Petstore` → `swagger-petstore`."""
    return _SLUG.sub("-", text.lower()).strip("-")


def derive_operation_id(method: str, path: str) -> str:
    """A readable id from method and path: `GET /repos/{owner}/{repo}/issues` → `get_repos_owner_repo_issues`."""
    rest = _NON_WORD.sub("_", path).strip("_")
    return f"{method.lower()}_{rest or 'root'}"


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _extensions(obj: JsonDict) -> JsonDict:
    return {k: v for k, v in obj.items() if k[:2] == "x-"}


def _is_content_type(raw: JsonDict) -> bool:
    """A `Content-Type` header parameter: the body's media type says that (OpenAPI 3 says to ignore it)."""
    return raw.get("in") == "header" and _str(raw.get("name")).lower() == "content-type"


def _segments(pointer: str) -> list[str]:
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]] if pointer else []


class OpenApiBuilder:
    """Builds one `Api` from a parsed OpenAPI 3.x root document; one instance per load."""

    dialect = "3.0"
    named_schemas_at: tuple[str, ...] = ("components", "schemas")

    def __init__(
        self, resolver: Resolver, document: JsonDict, *, source: str, fetched_url: str | None, api_id: str | None
    ) -> None:
        self.resolver = resolver
        self.doc = document
        self.root = resolver.root_uri
        self.source = source
        self.fetched_url = fetched_url
        self.api_id = api_id
        self.warnings: list[SpecWarningData] = []
        self.schemas = Schemas(resolver, self.dialect, self.named_schemas_at)
        self._cache: dict[tuple[str, str, str], Any] = {}

    # -- the whole document ---------------------------------------------------------------------------------------
    def build(self) -> Api:
        doc = self.doc
        info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
        named: Any = doc
        for key in self.named_schemas_at:
            named = named.get(key) if isinstance(named, dict) else None
        self.schemas.add_root(named)
        security_schemes = self.security_schemes()
        operations = self.operations()
        schemas = self.schemas.collect()
        license_info = info.get("license")
        license_name = ""
        if isinstance(license_info, dict):
            license_name = _str(license_info.get("name") or license_info.get("identifier"))
        return Api(
            id=self.api_id or _api_id(info, self.source),
            title=_str(info.get("title")),
            version=_str(info.get("version")),
            description=_str(info.get("description")),
            servers=self.api_servers(),
            security_schemes=security_schemes,
            operations=operations,
            schemas=schemas,
            source=self.source,
            spec_version=_str(doc.get("openapi") or doc.get("swagger")),
            license=license_name,
            extensions=_extensions(info),
        )

    def warn(self, message: str, *segments: str | int) -> None:
        self.warnings.append((message, "".join("/" + escape(str(s)) for s in segments)))

    # -- refs -----------------------------------------------------------------------------------------------------
    def deref(self, obj: Any, uri: str) -> tuple[Any, str, str | None]:
        """Follow a (chain of) `$ref` on a non-schema object: (target, its document URI, its pointer or None)."""
        pointer: str | None = None
        hops = 0
        while isinstance(obj, dict) and isinstance(obj.get("$ref"), str):
            ref = obj["$ref"]
            target_uri, target_pointer = self.resolver.locate(ref, uri)
            try:
                if hops >= _MAX_REF_HOPS:
                    raise Unresolved(ref, uri, "the reference chain loops")
                obj = self.resolver.get(target_uri, target_pointer, ref, uri)
            except Unresolved as exc:
                if pointer is not None:
                    exc.seal(*_segments(pointer))
                raise
            uri, pointer = target_uri, target_pointer
            hops += 1
        return obj, uri, pointer

    def via_ref(self, kind: str, obj: Any, uri: str, build: Callable[[Any, str], T]) -> T:
        """`build(obj, uri)`, following `$ref` first; what a ref points to is built once and shared."""
        if not (isinstance(obj, dict) and "$ref" in obj):
            return build(obj, uri)
        target, target_uri, pointer = self.deref(obj, uri)
        key = (kind, target_uri, pointer or "")
        if key in self._cache:
            return self._cache[key]  # type: ignore[no-any-return]
        try:
            built = build(target, target_uri)
        except Unresolved as exc:
            raise exc.seal(*_segments(pointer or "")) from None
        self._cache[key] = built
        return built

    def schema(self, schema: Any, uri: str) -> JsonDict:
        return self.schemas.top(schema, uri) if schema is not None else {}

    def example(self, obj: JsonDict, uri: str) -> tuple[Any, bool]:
        """The object's `example`, else the value of its first `examples` entry; (None, False) when it has none."""
        if "example" in obj:
            return obj["example"], True
        examples = obj.get("examples")
        if isinstance(examples, dict) and examples:
            name, first = next(iter(examples.items()))
            try:
                first, _, _ = self.deref(first, uri)
            except Unresolved as exc:
                raise exc.add("examples", name) from None
            if isinstance(first, dict) and "value" in first:
                return first["value"], True
        return None, False

    # -- servers and security -------------------------------------------------------------------------------------
    def servers(self, raw: Any) -> tuple[Server, ...]:
        if not isinstance(raw, list):
            return ()
        out = []
        for server in raw:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            variables = server.get("variables")
            out.append(
                Server(
                    url=self.absolute(server["url"]),
                    description=_str(server.get("description")),
                    variables=variables if isinstance(variables, dict) else {},
                )
            )
        return tuple(out)

    def absolute(self, url: str) -> str:
        """A relative server URL resolved against the URL the spec was fetched from (unchanged for files)."""
        if self.fetched_url is None or "://" in url or url.startswith("{"):
            return url
        resolved = urljoin(self.fetched_url, url)
        return resolved.rstrip("/") if resolved.endswith("/") and url in ("", "/") else resolved

    def api_servers(self) -> tuple[Server, ...]:
        servers = self.servers(self.doc.get("servers"))
        if not servers and self.fetched_url is not None:
            servers = (Server(url=self.absolute("/")),)  # OpenAPI's default server is `/`
        return servers

    def security_schemes(self) -> dict[str, SecurityScheme]:
        components = self.doc.get("components")
        raw = components.get("securitySchemes") if isinstance(components, dict) else None
        if not isinstance(raw, dict):
            return {}
        out = {}
        for name, scheme in raw.items():
            try:
                target, _, _ = self.deref(scheme, self.root)
            except Unresolved as exc:
                raise exc.add("components", "securitySchemes", name) from None
            if isinstance(target, dict):
                out[name] = self.security_scheme(name, target)
        return out

    def security_scheme(self, name: str, raw: JsonDict) -> SecurityScheme:
        flows = raw.get("flows")
        return SecurityScheme(
            name=name,
            type=_str(raw.get("type")),
            description=_str(raw.get("description")),
            scheme=_str(raw.get("scheme")).lower(),
            location=_str(raw.get("in")),
            param_name=_str(raw.get("name")),
            bearer_format=_str(raw.get("bearerFormat")),
            flows=flows if isinstance(flows, dict) else {},
            openid_url=_str(raw.get("openIdConnectUrl")),
            extensions=_extensions(raw),
        )

    @staticmethod
    def requirements(raw: Any) -> tuple[dict[str, list[str]], ...]:
        if not isinstance(raw, list):
            return ()
        return tuple(
            {_str(k): [_str(s) for s in v] if isinstance(v, list) else [] for k, v in req.items()}
            for req in raw
            if isinstance(req, dict)
        )

    # -- operations -----------------------------------------------------------------------------------------------
    def operations(self) -> tuple[Operation, ...]:
        paths = self.doc.get("paths")
        if not isinstance(paths, dict) or not paths:
            self.warn("the description has no paths, so no operations", "paths")
            return ()
        found: list[tuple[str, str, JsonDict, JsonDict, str, str | None]] = []
        for path, item in paths.items():
            if not isinstance(item, dict):
                self.warn("path item is not an object; skipped", "paths", path)
                continue
            try:
                target, item_uri, item_pointer = self.deref(item, self.root)
            except Unresolved as exc:
                raise exc.add("paths", path) from None
            if not isinstance(target, dict):
                continue
            for method, op in target.items():
                if method not in _METHODS:
                    continue
                if not isinstance(op, dict):
                    self.warn("operation is not an object; skipped", "paths", path, method)
                    continue
                found.append((path, method, op, target, item_uri, item_pointer))
        ids = self.operation_ids(found)
        api_security = self.requirements(self.doc.get("security"))
        operations = []
        for (path, method, op, item, item_uri, item_pointer), op_id in zip(found, ids, strict=True):
            try:
                operations.append(self.operation(op_id, path, method, op, item, item_uri, api_security))
            except Unresolved as exc:
                if item_pointer is None:
                    raise exc.add("paths", path) from None
                raise exc.seal(*_segments(item_pointer)) from None
        return tuple(operations)

    def operation_ids(self, found: list[tuple[str, str, JsonDict, JsonDict, str, str | None]]) -> list[str]:
        """The spec's operationIds where usable; derived, unique ones for missing and duplicate ids (warned)."""
        first_use: dict[str, tuple[str, str]] = {}
        chosen: list[str | None] = []
        for path, method, op, _, _, _ in found:
            raw = op.get("operationId")
            op_id = _str(raw).strip() if isinstance(raw, (str, int, float)) else ""
            if op_id and op_id in first_use:
                other_method, other_path = first_use[op_id]
                self.warn(
                    f"duplicate operationId '{op_id}' (also {other_method.upper()} {other_path}); "
                    "this operation gets a derived id",
                    "paths",
                    path,
                    method,
                    "operationId",
                )
                op_id = ""
            if op_id:
                first_use[op_id] = (method, path)
            chosen.append(op_id or None)
        taken = set(first_use)
        ids = []
        for (path, method, *_), op_id in zip(found, chosen, strict=True):
            if op_id is None:
                base = op_id = derive_operation_id(method, path)
                n = 2
                while op_id in taken:
                    op_id = f"{base}_{n}"
                    n += 1
                taken.add(op_id)
            ids.append(op_id)
        return ids

    def operation(
        self,
        op_id: str,
        path: str,
        method: str,
        op: JsonDict,
        item: JsonDict,
        uri: str,
        api_security: tuple[dict[str, list[str]], ...],
    ) -> Operation:
        """One operation; `item` is its path item and `uri` the document both live in."""
        parameters, body = self.parameters_and_body(method, op, item, uri)
        if body is None and "requestBody" in op:
            try:
                body = self.via_ref("requestBody", op["requestBody"], uri, self.request_body)
            except Unresolved as exc:
                raise exc.add(method, "requestBody") from None
        responses = self.responses(method, op, uri)
        tags = op.get("tags")
        servers = self.servers(op.get("servers")) or self.servers(item.get("servers"))
        return Operation(
            id=op_id,
            method=method.upper(),
            path=path,
            summary=_str(op.get("summary")),
            description=_str(op.get("description")),
            tags=tuple(_str(t) for t in tags) if isinstance(tags, list) else (),
            parameters=parameters,
            request_body=body,
            responses=responses,
            security=self.requirements(op["security"]) if "security" in op else api_security,
            servers=servers,
            deprecated=bool(op.get("deprecated")),
            spec_operation_id=_str(op.get("operationId")),
            extensions=_extensions(op),
        )

    def merged_parameters(
        self, method: str, op: JsonDict, item: JsonDict, uri: str
    ) -> list[tuple[JsonDict, str, str | None, tuple[str | int, ...]]]:
        """Path-level then operation-level parameters, `$ref`s followed; the operation's win on (name, in).

        Each is (raw parameter, its document URI, its pointer if reached by `$ref`, where it is in the path item).
        """
        merged: dict[tuple[str, str], tuple[JsonDict, str, str | None, tuple[str | int, ...]]] = {}
        for where_prefix, raw_list in (((), item.get("parameters")), ((method,), op.get("parameters"))):
            if not isinstance(raw_list, list):
                continue
            for i, raw in enumerate(raw_list):
                where = (*where_prefix, "parameters", i)
                try:
                    target, target_uri, pointer = self.deref(raw, uri)
                except Unresolved as exc:
                    raise exc.add(*where) from None
                if not isinstance(target, dict):
                    continue
                merged[(_str(target.get("name")), _str(target.get("in")))] = (target, target_uri, pointer, where)
        return list(merged.values())

    def parameters_and_body(
        self, method: str, op: JsonDict, item: JsonDict, uri: str
    ) -> tuple[tuple[Parameter, ...], RequestBody | None]:
        out = []
        for raw, raw_uri, pointer, where in self.merged_parameters(method, op, item, uri):
            if (
                not raw.get("name")
                or raw.get("in") not in ("path", "query", "header", "cookie")
                or _is_content_type(raw)
            ):
                continue
            try:
                out.append(self.cached("parameter", raw, raw_uri, pointer, self.parameter))
            except Unresolved as exc:
                raise exc.add(*where) from None
        return tuple(out), None

    def cached(self, kind: str, raw: JsonDict, uri: str, pointer: str | None, build: Callable[[Any, str], T]) -> T:
        """`build(raw, uri)` for an object already reached by `$ref` (at `pointer`), built once per target."""
        if pointer is None:
            return build(raw, uri)
        key = (kind, uri, pointer)
        if key in self._cache:
            return self._cache[key]  # type: ignore[no-any-return]
        try:
            built = build(raw, uri)
        except Unresolved as exc:
            raise exc.seal(*_segments(pointer)) from None
        self._cache[key] = built
        return built

    def parameter(self, raw: JsonDict, uri: str) -> Parameter:
        location = _str(raw.get("in"))
        content_type = ""
        schema = raw.get("schema")
        where: tuple[str, ...] = ("schema",)
        content = raw.get("content")
        if schema is None and isinstance(content, dict) and content:
            content_type, media = next(iter(content.items()))
            schema = media.get("schema") if isinstance(media, dict) else None
            where = ("content", content_type, "schema")
        try:
            schema = self.schema(schema, uri)
        except Unresolved as exc:
            raise exc.add(*where) from None
        example, has_example = self.example(raw, uri)
        explode = raw.get("explode")
        return Parameter(
            name=_str(raw.get("name")),
            location=location,
            required=bool(raw.get("required")) or location == "path",
            schema=schema,
            description=_str(raw.get("description")),
            style=_str(raw.get("style")),
            explode=explode if isinstance(explode, bool) else None,
            example=example,
            has_example=has_example,
            deprecated=bool(raw.get("deprecated")),
            allow_reserved=bool(raw.get("allowReserved")),
            content_type=content_type,
        )

    def content(self, raw: Any, uri: str) -> dict[str, MediaType]:
        if not isinstance(raw, dict):
            return {}
        out = {}
        for media_type, media in raw.items():
            if not isinstance(media, dict):
                media = {}
            try:
                schema = self.schema(media.get("schema"), uri)
            except Unresolved as exc:
                raise exc.add(media_type, "schema") from None
            try:
                example, has_example = self.example(media, uri)
            except Unresolved as exc:
                raise exc.add(media_type) from None
            encoding = media.get("encoding")
            out[media_type] = MediaType(
                schema=schema,
                example=example,
                has_example=has_example,
                encoding=encoding if isinstance(encoding, dict) else {},
            )
        return out

    def request_body(self, raw: Any, uri: str) -> RequestBody | None:
        if not isinstance(raw, dict):
            return None
        try:
            content = self.content(raw.get("content"), uri)
        except Unresolved as exc:
            raise exc.add("content") from None
        return RequestBody(
            content=content, required=bool(raw.get("required")), description=_str(raw.get("description"))
        )

    def responses(self, method: str, op: JsonDict, uri: str) -> tuple[Response, ...]:
        raw = op.get("responses")
        if not isinstance(raw, dict):
            return ()
        out = []
        for status, response in raw.items():
            if status[:2] == "x-":
                continue
            try:
                built = self.via_ref("response", response, uri, self.response)
            except Unresolved as exc:
                raise exc.add(method, "responses", status) from None
            out.append(
                Response(str(status), built.description, built.content, built.headers, built.links)
                if built.status != status
                else built
            )
        return tuple(out)

    def response(self, raw: Any, uri: str) -> Response:
        """A response with a placeholder status (the same target may serve several statuses)."""
        if not isinstance(raw, dict):
            return Response(status="")
        try:
            content = self.content(raw.get("content"), uri)
        except Unresolved as exc:
            raise exc.add("content") from None
        return Response(
            status="",
            description=_str(raw.get("description")),
            content=content,
            headers=self.headers(raw.get("headers"), uri),
            links=self.links(raw.get("links"), uri),
        )

    def headers(self, raw: Any, uri: str) -> dict[str, JsonDict]:
        if not isinstance(raw, dict):
            return {}
        out = {}
        for name, header in raw.items():
            try:
                out[name] = self.via_ref("header", header, uri, self.header_schema)
            except Unresolved as exc:
                raise exc.add("headers", name) from None
        return out

    def header_schema(self, raw: Any, uri: str) -> JsonDict:
        if not isinstance(raw, dict):
            return {}
        schema = raw.get("schema")
        content = raw.get("content")
        if schema is None and isinstance(content, dict) and content:
            media = next(iter(content.values()))
            schema = media.get("schema") if isinstance(media, dict) else None
        try:
            return self.schema(schema, uri)
        except Unresolved as exc:
            raise exc.add("schema") from None

    def links(self, raw: Any, uri: str) -> dict[str, JsonDict]:
        if not isinstance(raw, dict):
            return {}
        out = {}
        for name, link in raw.items():
            try:
                target, _, _ = self.deref(link, uri)
            except Unresolved as exc:
                raise exc.add("links", name) from None
            if isinstance(target, dict):
                out[name] = target
        return out


def _api_id(info: JsonDict, source: str) -> str:
    """`x-apiforge-id`, else APIs.guru's `x-providerName` (+ `_x-serviceName`), else a slug of the title."""
    explicit = info.get("x-apiforge-id")
    if isinstance(explicit, str) and explicit:
        return explicit
    provider = info.get("x-providerName")
    if isinstance(provider, str) and provider:
        service = info.get("x-serviceName")
        return f"{provider}_{service}" if isinstance(service, str) and service else provider
    title_slug = slug(_str(info.get("title")))
    if title_slug:
        return title_slug
    stem = source.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return slug(stem) or "api"
