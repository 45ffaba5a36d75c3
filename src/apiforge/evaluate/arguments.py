"""Operation + arguments match for NL → call sets (the `ask` development set format).

A prediction is exact when it names the gold API and operation **and** its argument dict equals the gold one
after normalisation (the rules of tests/data/ask/README.md): numbers and numeric strings compare as numbers,
other strings without surrounding whitespace and case, ISO date-times by value, lists in order, the same keys
on both sides. The failure kind says what went wrong first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["ARGUMENT_FAILURES", "ArgumentResult", "match_operation_arguments", "normalise_value"]

ARGUMENT_FAILURES: tuple[str, ...] = (
    "no-answer",
    "wrong-api",
    "wrong-operation",
    "missing-argument",
    "extra-argument",
    "wrong-value",
)


def normalise_value(value: Any) -> Any:
    """Compare values as users mean them: `5 == "5" == 5.0`, case-free strings, equal ISO date-times."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
        except ValueError:
            return text.lower()
    if isinstance(value, list | tuple):
        return [normalise_value(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise_value(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class ArgumentResult:
    operation_match: bool
    exact: bool
    kind: str = ""
    """'' when exact, else one of `ARGUMENT_FAILURES`."""
    detail: str = ""


def match_operation_arguments(
    api: str,
    operation: str,
    arguments: Mapping[str, Any],
    gold_api: str,
    gold_operation: str,
    gold_arguments: Mapping[str, Any],
) -> ArgumentResult:
    """Score a predicted (api, operation, arguments) against the gold triple."""
    if not operation:
        return ArgumentResult(False, False, "no-answer", "no operation chosen")
    if api != gold_api:
        return ArgumentResult(False, False, "wrong-api", f"{api} instead of {gold_api}")
    if operation != gold_operation:
        return ArgumentResult(False, False, "wrong-operation", f"{operation} instead of {gold_operation}")
    missing = sorted(set(gold_arguments) - set(arguments))
    if missing:
        return ArgumentResult(True, False, "missing-argument", f"missing {', '.join(missing)}")
    extra = sorted(set(arguments) - set(gold_arguments))
    if extra:
        return ArgumentResult(True, False, "extra-argument", f"extra {', '.join(extra)}")
    for name, gold in gold_arguments.items():
        if normalise_value(arguments[name]) != normalise_value(gold):
            return ArgumentResult(True, False, "wrong-value", f"{name}={arguments[name]!r}, expected {gold!r}")
    return ArgumentResult(True, True)
