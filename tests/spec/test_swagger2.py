"""Swagger 2.0 normalised into the OpenAPI 3 model (hand-written spec with every conversion)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.spec import Api, Operation, load_spec


@pytest.fixture(scope="module")
def api(specs_dir: Path) -> Api:
    return load_spec(specs_dir / "swagger2-forms.yaml").api


def _op(api: Api, op_id: str) -> Operation:
    op = api.operation(op_id)
    assert op is not None, op_id
    return op


def test_servers_from_host_base_path_and_schemes(api: Api) -> None:
    assert [s.url for s in api.servers] == ["https://files.example.com/api", "http://files.example.com/api"]


def test_security_definitions(api: Api) -> None:
    schemes = api.security_schemes
    assert (schemes["basic"].type, schemes["basic"].scheme) == ("http", "basic")
    assert (schemes["key"].type, schemes["key"].location, schemes["key"].param_name) == ("apiKey", "query", "api_key")
    assert schemes["implicit"].flows == {
        "implicit": {"authorizationUrl": "https://auth.example.com/authorize", "scopes": {"read": "Read things"}}
    }
    assert list(schemes["password"].flows) == ["password"]
    assert schemes["app"].flows == {
        "clientCredentials": {"tokenUrl": "https://auth.example.com/token", "scopes": {"admin": "Everything"}}
    }
    assert list(schemes["code"].flows) == ["authorizationCode"]
    assert schemes["code"].extensions == {"x-vendor": "kept"}


def test_file_upload_becomes_multipart_body(api: Api) -> None:
    upload = _op(api, "uploadFile")
    assert upload.parameters == ()  # its `Content-Type` header parameter is the body's media type: dropped
    assert upload.request_body is not None and upload.request_body.required
    assert upload.request_body.media_types == ["multipart/form-data"]
    schema = upload.request_body.content["multipart/form-data"].schema
    assert schema == {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "The file to store."},
            "note": {"type": "string"},
        },
        "required": ["file"],
    }


def test_form_data_becomes_urlencoded_body(api: Api) -> None:
    meta = _op(api, "setMeta")
    assert [(p.name, p.location, p.required) for p in meta.parameters] == [("name", "path", True)]
    assert meta.request_body is not None
    form = meta.request_body.content["application/x-www-form-urlencoded"]
    assert set(form.schema["properties"]) == {"title", "labels"}
    assert form.schema["required"] == ["title"]
    assert form.encoding == {"labels": {"style": "form", "explode": False}}
    assert meta.security == ({"basic": []}, {"code": []})


def test_body_parameter_becomes_request_body_per_consumes(api: Api) -> None:
    patch = _op(api, "patch_files_name")
    assert patch.spec_operation_id == ""
    assert [p.name for p in patch.parameters] == ["name"]
    assert patch.request_body is not None and patch.request_body.required
    assert patch.request_body.media_types == ["application/json", "application/merge-patch+json"]
    assert patch.request_body.content["application/json"].schema == {"$ref": "#/components/schemas/File"}
    assert patch.security == ({"key": []},)  # inherited from the top-level `security`


def test_collection_formats_and_parameter_refs(api: Api) -> None:
    files = _op(api, "listFiles")
    assert files.security == ()

    def style(name: str) -> tuple[str, bool | None]:
        p = files.parameter(name, "query")
        assert p is not None
        return p.style, p.explode

    assert style("tags") == ("form", True)  # multi
    assert style("ids") == ("form", False)  # csv, the default
    assert style("fields") == ("pipeDelimited", False)
    page = files.parameter("page_size", "query")
    assert page is not None
    assert page.schema == {"type": "integer", "exclusiveMaximum": 50}  # draft-4 boolean form converted


def test_responses_get_content_per_produces(api: Api) -> None:
    (ok,) = _op(api, "listFiles").responses
    assert list(ok.content) == ["application/json", "application/xml"]
    assert ok.content["application/json"].example == [{"name": "a.txt"}]
    assert not ok.content["application/xml"].has_example
    (created,) = _op(api, "uploadFile").responses
    assert created.content["application/json"].schema == {"$ref": "#/components/schemas/File"}
    assert created.headers == {"Location": {"type": "string", "format": "uri"}}


def test_definitions_become_schemas(api: Api) -> None:
    file_schema = api.schemas["File"]
    assert file_schema["discriminator"] == {"propertyName": "kind"}
    assert file_schema["properties"]["size"] == {"type": ["integer", "null"]}  # x-nullable
    assert file_schema["properties"]["content"] == {"type": "string", "format": "binary"}  # type: file
    assert file_schema["properties"]["parent"] == {"$ref": "#/components/schemas/File"}
    assert set(api.schemas) == {"File", "Error"}
