"""Build an `HttpRequest` from an operation and arguments: the spec builds, the caller only chooses values.

Usage::

    built = build_request(api, api.operation("issues/create"), {"owner": "octo", "repo": "hello", "title": "Bug"})
    built.request.full_url     # 'https://api.github.com/repos/octo/hello/issues'
    built.provenance           # {'owner': 'given', 'repo': 'given', 'title': 'given', 'body': 'synthesized'}
    built.placeholders         # ('bearer_auth_token',)

Argument names:
- a parameter by its name (`limit`, `owner`, `X-Request-Id`; header names match case-insensitively);
- a top-level property of an object request body by its name (`title`), or the whole body as `body`;
- qualified names when a bare name is ambiguous: `path.id`, `query.id`, `header.X-Id`, `cookie.sid`,
  `body.id`. A bare name means a parameter before a body property; two parameters sharing a bare name make it
  ambiguous (`AmbiguousArgument`); `body` always means the whole body (`body.body` is a property called body);
- the header / query / cookie name of one of the operation's security schemes (e.g. `api_key`): the caller
  supplies that credential (use a `{{placeholder}}`, never a real secret in code you share).
Anything else raises `UnknownArgument` with a did-you-mean hint. String values are coerced to the schema's type
(`"10"` → 10, `"a,b"` → `["a", "b"]`, JSON for objects); a value that cannot be → `CoercionError`.

Missing values (`synthesize`):
- `"required"` (default): required parameters and properties are filled (see `apiforge.http._examples`); an
  optional request body is still sent for POST, PUT and PATCH, whose point is the body;
- `"all"`: optional parameters and properties are filled too;
- `"none"`: nothing is invented; a missing required value raises `MissingArgument`.
A path parameter with no example, default or enum becomes a `{{name}}` placeholder instead of an invented id.

Other rules: auth is a placeholder (see `apiforge.http._security`); the base URL comes from
`apiforge.http._server`; the body's media type from `apiforge.http._body`. An `Accept` header is added only
when the success response offers more than one media type (JSON preferred, else the first), because only then
does negotiation change what comes back; a single offered type needs no header. Everything is deterministic.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from apiforge.errors import BuildError, UnknownArgument
from apiforge.http._body import base_media_type, choose_media_type, make_body
from apiforge.http._coerce import CoercionError, coerce
from apiforge.http._examples import snake_name, synthesize
from apiforge.http._fit import fits
from apiforge.http._models import Body, FormBody, HttpRequest, JsonBody, MultipartBody, RawBody, placeholder
from apiforge.http._schemas import flatten, is_json_media, object_properties, schema_type
from apiforge.http._security import Carrier, carrier, plan_auth
from apiforge.http._server import resolve_base_url
from apiforge.http._style import scalar_text, serialize_cookie, serialize_header, serialize_path, serialize_query
from apiforge.spec.model import Api, Operation, Parameter

__all__ = [
    "AmbiguousArgument",
    "BuiltRequest",
    "CoercionError",
    "MissingArgument",
    "Synthesize",
    "argument_names",
    "build_http_request",
    "build_request",
]

Synthesize = Literal["required", "all", "none"]

_LOCATIONS = ("path", "query", "header", "cookie")
_BODY_METHODS = ("POST", "PUT", "PATCH")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_LITERAL_SAFE = "/-._~!$&'()*+,;=:@%"


class MissingArgument(BuildError):
    """Required values were not given and `synthesize="none"` forbids inventing them."""

    def __init__(self, names: list[str], *, operation_id: str) -> None:
        self.names = names
        super().__init__(f"missing required argument(s): {', '.join(names)}", operation_id=operation_id)


class AmbiguousArgument(BuildError):
    """A bare argument name that several parameters share; the qualified names tell them apart."""

    def __init__(self, name: str, choices: list[str], *, operation_id: str) -> None:
        self.name = name
        self.choices = choices
        super().__init__(f"argument '{name}' is ambiguous: use one of {', '.join(choices)}", operation_id=operation_id)


@dataclass(frozen=True, slots=True)
class BuiltRequest:
    """A request built from an operation, with where each value came from."""

    request: HttpRequest
    provenance: dict[str, str] = field(default_factory=dict)
    """Argument name → `given`, `default`, `example`, `synthesized` or `placeholder`. `body` is the whole body."""
    placeholders: tuple[str, ...] = ()
    """Names of every `{{placeholder}}` in the request, body included, in order: secrets and values to fill."""
    operation_id: str = ""
    warnings: tuple[str, ...] = ()
    """What the caller should know: relative server resolved, scheme signed at send time, unused path param..."""


@dataclass(frozen=True, slots=True)
class _Slot:
    key: str
    """Qualified name: `path.id`, `body.title`, `body`, `auth.header.x-api-key`."""
    kind: Literal["param", "prop", "body", "auth"]
    name: str
    param: Parameter | None = None
    schema: dict[str, Any] = field(default_factory=dict)
    place: Carrier | None = None


class _Slots:
    """Every argument an operation accepts, and how names resolve to them."""

    def __init__(self, api: Api, op: Operation, media_type: str | None) -> None:
        self.op = op
        self.by_key: dict[str, _Slot] = {}
        self.params: dict[str, list[_Slot]] = {}
        self.props: dict[str, _Slot] = {}
        self.auth: dict[str, _Slot] = {}
        for p in op.parameters:
            slot = _Slot(f"{p.location}.{p.name}", "param", p.name, p, p.schema)
            self.by_key.setdefault(slot.key, slot)
            self.params.setdefault(p.name, []).append(slot)
        if op.request_body is not None:
            self.by_key["body"] = _Slot("body", "body", "body")
            media = op.request_body.content.get(media_type or "")
            for name, schema in object_properties(api, media.schema if media else {}).items():
                slot = _Slot(f"body.{name}", "prop", name, schema=schema)
                self.by_key[slot.key] = slot
                self.props[name] = slot
        for alternative in op.security or ():
            for scheme_name in alternative:
                scheme = api.security_schemes.get(scheme_name)
                place = carrier(scheme) if scheme is not None else None
                if place is None:
                    continue
                label = scheme.param_name if scheme is not None and scheme.type == "apiKey" else "Authorization"
                slot = _Slot(f"auth.{place[0]}.{place[1]}", "auth", label or scheme_name, place=place)
                self.by_key.setdefault(slot.key, slot)
                self.auth.setdefault(slot.name, slot)

    def resolve(self, name: str) -> _Slot:
        if name == "body" and "body" in self.by_key:
            return self.by_key["body"]
        found = self._bare(name)
        if found is not None:
            return found
        if name in self.by_key:
            return self.by_key[name]
        location, _, rest = name.partition(".")
        if location == "header" and rest:
            for slot in self.params.get(rest, []) + self._header_params(rest):
                if slot.param is not None and slot.param.location == "header":
                    return slot
        raise UnknownArgument(name, operation_id=self.op.id, known=self.names())

    def _header_params(self, name: str) -> list[_Slot]:
        lower = name.lower()
        return [
            s
            for slots in self.params.values()
            for s in slots
            if s.param is not None and s.param.location == "header" and s.name.lower() == lower
        ]

    def _bare(self, name: str) -> _Slot | None:
        params = self.params.get(name) or self._header_params(name)
        if len(params) > 1:
            raise AmbiguousArgument(name, [s.key for s in params], operation_id=self.op.id)
        if params:
            return params[0]
        if name in self.props:
            return self.props[name]
        lower = name.lower()
        for label, slot in self.auth.items():
            if label == name or (slot.place is not None and slot.place[0] == "header" and label.lower() == lower):
                return slot
        return None

    def display(self, slot: _Slot) -> str:
        """The name used in provenance: bare when the bare name resolves to this slot, else qualified."""
        if slot.kind == "body":
            return "body"
        try:
            return slot.name if self._bare(slot.name) is slot else slot.key
        except AmbiguousArgument:
            return slot.key

    def names(self) -> list[str]:
        out: dict[str, None] = {}
        for slots in self.params.values():
            for slot in slots:
                out[self.display(slot)] = None
        if "body" in self.by_key:
            out["body"] = None
        for slot in self.props.values():
            out[self.display(slot)] = None
        for slot in self.auth.values():
            out[self.display(slot)] = None
        return list(out)


def argument_names(api: Api, operation: Operation, *, media_type: str | None = None) -> list[str]:
    """Every argument name `build_request` accepts for `operation` (bare where unambiguous), in spec order."""
    chosen = choose_media_type(operation.request_body, media_type) if operation.request_body else None
    return _Slots(api, operation, chosen).names()


def build_http_request(
    api: Api,
    operation: Operation,
    arguments: Mapping[str, Any] | None = None,
    *,
    server: str | int | None = None,
    synthesize: Synthesize = "required",
    media_type: str | None = None,
) -> HttpRequest:
    """`build_request(...).request`, for callers that need only the request."""
    return build_request(api, operation, arguments, server=server, synthesize=synthesize, media_type=media_type).request


def build_request(
    api: Api,
    operation: Operation,
    arguments: Mapping[str, Any] | None = None,
    *,
    server: str | int | None = None,
    synthesize: Synthesize = "required",
    media_type: str | None = None,
) -> BuiltRequest:
    """Build the request for `operation` from `arguments` (see the module docstring for names and rules).

    Raises `UnknownArgument`, `AmbiguousArgument`, `CoercionError`, `MissingArgument` or `BuildError` (bad
    server, media type not offered).
    """
    if synthesize not in ("required", "all", "none"):
        raise BuildError(
            f"synthesize must be 'required', 'all' or 'none', not {synthesize!r}", operation_id=operation.id
        )
    return _Builder(api, operation, dict(arguments or {}), synthesize, media_type).build(server)


class _Builder:
    def __init__(self, api: Api, op: Operation, arguments: dict[str, Any], mode: Synthesize, media: str | None):
        self.api = api
        self.op = op
        self.mode = mode
        self.fill_all = mode == "all"
        self.provenance: dict[str, str] = {}
        self.warnings: list[str] = []
        self.missing: list[str] = []
        self.query: list[tuple[str, str]] = []
        self.headers: list[tuple[str, str]] = []
        self.cookies: list[tuple[str, str]] = []
        self.path_values: dict[str, str] = {}
        content_type = self._content_type_argument(arguments)
        self.media_type: str | None = None
        if op.request_body is not None:
            self.media_type = choose_media_type(op.request_body, media or content_type, operation_id=op.id)
        elif media:
            raise BuildError(f"media type '{media}' given but the operation takes no request body", operation_id=op.id)
        self.slots = _Slots(api, op, self.media_type)
        self.given: dict[str, tuple[_Slot, Any]] = {}
        for name, value in arguments.items():
            slot = self.slots.resolve(name)
            if slot.key in self.given:
                raise BuildError(
                    f"argument '{name}' given twice (also as '{self.given[slot.key][0].key}')", operation_id=op.id
                )
            self.given[slot.key] = (slot, value)

    def _content_type_argument(self, arguments: dict[str, Any]) -> str | None:
        """A declared `Content-Type` header parameter's value picks the media type (it never becomes a header)."""
        for p in self.op.parameters:
            if p.location == "header" and p.name.lower() == "content-type":
                for name in (p.name, f"header.{p.name}"):
                    if name in arguments:
                        return str(arguments[name])
        return None

    # -- the steps -------------------------------------------------------------------------------------------

    def build(self, server: str | int | None) -> BuiltRequest:
        supplied = {slot.place for slot, _ in self.given.values() if slot.place is not None}
        for slot, _ in self.given.values():
            if slot.param is not None:
                supplied.add(_place_of(slot.param))
        plan = plan_auth(self.api, self.op, supplied)
        self.warnings.extend(plan.warnings)
        for p in self.op.parameters:
            self._parameter(p, plan.carried)
        for slot, value in self.given.values():
            if slot.kind == "auth" and slot.place is not None:
                self._put(slot.place[0], slot.name, scalar_text(value))
                self.provenance[self.slots.display(slot)] = "given"
        self.query.extend(plan.query)
        self.cookies.extend(plan.cookies)
        for name, value in plan.headers:
            if not any(k.lower() == name.lower() for k, _ in self.headers):
                self.headers.append((name, value))
        body = self._body()
        self._accept()
        base, warnings = resolve_base_url(self.api, self.op, server)
        self.warnings.extend(warnings)
        url = base + self._path()
        if self.missing:
            raise MissingArgument(self.missing, operation_id=self.op.id)
        request = HttpRequest(
            self.op.method,
            url,
            query=tuple(self.query),
            headers=tuple(self.headers),
            cookies=tuple(self.cookies),
            body=body,
        )
        return BuiltRequest(
            request=request,
            provenance=self.provenance,
            placeholders=tuple(_placeholders(request)),
            operation_id=self.op.id,
            warnings=tuple(self.warnings),
        )

    def _parameter(self, p: Parameter, carried: set[Carrier]) -> None:
        if p.location == "header" and p.name.lower() == "content-type":
            return
        slot = self.slots.by_key[f"{p.location}.{p.name}"]
        display = self.slots.display(slot)
        if slot.key in self.given:
            value = self._coerce_param(p, self.given[slot.key][1], display)
            source = "given"
        elif _place_of(p) in carried:
            self.provenance[display] = "placeholder"
            return
        elif p.required or self.fill_all:
            if self.mode == "none":
                self.missing.append(display)
                return
            value, source = self._param_value(p)
        else:
            return
        self.provenance[display] = source
        self._place(p, value)

    def _coerce_param(self, p: Parameter, value: Any, display: str) -> Any:
        if p.content_type and is_json_media(p.content_type) and isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return coerce(self.api, p.schema, value, name=display, operation_id=self.op.id)

    def _param_value(self, p: Parameter) -> tuple[Any, str]:
        if p.has_example and fits(self.api, p.schema, p.example):
            return p.example, "example"
        made = synthesize(self.api, p.schema, name=p.name, fill_all=self.fill_all)
        if made.source == "synthesized" and (p.location == "path" or p.name.lower() == "authorization"):
            # An invented id would look real and hit a wrong resource: make the gap visible instead.
            return placeholder(snake_name(p.name)), "placeholder"
        return made.value, made.source

    def _place(self, p: Parameter, value: Any) -> None:
        as_json = bool(p.content_type) and is_json_media(p.content_type)
        if p.location == "path":
            text = scalar_text(value) if as_json else None
            self.path_values[p.name] = serialize_path(
                p.name, text if text is not None else value, p.effective_style, p.effective_explode
            )
        elif p.location == "query":
            if as_json:
                self.query.append((p.name, scalar_text(value)))
            else:
                self.query.extend(serialize_query(p.name, value, p.effective_style, p.effective_explode))
        elif p.location == "header":
            text = scalar_text(value) if as_json else serialize_header(value, p.effective_explode)
            self.headers.append((p.name, text))
        elif p.location == "cookie":
            if as_json:
                self.cookies.append((p.name, scalar_text(value)))
            else:
                self.cookies.extend(serialize_cookie(p.name, value, p.effective_explode))
        else:
            self.warnings.append(f"parameter '{p.name}' in '{p.location}' is not an HTTP location; left out")

    def _put(self, location: str, name: str, value: str) -> None:
        {"query": self.query, "cookie": self.cookies}.get(location, self.headers).append((name, value))

    def _path(self) -> str:
        """The encoded path. A `#...` suffix (AWS-style operation keys) is dropped; a `?a=b` suffix becomes query."""
        template = self.op.path.split("#", 1)[0]
        template, _, fixed = template.partition("?")
        if fixed:
            placed = {k for k, _ in self.query}
            pairs = urllib.parse.parse_qsl(fixed, keep_blank_values=True)
            self.query[:0] = [(k, v) for k, v in pairs if k not in placed]
        out: list[str] = []
        pos = 0
        declared = {p.name for p in self.op.parameters if p.location == "path"}
        for match in _TEMPLATE.finditer(template):
            out.append(urllib.parse.quote(template[pos : match.start()], safe=_LITERAL_SAFE))
            name = match.group(1)
            if name in self.path_values:
                out.append(self.path_values[name])
            else:
                if name not in declared:
                    self.warnings.append(f"path template names '{{{name}}}' but no path parameter declares it")
                    self.provenance.setdefault(name, "placeholder")
                out.append(placeholder(snake_name(name)))
            pos = match.end()
        out.append(urllib.parse.quote(template[pos:], safe=_LITERAL_SAFE))
        for name in sorted(declared - {m.group(1) for m in _TEMPLATE.finditer(template)}):
            self.warnings.append(f"path parameter '{name}' does not appear in the path template; left out")
        path = "".join(out)
        return path if path.startswith("/") else "/" + path

    def _body(self) -> Body | None:
        rb = self.op.request_body
        if rb is None or self.media_type is None:
            return None
        media = rb.content.get(self.media_type)
        schema = media.schema if media is not None else {}
        whole = self.given.get("body")
        props = {k: v for k, v in self.given.items() if v[0].kind == "prop"}
        if whole is None and not props:
            if self.mode == "none":
                if rb.required:
                    self.missing.append("body")
                return None
            if not (self.fill_all or rb.required or self.op.method in _BODY_METHODS):
                return None
        if whole is not None:
            value, source = self._coerce_body(whole[1], schema), "given"
        elif media is not None and media.has_example and fits(self.api, schema, media.example):
            value, source = media.example, "example"
        elif self.mode == "none":
            value, source = {}, "given"
        else:
            made = synthesize(self.api, schema, fill_all=self.fill_all)
            value, source = made.value, made.source
        if props:
            value = dict(value) if isinstance(value, dict) else {}
            for slot, given in props.values():
                display = self.slots.display(slot)
                value[slot.name] = coerce(self.api, slot.schema, given, name=display, operation_id=self.op.id)
                self.provenance[display] = "given"
            if self.mode == "none" and whole is None:
                required = flatten(self.api, schema).get("required") or []
                self.missing.extend(f"body.{r}" for r in required if r not in value)
        if whole is not None or not props or self.mode != "none":
            self.provenance["body"] = source
        return make_body(self.api, self.media_type, media, value)

    def _coerce_body(self, value: Any, schema: dict[str, Any]) -> Any:
        if not isinstance(value, str) or self.media_type is None:
            return value
        flat = flatten(self.api, schema)
        if is_json_media(self.media_type) and schema_type(flat) != "string":
            try:
                return json.loads(value)
            except ValueError:
                raise CoercionError("body", "JSON text", value, operation_id=self.op.id) from None
        return value

    def _accept(self) -> None:
        if any(k.lower() == "accept" for k, _ in self.headers):
            return
        success = sorted((r for r in self.op.responses if r.status.startswith("2")), key=lambda r: r.status)
        if not success:
            success = [r for r in self.op.responses if r.status == "default"]
        if not success:
            return
        offered = [m for m in success[0].content if "*" not in m]
        if len(offered) < 2:
            return
        chosen = next((m for m in offered if is_json_media(m)), offered[0])
        self.headers.append(("Accept", base_media_type(chosen)))


def _place_of(p: Parameter) -> Carrier:
    return (p.location, p.name.lower() if p.location == "header" else p.name)


def _placeholders(request: HttpRequest) -> list[str]:
    names: dict[str, None] = dict.fromkeys(request.placeholders)
    for text in _body_texts(request.body):
        for name in re.findall(r"\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}", text):
            names[name] = None
    return list(names)


def _body_texts(body: Body | None) -> list[str]:
    if body is None:
        return []
    if isinstance(body, JsonBody):
        return _json_strings(body.value)
    if isinstance(body, FormBody):
        return [v for pair in body.fields for v in pair]
    if isinstance(body, MultipartBody):
        return [t for part in body.parts for t in (part.value, part.filename or "")]
    if isinstance(body, RawBody):
        return [body.content] if isinstance(body.content, str) else []
    return []


def _json_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []
