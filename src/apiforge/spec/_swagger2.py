"""Swagger 2.0 into the same model as OpenAPI 3, following what OpenAPI 3 itself changed.

- `host` + `basePath` + `schemes` → servers (defaults from the URL the spec was fetched from);
- an `in: body` parameter → a request body, one media type per `consumes` (default `application/json`);
- `in: formData` parameters → an object-schema request body, `multipart/form-data` when a parameter is a
  `type: file` or `consumes` says multipart, else `application/x-www-form-urlencoded`;
- other parameters get a `schema` made of their type keywords; `collectionFormat` → `style` / `explode`;
- a response `schema` → `content` per `produces`; `examples` → per-media-type examples; headers → schemas;
- `securityDefinitions` → security schemes (basic → http/basic; OAuth2 flow names renamed);
- `definitions` → `Api.schemas` (with `type: file`, `x-nullable`, ... fixed in `Schemas`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from apiforge.spec._normalize import OpenApiBuilder, _is_content_type, _str
from apiforge.spec._refs import Unresolved
from apiforge.spec.model import MediaType, Parameter, RequestBody, Response, SecurityScheme, Server

__all__ = ["Swagger2Builder"]

JsonDict = dict[str, Any]

_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_JSON = "application/json"
# Parameter / header / items keywords that are JSON Schema keywords too.
_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
)
_OAUTH_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}
# collectionFormat → (style, explode) for query / formData / cookie; path and header only have `simple`.
_COLLECTION = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "tsv": ("form", False),  # no OpenAPI 3 equivalent; the closest that still sends one value
    "multi": ("form", True),
}


def _type_schema(raw: JsonDict) -> JsonDict:
    """The JSON Schema part of a non-body parameter, header or `items` object."""
    schema = {k: raw[k] for k in _SCHEMA_KEYS if k in raw}
    items = schema.get("items")
    if isinstance(items, dict) and "$ref" not in items:
        schema["items"] = _type_schema(items)
    return schema


class Swagger2Builder(OpenApiBuilder):
    dialect = "2.0"
    named_schemas_at = ("definitions",)
    _produces: list[str] = [_JSON]
    """The current operation's `produces` (responses are built per operation)."""

    # -- document level -------------------------------------------------------------------------------------------
    def api_servers(self) -> tuple[Server, ...]:
        doc = self.doc
        fetched = urlsplit(self.fetched_url) if self.fetched_url else None
        host = _str(doc.get("host")) or (fetched.netloc if fetched else "")
        base_path = _str(doc.get("basePath")).rstrip("/")
        if base_path and not base_path.startswith("/"):
            base_path = "/" + base_path
        schemes = [s for s in doc.get("schemes") or () if isinstance(s, str)]
        if not schemes:
            schemes = [fetched.scheme if fetched else "https"]
        if not host:
            return (Server(url=base_path),) if base_path else ()
        return tuple(Server(url=f"{scheme}://{host}{base_path}") for scheme in schemes)

    def security_schemes(self) -> dict[str, SecurityScheme]:
        raw = self.doc.get("securityDefinitions")
        if not isinstance(raw, dict):
            return {}
        out = {}
        for name, scheme in raw.items():
            if not isinstance(scheme, dict):
                continue
            kind = _str(scheme.get("type"))
            common = {"name": name, "description": _str(scheme.get("description"))}
            extensions = {k: v for k, v in scheme.items() if k[:2] == "x-"}
            if kind == "basic":
                out[name] = SecurityScheme(type="http", scheme="basic", extensions=extensions, **common)
            elif kind == "apiKey":
                out[name] = SecurityScheme(
                    type="apiKey",
                    location=_str(scheme.get("in")),
                    param_name=_str(scheme.get("name")),
                    extensions=extensions,
                    **common,
                )
            elif kind == "oauth2":
                flow = _str(scheme.get("flow"))
                details = {k: scheme[k] for k in ("authorizationUrl", "tokenUrl") if k in scheme}
                scopes = scheme.get("scopes")
                details["scopes"] = scopes if isinstance(scopes, dict) else {}
                out[name] = SecurityScheme(
                    type="oauth2", flows={_OAUTH_FLOWS.get(flow, flow): details}, extensions=extensions, **common
                )
            else:
                out[name] = SecurityScheme(type=kind, extensions=extensions, **common)
        return out

    def _media_types(self, op: JsonDict, key: str) -> list[str]:
        own = op.get(key)
        listed = own if isinstance(own, list) else self.doc.get(key)
        return [m for m in listed or () if isinstance(m, str)] or [_JSON]

    # -- parameters and bodies ------------------------------------------------------------------------------------
    def parameters_and_body(
        self, method: str, op: JsonDict, item: JsonDict, uri: str
    ) -> tuple[tuple[Parameter, ...], RequestBody | None]:
        parameters: list[Parameter] = []
        body: RequestBody | None = None
        form: list[tuple[JsonDict, str, tuple[str | int, ...]]] = []
        for raw, raw_uri, pointer, where in self.merged_parameters(method, op, item, uri):
            location = raw.get("in")
            try:
                if location == "body":
                    if body is None:
                        # The body's media types come from the operation, so a shared body is built per list.
                        kind = "body:" + ",".join(self._media_types(op, "consumes"))
                        body = self.cached(kind, raw, raw_uri, pointer, self._body_builder(op))
                elif location == "formData":
                    form.append((raw, raw_uri, where))
                elif location in ("path", "query", "header") and raw.get("name") and not _is_content_type(raw):
                    parameters.append(self.cached("parameter", raw, raw_uri, pointer, self.parameter))
            except Unresolved as exc:
                raise exc.add(*where) from None
        if body is None and form:
            body = self._form_body(op, form)
        return tuple(parameters), body

    def _body_builder(self, op: JsonDict) -> Any:
        media_types = self._media_types(op, "consumes")

        def build(raw: JsonDict, uri: str) -> RequestBody:
            try:
                schema = self.schema(raw.get("schema"), uri)
            except Unresolved as exc:
                raise exc.add("schema") from None
            example = raw.get("x-example")
            return RequestBody(
                content={
                    mt: MediaType(schema=schema, example=example, has_example="x-example" in raw) for mt in media_types
                },
                required=bool(raw.get("required")),
                description=_str(raw.get("description")),
            )

        return build

    def _form_body(self, op: JsonDict, form: list[tuple[JsonDict, str, tuple[str | int, ...]]]) -> RequestBody:
        properties: JsonDict = {}
        required: list[str] = []
        encoding: dict[str, JsonDict] = {}
        has_file = False
        for raw, uri, where in form:
            name = _str(raw.get("name"))
            try:
                schema = self.schema(_type_schema(raw), uri)
            except Unresolved as exc:
                raise exc.add(*where) from None
            if raw.get("description") and "description" not in schema:
                schema = {**schema, "description": raw["description"]}
            properties[name] = schema
            if raw.get("required"):
                required.append(name)
            has_file = has_file or raw.get("type") == "file"
            if raw.get("type") == "array":
                style, explode = _COLLECTION.get(_str(raw.get("collectionFormat")) or "csv", ("form", False))
                encoding[name] = {"style": style, "explode": explode}
        schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        if has_file:
            media_types = [_MULTIPART]
        else:
            consumes = self._media_types(op, "consumes")
            media_types = [m for m in consumes if m.split(";")[0].strip() in (_FORM, _MULTIPART)] or [_FORM]
        return RequestBody(
            content={mt: MediaType(schema=schema, encoding=encoding) for mt in media_types},
            required=bool(required),
        )

    def parameter(self, raw: JsonDict, uri: str) -> Parameter:
        location = _str(raw.get("in"))
        schema = self.schema(_type_schema(raw), uri)
        style, explode = "", None
        if raw.get("type") == "array":
            collection = _str(raw.get("collectionFormat")) or "csv"
            if location in ("query", "cookie"):
                style, explode = _COLLECTION.get(collection, ("form", False))
            else:
                style, explode = "simple", False
        has_example = "x-example" in raw
        return Parameter(
            name=_str(raw.get("name")),
            location=location,
            required=bool(raw.get("required")) or location == "path",
            schema=schema,
            description=_str(raw.get("description")),
            style=style,
            explode=explode,
            example=raw.get("x-example"),
            has_example=has_example,
            deprecated=bool(raw.get("x-deprecated")),
        )

    # -- responses ------------------------------------------------------------------------------------------------
    def responses(self, method: str, op: JsonDict, uri: str) -> tuple[Response, ...]:
        self._produces = self._media_types(op, "produces")
        return super().responses(method, op, uri)

    def response(self, raw: Any, uri: str) -> Response:
        if not isinstance(raw, dict):
            return Response(status="")
        content: dict[str, MediaType] = {}
        if raw.get("schema") is not None:
            try:
                schema = self.schema(raw["schema"], uri)
            except Unresolved as exc:
                raise exc.add("schema") from None
            examples = raw.get("examples") if isinstance(raw.get("examples"), dict) else {}
            content = {
                mt: MediaType(schema=schema, example=examples.get(mt), has_example=mt in examples)
                for mt in self._produces
            }
        headers = {}
        for name, header in (raw.get("headers") or {}).items():
            if isinstance(header, dict):
                try:
                    headers[name] = self.schema(_type_schema(header), uri)
                except Unresolved as exc:
                    raise exc.add("headers", name) from None
        return Response(status="", description=_str(raw.get("description")), content=content, headers=headers)

    def via_ref(self, kind: str, obj: Any, uri: str, build: Any) -> Any:
        # A shared response's content depends on the operation's `produces`, so cache per media-type list.
        if kind == "response":
            kind = "response:" + ",".join(self._produces)
        return super().via_ref(kind, obj, uri, build)
