"""Check one request against one operation: parameters, body, credentials.

`PreparedOperation` compiles everything it needs from the operation once (validators are built on first use
and cached), so checking many requests against the same operation costs only the validation itself.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from typing import Any

from apiforge.check._diagnostics import Diagnostic, join_location
from apiforge.check._schema import SchemaIssue, SchemaSet, SchemaValidator
from apiforge.check._security import RequestView, SecurityCheck
from apiforge.check._values import parse_bracket_key, schema_types, shape_form, split_style
from apiforge.errors import did_you_mean
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, RawBody
from apiforge.spec.model import Api, MediaType, Operation, Parameter

__all__ = ["STANDARD_HEADERS", "PreparedOperation", "issue_code", "media_type_of", "pick_media_type"]

#: Request headers that are never API parameters: transport, content negotiation, caching, tracing, proxies.
STANDARD_HEADERS = frozenset(
    """accept accept-charset accept-encoding accept-language accept-datetime authorization cache-control connection
    content-length content-type content-encoding content-language content-md5 cookie date dnt expect forwarded from
    host if-match if-modified-since if-none-match if-range if-unmodified-since keep-alive max-forwards origin pragma
    prefer proxy-authorization proxy-connection range referer te trailer transfer-encoding upgrade user-agent via
    warning x-requested-with x-forwarded-for x-forwarded-host x-forwarded-proto x-forwarded-port x-real-ip
    x-request-id x-correlation-id traceparent tracestate baggage idempotency-key upgrade-insecure-requests
    access-control-request-method access-control-request-headers x-http-method-override""".split()
)
# OpenAPI: header parameters with these names "SHALL be ignored" (they are described elsewhere in the spec).
_IGNORED_HEADER_PARAMS = frozenset({"accept", "content-type", "authorization"})

_PARAM_CODES = {
    "type": "invalid-type",
    "format": "invalid-format",
    "enum": "invalid-enum",
    "const": "invalid-enum",
    "pattern": "invalid-pattern",
    **dict.fromkeys(
        (
            "minimum maximum exclusiveMinimum exclusiveMaximum multipleOf minLength maxLength minItems maxItems "
            "minProperties maxProperties uniqueItems"
        ).split(),
        "out-of-range",
    ),
}


def issue_code(keyword: str) -> str:
    """The diagnostic code for a schema keyword that failed on a parameter value."""
    return _PARAM_CODES.get(keyword, "invalid-value")


def media_type_of(text: str) -> str:
    """`Application/JSON; charset=utf-8` → `application/json`."""
    return text.split(";", 1)[0].strip().lower()


def is_json_media(mt: str) -> bool:
    return mt == "application/json" or mt.endswith(("+json", "/json"))


def pick_media_type(content: dict[str, MediaType], mt: str) -> str | None:
    """The spec's media type key matching `mt`: exact, then `type/*`, then `*/*`."""
    keys = {media_type_of(k): k for k in content}
    if mt in keys:
        return keys[mt]
    major = mt.split("/", 1)[0] + "/*"
    if major in keys:
        return keys[major]
    return keys.get("*/*")


def _err(code: str, location: str, message: str) -> Diagnostic:
    return Diagnostic(code, "error", location, message)


def _warn(code: str, location: str, message: str) -> Diagnostic:
    return Diagnostic(code, "warning", location, message)


