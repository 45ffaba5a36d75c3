"""Stage 3a, structural validation: every `api_call` is parsed back into a request and checked against the spec.

Not a regex over the code (API Pack's language check matched strings, and skipped six of its ten languages):
the call is read by `apiforge.http.parse` in its own language, and `apiforge.check` finds which operation it
calls and whether its arguments fit. A record passes when the call is valid and is the record's operation, or
an operation with the same method and path (two spec operations a request cannot tell apart).
"""

from __future__ import annotations

from typing import Any

from apiforge.check import Checker
from apiforge.errors import ApiforgeError
from apiforge.http.parse import parse_code
from apiforge.spec.model import Api

__all__ = ["check_call"]


def check_call(record: dict[str, Any], api: Api, checker: Checker | None = None) -> dict[str, Any]:
    """`{"call_ok": bool, "call_problems": [...]}` for one API DB record."""
    if record.get("build_error"):
        return {"call_ok": False, "call_problems": [f"not built: {record['build_error']}"]}
    checker = checker or Checker(api)
    try:
        request = parse_code(record["api_call"], record["target"])
    except ApiforgeError as exc:
        return {"call_ok": False, "call_problems": [f"unparseable ({record['target']}): {exc}"]}
    result = checker.check(request)
    problems = [str(d) for d in result.diagnostics if d.severity == "error"]
    if result.operation_id != record["operation_id"]:
        matched = api.operation(result.operation_id or "")
        own = api.operation(record["operation_id"])
        twin = (
            matched is not None
            and own is not None
            and (matched.method, matched.path.split("#")[0]) == (own.method, own.path.split("#")[0])
        )
        if not twin:
            problems.insert(0, f"calls {result.operation_id or 'no operation'}, not {record['operation_id']}")
    return {"call_ok": not problems, "call_problems": problems}
