"""Parameter `style` / `explode` against the OpenAPI 3.0.3 "Style Examples" table, plus property-based checks.

The table's values: `color` = "" (empty), "blue" (string), ["blue", "black", "brown"] (array) and
{"R": 100, "G": 200, "B": 150} (object). The 3.0.3 table omits the `color=` prefix for spaceDelimited and
pipeDelimited; the 3.1.1 table corrects that, and so do we.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apiforge.http import build_request, encode_query
from apiforge.spec.model import Api, Operation, Parameter, Server

BASE = "https://api.example.test"
EMPTY, STRING, ARRAY, OBJECT = "", "blue", ["blue", "black", "brown"], {"R": 100, "G": 200, "B": 150}
VALUES = {"empty": EMPTY, "string": STRING, "array": ARRAY, "object": OBJECT}

# (style, explode) → expected serialisation per value kind; None = "n/a" in the table.
TABLE: dict[tuple[str, bool], dict[str, str | None]] = {
    ("matrix", False): {
        "empty": ";color",
        "string": ";color=blue",
        "array": ";color=blue,black,brown",
        "object": ";color=R,100,G,200,B,150",
    },
    ("matrix", True): {
        "empty": ";color",
        "string": ";color=blue",
        "array": ";color=blue;color=black;color=brown",
        "object": ";R=100;G=200;B=150",
    },
    ("label", False): {"empty": ".", "string": ".blue", "array": ".blue.black.brown", "object": ".R.100.G.200.B.150"},
    ("label", True): {"empty": ".", "string": ".blue", "array": ".blue.black.brown", "object": ".R=100.G=200.B=150"},
    ("form", False): {
        "empty": "color=",
        "string": "color=blue",
        "array": "color=blue,black,brown",
        "object": "color=R,100,G,200,B,150",
    },
    ("form", True): {
        "empty": "color=",
        "string": "color=blue",
        "array": "color=blue&color=black&color=brown",
        "object": "R=100&G=200&B=150",
    },
    ("simple", False): {"empty": None, "string": "blue", "array": "blue,black,brown", "object": "R,100,G,200,B,150"},
    ("simple", True): {"empty": None, "string": "blue", "array": "blue,black,brown", "object": "R=100,G=200,B=150"},
    ("spaceDelimited", False): {
        "empty": None,
        "string": None,
        "array": "color=blue%20black%20brown",
        "object": "color=R%20100%20G%20200%20B%20150",
    },
    ("pipeDelimited", False): {
        "empty": None,
        "string": None,
        "array": "color=blue|black|brown",
        "object": "color=R|100|G|200|B|150",
    },
    ("deepObject", True): {
        "empty": None,
        "string": None,
        "array": None,
        "object": "color[R]=100&color[G]=200&color[B]=150",
    },
}

PATH_STYLES = ("matrix", "label", "simple")
QUERY_STYLES = ("form", "spaceDelimited", "pipeDelimited", "deepObject")

CASES = [
    pytest.param(style, explode, kind, expected, id=f"{style}-{'explode' if explode else 'flat'}-{kind}")
    for (style, explode), row in TABLE.items()
    for kind, expected in row.items()
    if expected is not None
]


def _api(param: Parameter, path: str) -> tuple[Api, Operation]:
    op = Operation(id="op", method="GET", path=path, parameters=(param,))
    return Api(id="t", title="T", version="1", servers=(Server(BASE),), operations=(op,)), op


@pytest.mark.parametrize(("style", "explode", "kind", "expected"), CASES)
def test_style_examples_table(style: str, explode: bool, kind: str, expected: str) -> None:
    value = VALUES[kind]
    if style in PATH_STYLES:
        param = Parameter("color", "path", required=True, style=style, explode=explode)
        api, op = _api(param, "/c/{color}")
        req = build_request(api, op, {"color": value}).request
        assert req.url == f"{BASE}/c/{expected}"
    else:
        param = Parameter("color", "query", style=style, explode=explode)
        api, op = _api(param, "/c")
        req = build_request(api, op, {"color": value}).request
        # The table shows raw text (with %20 for spaces); compare decoded forms.
        assert urllib.parse.unquote(encode_query(req.query)) == urllib.parse.unquote(expected)
    if style == "simple":
        header = Parameter("color", "header", explode=explode)
        api, op = _api(header, "/c")
        assert build_request(api, op, {"color": value}).request.headers == (("color", expected),)


@pytest.mark.parametrize(
    ("explode", "value", "expected"),
    [
        (True, "blue", [("color", "blue")]),
        (False, ARRAY, [("color", "blue,black,brown")]),
        (True, ARRAY, [("color", "blue"), ("color", "black"), ("color", "brown")]),
        (False, OBJECT, [("color", "R,100,G,200,B,150")]),
        (True, OBJECT, [("R", "100"), ("G", "200"), ("B", "150")]),
    ],
)
def test_cookie_form_style(explode: bool, value: Any, expected: list[tuple[str, str]]) -> None:
    api, op = _api(Parameter("color", "cookie", explode=explode), "/c")
    assert list(build_request(api, op, {"color": value}).request.cookies) == expected


def test_default_styles_are_form_explode_for_query_and_simple_for_path() -> None:
    api, op = _api(Parameter("ids", "query", schema={"type": "array", "items": {"type": "integer"}}), "/c")
    assert build_request(api, op, {"ids": "1,2"}).request.query == (("ids", "1"), ("ids", "2"))
    api, op = _api(Parameter("ids", "path", required=True, schema={"type": "array"}), "/c/{ids}")
    assert build_request(api, op, {"ids": ["a", "b"]}).request.url == f"{BASE}/c/a,b"


def test_deep_object_nests_and_indexes_arrays() -> None:
    api, op = _api(Parameter("filter", "query", style="deepObject", explode=True, schema={"type": "object"}), "/c")
    req = build_request(api, op, {"filter": '{"created": {"gte": 1}, "ids": ["a", "b"], "on": true}'}).request
    assert req.query == (
        ("filter[created][gte]", "1"),
        ("filter[ids][0]", "a"),
        ("filter[ids][1]", "b"),
        ("filter[on]", "true"),
    )


def test_json_content_parameter_is_sent_as_json_text() -> None:
    param = Parameter("where", "query", schema={"type": "object"}, content_type="application/json")
    api, op = _api(param, "/c")
    assert build_request(api, op, {"where": '{"a": [1, 2]}'}).request.query == (("where", '{"a":[1,2]}'),)


# -- properties -----------------------------------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(value=_text)
def test_any_path_value_round_trips_through_percent_decoding(value: str) -> None:
    api, op = _api(Parameter("v", "path", required=True, schema={"type": "string"}), "/c/{v}/d")
    url = build_request(api, op, {"v": value}).request.url
    segment = url[len(BASE) + len("/c/") : -len("/d")]
    assert "/" not in segment and "?" not in segment and "#" not in segment
    assert all(ord(c) < 128 and c not in " ,;=" for c in segment)
    assert urllib.parse.unquote(segment) == value


@given(values=st.lists(_text, max_size=5), explode=st.booleans())
def test_query_arrays_keep_every_item(values: list[str], explode: bool) -> None:
    param = Parameter("v", "query", explode=explode, schema={"type": "array", "items": {"type": "string"}})
    api, op = _api(param, "/c")
    query = build_request(api, op, {"v": values}).request.query
    if explode:
        assert [v for _, v in query] == values
    else:
        assert query == (("v", ",".join(values)),)
    decoded = urllib.parse.parse_qsl(encode_query(query), keep_blank_values=True)
    assert tuple(decoded) == query
