"""The workflow model: ordered steps, each one operation call (or a loop of one call), saved as JSON or YAML.

A workflow is data, never code: it re-runs without a model, and every value passed between steps is a selector
(`apiforge.workflow.expressions`). Usage::

    wf = Workflow(
        id="star-newest-repo",
        inputs={"username": "alice"},
        steps=(
            Step("repos", "gitea.io", "userListRepos", {"username": "$inputs.username"},
                 outputs={"newest": "$response.body | max_by(@, &updated_at)"}),
            Step("star", "gitea.io", "userCurrentPutStar",
                 {"owner": "$steps.repos.outputs.newest.owner.login", "repo": "$steps.repos.outputs.newest.name"}),
        ),
    )
    save_workflow(wf, "plan.yaml"); load_workflow("plan.yaml") == wf
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from apiforge.errors import ApiforgeError
from apiforge.workflow.expressions import references

__all__ = [
    "Criterion",
    "Step",
    "Workflow",
    "WorkflowError",
    "load_workflow",
    "save_workflow",
]

_STEP_ID = re.compile(r"^[A-Za-z0-9_\-]+$")


class WorkflowError(ApiforgeError):
    """A workflow that cannot be read, or that refers to steps, APIs or operations that do not exist."""

    def __init__(self, message: str, *, step: str = "", source: str = "") -> None:
        self.step = step
        self.source = source
        where = ", ".join(x for x in (f"file {source}" if source else "", f"step '{step}'" if step else "") if x)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True, slots=True)
class Criterion:
    """A success condition of a step (Arazzo's Criterion Object)."""

    condition: str
    """`$statusCode == 200`, or a regex / selector when `type` says so."""
    context: str = ""
    """For regex, jsonpath and jmespath: the expression the condition applies to (`$response.body`)."""
    type: str = "simple"
    """`simple`, `regex`, `jsonpath` or `jmespath` (an apiforge extension, exported as `x-apiforge-jmespath`)."""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"condition": self.condition}
        if self.context:
            d["context"] = self.context
        if self.type != "simple":
            d["type"] = self.type
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | str) -> Criterion:
        if isinstance(d, str):
            return cls(d)
        kind = d.get("type", "simple")
        if isinstance(kind, dict):  # Arazzo's Criterion Expression Type Object: {type: jsonpath, version: ...}
            kind = kind.get("type", "simple")
        return cls(str(d["condition"]), str(d.get("context", "")), str(kind))


NONEMPTY = Criterion("length(@) > `0`", "$response.body", "jmespath")
"""The criterion a lookup step gets: an empty list (or object) is a failure worth repairing, not a result."""


@dataclass(frozen=True, slots=True)
class Step:
    """One operation call, or one call per element of `for_each`."""

    id: str
    api: str
    """Catalog id of the API (or the Arazzo source description name)."""
    operation: str
    """The operation id, or `METHOD /path`."""
    arguments: dict[str, Any] = field(default_factory=dict)
    """Argument name (as `build_request` takes them) → a constant or an expression."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Name → expression over the response (`$response.body#/id`, `$response.body | [0].id`, `$statusCode`)."""
    success: tuple[Criterion, ...] = ()
    """All must hold; empty means a 2xx status."""
    for_each: str = ""
    """An expression giving a list: the call is made once per element, `$item` being the element."""
    paginate: bool = False
    """Follow every next page and use the merged items as the body."""
    description: str = ""

    def __post_init__(self) -> None:
        if not _STEP_ID.match(self.id):
            raise WorkflowError("a step id uses only letters, digits, '_' and '-'", step=self.id)

    @property
    def depends_on(self) -> set[str]:
        """Ids of the earlier steps whose outputs this step reads."""
        return references(self.arguments) | references(self.for_each)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "api": self.api, "operation": self.operation}
        if self.description:
            d["description"] = self.description
        if self.for_each:
            d["for_each"] = self.for_each
        if self.paginate:
            d["paginate"] = True
        d["arguments"] = dict(self.arguments)
        if self.outputs:
            d["outputs"] = dict(self.outputs)
        if self.success:
            d["success"] = [c.to_dict() for c in self.success]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Step:
        missing = [k for k in ("id", "api", "operation") if k not in d]
        if missing:
            raise WorkflowError(f"a step needs {', '.join(missing)}", step=str(d.get("id", "")))
        return cls(
            id=str(d["id"]),
            api=str(d["api"]),
            operation=str(d["operation"]),
            arguments=dict(d.get("arguments") or {}),
            outputs={str(k): str(v) for k, v in (d.get("outputs") or {}).items()},
            success=tuple(Criterion.from_dict(c) for c in d.get("success") or ()),
            for_each=str(d.get("for_each", "")),
            paginate=bool(d.get("paginate", False)),
            description=str(d.get("description", "")),
        )


