"""`build_request`: argument names, coercion, placement, bodies, auth, servers, provenance."""

from __future__ import annotations

from typing import Any

import pytest

from apiforge.errors import BuildError, UnknownArgument
from apiforge.http import (
    AmbiguousArgument,
    CoercionError,
    FormBody,
    HttpRequest,
    JsonBody,
    MissingArgument,
    MultipartBody,
    Part,
    RawBody,
    argument_names,
    build_http_request,
    build_request,
)
from apiforge.spec.model import (
    Api,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityScheme,
    Server,
)

BASE = "https://api.example.test/v1"


def make_api(*ops: Operation, schemas: dict[str, Any] | None = None, **kw: Any) -> Api:
    kw.setdefault("servers", (Server(BASE),))
    return Api(id="t", title="T", version="1", operations=ops, schemas=schemas or {}, **kw)


def make_op(path: str = "/items", method: str = "GET", *params: Parameter, **kw: Any) -> Operation:
    return Operation(id=kw.pop("id", "op"), method=method, path=path, parameters=params, **kw)


def json_body(schema: dict[str, Any], **kw: Any) -> RequestBody:
    return RequestBody(content={"application/json": MediaType(schema=schema, **kw)})


def build(op: Operation, args: dict[str, Any] | None = None, api: Api | None = None, **kw: Any):
    return build_request(api or make_api(op), op, args, **kw)


# -- argument names ---------------------------------------------------------------------------------------------


def test_parameters_land_in_their_places() -> None:
    op = make_op(
        "/repos/{owner}/items",
        "GET",
        Parameter("owner", "path", required=True, schema={"type": "string"}),
        Parameter("limit", "query", schema={"type": "integer"}),
        Parameter("X-Trace", "header", schema={"type": "string"}),
        Parameter("session", "cookie", schema={"type": "string"}),
    )
    built = build(op, {"owner": "octo", "limit": "10", "x-trace": "abc", "session": "s1"})
    req = built.request
    assert req.url == f"{BASE}/repos/octo/items"
    assert req.query == (("limit", "10"),)
    assert req.headers == (("X-Trace", "abc"),)
    assert req.cookies == (("session", "s1"),)
    assert built.provenance == {"owner": "given", "limit": "given", "X-Trace": "given", "session": "given"}
    assert built.operation_id == "op"


def test_unknown_argument_suggests_the_closest_name() -> None:
    op = make_op("/items", "GET", Parameter("limit", "query", schema={"type": "integer"}))
    with pytest.raises(UnknownArgument) as info:
        build(op, {"limt": 5})
    assert info.value.name == "limt"
    assert "Did you mean 'limit'?" in str(info.value)
    assert isinstance(info.value, BuildError)


def test_path_and_query_sharing_a_name_need_qualified_names() -> None:
    op = make_op(
        "/items/{id}",
        "GET",
        Parameter("id", "path", required=True, schema={"type": "string"}),
        Parameter("id", "query", schema={"type": "string"}),
    )
    with pytest.raises(AmbiguousArgument) as info:
        build(op, {"id": "1"})
    assert info.value.choices == ["path.id", "query.id"]
    built = build(op, {"path.id": "a", "query.id": "b"})
    assert built.request.url == f"{BASE}/items/a"
    assert built.request.query == (("id", "b"),)
    assert built.provenance == {"path.id": "given", "query.id": "given"}
    assert argument_names(make_api(op), op) == ["path.id", "query.id"]


