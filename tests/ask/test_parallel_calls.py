"""Parallel function calls: `ask` answers "weather in Paris and Tokyo" with two calls, and "compare Paris and
Tokyo" (one function taking both cities) or "black and white photos" with one. Over the home-assistant tools of
tests/data/ask/functions.json and the three city/photo tools of tests/data/ask/parallel_functions.json."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from apiforge.ask.parallel import Clause, split_clauses
from apiforge.ask.pipeline import ask
from apiforge.catalog import Catalog
from apiforge.catalog._embed import encoder_unavailable_reason
from apiforge.catalog.search import SearchIndex
from apiforge.cli import app

DATA = Path(__file__).resolve().parent.parent / "data" / "ask"
NO_EMBEDDINGS = encoder_unavailable_reason()
needs_embeddings = pytest.mark.skipif(NO_EMBEDDINGS is not None, reason=f"no dense embeddings: {NO_EMBEDDINGS}")
TOOLS = "assistant-tools"
CITIES = "city-tools"

pytestmark = pytest.mark.xdist_group("ask-parallel")  # the catalog fixture embeds 24 functions once per module


# -- splitting (no catalog) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("What's the weather in Paris and in Berlin?", ["What's the weather in Paris", "What's the weather in Berlin"]),
        ("weather for Paris, London and Rome", ["weather for Paris", "weather for London", "weather for Rome"]),
        ("Lock the front door and the patio door", ["Lock the front door", "Lock the patio door"]),
        ("Convert 100 USD to EUR and 100 USD to CHF", ["Convert 100 USD to EUR", "Convert 100 USD to CHF"]),
        ("get the weather in Lyon and convert 20 USD to EUR", ["get the weather in Lyon", "convert 20 USD to EUR"]),
        (
            "get both the weather in Paris and the forecast for Oslo; also lock the front door",
            ["get the weather in Paris", "get the forecast for Oslo", "lock the front door"],
        ),
        ("weather in Lyon, FR and Paris", ["weather in Lyon, FR", "weather in Paris"]),
    ],
)
def test_splits_coordinations_into_clauses(request_text: str, expected: list[str]) -> None:
    clauses = split_clauses(request_text, ["get_current_weather", "convert_currency"])
    assert clauses is not None
    assert [c.text for c in clauses] == expected


def test_carried_clauses_are_marked() -> None:
    assert split_clauses("weather in Paris and Tokyo") == [Clause("weather in Paris"), Clause("weather in Tokyo", True)]
    clauses = split_clauses("weather in Lyon and convert 20 USD to EUR", ["convert_currency"])
    assert clauses is not None and [c.carried for c in clauses] == [False, False]


@pytest.mark.parametrize(
    "request_text",
    [
        "search for black and white photos",
        "weather in Lyon, FR",
        "What's the weather in Lyon right now?",
        "rock and roll",
    ],
)
def test_no_split_without_a_clear_second_call(request_text: str) -> None:
    assert split_clauses(request_text, ["search_photos"]) is None


# -- ask on a real catalog -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def indexed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("parallel") / "catalog.db"
    with Catalog(path) as catalog:
        assert catalog.ingest(DATA / "functions.json", api_id=TOOLS).is_ok
        assert catalog.ingest(DATA / "parallel_functions.json", api_id=CITIES).is_ok
        SearchIndex(catalog).update()
    return path


@pytest.fixture
def catalog(indexed_db: Path, tmp_path: Path) -> Iterator[Catalog]:
    copy = tmp_path / "parallel.db"
    shutil.copy(indexed_db, copy)
    with Catalog(copy) as catalog:
        yield catalog


def _calls(request_text: str, catalog: Catalog, api: str) -> list[tuple[str, dict[str, Any]]]:
    answer = ask(request_text, catalog, api=api, langs=())
    return [(c["name"], c["arguments"]) for c in answer.function_calls]


@needs_embeddings
@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        (
            "What's the weather in Paris and Tokyo?",
            [("get_current_weather", {"location": "Paris"}), ("get_current_weather", {"location": "Tokyo"})],
        ),
        (
            "What is the weather in Paris, London and Rome?",
            [("get_current_weather", {"location": c}) for c in ("Paris", "London", "Rome")],
        ),
        (
            "get the weather in Lyon and convert 20 USD to EUR",
            [
                ("get_current_weather", {"location": "Lyon"}),
                ("convert_currency", {"amount": 20, "from_currency": "USD", "to_currency": "EUR"}),
            ],
        ),
        (
            "Turn on the lights in the bedroom and the office",
            [
                ("control_lights", {"action": "on", "room": "bedroom"}),
                ("control_lights", {"action": "on", "room": "office"}),
            ],
        ),
        (
            "convert 20 USD to EUR; then turn off the lights in the kitchen",
            [
                ("convert_currency", {"amount": 20, "from_currency": "USD", "to_currency": "EUR"}),
                ("control_lights", {"action": "off", "room": "kitchen"}),
            ],
        ),
    ],
)
def test_parallel_requests_give_one_call_per_clause(
    catalog: Catalog, request_text: str, expected: list[tuple[str, dict[str, Any]]]
) -> None:
    assert _calls(request_text, catalog, TOOLS) == expected


@needs_embeddings
def test_population_of_two_cities_is_two_calls(catalog: Catalog) -> None:
    expected = [("get_population", {"city": "Paris"}), ("get_population", {"city": "Tokyo"})]
    assert _calls("population of Paris and Tokyo", catalog, CITIES) == expected


@needs_embeddings
@pytest.mark.parametrize(
    ("request_text", "api", "name"),
    [
        ("compare Paris and Tokyo", CITIES, "compare_cities"),  # one function takes both cities
        ("search for black and white photos", CITIES, "search_photos"),  # "and" inside one value
        ("What's the weather in Lyon right now?", TOOLS, "get_current_weather"),
        ("Add milk and eggs to my shopping list", TOOLS, "add_to_shopping_list"),  # no verb, no value after "and"
        ("weather in Paris and something", TOOLS, "get_current_weather"),
    ],
)
def test_single_call_requests_stay_one_call(catalog: Catalog, request_text: str, api: str, name: str) -> None:
    calls = _calls(request_text, catalog, api)
    assert [n for n, _ in calls] == [name]


@needs_embeddings
def test_function_call_stays_the_single_call_of_the_whole_request(catalog: Catalog) -> None:
    """`function_call` (and the operation, arguments, alternatives) are what `ask` answered before parallel calls."""
    answer = ask("get the weather in Lyon and convert 20 USD to EUR", catalog, api=TOOLS, langs=())
    assert [c["name"] for c in answer.function_calls] == ["get_current_weather", "convert_currency"]
    assert answer.function_call is not None and answer.function_call["name"] == answer.operation_id
    assert any(n.startswith("2 parallel calls") for n in answer.notes)


@needs_embeddings
def test_compare_keeps_both_cities_in_one_call(catalog: Catalog) -> None:
    assert _calls("compare Paris and Tokyo", catalog, CITIES) == [
        ("compare_cities", {"city_a": "Paris", "city_b": "Tokyo"})
    ]


@needs_embeddings
def test_incomplete_clause_cancels_the_split(catalog: Catalog) -> None:
    """'Lock' does not state `locked`, so neither clause is a complete call: one call, as before."""
    answer = ask("Lock the front door and the patio door", catalog, api=TOOLS, langs=())
    assert len(answer.function_calls) == 1
    assert not any("parallel" in n for n in answer.notes)


@needs_embeddings
def test_to_dict_code_and_cli_show_every_call(catalog: Catalog, indexed_db: Path) -> None:
    answer = ask("What's the weather in Paris and Tokyo?", catalog, api=TOOLS, langs=())
    data = answer.to_dict()
    assert data["function_call"] == {"name": "get_current_weather", "arguments": {"location": "Paris"}}
    assert [c["arguments"]["location"] for c in data["function_calls"]] == ["Paris", "Tokyo"]
    assert answer.code["call"].splitlines() == [
        'get_current_weather(location="Paris")',
        'get_current_weather(location="Tokyo")',
    ]
    db = str(indexed_db)
    runner = CliRunner()
    text = runner.invoke(
        app, ["--catalog", db, "ask", "What is the weather in Paris, London and Rome?", "--api", TOOLS]
    )
    assert text.exit_code == 0, text.output
    assert "3 parallel calls" in text.output and 'location="Rome"' in text.output
    raw = runner.invoke(
        app, ["--catalog", db, "ask", "What is the weather in Paris, London and Rome?", "--api", TOOLS, "--json"]
    )
    assert raw.exit_code == 0, raw.output
    assert [c["arguments"]["location"] for c in json.loads(raw.output)["function_calls"]] == ["Paris", "London", "Rome"]
