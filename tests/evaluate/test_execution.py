"""Execution success against a real Prism mocking the bundled bookshop spec: accepted and refused calls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apiforge.evaluate.execution import PrismPool, find_prism
from apiforge.http import HttpRequest, JsonBody, RawBody
from apiforge.spec import Api

pytestmark = [pytest.mark.server, pytest.mark.slow]

BASE = "https://eu.bookshop.example/v1"
KEY = (("X-Api-Key", "{{api_key}}"),)


@pytest.fixture(scope="module")
def pool() -> Iterator[PrismPool]:
    if find_prism() is None:
        pytest.skip("Prism is not installed (.ci/install.d/30-prism.sh)")
    with PrismPool() as running:
        yield running


@pytest.mark.parametrize(
    ("request_", "accepted", "status"),
    [
        (HttpRequest("GET", BASE + "/books/7", headers=KEY), True, 200),
        (HttpRequest("GET", BASE + "/books", query=(("limit", "5"),), headers=KEY), True, 200),
        (HttpRequest("GET", BASE + "/novels/7", headers=KEY), False, 404),  # hallucinated path
        (HttpRequest("PUT", BASE + "/authors", headers=KEY), False, 405),  # wrong method
        (HttpRequest("GET", BASE + "/books/seven", headers=KEY), False, 422),  # invalid argument
        (HttpRequest("GET", BASE + "/books/7"), False, 401),  # no credentials
        (HttpRequest("POST", BASE + "/books", headers=KEY, body=JsonBody({"title": 3})), False, 400),
        (HttpRequest("POST", BASE + "/books", headers=KEY, body=RawBody("{bad", "application/json")), False, 400),
    ],
)
def test_prism_accepts_valid_calls_and_refuses_broken_ones(
    pool: PrismPool, bookshop: Api, request_: HttpRequest, accepted: bool, status: int
) -> None:
    result = pool.execute(request_, bookshop)
    assert result is not None
    assert (result.accepted, result.status) == (accepted, status), result.problem


def test_an_api_without_a_local_spec_file_is_not_executed(pool: PrismPool, bookshop: Api) -> None:
    from dataclasses import replace

    assert pool.execute(HttpRequest("GET", BASE + "/books/7"), replace(bookshop, source="https://x.io/spec")) is None