def test_bare_name_means_the_parameter_and_body_dot_name_the_property() -> None:
    body = json_body({"type": "object", "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}})
    op = make_op("/items", "POST", Parameter("name", "query", schema={"type": "string"}), request_body=body)
    built = build(op, {"name": "q", "body.name": "b", "size": "3"})
    assert built.request.query == (("name", "q"),)
    assert built.request.body == JsonBody({"name": "b", "size": 3})
    assert built.provenance["name"] == "given"
    assert built.provenance["body.name"] == "given"
    assert built.provenance["size"] == "given"


def test_the_same_argument_twice_is_an_error() -> None:
    op = make_op("/items/{id}", "GET", Parameter("id", "path", required=True, schema={"type": "string"}))
    with pytest.raises(BuildError, match="given twice"):
        build(op, {"id": "1", "path.id": "2"})


def test_whole_body_argument_as_dict_or_json_text() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    op = make_op("/items", "POST", request_body=json_body(schema))
    assert build(op, {"body": {"a": 1}}).request.body == JsonBody({"a": 1})
    assert build(op, {"body": '{"a": 2}'}).request.body == JsonBody({"a": 2})
    assert build(op, {"body": '{"a": 2}', "a": "5"}).request.body == JsonBody({"a": 5})
    with pytest.raises(CoercionError, match="'body' expects JSON text"):
        build(op, {"body": "{not json"})


# -- coercion ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "text", "expected"),
    [
        ({"type": "integer"}, "10", 10),
        ({"type": "integer"}, "-3", -3),
        ({"type": "number"}, "2.5", 2.5),
        ({"type": "number"}, "7", 7),
        ({"type": "boolean"}, "true", True),
        ({"type": "boolean"}, "No", False),
        ({"type": "array", "items": {"type": "integer"}}, "1,2,3", [1, 2, 3]),
        ({"type": "array", "items": {"type": "string"}}, '["a,b", "c"]', ["a,b", "c"]),
        ({"type": "object"}, '{"k": [1]}', {"k": [1]}),
        ({"type": ["integer", "null"]}, "null", None),
        ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, "x", "x"),
        ({"type": "string"}, "10", "10"),
        ({"type": "integer"}, "{{count}}", "{{count}}"),
    ],
)
def test_string_values_are_coerced_to_the_schema_type(schema: dict[str, Any], text: str, expected: Any) -> None:
    op = make_op("/items", "POST", request_body=json_body({"type": "object", "properties": {"v": schema}}))
    assert build(op, {"v": text}).request.body == JsonBody({"v": expected})


@pytest.mark.parametrize(
    ("schema", "text", "expected"),
    [
        ({"type": "integer"}, "ten", "an integer"),
        ({"type": "integer"}, "1.5", "an integer"),
        ({"type": "number"}, "abc", "a number"),
        ({"type": "boolean"}, "maybe", "a boolean"),
        ({"type": "array", "items": {"type": "integer"}}, "1,x", "an array"),
        ({"type": "object"}, "[1]", "a JSON object"),
        ({"type": "object"}, "k=v", "a JSON object"),
    ],
)
def test_uncoercible_values_name_the_parameter_and_type(schema: dict[str, Any], text: str, expected: str) -> None:
    op = make_op("/items", "GET", Parameter("limit", "query", schema=schema), id="list")
    with pytest.raises(CoercionError) as info:
        build(op, {"limit": text})
    assert info.value.name == "limit"
    assert info.value.operation_id == "list"
    assert expected in info.value.expected
    assert str(info.value).startswith("list: argument 'limit' expects")


def test_non_string_values_are_taken_as_given() -> None:
    op = make_op("/items", "GET", Parameter("tags", "query", schema={"type": "array", "items": {"type": "string"}}))
    assert build(op, {"tags": ["a", "b"]}).request.query == (("tags", "a"), ("tags", "b"))


# -- path encoding --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("café", "caf%C3%A9"),
        ("日本", "%E6%97%A5%E6%9C%AC"),
        ("a/b", "a%2Fb"),
        ("a b?c#d%e", "a%20b%3Fc%23d%25e"),
        ("x,y;z=w", "x%2Cy%3Bz%3Dw"),
        ("keep-._~!$&'()*+:@", "keep-._~!$&'()*+:@"),
        ("{{owner}}", "{{owner}}"),
        ("pre {{owner}} /", "pre%20{{owner}}%20%2F"),
    ],
)
def test_path_values_are_percent_encoded_per_segment(value: str, encoded: str) -> None:
    op = make_op("/files/{name}/meta", "GET", Parameter("name", "path", required=True, schema={"type": "string"}))
    assert build(op, {"name": value}).request.url == f"{BASE}/files/{encoded}/meta"


