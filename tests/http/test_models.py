"""The `HttpRequest` value: normalisation, reading, copies with changes, placeholders."""

from __future__ import annotations

import dataclasses

import pytest

from apiforge.http import (
    FormBody,
    HttpRequest,
    JsonBody,
    Part,
    code_to_placeholder,
    encode_query,
    find_placeholders,
    placeholder,
    placeholder_to_code,
)


def test_construction_normalises_method_and_pairs() -> None:
    req = HttpRequest("get", "https://h.test/a", query={"n": 1, "b": True}, headers=[("X", 2)])  # type: ignore[arg-type]
    assert req.method == "GET"
    assert req.query == (("n", "1"), ("b", "True"))
    assert req.headers == (("X", "2"),)
    assert req == HttpRequest("GET", "https://h.test/a", query=(("n", "1"), ("b", "True")), headers=(("X", "2"),))


def test_it_is_immutable_and_copies_carry_changes() -> None:
    req = HttpRequest("GET", "https://h.test/a", headers=(("Accept", "text/html"), ("X", "1")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.method = "POST"  # type: ignore[misc]
    changed = req.with_header("accept", "application/json")
    assert changed.headers == (("X", "1"), ("accept", "application/json"))
    assert req.headers == (("Accept", "text/html"), ("X", "1"))
    assert changed.header("ACCEPT") == "application/json"
    assert req.without_header("x").headers == (("Accept", "text/html"),)
    assert req.header("missing", "d") == "d"


def test_query_helpers_and_full_url() -> None:
    req = HttpRequest("GET", "https://h.test/a", query=(("t", "1"), ("t", "2"), ("s", "x y/ü")))
    assert req.query_values("t") == ["1", "2"]
    assert req.with_query("t", "3").query == (("s", "x y/ü"), ("t", "3"))
    assert req.full_url == "https://h.test/a?t=1&t=2&s=x%20y%2F%C3%BC"
    assert HttpRequest("GET", "https://h.test/a").full_url == "https://h.test/a"
    assert encode_query([("a b", "~-._*")]) == "a%20b=~-._%2A"


def test_url_parts_and_with_origin() -> None:
    req = HttpRequest("GET", "https://api.h.test/v1/items/%C3%BC")
    assert req.path == "/v1/items/%C3%BC"
    assert req.origin == "https://api.h.test"
    assert HttpRequest("GET", "https://h.test").path == "/"
    moved = req.with_origin("http://127.0.0.1:8080/base/")
    assert moved.url == "http://127.0.0.1:8080/base/v1/items/%C3%BC"
    assert req.with_url("https://x.test/").url == "https://x.test/"


def test_body_and_media_type() -> None:
    req = HttpRequest("POST", "https://h.test/a")
    assert req.media_type == ""
    assert req.with_body(FormBody((("a", "1"),))).media_type == "application/x-www-form-urlencoded"
    # A JSON null body is a body; no body is None.
    assert req.with_body(JsonBody(None)).body is not None
    assert req.with_body(JsonBody(None)) != req
    assert FormBody((("a", "x y"), ("b", "&"))).encode() == "a=x+y&b=%26"
    assert Part("f", "x", filename="f.txt").is_file and not Part("k", "v").is_file


def test_placeholder_helpers_round_trip_through_code() -> None:
    assert placeholder("api_key") == "{{api_key}}"
    assert placeholder("X-API-Key") == "{{X_API_Key}}"
    assert placeholder("1st") == "{{_1st}}"
    assert placeholder("--") == "{{value}}"
    assert find_placeholders("Bearer {{token}} and {{other_one}} {{not valid}}") == ["token", "other_one"]
    code = placeholder_to_code("Bearer {{bearer_token}}")
    assert code == "Bearer REPLACE_BEARER_TOKEN"
    assert code_to_placeholder(code) == "Bearer {{bearer_token}}"


def test_placeholders_listed_once_in_order() -> None:
    req = HttpRequest(
        "GET",
        "https://h.test/users/{{user_id}}",
        query=(("key", "{{api_key}}"),),
        headers=(("Authorization", "Bearer {{token}}"), ("X", "{{api_key}}")),
        cookies=(("sid", "{{session}}"),),
    )
    assert req.placeholders == ["user_id", "api_key", "token", "session"]