class PreparedOperation:
    """One operation, compiled for checking requests (and responses) against it."""

    def __init__(self, api: Api, op: Operation, requests: SchemaSet, responses: Callable[[], SchemaSet]) -> None:
        self.api = api
        self.op = op
        self._schemas = requests
        self._response_schemas = responses
        self._validators: dict[tuple[str, str], SchemaValidator] = {}
        self.security = SecurityCheck(api, op.security)
        by: dict[str, list[Parameter]] = {"path": [], "query": [], "header": [], "cookie": []}
        for p in op.parameters:
            if p.location == "header" and p.name.lower() in _IGNORED_HEADER_PARAMS:
                continue
            by.setdefault(p.location, []).append(p)
        self.path_params = by["path"]
        self.query_params = by["query"]
        self.header_params = by["header"]
        self.cookie_params = by["cookie"]
        self.query_names = {p.name for p in self.query_params}
        self.header_names = {p.name.lower() for p in self.header_params}
        # Properties of `form` + explode object parameters travel as top-level query keys.
        self.exploded: dict[str, Parameter] = {}
        self.free_form_query = False
        for p in self.query_params:
            schema = api.resolve_schema(p.schema)
            if p.effective_style == "form" and p.effective_explode and "object" in schema_types(api, schema):
                for prop in schema.get("properties") or {}:
                    self.exploded.setdefault(prop, p)
                if schema.get("additionalProperties", True) is not False or not schema.get("properties"):
                    self.free_form_query = True

    # -- validators ------------------------------------------------------------------------------------------

    def validator(self, key: tuple[str, str], schema: Any) -> SchemaValidator:
        v = self._validators.get(key)
        if v is None:
            schemas = self._response_schemas() if key[0].startswith("response") else self._schemas
            v = schemas.validator(schema)
            self._validators[key] = v
        return v

    def warm(self) -> None:
        """Compile every request validator now (the one-time preparation a benchmark excludes)."""
        for p in self.op.parameters:
            self.validator((p.location, p.name), p.schema)
        if self.op.request_body is not None:
            for mt, media in self.op.request_body.content.items():
                self.validator(("body", mt), media.schema)

    # -- the check -------------------------------------------------------------------------------------------

    def check(self, request: HttpRequest, path_params: dict[str, str]) -> list[Diagnostic]:
        diags: list[Diagnostic] = []
        if self.op.deprecated:
            diags.append(Diagnostic("deprecated-operation", "warning", "", f"Operation '{self.op.id}' is deprecated."))
        view = _view(request)
        self._check_path(path_params, diags)
        self._check_query(request, diags)
        self._check_headers(request, view, diags)
        self._check_cookies(view, diags)
        self._check_body(request, diags)
        missing = self.security.missing(view)
        if missing is not None:
            diags.append(_err("missing-credentials", *missing))
        return diags

    def _value_issues(self, p: Parameter, value: Any, location: str, diags: list[Diagnostic]) -> None:
        if p.schema:
            for issue in self.validator((p.location, p.name), p.schema).issues(value):
                diags.append(_param_diag(issue, location, p))

    def _decode(self, p: Parameter, values: list[str]) -> Any:
        if p.content_type:
            try:
                return json.loads(values[0])
            except ValueError:
                return values[0]
        return split_style(self.api, values, p.schema, p.effective_style, p.effective_explode)

    def _check_path(self, path_params: dict[str, str], diags: list[Diagnostic]) -> None:
        for p in self.path_params:
            if p.name not in path_params:
                continue  # declared but not in the template: a spec bug, never the caller's fault
            raw = path_params[p.name]
            style = p.effective_style
            if style == "label":
                raw = raw[1:] if raw.startswith(".") else raw
            elif style == "matrix":
                prefix = f";{p.name}="
                raw = raw[len(prefix) :] if raw.startswith(prefix) else raw.lstrip(";")
            self._value_issues(p, self._decode(p, [raw]), f"path.{p.name}", diags)

    def _check_query(self, request: HttpRequest, diags: list[Diagnostic]) -> None:
        query: dict[str, list[str]] = {}
        for k, v in request.query:
            query.setdefault(k, []).append(v)
        used: set[str] = set()
        for p in self.query_params:
            location = f"query.{p.name}"
            schema = self.api.resolve_schema(p.schema)
            types = schema_types(self.api, schema)
            bracketed = [k for k in query if k != p.name and parse_bracket_key(k)[0] == p.name]
            if p.effective_style == "deepObject" or (bracketed and types & {"object", "array"}):
                fields = [(k, v) for k in bracketed for v in query[k]]
                if p.name in query:
                    fields += [(p.name, v) for v in query[p.name]]
                used.update(bracketed)
                used.add(p.name)
                if not fields:
                    if p.required:
                        diags.append(_missing(p, location))
                    continue
                value = shape_form(self.api, fields, {"type": "object", "properties": {p.name: p.schema}})
                self._value_issues(p, value.get(p.name), location, diags)
                continue
            if p.effective_style == "form" and p.effective_explode and "object" in types and p.name not in query:
                props = schema.get("properties") or {}
                present = {k: v for k, v in query.items() if k in props or (self.free_form_query and k not in used)}
                present = {k: v for k, v in present.items() if k not in self.query_names or k == p.name}
                if not present:
                    # An empty map is a valid value that serialises to no keys at all: only missing if not allowed.
                    if p.required and (schema.get("required") or schema.get("minProperties")):
                        diags.append(_missing(p, location))
                    continue
                used.update(present)
                value = shape_form(self.api, [(k, x) for k, vs in present.items() for x in vs], p.schema)
                self._value_issues(p, value, location, diags)
                continue
            values = query.get(p.name)
            if values is None:
                if p.required:
                    diags.append(_missing(p, location))
                continue
            used.add(p.name)
            self._value_issues(p, self._decode(p, values), location, diags)
        for key in query:
            if key in used or ("query", key) in self.security.names:
                continue
            if key in self.exploded or self.free_form_query:
                continue
            hint = did_you_mean(key, self.query_names)
            known = ", ".join(sorted(self.query_names)) or "none"
            diags.append(
                _err(
                    "unknown-parameter",
                    f"query.{key}",
                    f"Operation '{self.op.id}' has no query parameter '{key}'.{hint} Known: {known}.",
                )
            )

    def _check_headers(self, request: HttpRequest, view: RequestView, diags: list[Diagnostic]) -> None:
        for p in self.header_params:
            value = view.headers.get(p.name.lower())
            if value is None:
                if p.required:
                    diags.append(_missing(p, f"header.{p.name}"))
                continue
            self._value_issues(p, self._decode(p, [value]), f"header.{p.name}", diags)
        seen: set[str] = set()
        for name, _ in request.headers:
            lower = name.lower()
            if lower in seen or lower in self.header_names or lower in STANDARD_HEADERS or lower.startswith("sec-"):
                continue
            seen.add(lower)
            if ("header", lower) in self.security.names:
                continue
            hint = did_you_mean(name, [p.name for p in self.header_params])
            diags.append(
                _warn(
                    "unknown-parameter",
                    f"header.{name}",
                    f"Operation '{self.op.id}' does not describe a header '{name}'.{hint}",
                )
            )

    def _check_cookies(self, view: RequestView, diags: list[Diagnostic]) -> None:
        names = {p.name for p in self.cookie_params}
        for p in self.cookie_params:
            value = view.cookies.get(p.name)
            if value is None:
                if p.required:
                    diags.append(_missing(p, f"cookie.{p.name}"))
                continue
            self._value_issues(p, self._decode(p, [value]), f"cookie.{p.name}", diags)
        for name in view.cookies:
            if name in names or ("cookie", name) in self.security.names:
                continue
            hint = did_you_mean(name, names)
            diags.append(
                _warn(
                    "unknown-parameter",
                    f"cookie.{name}",
                    f"Operation '{self.op.id}' does not describe a cookie '{name}'.{hint}",
                )
            )

    def _check_body(self, request: HttpRequest, diags: list[Diagnostic]) -> None:
        spec = self.op.request_body
        body = request.body
        if spec is None or not spec.content:
            if body is not None and spec is None:
                diags.append(
                    _warn("unexpected-body", "body", f"Operation '{self.op.id}' does not describe a request body.")
                )
            return
        if body is None:
            if spec.required:
                accepted = ", ".join(spec.content)
                diags.append(_err("missing-body", "body", f"This operation requires a request body ({accepted})."))
            return
        mt = media_type_of(body.media_type)
        if not mt:
            guess = "application/json" if isinstance(body, JsonBody) or _looks_json(body) else ""
            key = pick_media_type(spec.content, guess) if guess else None
            diags.append(
                _err(
                    "missing-content-type",
                    "header.Content-Type",
                    f"The body has no media type; this operation accepts {', '.join(spec.content)}.",
                )
            )
            if key is None:
                return
        else:
            key = pick_media_type(spec.content, mt)
            if key is None:
                diags.append(
                    _err(
                        "unsupported-media-type",
                        "header.Content-Type",
                        f"Media type '{mt}' is not accepted; this operation accepts {', '.join(spec.content)}.",
                    )
                )
                return
        media = spec.content[key]
        if not media.schema:
            return
        target = media_type_of(key)
        try:
            instance = self._body_instance(body, target if "*" not in target else mt, media)
        except ValueError as exc:
            diags.append(_err("invalid-body", "body", f"The body cannot be decoded: {exc}."))
            return
        if instance is _SKIP:
            return
        for issue in self.validator(("body", key), media.schema).issues(instance):
            diags.append(_err("invalid-body", join_location("body", issue.path), issue.message))

    def _body_instance(self, body: Any, mt: str, media: MediaType) -> Any:
        schema = media.schema
        if isinstance(body, JsonBody):
            return body.value
        if isinstance(body, FormBody):
            return shape_form(self.api, body.fields, schema)
        if isinstance(body, MultipartBody):
            fields = [(p.name, p.value if not p.is_file else p.value or (p.filename or "")) for p in body.parts]
            return shape_form(self.api, fields, schema)
        if isinstance(body, RawBody):
            text = body.content.decode("utf-8", "replace") if isinstance(body.content, bytes) else body.content
            if is_json_media(mt) or (not mt and _looks_json(body)):
                try:
                    return json.loads(text)
                except ValueError as exc:
                    raise ValueError(f"malformed JSON ({exc})") from None
            if mt == "application/x-www-form-urlencoded":
                return shape_form(self.api, urllib.parse.parse_qsl(text, keep_blank_values=True), schema)
            if mt.startswith("text/") and "string" in schema_types(self.api, schema):
                return text
        return _SKIP