def test_query_values_stay_decoded_and_are_encoded_in_full_url() -> None:
    op = make_op("/search", "GET", Parameter("q", "query", schema={"type": "string"}))
    req = build(op, {"q": "a&b=c ü/"}).request
    assert req.query == (("q", "a&b=c ü/"),)
    assert req.full_url == f"{BASE}/search?q=a%26b%3Dc%20%C3%BC%2F"


def test_path_template_fragment_is_dropped_and_fixed_query_kept() -> None:
    op = make_op(
        "/queue/{name}?Action=Send#Send", "GET", Parameter("name", "path", required=True, schema={"type": "string"})
    )
    req = build(op, {"name": "q1"}).request
    assert req.url == f"{BASE}/queue/q1"
    assert req.query == (("Action", "Send"),)


def test_undeclared_path_template_variable_becomes_a_placeholder_with_a_warning() -> None:
    built = build(make_op("/items/{item_id}", "GET"))
    assert built.request.url == f"{BASE}/items/{{{{item_id}}}}"
    assert built.placeholders == ("item_id",)
    assert any("item_id" in w for w in built.warnings)


# -- synthesis modes and provenance ----------------------------------------------------------------------------------


def _mixed_op() -> Operation:
    return make_op(
        "/users/{userId}/posts",
        "GET",
        Parameter("userId", "path", required=True, schema={"type": "integer"}),
        Parameter("page", "query", required=True, schema={"type": "integer", "default": 2}),
        Parameter("sort", "query", required=True, schema={"type": "string", "enum": ["new", "old"]}),
        Parameter("lang", "query", required=True, schema={"type": "string"}, example="en", has_example=True),
        Parameter("since", "query", schema={"type": "string", "format": "date"}),
    )


def test_required_mode_fills_required_values_and_skips_optional_ones() -> None:
    built = build(_mixed_op())
    req = built.request
    assert req.url == f"{BASE}/users/{{{{user_id}}}}/posts"
    assert req.query == (("page", "2"), ("sort", "new"), ("lang", "en"))
    assert built.provenance == {"userId": "placeholder", "page": "default", "sort": "synthesized", "lang": "example"}
    assert built.placeholders == ("user_id",)


def test_all_mode_fills_optional_values_too() -> None:
    built = build(_mixed_op(), {"userId": "7"}, synthesize="all")
    assert built.request.url == f"{BASE}/users/7/posts"
    assert built.request.query_values("since") == ["2024-01-01"]
    assert built.provenance["since"] == "synthesized"
    assert built.provenance["userId"] == "given"


def test_path_parameter_with_an_example_uses_it() -> None:
    op = make_op("/u/{id}", "GET", Parameter("id", "path", required=True, schema={"type": "integer", "example": 42}))
    built = build(op)
    assert built.request.url == f"{BASE}/u/42"
    assert built.provenance == {"id": "example"}


def test_none_mode_refuses_to_invent_values() -> None:
    with pytest.raises(MissingArgument) as info:
        build(_mixed_op(), {"page": 1}, synthesize="none")
    assert info.value.names == ["userId", "sort", "lang"]
    built = build(_mixed_op(), {"userId": 1, "page": 1, "sort": "old", "lang": "fr"}, synthesize="none")
    assert built.request.query == (("page", "1"), ("sort", "old"), ("lang", "fr"))


def test_none_mode_reports_a_missing_required_body_and_properties() -> None:
    schema = {"type": "object", "required": ["a", "b"], "properties": {"a": {"type": "string"}, "b": {}}}
    op = make_op("/items", "POST", request_body=RequestBody({"application/json": MediaType(schema)}, required=True))
    with pytest.raises(MissingArgument) as info:
        build(op, synthesize="none")
    assert info.value.names == ["body"]
    with pytest.raises(MissingArgument) as info:
        build(op, {"a": "x"}, synthesize="none")
    assert info.value.names == ["body.b"]
    assert build(op, {"a": "x", "b": 1}, synthesize="none").request.body == JsonBody({"a": "x", "b": 1})


