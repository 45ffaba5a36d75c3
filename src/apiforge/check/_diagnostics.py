"""The checker's output: `Diagnostic` (one finding) and `CheckResult` (the verdict on one request).

Every diagnostic code the checker emits is listed in `CODES` with what it means, so reports, docs and tests
share one vocabulary. Locations use one small grammar: a section (`server`, `path`, `method`, `query`, `header`,
`cookie`, `body`, `status`) followed by a name and, for structured values, a JSON-path-like tail:
`path.owner`, `query.limit`, `header.Authorization`, `body.items[2].price`, `body["odd key"]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CODES", "CheckResult", "Diagnostic", "Severity", "join_location"]

Severity = Literal["error", "warning", "info"]

#: Every diagnostic code, with what it means. Errors make a request invalid; warnings and infos never do.
CODES: dict[str, str] = {
    # -- which API and operation ------------------------------------------------------------------------------
    "unknown-server": "No API in scope has a server matching the request's host and base path: a hallucinated "
    "host. The scheme is ignored when matching (http vs https is reported as `scheme-mismatch`), default ports "
    "are ignored, server variables match any value (or one of their enum values), and relative servers "
    "(`/api/v1`) match any host.",
    "scheme-mismatch": "(warning) The host matches but with another scheme than every server lists (e.g. `http` "
    "for an https-only API).",
    "unknown-path": "The server matches but no path template of the API matches the request path: a hallucinated "
    "endpoint. The message suggests the closest templates.",
    "method-not-allowed": "The path exists but not with this method; the message lists the allowed methods.",
    "deprecated-operation": "(warning) The matched operation is marked deprecated in the spec.",
    # -- parameters -------------------------------------------------------------------------------------------
    "unknown-parameter": "A query parameter the operation does not take (error), or a non-standard header / "
    "cookie that looks like an API parameter but is not in the spec (warning). Standard headers (Accept, "
    "User-Agent, ...) and credentials are never flagged.",
    "missing-parameter": "A required path, query, header or cookie parameter is absent.",
    "invalid-type": "A parameter value does not have the schema's type (query strings are coerced per schema "
    "type and style/explode before this check, so `limit=10` is an integer).",
    "invalid-format": "A value does not match its schema `format` (date-time, uuid, email, int32, ...).",
    "invalid-enum": "A value is not one of the schema's `enum` (or `const`) values.",
    "out-of-range": "A value breaks a numeric or size bound: minimum/maximum, multipleOf, min/maxLength, "
    "min/maxItems, min/maxProperties, uniqueItems.",
    "invalid-pattern": "A string does not match the schema's `pattern`.",
    "invalid-value": "A parameter value breaks its schema in another way (oneOf, not, required properties, ...).",
    # -- body -------------------------------------------------------------------------------------------------
    "invalid-body": "The body does not match the schema: one diagnostic per violation, each at its own location "
    "(`body.items[2].price`); also a body that cannot be decoded (malformed JSON).",
    "missing-body": "The operation requires a request body and the request has none.",
    "unexpected-body": "(warning) The request has a body but the operation describes none.",
    "unsupported-media-type": "The body's media type is not one the operation accepts.",
    "missing-content-type": "The request has a body without a media type, and the operation needs one.",
    # -- auth -------------------------------------------------------------------------------------------------
    "missing-credentials": "None of the operation's security alternatives is satisfied: the header, query "
    "parameter or cookie that should carry the credential is absent (a `{{placeholder}}` counts as present).",
    # -- input and responses ----------------------------------------------------------------------------------
    "unparseable": "Code text could not be parsed into a request.",
    "undocumented-status": "(responses) The status code is not documented and the operation has no `default`.",
    "invalid-header": "(responses) A response header does not match its schema.",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about a request (or response), e.g. `missing-parameter` at `query.limit`."""

    code: str
    """One of `CODES`."""
    severity: Severity
    location: str
    """Where the problem is: `query.limit`, `body.items[2].price`, `header.Authorization`, ... ('' for the request)."""
    message: str
    """Plain English, with a did-you-mean suggestion where one helps."""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "location": self.location, "message": self.message}

    def __str__(self) -> str:
        where = f" at {self.location}" if self.location else ""
        return f"{self.severity} {self.code}{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The checker's verdict on one request: which operation it calls, and what is wrong with it."""

    api_id: str | None
    """The matched API, or None when no API matches."""
    operation_id: str | None
    """The matched operation, or None for a hallucinated host / path / method."""
    path_params: dict[str, str]
    """Path parameter values taken from the URL (percent-decoded), e.g. `{"owner": "octo"}`."""
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def is_valid(self) -> bool:
        """True when no diagnostic has error severity (warnings are allowed)."""
        return not any(d.severity == "error" for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.is_valid,
            "api": self.api_id,
            "operation": self.operation_id,
            "path_params": self.path_params,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


def join_location(base: str, path: Any) -> str:
    """`join_location("body", ["items", 2, "price"]) == "body.items[2].price"`."""
    out = base
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part and all(c.isalnum() or c in "_-$@" for c in part):
            out += f".{part}" if out else part
        else:
            out += f"[{_json_str(str(part))}]"
    return out


def _json_str(text: str) -> str:
    import json

    return json.dumps(text)
