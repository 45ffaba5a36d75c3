"""`apiforge plan` and `apiforge run` through the real command group (typer's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from apiforge.cli.app import app
from tests.workflow.conftest import USERS, shop_spec, write_spec

REQUEST = "show the details of the user with email grace@example.com"


def _invoke(catalog: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, ["--catalog", str(catalog), *args])
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr, result.exception)
    return result.stdout


def _ingest(tmp_path: Path, base_url: str) -> Path:
    catalog = tmp_path / "cat.db"
    _invoke(catalog, "ingest", str(write_spec(tmp_path, "shop", shop_spec(base_url))), "--json")
    return catalog


def test_plan_prints_steps_diagram_and_saves_both_formats(tmp_path: Path) -> None:
    catalog = _ingest(tmp_path, "http://127.0.0.1:9")
    plan_file, arazzo_file = tmp_path / "plan.yaml", tmp_path / "plan.arazzo.json"
    text = _invoke(catalog, "plan", REQUEST, "--api", "shop", "--mermaid", "-o", str(plan_file),
                   "--arazzo", str(arazzo_file))  # fmt: skip
    assert "1. listUsers" in text and "2. getUser" in text and "flowchart TD" in text
    assert 'listUsers -->|"id"| getUser' in text
    assert [s["operation"] for s in yaml.safe_load(plan_file.read_text())["steps"]] == ["listUsers", "getUser"]
    assert json.loads(arazzo_file.read_text())["arazzo"].startswith("1.0")
    data = json.loads(_invoke(catalog, "plan", REQUEST, "--api", "shop", "--json"))
    assert [s["operation"] for s in data["workflow"]["steps"]] == ["listUsers", "getUser"]


def test_plan_errors_are_usage_errors(tmp_path: Path) -> None:
    catalog = _ingest(tmp_path, "http://127.0.0.1:9")
    _invoke(catalog, "plan", "show users", "--api", "nope", code=2)
    broken = tmp_path / "broken.yaml"
    broken.write_text("steps: [")
    _invoke(catalog, "run", str(broken), code=2)


@pytest.mark.server
def test_run_a_saved_plan_and_an_arazzo_export_with_inputs(tmp_path: Path, json_server: str) -> None:
    catalog = _ingest(tmp_path, json_server)
    plan_file, arazzo_file = tmp_path / "plan.json", tmp_path / "flow.arazzo.yaml"
    _invoke(catalog, "plan", REQUEST, "--api", "shop", "-o", str(plan_file), "--arazzo", str(arazzo_file))
    result = json.loads(_invoke(catalog, "run", str(plan_file), "--json"))
    assert result["ok"] and [s["ok"] for s in result["steps"]] == [True, True]
    assert result["steps"][1]["calls"][0]["body"] == USERS[1]
    email = next(k for k, v in json.loads(plan_file.read_text())["inputs"].items() if v == "grace@example.com")
    other = json.loads(_invoke(catalog, "run", str(arazzo_file), "--input", f"{email}=alan@example.com", "--json"))
    assert other["ok"] and other["steps"][1]["calls"][0]["body"] == USERS[2]
    human = CliRunner().invoke(app, ["--catalog", str(catalog), "run", str(plan_file)])
    assert human.exit_code == 0 and "ok listUsers" in human.stderr and '"email": "grace@example.com"' in human.stdout


@pytest.mark.server
def test_run_exits_1_and_names_the_failed_step(tmp_path: Path, json_server: str) -> None:
    catalog = _ingest(tmp_path, json_server)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps({"steps": [{"id": "user", "api": "shop", "operation": "getUser",
                                                 "arguments": {"id": 404}}]}))  # fmt: skip
    result = CliRunner().invoke(app, ["--catalog", str(catalog), "run", str(plan_file), "--retries", "0"])
    assert result.exit_code == 1
    assert "workflow failed at step 'user'" in result.stderr and "HTTP 404" in result.stderr
    assert f"{json_server}/users/404" in result.stderr
