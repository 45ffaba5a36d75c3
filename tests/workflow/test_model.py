"""The workflow model: frozen values that round-trip through dicts, JSON and YAML, with specific errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.workflow import NONEMPTY, Criterion, Step, Workflow, WorkflowError, load_workflow, save_workflow


def _workflow() -> Workflow:
    return Workflow(
        id="star-newest",
        inputs={"username": "alice"},
        steps=(
            Step(
                "repos",
                "gitea.io",
                "userListRepos",
                {"username": "$inputs.username"},
                outputs={"newest": "$response.body | max_by(@, &updated_at)"},
                success=(Criterion("$statusCode == 200"), NONEMPTY),
                paginate=True,
            ),
            Step(
                "star",
                "gitea.io",
                "PUT /user/starred/{owner}/{repo}",
                {"owner": "$steps.repos.outputs.newest.owner.login", "repo": "$steps.repos.outputs.newest.name"},
            ),
        ),
        output={"starred": "$steps.star.outputs.body"},
        request="star alice's most recently updated repo",
    )


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_round_trip_through_files(tmp_path: Path, suffix: str) -> None:
    workflow = _workflow()
    path = save_workflow(workflow, tmp_path / f"plan{suffix}")
    assert load_workflow(path) == workflow
    assert Workflow.from_dict(workflow.to_dict()) == workflow
    assert workflow.operations == [("gitea.io", "userListRepos"), ("gitea.io", "PUT /user/starred/{owner}/{repo}")]
    assert workflow.steps[1].depends_on == {"repos"}


def test_a_step_cannot_read_a_later_step() -> None:
    with pytest.raises(WorkflowError, match="reads step\\(s\\) later before they run") as info:
        Workflow("w", (Step("first", "a", "op", {"x": "$steps.later.outputs.y"}), Step("later", "a", "op")))
    assert info.value.step == "first"


def test_bad_files_and_ids_are_named(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError, match="two steps share this id"):
        Workflow("w", (Step("a", "x", "op"), Step("a", "x", "op")))
    with pytest.raises(WorkflowError, match="a step id uses only"):
        Step("no spaces", "x", "op")
    broken = tmp_path / "broken.yaml"
    broken.write_text("steps: [\n")
    with pytest.raises(WorkflowError, match="broken.yaml.*not valid JSON/YAML"):
        load_workflow(broken)
    empty = tmp_path / "empty.json"
    empty.write_text('{"steps": []}')
    with pytest.raises(WorkflowError, match="non-empty list"):
        load_workflow(empty)
    missing = tmp_path / "missing.json"
    missing.write_text('{"steps": [{"id": "s"}]}')
    with pytest.raises(WorkflowError, match="a step needs api, operation"):
        load_workflow(missing)
