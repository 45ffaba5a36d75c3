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

__all__ = [
    "Body",
    "FormBody",
    "HttpRequest",
    "JsonBody",
    "MultipartBody",
    "Part",
    "RawBody",
    "code_to_placeholder",
    "encode_query",
    "find_placeholders",
    "placeholder",
    "placeholder_to_code",
]
