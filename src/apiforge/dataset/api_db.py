"""Stage 1, the API DB: one record per endpoint × language, `api_call` built from the spec and rendered by our
snippet targets (API Pack used the npm library openapi-snippet).

The request is built with `synthesize="required"`: required values from examples, defaults or synthesized
placeholders, credentials as placeholders — never a real secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from apiforge.dataset.records import DEFAULT_TARGETS, LANGUAGES
from apiforge.errors import ApiforgeError
from apiforge.http import build_request
from apiforge.snippets import get_target
from apiforge.spec.model import Api, Operation

__all__ = ["api_db_records", "api_fields"]


def api_fields(api: Api) -> dict[str, Any]:
    """The API-level fields shared by all its records."""
    provider = str(api.extensions.get("x-providerName") or api.id)
    return {
        "api_name": api.title,
        "api_provider": provider,
        "framework": provider,
        "api_description": api.description,
        "api_license": api.license,
    }


def _arguments(op: Operation) -> dict[str, Any]:
    """Parameters by name (where, required, type): what API Pack's always-empty `api_arguments` was meant to hold."""
    out: dict[str, Any] = {}
    for p in op.parameters:
        out[p.name] = {"in": p.location, "required": p.required, "type": str(p.schema.get("type", ""))}
    return out


def api_db_records(api: Api, targets: Sequence[str] = DEFAULT_TARGETS) -> list[dict[str, Any]]:
    """The API DB records of `api` for `targets`, in spec order. An operation whose request cannot be built gets
    records with an empty `api_call` and `build_error` set, so the validation stage can drop them and say why."""
    shared = api_fields(api)
    rendered = [get_target(t) for t in targets]
    records: list[dict[str, Any]] = []
    for op in api.operations:
        error = ""
        try:
            request = build_request(api, op).request
        except ApiforgeError as exc:
            request, error = None, f"{type(exc).__name__}: {exc}"
        arguments = _arguments(op)
        for target in rendered:
            call = ""
            if request is not None:
                try:
                    call = target.render(request)
                except ApiforgeError as exc:
                    error = f"{type(exc).__name__}: {exc}"
            records.append(
                {
                    "api_call": call,
                    **shared,
                    "endpoint": op.spec_operation_id,
                    "functionality": op.summary,
                    "api_arguments": arguments,
                    "description": op.description,
                    "path": op.path,
                    "method": op.method.lower(),
                    "lang": LANGUAGES.get(target.name, target.language),
                    "domain": list(op.tags),
                    "api_id": api.id,
                    "operation_id": op.id,
                    "target": target.name,
                    "build_error": error,
                }
            )
    return records
