"""The `HttpRequest` value, building it from an operation, HAR conversion, and parsing code back into it."""

from apiforge.http._models import (
    Body,
    FormBody,
    HttpRequest,
    JsonBody,
    MultipartBody,
    Part,
    RawBody,
    code_to_placeholder,
    encode_query,
    find_placeholders,
    placeholder,
    placeholder_to_code,
)
from apiforge.http.build import (
    AmbiguousArgument,
    BuiltRequest,
    CoercionError,
    MissingArgument,
    Synthesize,
    argument_names,
    build_http_request,
    build_request,
)

__all__ = [
    "AmbiguousArgument",
    "Body",
    "BuiltRequest",
    "CoercionError",
    "FormBody",
    "HttpRequest",
    "JsonBody",
    "MissingArgument",
    "MultipartBody",
    "Part",
    "RawBody",
    "Synthesize",
    "argument_names",
    "build_http_request",
    "build_request",
    "code_to_placeholder",
    "encode_query",
    "find_placeholders",
    "placeholder",
    "placeholder_to_code",
]
