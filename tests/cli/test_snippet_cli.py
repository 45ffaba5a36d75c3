"""`apiforge snippet`: code for one operation, built from the spec, on stdout alone."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from apiforge.examples import example_paths


@pytest.fixture
def bookshop(run: Any) -> Any:
    run("ingest", *[str(p) for p in example_paths()])
    return run


def test_python_snippet_is_valid_python_with_the_arguments(bookshop: Any) -> None:
    result = bookshop("snippet", "bookshop", "getBook", "--lang", "python", "--arg", "bookId=42")
    tree = ast.parse(result.stdout)  # stdout holds the code and nothing else
    assert tree.body
    assert "/books/42" in result.stdout
    assert "REPLACE_API_KEY" in result.stdout  # the apiKey scheme as a placeholder, never a secret
    assert "api_key" in result.stderr  # what to fill in is said on stderr


def test_unknown_argument_is_a_usage_error_with_a_suggestion(bookshop: Any) -> None:
    result = bookshop("snippet", "bookshop", "getBook", "--arg", "bookid=1", code=2)
    assert "UnknownArgument" in result.stderr
    assert "Did you mean 'bookId'" in result.stderr


def test_malformed_arg_is_rejected(bookshop: Any) -> None:
    result = bookshop("snippet", "bookshop", "getBook", "--arg", "no-equals-sign", code=2)
    assert "NAME=VALUE" in result.stderr


def test_all_targets_in_json(bookshop: Any) -> None:
    listed = bookshop.json("snippet", "--list")
    data = bookshop.json("snippet", "bookshop", "createBook", "--lang", "all")
    assert set(data["code"]) == {t["name"] for t in listed}
    assert len(data["code"]) >= 14
    assert data["request"]["method"] == "POST"
    assert data["provenance"]["body"] in ("example", "synthesized")


def test_unknown_operation_and_target(bookshop: Any, tmp_path: Path) -> None:
    result = bookshop("snippet", "bookshop", "getBok", code=2)
    assert "getBook" in result.stderr
    result = bookshop("snippet", "bookshop", "getBook", "--lang", "cobol", code=2)
    assert "Unknown target 'cobol'" in result.stderr
