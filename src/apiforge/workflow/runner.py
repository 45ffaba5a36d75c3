"""Run a workflow for real: each step built from the spec, checked, sent by the execute layer, recorded (masked).

Usage::

    result = run_workflow(workflow, ApiSource(catalog=catalog), CredentialStore())
    result.ok, result.output, result.failed_step
    for record in result.steps:   # every request and response, secrets masked, repairs listed
        ...

A failed step (non-2xx, an error body under 2xx, a success criterion that does not hold) is repaired alone
(`apiforge.workflow.heal`) for at most `heal_rounds` rounds; if it still fails, the run stops there and the
result names the step, its request and the diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from apiforge.ask.fields import operation_fields
from apiforge.catalog import Catalog
from apiforge.check import check_request
from apiforge.errors import ApiforgeError
from apiforge.execute import CallResult, CredentialStore, send
from apiforge.execute.paginate import paginate
from apiforge.http.build import build_request
from apiforge.spec import Api, Operation
from apiforge.workflow.expressions import ExpressionError, evaluate, evaluate_condition, is_expression, resolve
from apiforge.workflow.heal import Repair, propose_repair
from apiforge.workflow.model import NONEMPTY, Criterion, Step, Workflow, WorkflowError

__all__ = ["ApiSource", "CallRecord", "RunResult", "StepRecord", "find_operation", "run_workflow"]


class ApiSource:
    """Where steps' APIs come from: given `Api` values, the workflow's `sources` files, or the catalog."""

    def __init__(
        self, *, catalog: Catalog | None = None, apis: Mapping[str, Api] | None = None, base: Path | None = None
    ) -> None:
        self.catalog = catalog
        self.apis: dict[str, Api] = dict(apis or {})
        self.base = base

    def get(self, api_id: str, sources: Mapping[str, str] | None = None) -> Api:
        if api_id in self.apis:
            return self.apis[api_id]
        source = (sources or {}).get(api_id)
        if source:
            from apiforge.spec import load_spec

            location = source
            if self.base is not None and "://" not in source and not Path(source).is_absolute():
                location = str(self.base / source)
            api = load_spec(location).api
        elif self.catalog is not None:
            api = self.catalog.get_api(self.catalog.find_api(api_id).id)
        else:
            raise WorkflowError(f"API '{api_id}' has no source and there is no catalog to look it up in")
        self.apis[api_id] = api
        return api


def find_operation(api: Api, ref: str) -> Operation:
    """An operation by id, by the spec's own `operationId`, or by `METHOD /path`."""
    found = api.operation(ref)
    if found is not None:
        return found
    for op in api.operations:
        if op.spec_operation_id == ref:
            return op
    method, _, path = ref.partition(" ")
    for op in api.operations:
        if op.method == method.upper() and op.path == path.strip():
            return op
    from apiforge.errors import did_you_mean

    hint = did_you_mean(ref, [op.id for op in api.operations])
    raise WorkflowError(f"API '{api.id}' has no operation '{ref}'.{hint}")


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One request sent and its answer, as recorded (secrets masked, placeholders kept)."""

    request: dict[str, Any]
    """HAR request (credentials as `{{placeholders}}`)."""
    status: int | None
    body: Any
    failure: str = ""
    url: str = ""
    attempts: int = 1
    pages: int = 1
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "status": self.status,
            "url": self.url,
            "body": self.body,
            "failure": self.failure or None,
            "attempts": self.attempts,
            "pages": self.pages,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class StepRecord:
    id: str
    api: str
    operation: str
    ok: bool
    arguments: tuple[dict[str, Any], ...] = ()
    """The evaluated arguments of each call (one per loop element)."""
    calls: tuple[CallRecord, ...] = ()
    outputs: dict[str, Any] = field(default_factory=dict)
    repairs: tuple[Repair, ...] = ()
    failure: str = ""
    diagnostics: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "api": self.api,
            "operation": self.operation,
            "ok": self.ok,
            "arguments": list(self.arguments),
            "calls": [c.to_dict() for c in self.calls],
            "outputs": self.outputs,
            "repairs": [r.to_dict() for r in self.repairs],
            "failure": self.failure or None,
            "diagnostics": list(self.diagnostics),
        }


@dataclass(frozen=True, slots=True)
class RunResult:
    workflow: str
    ok: bool
    steps: tuple[StepRecord, ...]
    output: dict[str, Any] = field(default_factory=dict)
    failed_step: str = ""
    error: str = ""

    @property
    def repairs(self) -> list[tuple[str, Repair]]:
        return [(s.id, r) for s in self.steps for r in s.repairs]

    def to_dict(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow,
            "ok": self.ok,
            "output": self.output,
            "failed_step": self.failed_step or None,
            "error": self.error or None,
            "steps": [s.to_dict() for s in self.steps],
        }


Progress = Callable[[str, Step, int, int], None]
"""`progress(event, step, index, total)`; event is `start`, `done` or `failed`."""


def run_workflow(
    workflow: Workflow,
    source: ApiSource,
    credentials: CredentialStore,
    *,
    inputs: Mapping[str, Any] | None = None,
    servers: Mapping[str, str] | None = None,
    heal_rounds: int = 2,
    timeout: float = 30.0,
    retries: int = 2,
    max_pages: int = 20,
    max_items: int = 100,
    progress: Progress | None = None,
) -> RunResult:
    """Run every step in order (see the module docstring). Never raises for an HTTP failure; raises
    `WorkflowError` only for a workflow that cannot run at all (unknown API or operation)."""
    context: dict[str, Any] = {"inputs": {**workflow.inputs, **dict(inputs or {})}, "steps": {}}
    records: list[StepRecord] = []
    settings = _Settings(dict(servers or {}), heal_rounds, timeout, retries, max_pages, max_items)
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for index, step in enumerate(workflow.steps):
            if progress:
                progress("start", step, index, len(workflow.steps))
            api = source.get(step.api, workflow.sources)
            operation = find_operation(api, step.operation)
            record = _run_step(step, api, operation, context, credentials, client, settings)
            records.append(record)
            if progress:
                progress("done" if record.ok else "failed", step, index, len(workflow.steps))
            if not record.ok:
                return RunResult(workflow.id, False, tuple(records), failed_step=step.id, error=record.failure)
            context["steps"][step.id] = {"outputs": record.outputs}
    try:
        output = {name: resolve(expr, context) for name, expr in workflow.output.items()}
    except ExpressionError as exc:
        return RunResult(workflow.id, False, tuple(records), error=f"output: {exc}")
    if not workflow.output and records:
        output = dict(records[-1].outputs)
    return RunResult(workflow.id, True, tuple(records), output=output)


@dataclass(frozen=True, slots=True)
class _Settings:
    servers: dict[str, str]
    heal_rounds: int
    timeout: float
    retries: int
    max_pages: int
    max_items: int


def _run_step(
    step: Step,
    api: Api,
    operation: Operation,
    context: dict[str, Any],
    credentials: CredentialStore,
    client: httpx.Client,
    settings: _Settings,
) -> StepRecord:
    try:
        items: list[Any] | None = None
        if step.for_each:
            found = resolve(step.for_each, context)
            if not isinstance(found, list):
                kind = type(found).__name__
                return _failed(step, f"for_each gave {kind}, not a list: {step.for_each}")
            items = found[: settings.max_items]
    except ExpressionError as exc:
        return _failed(step, str(exc))
    required = {f.name for f in operation_fields(api, operation) if f.required}
    calls: list[CallRecord] = []
    arguments: list[dict[str, Any]] = []
    repairs: list[Repair] = []
    outputs_per_item: list[dict[str, Any]] = []
    for index, item in enumerate(items if items is not None else [None]):
        scope = {**context, "item": item, "index": index} if items is not None else context
        try:
            args = resolve(dict(step.arguments), scope)
        except ExpressionError as exc:
            return _failed(step, str(exc), calls=calls)
        empty = [name for name, value in args.items() if value is None and is_expression(step.arguments[name])]
        missing = [name for name in empty if name.split(".")[-1] in required]
        if missing:
            name = missing[0]
            why = f"argument '{name}' came out empty ({step.arguments[name]}): nothing earlier matched"
            return _failed(step, why, calls=calls)
        args = {name: value for name, value in args.items() if name not in empty}  # optional and empty: left out
        outcome = _call_with_healing(step, api, operation, args, scope, credentials, client, settings)
        calls.extend(outcome.calls)
        arguments.append(outcome.arguments)
        repairs.extend(outcome.repairs)
        if not outcome.ok:
            return StepRecord(
                step.id,
                api.id,
                operation.id,
                False,
                tuple(arguments),
                tuple(calls),
                repairs=tuple(repairs),
                failure=outcome.failure,
                diagnostics=outcome.diagnostics,
            )
        outputs_per_item.append(outcome.outputs)
    if items is None:
        outputs = outputs_per_item[0]
    else:
        names = list(step.outputs) or ["body"]
        outputs = {name: [o.get(name) for o in outputs_per_item] for name in names}
    return StepRecord(step.id, api.id, operation.id, True, tuple(arguments), tuple(calls), outputs, tuple(repairs))


@dataclass(slots=True)
class _Outcome:
    ok: bool
    arguments: dict[str, Any]
    calls: list[CallRecord]
    repairs: list[Repair]
    outputs: dict[str, Any] = field(default_factory=dict)
    failure: str = ""
    diagnostics: tuple[str, ...] = ()


def _call_with_healing(
    step: Step,
    api: Api,
    operation: Operation,
    args: dict[str, Any],
    scope: dict[str, Any],
    credentials: CredentialStore,
    client: httpx.Client,
    settings: _Settings,
) -> _Outcome:
    outcome = _Outcome(False, args, [], [])
    tried: list[dict[str, Any]] = []
    for round_number in range(settings.heal_rounds + 1):
        tried.append(args)
        outcome.arguments = args
        try:
            built = build_request(api, operation, args, server=settings.servers.get(step.api))
        except ApiforgeError as exc:
            outcome.failure = f"the request cannot be built: {exc}"
            return outcome
        check = check_request(built.request, api)
        try:
            result, body, pages = _send(step, api, operation, built.request, credentials, client, settings)
        except ApiforgeError as exc:  # a missing credential, a token that cannot be had: nothing to repair here
            outcome.failure = f"the request cannot be sent: {exc}"
            outcome.diagnostics = tuple(str(d) for d in check.errors)
            return outcome
        headers = {k.lower(): v for k, v in result.headers}
        record = CallRecord(
            built.request.to_har(),
            result.status,
            body,
            result.failure,
            result.url,
            len(result.attempts),
            pages,
            result.warnings,
        )
        outcome.calls.append(record)
        response = {"body": body, "header": headers, "status": result.status}
        here = {**scope, "response": response, "statusCode": result.status, "url": result.url}
        here["method"] = built.request.method
        failure, empty = result.failure, False
        if not failure:
            failure, empty = _criteria(step, here)
        if not failure:
            try:
                outcome.outputs = _outputs(step, here)
            except ExpressionError as exc:
                outcome.failure = f"output: {exc}"
                return outcome
            outcome.ok, outcome.failure = True, ""
            return outcome
        outcome.failure = failure
        outcome.diagnostics = tuple(str(d) for d in check.errors) + tuple(result.warnings)
        if round_number >= settings.heal_rounds:
            break
        repair = propose_repair(
            api, operation, args, built.request, result.status, body,
            empty=empty, round_number=round_number + 1, tried=tried,
        )  # fmt: skip
        if repair is None:
            break
        outcome.repairs.append(repair)
        args = repair.arguments
    return outcome


def _send(
    step: Step,
    api: Api,
    operation: Operation,
    request: Any,
    credentials: CredentialStore,
    client: httpx.Client,
    settings: _Settings,
) -> tuple[CallResult, Any, int]:
    kwargs = {"timeout": settings.timeout, "retries": settings.retries, "client": client}
    if not step.paginate:
        result = send(api, operation, request, credentials, **kwargs)
        return result, result.body, 1
    pages = paginate(api, operation, request, credentials, max_pages=settings.max_pages, **kwargs)
    last = pages.results[-1]
    failed = next((r for r in pages.results if not r.is_success), None)
    return (failed or last), list(pages.items), pages.pages


def _criteria(step: Step, context: dict[str, Any]) -> tuple[str, bool]:
    """('' , False) when every criterion holds; else why not, and whether it was an emptiness check."""
    for criterion in step.success:
        try:
            holds = evaluate_condition(criterion.condition, context, kind=criterion.type, on=criterion.context)
        except ExpressionError as exc:
            return f"success criterion cannot be evaluated: {exc}", False
        if not holds:
            empty = criterion == NONEMPTY
            what = "the result is empty" if empty else f"success criterion failed: {_describe(criterion)}"
            return what, empty
    return "", False


def _describe(criterion: Criterion) -> str:
    on = f" on {criterion.context}" if criterion.context else ""
    return f"{criterion.condition}{on}"


def _outputs(step: Step, context: dict[str, Any]) -> dict[str, Any]:
    if not step.outputs:
        return {"body": context["response"]["body"]}
    return {name: evaluate(expr, context) for name, expr in step.outputs.items()}


def _failed(step: Step, why: str, calls: list[CallRecord] | None = None) -> StepRecord:
    return StepRecord(step.id, step.api, step.operation, False, calls=tuple(calls or ()), failure=why)