def test_bad_synthesize_mode_is_rejected() -> None:
    with pytest.raises(BuildError, match="synthesize"):
        build(_mixed_op(), synthesize="some")  # type: ignore[arg-type]


def test_building_is_deterministic() -> None:
    op = _mixed_op()
    api = make_api(op)
    assert build_request(api, op, synthesize="all") == build_request(api, op, synthesize="all")
    assert build_http_request(api, op) == build_request(api, op).request


def test_optional_body_is_sent_for_post_but_not_for_delete() -> None:
    body = json_body({"type": "object", "properties": {"a": {"type": "string"}}})
    post = make_op("/items", "POST", request_body=body)
    delete = make_op("/items", "DELETE", request_body=body)
    assert build(post).request.body == JsonBody({})
    assert build(delete).request.body is None
    assert build(delete, synthesize="all").request.body == JsonBody({"a": "string"})


def test_media_type_example_wins_over_synthesis() -> None:
    body = RequestBody({"application/json": MediaType({"type": "object"}, example={"x": 1}, has_example=True)})
    built = build(make_op("/items", "POST", request_body=body), {})
    assert built.request.body == JsonBody({"x": 1})
    assert built.provenance == {"body": "example"}


# -- media types and bodies ------------------------------------------------------------------------------------------

_OBJ = {"type": "object", "properties": {"a": {"type": "string"}}}


@pytest.mark.parametrize(
    ("offered", "expected"),
    [
        (["text/plain", "application/x-www-form-urlencoded", "application/json"], "application/json"),
        (["application/merge-patch+json", "application/json; charset=utf-8"], "application/json; charset=utf-8"),
        (["text/plain", "application/merge-patch+json"], "application/merge-patch+json"),
        (["multipart/form-data", "application/x-www-form-urlencoded"], "application/x-www-form-urlencoded"),
        (["text/plain", "multipart/form-data"], "multipart/form-data"),
        (["application/xml", "text/plain"], "application/xml"),
    ],
)
def test_media_type_preference(offered: list[str], expected: str) -> None:
    body = RequestBody({m: MediaType(_OBJ) for m in offered})
    req = build(make_op("/items", "POST", request_body=body), {"a": "x"}).request
    assert req.media_type == expected


def test_callers_media_type_choice_and_unknown_choice() -> None:
    body = RequestBody({"application/json": MediaType(_OBJ), "application/x-www-form-urlencoded": MediaType(_OBJ)})
    op = make_op("/items", "POST", request_body=body)
    req = build(op, {"a": "x"}, media_type="application/x-www-form-urlencoded").request
    assert req.body == FormBody((("a", "x"),))
    with pytest.raises(BuildError, match="not offered"):
        build(op, {"a": "x"}, media_type="text/csv")
    with pytest.raises(BuildError, match="no request body"):
        build(make_op("/items", "GET"), media_type="application/json")


def test_content_type_header_parameter_chooses_the_media_type_and_is_not_a_header() -> None:
    body = RequestBody({"application/json": MediaType(_OBJ), "application/xml": MediaType(_OBJ)})
    op = make_op("/items", "POST", Parameter("Content-Type", "header", schema={"type": "string"}), request_body=body)
    req = build(op, {"Content-Type": "application/xml", "a": "x"}).request
    assert req.headers == ()
    assert req.body == RawBody("<root><a>x</a></root>", "application/xml")


def test_form_body_nesting_and_encoding_rules() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "ids": {"type": "array", "items": {"type": "integer"}},
            "address": {"type": "object"},
            "items": {"type": "array", "items": {"type": "object"}},
            "meta": {"type": "object"},
            "flag": {"type": "boolean"},
        },
    }
    encoding = {"ids": {"style": "form", "explode": False}, "meta": {"contentType": "application/json"}}
    body = RequestBody({"application/x-www-form-urlencoded": MediaType(schema, encoding=encoding)})
    args = {
        "name": "n",
        "tags": ["a", "b"],
        "ids": [1, 2],
        "address": {"city": "Paris", "geo": {"lat": 1}},
        "items": [{"price": "p1"}],
        "meta": {"k": "v"},
        "flag": "true",
    }
    req = build(make_op("/items", "POST", request_body=body), args).request
    assert req.body == FormBody(
        (
            ("name", "n"),
            ("tags", "a"),
            ("tags", "b"),
            ("ids", "1,2"),
            ("address[city]", "Paris"),
            ("address[geo][lat]", "1"),
            ("items[0][price]", "p1"),
            ("meta", '{"k":"v"}'),
            ("flag", "true"),
        )
    )


