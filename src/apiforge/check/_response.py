"""Validate a response against the operation's documented response for its status code.

The response is looked up by exact status, then its range (`4XX`), then `default`. `writeOnly` properties are
not required in responses (`readOnly` ones are). Bodies given as text or bytes are decoded as JSON when the
media type is JSON; already-decoded values are validated as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from apiforge.check._checker import prepare
from apiforge.check._diagnostics import Diagnostic, join_location
from apiforge.check._operation import is_json_media, media_type_of, pick_media_type
from apiforge.check._values import split_style
from apiforge.spec.model import Api, Operation, Response

__all__ = ["NO_BODY", "check_response", "find_response"]

NO_BODY: Any = object()
"""Sentinel for "the response has no body" (a JSON `null` body is `None`)."""


def find_response(operation: Operation, status: int) -> Response | None:
    """The documented response for `status`: exact, then `NXX`, then `default`."""
    by_status = {r.status.upper(): r for r in operation.responses}
    return by_status.get(str(status)) or by_status.get(f"{status // 100}XX") or by_status.get("DEFAULT")


def check_response(
    api: Api,
    operation: Operation,
    status: int,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
    body: Any = NO_BODY,
) -> list[Diagnostic]:
    """Diagnostics for a response to `operation`; [] when it matches the spec.

    Example::

        check_response(api, op, 200, {"Content-Type": "application/json"}, b'{"id": "x"}')
    """
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    lower = {k.lower(): v for k, v in reversed(pairs)}
    response = find_response(operation, status)
    if response is None:
        documented = ", ".join(r.status for r in operation.responses) or "none"
        return [
            Diagnostic(
                "undocumented-status",
                "error",
                "status",
                f"Status {status} is not documented for '{operation.id}' (documented: {documented}).",
            )
        ]
    prepared = prepare(api).operation(operation.id)
    diags: list[Diagnostic] = []
    for name, header in response.headers.items():
        schema = header.get("schema", header) if isinstance(header, dict) else {}
        value = lower.get(name.lower())
        if value is None or not schema or name.lower() == "content-type":
            continue
        decoded = split_style(api, [value], schema, "simple", False)
        for issue in prepared.validator((f"response-header-{response.status}", name), schema).issues(decoded):
            where = join_location(f"header.{name}", issue.path)
            diags.append(Diagnostic("invalid-header", "error", where, issue.message))
    if body is NO_BODY or not response.content:
        return diags
    mt = media_type_of(lower.get("content-type", ""))
    key = pick_media_type(response.content, mt) if mt else next(iter(response.content))
    if key is None:
        accepted = ", ".join(response.content)
        diags.append(
            Diagnostic(
                "unsupported-media-type",
                "error",
                "header.Content-Type",
                f"Response media type '{mt}' is not documented for status {response.status} (documented: {accepted}).",
            )
        )
        return diags
    media = response.content[key]
    if not media.schema:
        return diags
    instance = body
    if isinstance(body, (bytes, str)):
        if not is_json_media(media_type_of(key) if "*" not in key else mt or "application/json"):
            return diags
        try:
            instance = json.loads(body)
        except ValueError as exc:
            return [*diags, Diagnostic("invalid-body", "error", "body", f"The body is not valid JSON: {exc}.")]
    validator = prepared.validator((f"response-{response.status}", key), media.schema)
    for issue in validator.issues(instance):
        diags.append(Diagnostic("invalid-body", "error", join_location("body", issue.path), issue.message))
    return diags
