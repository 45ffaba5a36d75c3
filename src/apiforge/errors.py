"""The apiforge exception tree.

Every error apiforge raises on purpose derives from `ApiforgeError`, so callers can catch "any apiforge error"::

    ApiforgeError
    ├── SpecError                  a description could not be read or understood (carries `source`, `pointer`)
    │   ├── SpecParseError         malformed JSON/YAML (carries `line`, `column`)
    │   ├── SpecFetchError         a URL or file could not be read
    │   ├── UnsupportedSpec        not OpenAPI/Swagger, or an unsupported version
    │   └── UnresolvableReference  a `$ref` that points nowhere (carries `ref`, `used_at`)
    ├── CatalogError               the catalog database could not be used
    │   ├── ApiNotFound            (LookupError) no API with that id
    │   └── OperationNotFound      (LookupError) no operation with that id in an API
    ├── BuildError                 a request could not be built from an operation
    │   └── UnknownArgument        an argument the operation does not take
    ├── ParseError                 code text could not be parsed back into a request
    └── RenderError                a request could not be rendered in a target language
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "ApiNotFound",
    "ApiforgeError",
    "BuildError",
    "CatalogError",
    "OperationNotFound",
    "ParseError",
    "RenderError",
    "SpecError",
    "SpecFetchError",
    "SpecParseError",
    "UnknownArgument",
    "UnresolvableReference",
    "UnsupportedSpec",
    "did_you_mean",
]


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ' Did you mean 'x'?' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(name, list(choices), n=3, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


class ApiforgeError(Exception):
    """Base exception class for all apiforge errors."""


class SpecError(ApiforgeError):
    """An API description could not be read or understood."""

    def __init__(self, message: str, *, source: str = "", pointer: str = "") -> None:
        self.source = source
        self.pointer = pointer
        where = source + (f"#{pointer}" if pointer else "")
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message


class SpecParseError(SpecError):
    """Malformed JSON or YAML; `line` and `column` are 1-based."""

    def __init__(self, message: str, *, source: str, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        position = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(message + position, source=source)


class SpecFetchError(SpecError):
    """A spec file or URL could not be read."""


class UnsupportedSpec(SpecError):
    """The document is not OpenAPI 3.x / Swagger 2.0, or is a version we do not read."""


class UnresolvableReference(SpecError):
    """A `$ref` points to nothing: a missing file, or a pointer with no target."""

    def __init__(self, ref: str, *, source: str, used_at: str, reason: str = "") -> None:
        self.ref = ref
        self.used_at = used_at
        detail = f": {reason}" if reason else ""
        super().__init__(f"$ref '{ref}' cannot be resolved{detail}", source=source, pointer=used_at)


class CatalogError(ApiforgeError):
    """The catalog database could not be used."""


class ApiNotFound(LookupError, CatalogError):
    def __init__(self, api_id: str, known: Iterable[str] = ()) -> None:
        self.api_id = api_id
        super().__init__(f"No API '{api_id}' in the catalog.{did_you_mean(api_id, known)}")


class OperationNotFound(LookupError, CatalogError):
    def __init__(self, api_id: str, operation_id: str, known: Iterable[str] = ()) -> None:
        self.api_id = api_id
        self.operation_id = operation_id
        super().__init__(f"No operation '{operation_id}' in API '{api_id}'.{did_you_mean(operation_id, known)}")


class BuildError(ApiforgeError):
    """A request could not be built from an operation and arguments."""

    def __init__(self, message: str, *, operation_id: str = "") -> None:
        self.operation_id = operation_id
        super().__init__(f"{operation_id}: {message}" if operation_id else message)


class UnknownArgument(BuildError):
    """An argument name the operation does not take."""

    def __init__(self, name: str, *, operation_id: str, known: Iterable[str]) -> None:
        self.name = name
        known = list(known)
        super().__init__(
            f"unknown argument '{name}'.{did_you_mean(name, known)} Known: {', '.join(known) or '(none)'}",
            operation_id=operation_id,
        )


class ParseError(ApiforgeError):
    """Code text could not be parsed back into an `HttpRequest`."""

    def __init__(self, message: str, *, lang: str = "") -> None:
        self.lang = lang
        super().__init__(f"{lang}: {message}" if lang else message)


class RenderError(ApiforgeError):
    """A request could not be rendered in a target language."""
