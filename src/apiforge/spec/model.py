"""The normalised API model every other part of apiforge reads.

OpenAPI 3.0, 3.1 and Swagger 2.0 documents all load into these values, so nothing downstream cares which
version a description was written in. Schemas stay JSON Schema dicts: a `$ref` inside them always has the form
`#/components/schemas/NAME` and is looked up in `Api.schemas`, which keeps recursive schemas recursive (they
are never expanded). Every value round-trips through `to_dict()` / `from_dict()` for the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "HTTP_METHODS",
    "Api",
    "MediaType",
    "Operation",
    "Parameter",
    "RequestBody",
    "Response",
    "SecurityScheme",
    "Server",
]

JsonDict = dict[str, Any]

#: Methods that make an operation. TRACE is left out on purpose: it is a diagnostic loop-back, browsers and
#: `fetch` refuse to send it, and no real API documents a TRACE operation you would call.
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")

SCHEMA_REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class Server:
    url: str
    """The URL template, e.g. `https://{region}.api.example.com/v1`; may be relative (`/v1`)."""
    description: str = ""
    variables: dict[str, JsonDict] = field(default_factory=dict)
    """Server variables: name → `{"default": ..., "enum": [...], "description": ...}`."""

    def resolved_url(self, values: dict[str, str] | None = None) -> str:
        """The URL with every `{variable}` replaced by the given value or its default."""
        url = self.url
        for name, var in self.variables.items():
            value = (values or {}).get(name, var.get("default", ""))
            url = url.replace("{" + name + "}", str(value))
        return url

    def to_dict(self) -> JsonDict:
        return {"url": self.url, "description": self.description, "variables": self.variables}

    @classmethod
    def from_dict(cls, d: JsonDict) -> Server:
        return cls(url=d["url"], description=d.get("description", ""), variables=d.get("variables", {}))


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """One way to authenticate, as the spec names it (`components.securitySchemes` / `securityDefinitions`)."""

    name: str
    """The key in the spec's security schemes; operations refer to it by this name."""
    type: str
    """`apiKey`, `http`, `oauth2`, `openIdConnect`, `mutualTLS`, or a vendor type recorded as-is."""
    description: str = ""
    scheme: str = ""
    """For `http`: `basic`, `bearer`, `digest`, ... (lower-cased)."""
    location: str = ""
    """For `apiKey`: `header`, `query` or `cookie`."""
    param_name: str = ""
    """For `apiKey`: the header / query / cookie name carrying the key."""
    bearer_format: str = ""
    flows: dict[str, JsonDict] = field(default_factory=dict)
    """For `oauth2`: flow name (`clientCredentials`, `authorizationCode`, ...) → its URLs and scopes."""
    openid_url: str = ""
    extensions: JsonDict = field(default_factory=dict)
    """`x-*` keys of the scheme, kept for vendor signing schemes (e.g. `x-amazon-apigateway-authtype`)."""

    def to_dict(self) -> JsonDict:
        return {
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "scheme": self.scheme,
            "location": self.location,
            "param_name": self.param_name,
            "bearer_format": self.bearer_format,
            "flows": self.flows,
            "openid_url": self.openid_url,
            "extensions": self.extensions,
        }

    @classmethod
    def from_dict(cls, d: JsonDict) -> SecurityScheme:
        return cls(**d)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str
    """`path`, `query`, `header` or `cookie`."""
    required: bool = False
    schema: JsonDict = field(default_factory=dict)
    description: str = ""
    style: str = ""
    """Serialisation style; empty means the default for the location (`simple` for path/header, `form` else)."""
    explode: bool | None = None
    """None means the default for the style (True for `form`, False otherwise)."""
    example: Any = None
    has_example: bool = False
    """True when the spec gives an example (so a `None` example can be told from no example)."""
    deprecated: bool = False
    allow_reserved: bool = False
    content_type: str = ""
    """Set when the parameter is described with `content` (a media type) instead of `schema`."""

    @property
    def type(self) -> str:
        """The JSON Schema type, or '' when the schema does not say (e.g. a `$ref` or `oneOf`)."""
        t = self.schema.get("type", "")
        if isinstance(t, list):
            t = next((x for x in t if x != "null"), "")
        return t

    @property
    def enum(self) -> list[Any]:
        return list(self.schema.get("enum") or [])

    @property
    def effective_style(self) -> str:
        return self.style or ("simple" if self.location in ("path", "header") else "form")

    @property
    def effective_explode(self) -> bool:
        return self.explode if self.explode is not None else self.effective_style == "form"

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"name": self.name, "in": self.location, "required": self.required, "schema": self.schema}
        for key, value in (
            ("description", self.description),
            ("style", self.style),
            ("deprecated", self.deprecated),
            ("allow_reserved", self.allow_reserved),
            ("content_type", self.content_type),
        ):
            if value:
                d[key] = value
        if self.explode is not None:
            d["explode"] = self.explode
        if self.has_example:
            d["example"] = self.example
        return d

    @classmethod
    def from_dict(cls, d: JsonDict) -> Parameter:
        return cls(
            name=d["name"],
            location=d["in"],
            required=d.get("required", False),
            schema=d.get("schema", {}),
            description=d.get("description", ""),
            style=d.get("style", ""),
            explode=d.get("explode"),
            example=d.get("example"),
            has_example="example" in d,
            deprecated=d.get("deprecated", False),
            allow_reserved=d.get("allow_reserved", False),
            content_type=d.get("content_type", ""),
        )


