"""`apiforge ask` end to end through the CLI, on a real catalog (Gitea, xkcd and the function-schema source).

Gitea is cut down to its repository, issue, pull-request, milestone and label paths to keep embedding fast.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from apiforge.catalog import Catalog
from apiforge.catalog._embed import encoder_unavailable_reason
from apiforge.catalog.search import SearchIndex
from apiforge.cli import app

pytestmark = pytest.mark.slow  # embeds ~110 operations once per module

DATA = Path(__file__).resolve().parent.parent / "data" / "ask"
NO_EMBEDDINGS = encoder_unavailable_reason()
needs_embeddings = pytest.mark.skipif(NO_EMBEDDINGS is not None, reason=f"no dense embeddings: {NO_EMBEDDINGS}")
GITEA_PATHS = r"^/repos/\{owner\}/\{repo\}(/issues|/pulls|/milestones|/labels|$)"


@pytest.fixture(scope="module")
def indexed_db(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("ask-cli")
    path = folder / "catalog.db"
    gitea = json.loads((shared_dir / "specs" / "directory" / "gitea.io.json").read_text())
    gitea["paths"] = {p: item for p, item in gitea["paths"].items() if re.search(GITEA_PATHS, p)}
    (folder / "gitea.io.json").write_text(json.dumps(gitea))
    with Catalog(path) as catalog:
        assert catalog.ingest(folder / "gitea.io.json").api_id == "gitea.io"
        assert catalog.ingest(shared_dir / "specs" / "directory" / "xkcd.com.json").is_ok
        assert catalog.ingest(DATA / "functions.json", api_id="assistant-tools").is_ok
        SearchIndex(catalog).update()
    return path


@pytest.fixture
def db(indexed_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ask.db"
    shutil.copy(indexed_db, copy)
    return copy


def ask(db: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--catalog", str(db), "ask", *args])


@needs_embeddings
def test_json_answer(db: Path) -> None:
    result = ask(db, "get issue 12 of go-gitea/gitea", "--api", "gitea.io", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["api"], answer["operation"], answer["method"]) == ("gitea.io", "issueGetIssue", "GET")
    stated = {a["name"]: a["value"] for a in answer["arguments"] if a["provenance"] == "request"}
    assert stated == {"owner": "go-gitea", "repo": "gitea", "index": 12}
    assert list(answer["code"]) == ["shell_curl"]
    assert "/repos/go-gitea/gitea/issues/12" in answer["code"]["shell_curl"]
    assert answer["check"]["valid"] is True and answer["check"]["operation"] == "issueGetIssue"
    assert answer["http"]["url"].endswith("/repos/go-gitea/gitea/issues/12")
    assert answer["function_call"] is None


@needs_embeddings
def test_two_languages(db: Path) -> None:
    request = "list the pull requests of go-gitea/gitea"
    result = ask(db, request, "--api", "gitea", "--lang", "go", "--lang", "python")
    assert result.exit_code == 0, result.output
    assert "GET /repos/{owner}/{repo}/pulls" in result.stdout
    assert "go_native" in result.stdout and "python_requests" in result.stdout
    assert "package main" in result.stdout and "import requests" in result.stdout
    code = json.loads(ask(db, request, "-l", "go", "-l", "python", "--json").stdout)["code"]
    assert set(code) == {"go_native", "python_requests"}
    assert all("/repos/go-gitea/gitea/pulls" in text for text in code.values())


@needs_embeddings
def test_nonsense_request_is_no_match(db: Path) -> None:
    result = ask(db, "zxqv blorf")
    assert result.exit_code == 1, result.output
    assert "No match" in result.stdout
    answer = json.loads(ask(db, "zxqv blorf", "--json").stdout)
    assert answer["status"] == "no-match" and answer["operation"] == "" and answer["code"] == {}
    assert answer["alternatives"]  # the nearest operations are shown, none is chosen


@pytest.mark.parametrize("request_text", ["", "   "])
def test_empty_request_is_a_usage_error(db: Path, request_text: str) -> None:
    result = ask(db, request_text)
    assert result.exit_code == 2, result.output
    assert "AskError" in result.stderr and "request is empty" in result.stderr
    assert result.stdout == ""


@needs_embeddings
def test_function_schema_source_answers_with_a_call(db: Path) -> None:
    result = ask(db, "what's the weather like in Lyon right now?", "--api", "assistant-tools", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["kind"] == "functions"
    assert answer["function_call"] == {"name": "get_current_weather", "arguments": {"location": "Lyon"}}
    assert answer["code"] == {"call": 'get_current_weather(location="Lyon")'}
    assert answer["http"] is None
    text = ask(db, "what's the weather like in Lyon right now?", "--api", "assistant-tools").stdout
    assert 'get_current_weather(location="Lyon")' in text


def test_unknown_api_is_a_usage_error(db: Path) -> None:
    result = ask(db, "list issues", "--api", "no-such-api")
    assert result.exit_code == 2, result.output
    assert "no-such-api" in result.stderr


def test_unknown_model_step_is_a_usage_error(db: Path) -> None:
    result = ask(db, "list issues", "--model-steps", "choose,guess")
    assert result.exit_code == 2, result.output
    assert "--model-steps" in result.stderr and "choose,guess" in result.stderr


@needs_embeddings
def test_model_steps_without_a_model_change_nothing(db: Path) -> None:
    plain = ask(db, "get issue 12 of go-gitea/gitea", "--api", "gitea.io", "--json")
    steps = ask(db, "get issue 12 of go-gitea/gitea", "--api", "gitea.io", "--json", "--model-steps", "choose,fill")
    assert plain.exit_code == steps.exit_code == 0, steps.output
    first, second = json.loads(plain.stdout), json.loads(steps.stdout)
    assert (first["operation"], first["arguments"]) == (second["operation"], second["arguments"])
