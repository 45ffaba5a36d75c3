"""Function (tool) schemas as an API: OpenAI-style tool definitions become operations.

A file of function definitions — a JSON list of `{"type": "function", "function": {...}}` or bare
`{"name", "description", "parameters"}` objects, or an object with a `tools` / `functions` list — loads as an
`Api` of kind `functions`. Each function is an `Operation` whose JSON body is the function's `parameters` schema,
so search, argument filling and checking work on functions exactly as on HTTP operations; `ask` then answers
with a function call instead of an HTTP request.
"""

from __future__ import annotations

import re
from typing import Any

from apiforge.errors import SpecError
from apiforge.spec.model import Api, MediaType, Operation, RequestBody

__all__ = ["is_function_document", "load_functions"]


def _function_list(document: Any) -> list[Any] | None:
    if isinstance(document, dict):
        for key in ("tools", "functions"):
            if isinstance(document.get(key), list):
                return document[key]
        return None
    return document if isinstance(document, list) else None


def is_function_document(document: Any) -> bool:
    """True when `document` looks like a list of function definitions (every item has a name)."""
    items = _function_list(document)
    if not items:
        return False
    return all(isinstance(item, dict) and ("function" in item or "name" in item) for item in items)


def load_functions(document: Any, *, source: str, api_id: str) -> Api:
    """Turn function definitions into an `Api` of kind `functions`; raises `SpecError` naming a bad item."""
    items = _function_list(document) or []
    operations: list[Operation] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        pointer = f"/{index}"
        spec = item.get("function", item) if isinstance(item, dict) else None
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            raise SpecError("a function definition needs a non-empty string 'name'", source=source, pointer=pointer)
        name = spec["name"]
        if name in seen:
            raise SpecError(f"function '{name}' is defined twice", source=source, pointer=pointer + "/name")
        seen.add(name)
        parameters = spec.get("parameters") or {"type": "object", "properties": {}}
        if not isinstance(parameters, dict) or parameters.get("type", "object") != "object":
            raise SpecError(
                "'parameters' must be a JSON schema of type object", source=source, pointer=pointer + "/parameters"
            )
        description = str(spec.get("description", ""))
        operations.append(
            Operation(
                id=name,
                method="POST",
                path="/" + name,
                summary=description.split("\n", 1)[0][:200],
                description=description,
                request_body=RequestBody(content={"application/json": MediaType(schema=parameters)}, required=True),
                security=(),
                spec_operation_id=name,
            )
        )
    title = document.get("title", api_id) if isinstance(document, dict) else api_id
    return Api(
        id=api_id,
        title=str(title),
        version=str(document.get("version", "")) if isinstance(document, dict) else "",
        operations=tuple(operations),
        source=source,
        spec_version="functions",
        kind="functions",
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "functions"