@dataclass(frozen=True, slots=True)
class MediaType:
    schema: JsonDict = field(default_factory=dict)
    example: Any = None
    has_example: bool = False
    encoding: dict[str, JsonDict] = field(default_factory=dict)
    """Per-property encoding for form / multipart bodies (`contentType`, `style`, `explode`, ...)."""

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"schema": self.schema}
        if self.has_example:
            d["example"] = self.example
        if self.encoding:
            d["encoding"] = self.encoding
        return d

    @classmethod
    def from_dict(cls, d: JsonDict) -> MediaType:
        return cls(
            schema=d.get("schema", {}),
            example=d.get("example"),
            has_example="example" in d,
            encoding=d.get("encoding", {}),
        )


@dataclass(frozen=True, slots=True)
class RequestBody:
    content: dict[str, MediaType]
    """Media type (e.g. `application/json`) → its schema, in the spec's order."""
    required: bool = False
    description: str = ""

    @property
    def media_types(self) -> list[str]:
        return list(self.content)

    def to_dict(self) -> JsonDict:
        return {
            "content": {k: v.to_dict() for k, v in self.content.items()},
            "required": self.required,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, d: JsonDict) -> RequestBody:
        return cls(
            content={k: MediaType.from_dict(v) for k, v in d.get("content", {}).items()},
            required=d.get("required", False),
            description=d.get("description", ""),
        )


@dataclass(frozen=True, slots=True)
class Response:
    status: str
    """`200`, `4XX` or `default`."""
    description: str = ""
    content: dict[str, MediaType] = field(default_factory=dict)
    headers: dict[str, JsonDict] = field(default_factory=dict)
    """Header name → schema."""
    links: dict[str, JsonDict] = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"status": self.status, "description": self.description}
        if self.content:
            d["content"] = {k: v.to_dict() for k, v in self.content.items()}
        if self.headers:
            d["headers"] = self.headers
        if self.links:
            d["links"] = self.links
        return d

    @classmethod
    def from_dict(cls, d: JsonDict) -> Response:
        return cls(
            status=d["status"],
            description=d.get("description", ""),
            content={k: MediaType.from_dict(v) for k, v in d.get("content", {}).items()},
            headers=d.get("headers", {}),
            links=d.get("links", {}),
        )


