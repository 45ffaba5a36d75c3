"""Structural match and the hallucination / invalid-argument verdicts: first principles and one case per part."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from apiforge.check import Checker, check_code
from apiforge.evaluate.structural import structural_match, structural_match_code
from apiforge.evaluate.validity import validity
from apiforge.http import FormBody, HttpRequest, JsonBody, RawBody
from apiforge.spec import Api, load_spec

BASE = "https://eu.bookshop.example/v1"
KEY = (("X-Api-Key", "{{api_key}}"),)


def req(method: str = "GET", path: str = "/books", **kwargs: object) -> HttpRequest:
    return HttpRequest(method, BASE + path, headers=kwargs.pop("headers", KEY), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def checker(bookshop: Api) -> Checker:
    return Checker(bookshop)


def test_identical_requests_match(checker: Checker) -> None:
    gold = req("GET", "/books", query=(("q", "dune"), ("limit", "5")))
    assert structural_match(gold, gold, checker).is_match
    # Order-free query, percent-encoding and transport headers do not matter.
    other = req("GET", "/books", query=(("limit", "5"), ("q", "dune")), headers=(*KEY, ("User-Agent", "x")))
    assert structural_match(other, gold, checker).is_match


@pytest.mark.parametrize(
    ("predicted", "part"),
    [
        (req("DELETE", "/books/7"), "method"),
        (req("GET", "/authors"), "operation"),
        (req("GET", "/books/8"), "path"),
        (req("GET", "/books/7", query=(("expand", "1"),)), "query"),
        (req("GET", "/books/7", headers=()), "headers"),
        (req("GET", "/books/7", body=JsonBody({"a": 1})), "body"),
    ],
)
def test_each_differing_part_is_reported_first(checker: Checker, predicted: HttpRequest, part: str) -> None:
    gold = req("GET", "/books/7")
    result = structural_match(predicted, gold, checker)
    assert result.first == part and part in result.details
    assert not result.is_match


def test_a_hallucinated_path_differs_in_operation(checker: Checker) -> None:
    result = structural_match(req("GET", "/bookz/7"), req("GET", "/books/7"), checker)
    assert result.first == "operation" and "no operation" in result.details["operation"]


def test_bodies_compare_as_json(checker: Checker) -> None:
    gold = req("POST", "/books", body=JsonBody({"title": "Dune", "price": 10, "tags": ["a", "b"]}))
    reordered = req("POST", "/books", body=JsonBody({"tags": ["a", "b"], "price": 10.0, "title": "Dune"}))
    raw = req("POST", "/books", body=RawBody('{"price": 10, "title": "Dune", "tags": ["a", "b"]}', "application/json"))
    list_order = req("POST", "/books", body=JsonBody({"title": "Dune", "price": 10, "tags": ["b", "a"]}))
    assert structural_match(reordered, gold, checker).is_match
    assert structural_match(raw, gold, checker).is_match
    assert structural_match(list_order, gold, checker).first == "body"
    form = req("POST", "/books", body=FormBody((("b", "2"), ("a", "1"))))
    assert structural_match(form, req("POST", "/books", body=FormBody((("a", "1"), ("b", "2")))), checker).is_match


def test_without_a_checker_host_and_path_decide() -> None:
    gold = HttpRequest("GET", "https://api.a.io/v1/items/1")
    assert structural_match(HttpRequest("GET", "https://api.a.io/v1/items/1/"), gold).is_match
    assert structural_match(HttpRequest("GET", "https://api.b.io/v1/items/1"), gold).first == "operation"
    assert structural_match(HttpRequest("GET", "https://api.a.io/v1/items/2"), gold).first == "path"


def test_unparseable_code() -> None:
    result = structural_match_code("please call the API", "curl https://a.io/x", "curl")
    assert result.first == "unparseable"


@pytest.fixture(scope="module")
def apipack_checkers(shared_dir: Path) -> dict[str, Checker]:
    specs = shared_dir / "fixtures" / "apipack" / "specs"
    return {p.stem: Checker(load_spec(str(p)).api) for p in sorted(specs.glob("*.json"))}


def test_golden_snippets_truth_matches_itself_and_shuffles_do_not(
    golden_snippets: list[dict[str, str]], apipack_checkers: dict[str, Checker]
) -> None:
    rows = [r for r in golden_snippets if r["spec"] in apipack_checkers]
    same = sum(
        structural_match_code(r["code"], r["code"], r["lang"], apipack_checkers[r["spec"]]).is_match for r in rows
    )
    assert same == len(rows)
    rng = random.Random(1)
    shuffled = 0
    for r in rows:
        other = rng.choice(
            [o for o in rows if o["lang"] == r["lang"] and (o["path"], o["method"]) != (r["path"], r["method"])]
        )
        shuffled += structural_match_code(other["code"], r["code"], r["lang"], apipack_checkers[r["spec"]]).is_match
    assert shuffled == 0


# -- hallucination and invalid arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "verdict"),
    [
        (f"curl -H 'X-Api-Key: k' {BASE}/books/7", "valid"),
        ("curl -H 'X-Api-Key: k' https://api.other.example/v1/books/7", "hallucinated"),
        (f"curl -H 'X-Api-Key: k' {BASE}/novels/7", "hallucinated"),
        (f"curl -X PUT -H 'X-Api-Key: k' {BASE}/authors", "hallucinated"),
        (f"curl -H 'X-Api-Key: k' '{BASE}/books/seven'", "invalid-arguments"),
        (f"curl -H 'X-Api-Key: k' '{BASE}/books?limit=many'", "invalid-arguments"),
        (f"curl -H 'X-Api-Key: k' '{BASE}/books?colour=red'", "invalid-arguments"),
        (f"curl {BASE}/books/7", "auth"),
        ("this is not code", "unparseable"),
    ],
)
def test_validity_verdicts(bookshop: Api, code: str, verdict: str) -> None:
    assert validity(check_code(code, bookshop)) == verdict
