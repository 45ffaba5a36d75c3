"""HAR 1.2 conversion: the shape `to_har` writes, what `from_har` accepts, and round trips."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apiforge.errors import ParseError
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody

URL = "https://api.example.test/v1/items"


def test_to_har_shape_for_a_json_request() -> None:
    req = HttpRequest(
        "post",
        URL,
        query=(("q", "a b"), ("q", "ü")),
        headers=(("Authorization", "Bearer {{token}}"),),
        cookies=(("sid", "1"), ("theme", "dark")),
        body=JsonBody({"name": "Zoë", "n": [1, None]}),
    )
    har = req.to_har()
    assert har == {
        "method": "POST",
        "url": URL + "?q=a%20b&q=%C3%BC",
        "httpVersion": "HTTP/1.1",
        "cookies": [{"name": "sid", "value": "1"}, {"name": "theme", "value": "dark"}],
        "headers": [
            {"name": "Authorization", "value": "Bearer {{token}}"},
            {"name": "Content-Type", "value": "application/json"},
            {"name": "Cookie", "value": "sid=1; theme=dark"},
        ],
        "queryString": [{"name": "q", "value": "a b"}, {"name": "q", "value": "ü"}],
        "postData": {"mimeType": "application/json", "text": '{"name": "Zoë", "n": [1, null]}'},
        "headersSize": -1,
        "bodySize": -1,
    }
    assert HttpRequest.from_har(har) == req


@pytest.mark.parametrize(
    ("body", "post_data"),
    [
        (
            FormBody((("a", "1"), ("a", "2 3"))),
            {
                "mimeType": "application/x-www-form-urlencoded",
                "params": [{"name": "a", "value": "1"}, {"name": "a", "value": "2 3"}],
            },
        ),
        (
            MultipartBody(
                (Part("f", "data", filename="f.bin", content_type="application/octet-stream"), Part("k", "v"))
            ),
            {
                "mimeType": "multipart/form-data",
                "params": [
                    {"name": "f", "value": "data", "fileName": "f.bin", "contentType": "application/octet-stream"},
                    {"name": "k", "value": "v"},
                ],
            },
        ),
        (RawBody("<a/>", "application/xml"), {"mimeType": "application/xml", "text": "<a/>"}),
        (JsonBody(None), {"mimeType": "application/json", "text": "null"}),
        (JsonBody("text", "application/vnd.api+json"), {"mimeType": "application/vnd.api+json", "text": '"text"'}),
    ],
)
def test_post_data_per_body_kind(body: Any, post_data: dict[str, Any]) -> None:
    req = HttpRequest("PUT", URL, body=body)
    har = req.to_har()
    assert har["postData"] == post_data
    assert {"name": "Content-Type", "value": body.media_type} in har["headers"]
    assert HttpRequest.from_har(har) == req


def test_no_body_means_no_post_data_and_no_content_type() -> None:
    har = HttpRequest("GET", URL).to_har()
    assert "postData" not in har
    assert har["headers"] == [] and har["queryString"] == [] and har["cookies"] == []


def test_bytes_body_is_written_as_text() -> None:
    har = HttpRequest("PUT", URL, body=RawBody(b"caf\xc3\xa9", "application/octet-stream")).to_har()
    assert har["postData"]["text"] == "café"
    assert HttpRequest.from_har(har).body == RawBody("café", "application/octet-stream")


def test_from_har_reads_browser_style_exports() -> None:
    """A HAR as browsers write it: query both in the URL and `queryString`, cookies only as a header."""
    har = {
        "method": "POST",
        "url": URL + "?page=2&tag=a%20b#frag",
        "httpVersion": "HTTP/2",
        "headers": [
            {"name": "content-type", "value": "application/x-www-form-urlencoded; charset=UTF-8"},
            {"name": "cookie", "value": "a=1; b=x=y"},
            {"name": "X-Req", "value": "1"},
        ],
        "queryString": [{"name": "page", "value": "2"}, {"name": "tag", "value": "a b"}],
        "cookies": [],
        "postData": {"mimeType": "application/x-www-form-urlencoded; charset=UTF-8", "text": "k=v+w&e="},
        "headersSize": 120,
        "bodySize": 9,
    }
    req = HttpRequest.from_har(har)
    assert req == HttpRequest(
        "POST",
        URL,
        query=(("page", "2"), ("tag", "a b")),
        headers=(("X-Req", "1"),),
        cookies=(("a", "1"), ("b", "x=y")),
        body=FormBody((("k", "v w"), ("e", "")), "application/x-www-form-urlencoded; charset=UTF-8"),
    )


def test_from_har_query_from_the_url_and_content_type_from_the_header() -> None:
    har = {
        "method": "PATCH",
        "url": URL + "?a=1&a=2&empty=",
        "headers": [{"name": "Content-Type", "value": "application/json"}],
        "postData": {"text": '{"x": 1}'},
    }
    req = HttpRequest.from_har(har)
    assert req.query == (("a", "1"), ("a", "2"), ("empty", ""))
    assert req.body == JsonBody({"x": 1})
    assert req.headers == ()


def test_from_har_keeps_invalid_json_as_raw_text() -> None:
    har = {"method": "POST", "url": URL, "postData": {"mimeType": "application/json", "text": "{oops"}}
    assert HttpRequest.from_har(har).body == RawBody("{oops", "application/json")


@pytest.mark.parametrize(
    "har",
    [
        {},
        {"method": "GET"},
        {"url": URL},
        {"method": "GET", "url": URL, "headers": {"a": "b"}},
        {"method": "GET", "url": URL, "queryString": [{"value": "x"}]},
    ],
)
def test_from_har_rejects_what_is_not_a_har_request(har: dict[str, Any]) -> None:
    with pytest.raises(ParseError):
        HttpRequest.from_har(har)


@pytest.mark.server
def test_har_sent_by_a_real_client_reaches_httpbin_intact(httpbin_url: str) -> None:
    """What `to_har` says is what a server receives when a client follows the HAR."""
    req = HttpRequest(
        "POST",
        "https://api.example.test/anything/x",
        query=(("q", "a b&c"), ("q", "ü")),
        headers=(("X-Token", "{{token}}"),),
        cookies=(("sid", "s1"),),
        body=FormBody((("name", "Zoë"), ("tags", "a,b"))),
    ).with_origin(httpbin_url)
    har = req.to_har()
    response = httpx.request(
        har["method"],
        har["url"],
        headers=[(h["name"], h["value"]) for h in har["headers"]],
        content=FormBody(tuple((p["name"], p["value"]) for p in har["postData"]["params"])).encode(),
        timeout=10,
    )
    echo = response.json()
    assert echo["args"] == {"q": ["a b&c", "ü"]}
    assert echo["form"] == {"name": "Zoë", "tags": "a,b"}
    assert echo["headers"]["X-Token"] == "{{token}}"
    assert echo["headers"]["Cookie"] == "sid=s1"
    assert echo["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


# -- round trips ---------------------------------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
_token = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"), min_size=1, max_size=10
)
_pairs = st.lists(st.tuples(_token, _text), max_size=4).map(tuple)
_cookie_value = st.text(st.sampled_from("abcXYZ019-_.=/"), max_size=8)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_bodies = st.one_of(
    st.none(),
    _json.map(JsonBody),
    st.lists(st.tuples(_text, _text), max_size=4).map(lambda f: FormBody(tuple(f))),
    st.lists(
        st.builds(Part, _token, _text, st.none() | _token, st.sampled_from(["", "text/plain", "image/png"])), max_size=3
    ).map(lambda p: MultipartBody(tuple(p))),
    st.builds(RawBody, _text, st.sampled_from(["text/plain", "application/xml", "application/octet-stream"])),
)


@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    path=st.lists(_token, max_size=3).map(lambda segments: "/" + "/".join(segments)),
    query=_pairs,
    headers=_pairs,
    cookies=st.lists(st.tuples(_token, _cookie_value), max_size=3).map(tuple),
    body=_bodies,
)
def test_round_trip_any_request(method: str, path: str, query: Any, headers: Any, cookies: Any, body: Any) -> None:
    headers = tuple((k, v) for k, v in headers if k.lower() not in ("content-type", "cookie"))
    req = HttpRequest(method, "https://h.test" + path, query=query, headers=headers, cookies=cookies, body=body)
    assert HttpRequest.from_har(req.to_har()) == req
    # Without `queryString` and `cookies` the URL and the Cookie header carry the same information.
    har = req.to_har()
    del har["queryString"], har["cookies"]
    again = HttpRequest.from_har(har)
    assert again.query == req.query and again.cookies == req.cookies
