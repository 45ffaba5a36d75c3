"""Load OpenAPI 3.0 / 3.1 and Swagger 2.0 descriptions into one normalised model."""

from apiforge.spec._load import LoadedSpec, SpecWarning, find_spec_files, load_spec
from apiforge.spec.model import (
    HTTP_METHODS,
    Api,
    MediaType,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityScheme,
    Server,
)

__all__ = [
    "HTTP_METHODS",
    "Api",
    "LoadedSpec",
    "MediaType",
    "Operation",
    "Parameter",
    "RequestBody",
    "Response",
    "SecurityScheme",
    "Server",
    "SpecWarning",
    "find_spec_files",
    "load_spec",
]