def test_multipart_binary_properties_become_file_parts() -> None:
    schema = {
        "type": "object",
        "required": ["file", "purpose"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "avatar": {"type": "string", "format": "binary"},
            "purpose": {"type": "string"},
            "meta": {"type": "object", "properties": {"k": {"type": "string"}}},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    encoding = {"avatar": {"contentType": "image/png"}}
    body = RequestBody({"multipart/form-data": MediaType(schema, encoding=encoding)}, required=True)
    op = make_op("/files", "POST", request_body=body)
    req = build(op).request
    assert req.body == MultipartBody(
        (
            Part("file", "example file content", filename="file.bin", content_type="application/octet-stream"),
            Part("purpose", "string"),
        )
    )
    req = build(op, {"avatar": "PNGDATA", "meta": {"k": "v"}, "tags": "x,y"}).request
    assert isinstance(req.body, MultipartBody)
    by_name = {(p.name, p.value): p for p in req.body.parts}
    assert by_name[("avatar", "PNGDATA")] == Part("avatar", "PNGDATA", filename="avatar.png", content_type="image/png")
    assert by_name[("meta", '{"k":"v"}')].content_type == "application/json"
    assert [p.value for p in req.body.parts if p.name == "tags"] == ["x", "y"]


@pytest.mark.parametrize(
    ("media_type", "schema", "args", "expected"),
    [
        ("text/plain", {"type": "string"}, {"body": "hello"}, RawBody("hello", "text/plain")),
        ("text/plain", {"type": "string"}, {}, RawBody("string", "text/plain")),
        (
            "application/octet-stream",
            {"type": "string", "format": "binary"},
            {},
            RawBody("example file content", "application/octet-stream"),
        ),
        (
            "application/octet-stream",
            {"type": "string"},
            {"body": b"\x00\x01"},
            RawBody(b"\x00\x01", "application/octet-stream"),
        ),
        (
            "application/xml",
            {"$ref": "#/components/schemas/Pet"},
            {"name": "Rex & co", "tags": ["a", "b"]},
            RawBody("<pet><name>Rex &amp; co</name><tags>a</tags><tags>b</tags></pet>", "application/xml"),
        ),
        ("application/json-patch+json", {"type": "array"}, {"body": "[]"}, JsonBody([], "application/json-patch+json")),
    ],
)
def test_raw_and_json_variant_bodies(
    media_type: str, schema: dict[str, Any], args: dict[str, Any], expected: Any
) -> None:
    schemas = {"Pet": {"type": "object", "xml": {"name": "pet"}, "properties": {"name": {}, "tags": {"type": "array"}}}}
    op = make_op("/x", "PUT", request_body=RequestBody({media_type: MediaType(schema)}, required=True))
    assert build(op, args, api=make_api(op, schemas=schemas)).request.body == expected


# -- auth ------------------------------------------------------------------------------------------------------------


def _auth_api(*schemes: SecurityScheme, security: tuple[dict[str, list[str]], ...]) -> tuple[Api, Operation]:
    op = make_op("/me", "GET", security=security)
    return make_api(op, security_schemes={s.name: s for s in schemes}), op


@pytest.mark.parametrize(
    ("scheme", "headers", "query", "cookies"),
    [
        (
            SecurityScheme("ApiKeyAuth", "apiKey", location="header", param_name="X-API-Key"),
            [("X-API-Key", "{{api_key_auth}}")],
            [],
            [],
        ),
        (SecurityScheme("key", "apiKey", location="query", param_name="api_key"), [], [("api_key", "{{key}}")], []),
        (SecurityScheme("session", "apiKey", location="cookie", param_name="sid"), [], [], [("sid", "{{session}}")]),
        (
            SecurityScheme("basicAuth", "http", scheme="basic"),
            [("Authorization", "Basic {{basic_auth_credentials}}")],
            [],
            [],
        ),
        (
            SecurityScheme("bearerAuth", "http", scheme="bearer"),
            [("Authorization", "Bearer {{bearer_auth_token}}")],
            [],
            [],
        ),
        (SecurityScheme("oauth2", "oauth2"), [("Authorization", "Bearer {{oauth2_token}}")], [], []),
        (SecurityScheme("OpenID", "openIdConnect"), [("Authorization", "Bearer {{open_id_token}}")], [], []),
        (
            SecurityScheme("AccessToken", "http", scheme="bearer"),
            [("Authorization", "Bearer {{access_token}}")],
            [],
            [],
        ),
    ],
)
def test_auth_placeholders(scheme: SecurityScheme, headers: list[Any], query: list[Any], cookies: list[Any]) -> None:
    api, op = _auth_api(scheme, security=({scheme.name: []},))
    built = build_request(api, op)
    req = built.request
    assert (list(req.headers), list(req.query), list(req.cookies)) == (headers, query, cookies)
    assert len(built.placeholders) == 1
    assert built.warnings == ()


@pytest.mark.parametrize(
    "scheme",
    [
        SecurityScheme("digest", "http", scheme="digest"),
        SecurityScheme("kerberos", "http", scheme="negotiate"),
        SecurityScheme(
            "hmac",
            "apiKey",
            location="header",
            param_name="Authorization",
            extensions={"x-amazon-apigateway-authtype": "awsSigv4"},
        ),
        SecurityScheme("mtls", "mutualTLS"),
    ],
)
def test_signed_schemes_add_nothing_but_a_warning(scheme: SecurityScheme) -> None:
    api, op = _auth_api(scheme, security=({scheme.name: []},))
    built = build_request(api, op)
    assert built.request.headers == ()
    assert built.placeholders == ()
    assert len(built.warnings) == 1
    assert "signed at send time" in built.warnings[0]


def test_first_alternative_unless_the_caller_supplies_another() -> None:
    basic = SecurityScheme("basicAuth", "http", scheme="basic")
    key = SecurityScheme("token", "apiKey", location="query", param_name="access_token")
    api, op = _auth_api(basic, key, security=({"basicAuth": []}, {"token": []}))
    assert build_request(api, op).request.headers == (("Authorization", "Basic {{basic_auth_credentials}}"),)
    built = build_request(api, op, {"access_token": "{{mine}}"})
    assert built.request.headers == ()
    assert built.request.query == (("access_token", "{{mine}}"),)
    assert built.provenance == {"access_token": "given"}


def test_all_schemes_of_an_alternative_are_applied() -> None:
    key = SecurityScheme("api_key", "apiKey", location="query", param_name="key")
    token = SecurityScheme("api_token", "apiKey", location="query", param_name="token")
    api, op = _auth_api(key, token, security=({"api_key": [], "api_token": []},))
    assert build_request(api, op).request.query == (("key", "{{api_key}}"), ("token", "{{api_token}}"))


def test_declared_parameter_carrying_the_credential_is_not_synthesised_twice() -> None:
    scheme = SecurityScheme("api_key", "apiKey", location="query", param_name="key")
    op = make_op(
        "/me", "GET", Parameter("key", "query", required=True, schema={"type": "string"}), security=({"api_key": []},)
    )
    built = build_request(make_api(op, security_schemes={"api_key": scheme}), op)
    assert built.request.query == (("key", "{{api_key}}"),)
    assert built.provenance == {"key": "placeholder"}


def test_no_security_and_undefined_scheme() -> None:
    api, op = _auth_api(security=())
    assert build_request(api, op).request.headers == ()
    api, op = _auth_api(security=({"ghost": []},))
    built = build_request(api, op)
    assert built.request.headers == ()
    assert "'ghost' is not defined" in built.warnings[0]


def test_required_authorization_parameter_is_a_placeholder() -> None:
    op = make_op("/me", "GET", Parameter("Authorization", "header", required=True, schema={"type": "string"}))
    built = build(op)
    assert built.request.headers == (("Authorization", "{{authorization}}"),)
    assert built.provenance == {"Authorization": "placeholder"}


# -- servers ---------------------------------------------------------------------------------------------------------


def test_server_variables_index_url_and_operation_servers() -> None:
    regional = Server(
        "https://{region}.api.test/{version}",
        variables={"region": {"enum": ["eu", "us"]}, "version": {"default": "v2"}},
    )
    other = Server("https://backup.api.test")
    op = make_op("/ping", "GET")
    api = make_api(op, servers=(regional, other))
    assert build_request(api, op).request.url == "https://eu.api.test/v2/ping"
    assert build_request(api, op, server=1).request.url == "https://backup.api.test/ping"
    assert build_request(api, op, server="https://backup.api.test/").request.url == "https://backup.api.test/ping"
    assert (
        build_request(api, op, server="https://{region}.api.test/{version}").request.url
        == "https://eu.api.test/v2/ping"
    )
    assert build_request(api, op, server="http://127.0.0.1:9/base").request.url == "http://127.0.0.1:9/base/ping"
    with pytest.raises(BuildError, match="out of range"):
        build_request(api, op, server=2)
    with pytest.raises(BuildError, match="unknown server 'staging'"):
        build_request(api, op, server="staging")
    op_with_own = make_op("/ping", "GET", servers=(Server("https://op.api.test/"),))
    assert build_request(make_api(op_with_own), op_with_own).request.url == "https://op.api.test/ping"


def test_relative_server_resolution_rules() -> None:
    op = make_op("/ping", "GET")
    from_url = make_api(op, servers=(Server("/v1"),), source="https://host.test/specs/openapi.json")
    built = build_request(from_url, op)
    assert built.request.url == "https://host.test/v1/ping"
    assert built.warnings == ()
    sibling = make_api(op, servers=(Server("/api/v1"), Server("https://apache.test/x")), source="/tmp/spec.json")
    built = build_request(sibling, op)
    assert built.request.url == "https://apache.test/api/v1/ping"
    assert "another server" in built.warnings[0]
    alone = make_api(op, servers=(Server("/api/v1"),))
    built = build_request(alone, op)
    assert built.request.url == "https://example.com/api/v1/ping"
    assert "placeholder" in built.warnings[0]
    assert build_request(make_api(op, servers=()), op).request.url == "https://example.com/ping"


# -- content negotiation --------------------------------------------------------------------------------------------


def test_accept_only_when_the_success_response_offers_a_choice() -> None:
    one = (Response("200", content={"application/json": MediaType()}),)
    two = (
        Response("404", content={"text/html": MediaType()}),
        Response("200", content={"application/xml": MediaType(), "application/json; charset=utf-8": MediaType()}),
    )
    star = (Response("201", content={"*/*": MediaType(), "text/csv": MediaType()}),)
    assert build(make_op("/a", "GET", responses=one)).request.headers == ()
    assert build(make_op("/a", "GET", responses=two)).request.headers == (("Accept", "application/json"),)
    assert build(make_op("/a", "GET", responses=star)).request.headers == ()
    with_param = make_op("/a", "GET", Parameter("Accept", "header", schema={"type": "string"}), responses=two)
    assert build(with_param, {"Accept": "application/xml"}).request.headers == (("Accept", "application/xml"),)


def test_placeholders_include_body_strings() -> None:
    schema = {"type": "object", "required": ["password"], "properties": {"password": {"type": "string"}}}
    op = make_op("/login", "POST", request_body=json_body(schema))
    built = build(op)
    assert built.request.body == JsonBody({"password": "{{password}}"})
    assert built.placeholders == ("password",)
    assert isinstance(built.request, HttpRequest)
