"""Self-healing: repair one failed step from the checker's diagnostics, the spec and the response, nothing else.

A repair changes only the failed step's arguments; earlier steps' results are reused as they are. Each repair is
one of (tried in this order, at most `rounds` times per step, every one recorded):

- `drop`: an argument the checker rejects (unknown parameter, wrong type, value outside the enum), or one the
  server's error body names, is removed;
- `fill`: a parameter the error body names that was not sent is filled from the spec (default, enum, example);
- `relax`: an expected-non-empty result came back empty: an optional query filter is dropped;
- `retry`: a transient failure (408, 425, 429, 5xx, no response) is tried again unchanged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from apiforge.check import check_request
from apiforge.http import HttpRequest
from apiforge.spec.model import Api, Operation

__all__ = ["Repair", "propose_repair"]

_DROP_CODES = frozenset({"unknown-parameter", "invalid-type", "invalid-enum", "invalid-format", "invalid-pattern"})
_TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
_PAGING = frozenset({"page", "_page", "per_page", "limit", "_limit", "offset", "_start", "cursor", "page_size"})


@dataclass(frozen=True, slots=True)
class Repair:
    """One change made to a failed step before trying it again."""

    round: int
    kind: str
    """`drop`, `fill`, `relax` or `retry`."""
    detail: str
    """What changed and why, in words (masked: it never holds a credential)."""
    arguments: dict[str, Any]
    """The arguments the step is tried with next."""

    def to_dict(self) -> dict[str, Any]:
        return {"round": self.round, "kind": self.kind, "detail": self.detail, "arguments": self.arguments}


def propose_repair(
    api: Api,
    operation: Operation,
    arguments: dict[str, Any],
    request: HttpRequest | None,
    status: int | None,
    body: Any,
    *,
    empty: bool,
    round_number: int,
    tried: list[dict[str, Any]],
) -> Repair | None:
    """The next repair for a step that failed with `status`/`body` (`empty`: a non-empty criterion failed), or
    None when nothing left to try would change the outcome. `tried` lists argument sets already sent."""
    for kind, detail, new in _candidates(api, operation, arguments, request, status, body, empty):
        if kind == "retry" or new not in tried:
            return Repair(round_number, kind, detail, new)
    return None


def _candidates(
    api: Api,
    operation: Operation,
    arguments: dict[str, Any],
    request: HttpRequest | None,
    status: int | None,
    body: Any,
    empty: bool,
) -> list[tuple[str, str, dict[str, Any]]]:
    out: list[tuple[str, str, dict[str, Any]]] = []
    if request is not None:
        for diag in check_request(request, api).errors:
            name = diag.location.split(".", 1)[-1].split("[", 1)[0]
            if diag.code in _DROP_CODES and name in arguments:
                out.append(("drop", f"dropped '{name}': {diag.code}: {diag.message}", _without(arguments, name)))
    text = body if isinstance(body, str) else "" if body is None or isinstance(body, bytes) else json.dumps(body)
    failed = status is None or not 200 <= status < 300 or _error_body(body)
    if failed and text:
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_\-]*", text))
        for name in arguments:
            if name in words and not _required(operation, name):
                out.append(("drop", f"dropped '{name}': the server's error names it", _without(arguments, name)))
        for param in operation.parameters:
            if param.name in words and param.name not in arguments and param.location in ("query", "path"):
                value = _spec_value(api, param.schema)
                if value is not None:
                    detail = f"filled '{param.name}' = {value!r} from the spec: the server's error names it"
                    out.append(("fill", detail, {**arguments, param.name: value}))
    if empty:
        for name in reversed(list(arguments)):
            param = operation.parameter(name, "query")
            if param is not None and not param.required and name not in _PAGING:
                detail = f"dropped the filter '{name}': the result was empty"
                out.append(("relax", detail, _without(arguments, name)))
    if status is None or status in _TRANSIENT:
        out.append(("retry", f"tried again unchanged after {'no response' if status is None else status}", arguments))
    return out


def _error_body(body: Any) -> bool:
    return isinstance(body, dict) and bool(body.get("error") or body.get("errors"))


def _without(arguments: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v for k, v in arguments.items() if k != name}


def _required(operation: Operation, name: str) -> bool:
    param = operation.parameter(name)
    return bool(param and param.required)


def _spec_value(api: Api, schema: dict[str, Any]) -> Any:
    resolved = api.resolve_schema(schema)
    if "default" in resolved:
        return resolved["default"]
    if resolved.get("enum"):
        return resolved["enum"][0]
    if "example" in resolved:
        return resolved["example"]
    return None