@dataclass(frozen=True, slots=True)
class Operation:
    id: str
    """Stable id: the spec's `operationId`, or one derived from method and path when it is missing or taken."""
    method: str
    """Upper-case HTTP method."""
    path: str
    """Path template, e.g. `/repos/{owner}/{repo}/issues`."""
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    """Path-level and operation-level parameters merged (operation wins), `$ref`s resolved."""
    request_body: RequestBody | None = None
    responses: tuple[Response, ...] = ()
    security: tuple[dict[str, list[str]], ...] | None = None
    """Effective security requirements (alternatives; each maps scheme name → scopes). `()` means none needed;
    `None` is never stored: the API-level default is applied at load time."""
    servers: tuple[Server, ...] = ()
    """Operation- or path-level servers; empty means the API's servers."""
    deprecated: bool = False
    spec_operation_id: str = ""
    """The `operationId` as written in the spec ('' when missing)."""
    extensions: JsonDict = field(default_factory=dict)

    def parameter(self, name: str, location: str | None = None) -> Parameter | None:
        for p in self.parameters:
            if p.name == name and (location is None or p.location == location):
                return p
        return None

    def to_dict(self) -> JsonDict:
        d: JsonDict = {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "summary": self.summary,
            "description": self.description,
            "tags": list(self.tags),
            "parameters": [p.to_dict() for p in self.parameters],
            "responses": [r.to_dict() for r in self.responses],
            "security": [dict(s) for s in self.security or ()],
            "deprecated": self.deprecated,
            "spec_operation_id": self.spec_operation_id,
        }
        if self.request_body is not None:
            d["request_body"] = self.request_body.to_dict()
        if self.servers:
            d["servers"] = [s.to_dict() for s in self.servers]
        if self.extensions:
            d["extensions"] = self.extensions
        return d

    @classmethod
    def from_dict(cls, d: JsonDict) -> Operation:
        body = d.get("request_body")
        return cls(
            id=d["id"],
            method=d["method"],
            path=d["path"],
            summary=d.get("summary", ""),
            description=d.get("description", ""),
            tags=tuple(d.get("tags", ())),
            parameters=tuple(Parameter.from_dict(p) for p in d.get("parameters", ())),
            request_body=RequestBody.from_dict(body) if body is not None else None,
            responses=tuple(Response.from_dict(r) for r in d.get("responses", ())),
            security=tuple(d.get("security", ())),
            servers=tuple(Server.from_dict(s) for s in d.get("servers", ())),
            deprecated=d.get("deprecated", False),
            spec_operation_id=d.get("spec_operation_id", ""),
            extensions=d.get("extensions", {}),
        )


@dataclass(frozen=True, slots=True)
class Api:
    id: str
    """Catalog id: `x-apiforge-id`, else the APIs.guru provider(/service) name, else a slug of the title."""
    title: str
    version: str
    description: str = ""
    servers: tuple[Server, ...] = ()
    security_schemes: dict[str, SecurityScheme] = field(default_factory=dict)
    operations: tuple[Operation, ...] = ()
    schemas: dict[str, JsonDict] = field(default_factory=dict)
    """Named schemas; every `$ref` in the model's schemas points here as `#/components/schemas/NAME`."""
    source: str = ""
    """Where the description was read from (a path or URL)."""
    spec_version: str = ""
    """The `openapi` / `swagger` version string of the source document."""
    kind: str = "openapi"
    """`openapi` for HTTP APIs, `functions` for a set of function (tool) schemas."""
    license: str = ""
    extensions: JsonDict = field(default_factory=dict)
    """`x-*` keys of `info` (e.g. `x-providerName`, `x-apisguru-categories`)."""

    def operation(self, operation_id: str) -> Operation | None:
        for op in self.operations:
            if op.id == operation_id:
                return op
        return None

    def resolve_schema(self, schema: JsonDict) -> JsonDict:
        """Follow `$ref`s at the top of `schema` (not inside it); an unknown ref gives `{}`."""
        seen: set[str] = set()
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if ref in seen or not ref.startswith(SCHEMA_REF_PREFIX):
                return {}
            seen.add(ref)
            schema = self.schemas.get(ref[len(SCHEMA_REF_PREFIX) :], {})
        return schema

    def to_dict(self, *, with_operations: bool = True) -> JsonDict:
        d: JsonDict = {
            "id": self.id,
            "title": self.title,
            "version": self.version,
            "description": self.description,
            "servers": [s.to_dict() for s in self.servers],
            "security_schemes": {k: v.to_dict() for k, v in self.security_schemes.items()},
            "schemas": self.schemas,
            "source": self.source,
            "spec_version": self.spec_version,
            "kind": self.kind,
            "license": self.license,
            "extensions": self.extensions,
        }
        if with_operations:
            d["operations"] = [op.to_dict() for op in self.operations]
        return d

    @classmethod
    def from_dict(cls, d: JsonDict) -> Api:
        return cls(
            id=d["id"],
            title=d["title"],
            version=d["version"],
            description=d.get("description", ""),
            servers=tuple(Server.from_dict(s) for s in d.get("servers", ())),
            security_schemes={k: SecurityScheme.from_dict(v) for k, v in d.get("security_schemes", {}).items()},
            operations=tuple(Operation.from_dict(o) for o in d.get("operations", ())),
            schemas=d.get("schemas", {}),
            source=d.get("source", ""),
            spec_version=d.get("spec_version", ""),
            kind=d.get("kind", "openapi"),
            license=d.get("license", ""),
            extensions=d.get("extensions", {}),
        )
