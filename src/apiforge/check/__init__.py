"""Check any call against the spec: hallucinated hosts and endpoints, wrong arguments, broken bodies.

Usage::

    from apiforge.check import check_request, check_code, check_response

    result = check_request(request, api)        # or a list of APIs (the catalog)
    result.is_valid, result.api_id, result.operation_id
    for d in result.diagnostics:                # Diagnostic(code, severity, location, message)
        print(d)

Every diagnostic code is documented in `CODES`.
"""

from apiforge.check._checker import Checker, PreparedApi, check_request, prepare
from apiforge.check._code import check_code, request_from_text
from apiforge.check._diagnostics import CODES, CheckResult, Diagnostic, Severity
from apiforge.check._match import split_url
from apiforge.check._response import NO_BODY, check_response, find_response

__all__ = [
    "CODES",
    "NO_BODY",
    "CheckResult",
    "Checker",
    "Diagnostic",
    "PreparedApi",
    "Severity",
    "check_code",
    "check_request",
    "check_response",
    "find_response",
    "prepare",
    "split_url",
    "request_from_text",
]
