"""Arazzo 1.0: export any workflow as an Arazzo document, and read Arazzo documents written by others.

Usage::

    document = to_arazzo(workflow, ApiSource(catalog=catalog))      # a dict; save it as YAML or JSON
    workflows, sources = from_arazzo(document, base=Path("specs"))  # run each with `run_workflow`

The common subset maps both ways: `sourceDescriptions` (OpenAPI only), steps with `operationId` (plain, or
`$sourceDescriptions.NAME.operationId`) or `operationPath` (`{$sourceDescriptions.NAME.url}#/paths/~1pets/get`),
`parameters` (`name`, `in`, `value`), `requestBody.payload`, `successCriteria` (simple, regex, jsonpath),
`outputs`, workflow `inputs` (defaults) and `outputs`, with runtime expressions `$inputs.x`,
`$steps.s.outputs.y`, `$response.body#/json/pointer`, `$response.header.X`, `$statusCode`.

What Arazzo cannot say is kept in `x-apiforge-*` extensions, so an export re-runs here with the same result and
stays valid for other tools: loops (`x-apiforge-forEach`), pagination (`x-apiforge-paginate`), JMESPath
selectors in outputs and criteria (`x-apiforge-outputs`, `x-apiforge-success`; the plain `outputs` then hold
the nearest Arazzo expression, usually `$response.body`). Not supported on import: `onSuccess`/`onFailure`
actions, `workflowId` steps (nested workflows) and `components` references — they raise a `WorkflowError` naming
the step, never run half-understood.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from apiforge.http.build import argument_names
from apiforge.spec import Api
from apiforge.spec.jsonschema import json_type
from apiforge.workflow.model import Criterion, Step, Workflow, WorkflowError
from apiforge.workflow.runner import ApiSource, find_operation

__all__ = ["ARAZZO_VERSION", "from_arazzo", "is_arazzo", "to_arazzo"]

ARAZZO_VERSION = "1.0.1"
_PLAIN = re.compile(r"^\$response\.body((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$")
_SOURCE_OP = re.compile(r"^\$sourceDescriptions\.([A-Za-z0-9_\-]+)\.(.+)$")
_OP_PATH = re.compile(
    r"^\{\$sourceDescriptions\.([A-Za-z0-9_\-]+)\.url\}#/paths/(.+)/(get|put|post|delete|patch|head|options)$"
)
_SUCCESS_2XX = "$statusCode >= 200 && $statusCode < 300"


def is_arazzo(document: dict[str, Any]) -> bool:
    return isinstance(document, dict) and str(document.get("arazzo", "")).startswith("1.")


def _source_name(api_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_\-]", "_", api_id)


def _pointer(expression: str) -> str | None:
    """`$response.body.data[0].id` → `$response.body#/data/0/id`; None when it is more than a plain path."""
    match = _PLAIN.match(expression)
    if match is None:
        return None
    parts = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", match.group(1))
    pointer = "".join("/" + (name or index) for name, index in parts)
    return "$response.body" + (f"#{pointer}" if pointer else "")


def to_arazzo(workflow: Workflow, source: ApiSource, *, sources: dict[str, str] | None = None) -> dict[str, Any]:
    """The workflow as an Arazzo 1.0 document (a dict). `sources` (API id → spec URL or path) overrides where
    each API's description is said to live (default: the workflow's `sources`, else the spec the API came from)."""
    apis: dict[str, Api] = {}
    for step in workflow.steps:
        apis.setdefault(step.api, source.get(step.api, workflow.sources))
    where = {**{a: api.source for a, api in apis.items()}, **workflow.sources, **(sources or {})}
    names = {api_id: _source_name(api_id) for api_id in apis}
    several = len(apis) > 1
    descriptions = [
        {"name": names[api_id], "url": where.get(api_id) or f"{api_id}.json", "type": "openapi"} for api_id in apis
    ]
    steps = [_export_step(step, apis[step.api], names[step.api], several) for step in workflow.steps]
    flow: dict[str, Any] = {"workflowId": _source_name(workflow.id) or "workflow"}
    if workflow.summary:
        flow["summary"] = workflow.summary
    if workflow.request:
        flow["description"] = workflow.request
    if workflow.inputs:
        flow["inputs"] = {
            "type": "object",
            "properties": {
                name: ({"type": json_type(value), "default": value} if value is not None else {})
                for name, value in workflow.inputs.items()
            },
        }
    flow["steps"] = steps
    if workflow.output:
        outputs, extra = {}, {}
        for name, expression in workflow.output.items():
            outputs[_output_name(name)] = expression
            if not re.fullmatch(r"\$steps\.[A-Za-z0-9_\-]+\.outputs\.[A-Za-z0-9_\-.]+", expression):
                extra[name] = expression
        flow["outputs"] = outputs
        if extra:
            flow["x-apiforge-outputs"] = extra
    info: dict[str, Any] = {"title": workflow.summary or workflow.id, "version": "1.0.0"}
    if workflow.notes:
        info["description"] = "\n".join(workflow.notes)
    return {"arazzo": ARAZZO_VERSION, "info": info, "sourceDescriptions": descriptions, "workflows": [flow]}


def _output_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._\-]", "_", name) or "output"


def _export_step(step: Step, api: Api, source_name: str, several: bool) -> dict[str, Any]:
    op = find_operation(api, step.operation)
    out: dict[str, Any] = {"stepId": step.id}
    if step.description:
        out["description"] = step.description
    out["operationId"] = f"$sourceDescriptions.{source_name}.{op.id}" if several else op.id
    parameters: list[dict[str, Any]] = []
    payload: dict[str, Any] = {}
    whole_body: Any = None
    for name, value in step.arguments.items():
        location, bare = _location(api, op, name)
        if location == "body":
            if bare == "body":
                whole_body = value
            else:
                payload[bare] = value
        else:
            parameters.append({"name": bare, "in": location, "value": value})
    if parameters:
        out["parameters"] = parameters
    if whole_body is not None or payload:
        media = next(iter(op.request_body.content), "application/json") if op.request_body else "application/json"
        out["requestBody"] = {"contentType": media, "payload": whole_body if whole_body is not None else payload}
    criteria = [c for c in step.success if c.type in ("simple", "regex", "jsonpath")]
    out["successCriteria"] = [c.to_dict() for c in criteria] or [{"condition": _SUCCESS_2XX}]
    extra = [c.to_dict() for c in step.success if c not in criteria]
    if extra:
        out["x-apiforge-success"] = extra
    if step.outputs:
        plain: dict[str, str] = {}
        selectors: dict[str, str] = {}
        for name, expression in step.outputs.items():
            pointer = _pointer(expression) if expression.startswith("$response.body") else expression
            plain[_output_name(name)] = pointer or "$response.body"
            if pointer is None:
                selectors[name] = expression
        out["outputs"] = plain
        if selectors:
            out["x-apiforge-outputs"] = selectors
    if step.for_each:
        out["x-apiforge-forEach"] = step.for_each
    if step.paginate:
        out["x-apiforge-paginate"] = True
    return out


def _location(api: Api, op: Any, name: str) -> tuple[str, str]:
    """Where argument `name` goes: (`path`/`query`/`header`/`cookie`/`body`, its bare name)."""
    head, _, rest = name.partition(".")
    if rest and head in ("path", "query", "header", "cookie", "body"):
        return head, rest
    if name == "body":
        return "body", "body"
    for p in op.parameters:
        if p.name == name or (p.location == "header" and p.name.lower() == name.lower()):
            return p.location, p.name
    if name not in argument_names(api, op):
        raise WorkflowError(f"'{name}' is not an input of {op.id}")
    return "body", name


# -- import ------------------------------------------------------------------------------------------------------


def from_arazzo(
    document: dict[str, Any], *, base: Path | None = None, workflow_id: str | None = None
) -> tuple[list[Workflow], dict[str, str]]:
    """The workflows of an Arazzo document, and its sources (name → spec location, relative ones resolved
    against `base`). `workflow_id` keeps only that workflow."""
    if not is_arazzo(document):
        raise WorkflowError("not an Arazzo 1.x document: it has no 'arazzo: 1.x' field")
    sources: dict[str, str] = {}
    for description in document.get("sourceDescriptions") or []:
        if description.get("type", "openapi") != "openapi":
            continue
        url = str(description["url"])
        if base is not None and "://" not in url and not Path(url).is_absolute():
            url = str((base / url).resolve())
        sources[str(description["name"])] = url
    if not sources:
        raise WorkflowError("the document has no OpenAPI source description")
    flows = document.get("workflows") or []
    if workflow_id is not None:
        flows = [f for f in flows if f.get("workflowId") == workflow_id]
        if not flows:
            known = ", ".join(str(f.get("workflowId")) for f in document.get("workflows") or [])
            raise WorkflowError(f"no workflow '{workflow_id}' (workflows: {known})")
    return [_import_workflow(flow, sources) for flow in flows], sources


def _import_workflow(flow: dict[str, Any], sources: dict[str, str]) -> Workflow:
    default_source = next(iter(sources))
    inputs = {
        name: schema.get("default") if isinstance(schema, dict) else None
        for name, schema in ((flow.get("inputs") or {}).get("properties") or {}).items()
    }
    steps = tuple(_import_step(step, sources, default_source) for step in flow.get("steps") or [])
    if not steps:
        raise WorkflowError(f"workflow '{flow.get('workflowId')}' has no steps")
    output = {str(k): str(v) for k, v in (flow.get("outputs") or {}).items()}
    output.update({str(k): str(v) for k, v in (flow.get("x-apiforge-outputs") or {}).items()})
    return Workflow(
        id=str(flow.get("workflowId", "workflow")),
        steps=steps,
        inputs=inputs,
        output=output,
        request=str(flow.get("description", "")),
        summary=str(flow.get("summary", "")),
        sources=dict(sources),
    )


def _import_step(step: dict[str, Any], sources: dict[str, str], default_source: str) -> Step:
    step_id = str(step.get("stepId", ""))
    for unsupported in ("workflowId", "onSuccess", "onFailure"):
        if step.get(unsupported):
            raise WorkflowError(f"'{unsupported}' is not supported yet", step=step_id)
    api, operation = default_source, ""
    if "operationId" in step:
        ref = str(step["operationId"])
        match = _SOURCE_OP.match(ref)
        api, operation = (match.group(1), match.group(2)) if match else (default_source, ref)
    elif "operationPath" in step:
        match = _OP_PATH.match(str(step["operationPath"]))
        if match is None:
            raise WorkflowError(f"operationPath {step['operationPath']!r} is not '{{$sourceDescriptions.NAME.url}}"
                                "#/paths/...' form", step=step_id)  # fmt: skip
        api = match.group(1)
        path = match.group(2).replace("~1", "/").replace("~0", "~")
        operation = f"{match.group(3).upper()} {path}"
    else:
        raise WorkflowError("a step needs operationId or operationPath", step=step_id)
    if api not in sources:
        raise WorkflowError(f"unknown source description '{api}' (sources: {', '.join(sources)})", step=step_id)
    arguments: dict[str, Any] = {}
    for parameter in step.get("parameters") or []:
        if "reference" in parameter:
            raise WorkflowError("parameter references to components are not supported yet", step=step_id)
        location = parameter.get("in")
        name = str(parameter["name"])
        arguments[f"{location}.{name}" if location in ("header", "cookie") else name] = parameter.get("value")
    body = step.get("requestBody")
    if isinstance(body, dict) and "payload" in body:
        payload = body["payload"]
        if isinstance(payload, dict) and not any(str(k).startswith("$") for k in payload):
            arguments.update(payload)
        else:
            arguments["body"] = payload
    success = tuple(Criterion.from_dict(c) for c in step.get("successCriteria") or ())
    success = tuple(c for c in success if c.condition != _SUCCESS_2XX) + tuple(
        Criterion.from_dict(c) for c in step.get("x-apiforge-success") or ()
    )
    outputs = {str(k): str(v) for k, v in (step.get("outputs") or {}).items()}
    outputs.update({str(k): str(v) for k, v in (step.get("x-apiforge-outputs") or {}).items()})
    return Step(
        id=step_id,
        api=api,
        operation=operation,
        arguments=arguments,
        outputs=outputs,
        success=success,
        for_each=str(step.get("x-apiforge-forEach", "")),
        paginate=bool(step.get("x-apiforge-paginate", False)),
        description=str(step.get("description", "")),
    )