_SKIP = object()


def _looks_json(body: Any) -> bool:
    if isinstance(body, JsonBody):
        return True
    if not isinstance(body, RawBody):
        return False
    text = body.content.decode("utf-8", "replace") if isinstance(body.content, bytes) else body.content
    return text.lstrip()[:1] in ("{", "[")


def _view(request: HttpRequest) -> RequestView:
    headers: dict[str, str] = {}
    for k, v in request.headers:
        headers.setdefault(k.lower(), v)
    query: dict[str, str] = {}
    for k, v in request.query:
        query.setdefault(k, v)
    cookies: dict[str, str] = {}
    for k, v in request.cookies:
        cookies.setdefault(k, v)
    return RequestView(headers, query, cookies)


def _missing(p: Parameter, location: str) -> Diagnostic:
    what = f" ({p.description.strip().splitlines()[0][:80]})" if p.description.strip() else ""
    return _err("missing-parameter", location, f"Required {p.location} parameter '{p.name}' is missing{what}.")


def _param_diag(issue: SchemaIssue, location: str, p: Parameter) -> Diagnostic:
    where = join_location(location, issue.path)
    message = issue.message
    if issue.keyword == "type" and not issue.path:
        message = f"{p.location.capitalize()} parameter '{p.name}' {message[0].lower()}{message[1:]}"
    return _err(issue_code(issue.keyword), where, message)
