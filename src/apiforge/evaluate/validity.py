"""Hallucination and invalid-argument verdicts on one call, from the checker.

Gorilla (Patil et al.) calls a generated call *hallucinated* when it matches no API in the database (by an AST
sub-tree match). Made precise for HTTP calls: a call is hallucinated when the checker finds **no operation of the
APIs in scope** for it, i.e. its first error is `unknown-server` (no API has its host and base path),
`unknown-path` (no path template matches) or `method-not-allowed` (the path exists, not with that method).

A call that does resolve to an operation but breaks the operation's parameters or body has *invalid arguments*
(`unknown-parameter`, `missing-parameter`, `invalid-*`, `out-of-range`, body codes). Missing credentials are a
separate verdict (`auth`): gold snippets carry placeholders, and a model that leaves out a key is a different
failure from one that invents a parameter. Code that cannot be parsed is `unparseable`, neither hallucinated
nor valid. Rates divide by every scored call (see `apiforge.evaluate.runs`).
"""

from __future__ import annotations

from typing import Literal

from apiforge.check import CheckResult

__all__ = ["ARGUMENT_CODES", "HALLUCINATION_CODES", "Validity", "validity"]

Validity = Literal["valid", "hallucinated", "invalid-arguments", "auth", "unparseable"]

HALLUCINATION_CODES = frozenset({"unknown-server", "unknown-path", "method-not-allowed"})
ARGUMENT_CODES = frozenset(
    {
        "unknown-parameter",
        "missing-parameter",
        "invalid-type",
        "invalid-format",
        "invalid-enum",
        "out-of-range",
        "invalid-pattern",
        "invalid-value",
        "invalid-body",
        "missing-body",
        "unsupported-media-type",
        "missing-content-type",
    }
)


def validity(result: CheckResult) -> Validity:
    """The verdict on a checked call (hallucination wins over everything else, then arguments, then auth)."""
    codes = {d.code for d in result.errors}
    if "unparseable" in codes:
        return "unparseable"
    if result.operation_id is None or codes & HALLUCINATION_CODES:
        return "hallucinated"
    if codes & ARGUMENT_CODES:
        return "invalid-arguments"
    if "missing-credentials" in codes:
        return "auth"
    return "valid"