@dataclass(frozen=True, slots=True)
class Workflow:
    """Ordered steps with the inputs they start from and the output they end with."""

    id: str
    steps: tuple[Step, ...]
    inputs: dict[str, Any] = field(default_factory=dict)
    """Input name → its value (taken from the request when planned; `--input k=v` overrides at run time)."""
    output: dict[str, str] = field(default_factory=dict)
    """Name → expression over the context (`$steps.star.outputs.status`): what the run returns."""
    request: str = ""
    """The request in words this workflow was planned from ('' when written by hand)."""
    summary: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    """API id → where its description lives (a path or URL), for running outside the catalog and for Arazzo."""
    notes: tuple[str, ...] = ()
    """What the planner assumed or could not decide."""

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise WorkflowError("two steps share this id", step=step.id)
            unknown = step.depends_on - seen
            if unknown:
                raise WorkflowError(f"reads step(s) {', '.join(sorted(unknown))} before they run", step=step.id)
            seen.add(step.id)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise WorkflowError(f"no step '{step_id}' (steps: {', '.join(s.id for s in self.steps)})")

    @property
    def operations(self) -> list[tuple[str, str]]:
        """`(api, operation)` of every step, in order: what plan accuracy compares."""
        return [(s.api, s.operation) for s in self.steps]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"apiforge_workflow": 1, "id": self.id}
        if self.summary:
            d["summary"] = self.summary
        if self.request:
            d["request"] = self.request
        d["inputs"] = dict(self.inputs)
        d["steps"] = [s.to_dict() for s in self.steps]
        if self.output:
            d["output"] = dict(self.output)
        if self.sources:
            d["sources"] = dict(self.sources)
        if self.notes:
            d["notes"] = list(self.notes)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Workflow:
        if not isinstance(d, dict) or "steps" not in d:
            raise WorkflowError("not a workflow: expected a mapping with 'steps'")
        steps = d["steps"]
        if not isinstance(steps, list) or not steps:
            raise WorkflowError("'steps' must be a non-empty list")
        return cls(
            id=str(d.get("id", "workflow")),
            steps=tuple(Step.from_dict(s) for s in steps),
            inputs=dict(d.get("inputs") or {}),
            output={str(k): str(v) for k, v in (d.get("output") or {}).items()},
            request=str(d.get("request", "")),
            summary=str(d.get("summary", "")),
            sources={str(k): str(v) for k, v in (d.get("sources") or {}).items()},
            notes=tuple(str(n) for n in d.get("notes") or ()),
        )


def save_workflow(workflow: Workflow, path: str | Path) -> Path:
    """Write the workflow as YAML (`.yaml`/`.yml`) or JSON (anything else)."""
    target = Path(path)
    data = workflow.to_dict()
    if target.suffix.lower() in (".yaml", ".yml"):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    target.write_text(text, encoding="utf-8")
    return target


def read_document(path: str | Path) -> dict[str, Any]:
    """A JSON or YAML file as a mapping, with errors naming the file."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorkflowError(f"cannot read: {exc.strerror or exc}", source=str(source)) from None
    try:
        data = json.loads(text) if source.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise WorkflowError(f"not valid JSON/YAML: {exc}", source=str(source)) from None
    if not isinstance(data, dict):
        raise WorkflowError("expected a mapping at the top level", source=str(source))
    return data


def load_workflow(path: str | Path) -> Workflow:
    """Read a workflow saved by `save_workflow` (Arazzo documents: `apiforge.workflow.arazzo.load_arazzo`)."""
    data = read_document(path)
    try:
        return Workflow.from_dict(data)
    except WorkflowError as exc:
        raise WorkflowError(str(exc), source=str(path)) from None
