"""Parameters, bodies and credentials of a matched operation."""

from __future__ import annotations

import pytest

from apiforge.check import CODES, check_request
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody
from apiforge.spec.model import Api

from ._apis import shop

BASE = "https://api.shop.example/v1"
AUTH = (("Authorization", "Bearer {{token}}"),)


@pytest.fixture(scope="module")
def api() -> Api:
    return shop()


def errors(result) -> list[tuple[str, str]]:
    return [(d.code, d.location) for d in result.diagnostics if d.severity == "error"]


def test_valid_query_is_coerced_per_schema_and_style(api: Api) -> None:
    query = [
        ("limit", "10"),
        ("status", "paid"),
        ("since", "2024-02-29"),
        ("ids", "1,2,3"),  # form, explode=false
        ("tag", "a"),  # form, explode=true: repeated keys
        ("tag", "b"),
        ("filter[min]", "5"),  # deepObject
    ]
    result = check_request(HttpRequest("GET", f"{BASE}/orders", query=query, headers=AUTH), api)
    assert result.is_valid, result.diagnostics
    assert result.diagnostics == ()


def test_each_bad_query_value_gets_its_own_code_and_location(api: Api) -> None:
    query = [
        ("limit", "abc"),
        ("status", "opne"),
        ("since", "2023-02-29"),
        ("ids", "1,x"),
        ("filter[min]", "low"),
        ("statsu", "paid"),
    ]
    result = check_request(HttpRequest("GET", f"{BASE}/orders", query=query, headers=AUTH), api)
    assert errors(result) == [
        ("invalid-type", "query.limit"),
        ("invalid-enum", "query.status"),
        ("invalid-format", "query.since"),
        ("invalid-type", "query.ids[1]"),
        ("invalid-type", "query.filter.min"),
        ("unknown-parameter", "query.statsu"),
    ]
    messages = {d.location: d.message for d in result.diagnostics}
    assert "Did you mean 'open'?" in messages["query.status"]
    assert "Did you mean 'status'?" in messages["query.statsu"]
    assert "must be an integer, got the string 'abc'" in messages["query.limit"]


def test_range_checks(api: Api) -> None:
    result = check_request(HttpRequest("GET", f"{BASE}/orders", query={"limit": "0"}, headers=AUTH), api)
    assert errors(result) == [("out-of-range", "query.limit")]
    assert "at least 1" in result.diagnostics[0].message
    result = check_request(HttpRequest("GET", f"{BASE}/orders/9223372036854775808"), api)  # int64 overflow
    assert errors(result) == [("invalid-format", "path.orderId")]


def test_headers_standard_ones_never_flagged_unknown_ones_warned(api: Api) -> None:
    headers = [*AUTH, ("User-Agent", "x"), ("Accept", "application/json"), ("X-Trace-Level", "2"), ("X-Tracee", "1")]
    result = check_request(HttpRequest("GET", f"{BASE}/orders", headers=headers), api)
    assert result.is_valid
    assert [(d.code, d.severity, d.location) for d in result.diagnostics] == [
        ("unknown-parameter", "warning", "header.X-Tracee")
    ]
    result = check_request(HttpRequest("GET", f"{BASE}/orders", headers=[*AUTH, ("x-trace-level", "hi")]), api)
    assert errors(result) == [("invalid-type", "header.X-Trace-Level")]


def test_missing_parameters_path_cookie(api: Api) -> None:
    result = check_request(HttpRequest("PUT", f"{BASE}/notes/not-a-uuid"), api)
    assert errors(result) == [("invalid-format", "path.id"), ("missing-parameter", "cookie.session")]
    ok = HttpRequest("PUT", f"{BASE}/notes/3f1c8a9e-2b4d-4e6f-8a0b-1c2d3e4f5a6b", cookies={"session": "s"})
    assert check_request(ok, api).is_valid


def test_credentials_alternatives_and_placeholders(api: Api) -> None:
    result = check_request(HttpRequest("GET", f"{BASE}/orders"), api)
    assert errors(result) == [("missing-credentials", "query.api_key")]
    assert "one of" in result.diagnostics[0].message and "bearer" in result.diagnostics[0].message
    # Either alternative satisfies it; a placeholder counts as present; the key is not an unknown parameter.
    assert check_request(HttpRequest("GET", f"{BASE}/orders", query={"api_key": "{{key}}"}), api).is_valid
    assert check_request(HttpRequest("GET", f"{BASE}/orders", headers=AUTH), api).is_valid
    # The wrong scheme in Authorization does not count; an empty alternative `{}` means auth is optional.
    basic = HttpRequest("DELETE", f"{BASE}/orders/1", headers={"Authorization": "Bearer {{t}}"})
    assert errors(check_request(basic, api)) == [("missing-credentials", "header.Authorization")]
    assert check_request(HttpRequest("GET", f"{BASE}/files/a.csv"), api).is_valid


def _order(**extra) -> dict:
    return {"customer": "a@b.example", "items": [{"sku": "ABC-1", "price": 2}], **extra}


def test_valid_json_body_read_only_not_required_nullable_allowed(api: Api) -> None:
    body = JsonBody(_order(note=None, parent=_order()))  # `id` is readOnly: not required in a request
    assert check_request(HttpRequest("POST", f"{BASE}/orders", headers=AUTH, body=body), api).is_valid


def test_every_body_violation_is_reported_at_its_own_location(api: Api) -> None:
    items = [{"sku": "ABC-1", "price": 1}, {"sku": "ABC-2", "price": 1}, {"sku": "bad", "price": -5, "colour": "red"}]
    body = JsonBody({"customer": "nobody", "status": "lost", "items": items, "parent": {"items": []}})
    result = check_request(HttpRequest("POST", f"{BASE}/orders", headers=AUTH, body=body), api)
    assert errors(result) == [
        ("invalid-body", "body.customer"),
        ("invalid-body", "body.status"),
        ("invalid-body", "body.items[2].sku"),
        ("invalid-body", "body.items[2].price"),
        ("invalid-body", "body.items[2].colour"),
        ("invalid-body", "body.parent.customer"),
        ("invalid-body", "body.parent.items"),
    ]
    text = " | ".join(d.message for d in result.diagnostics)
    assert "Unknown property 'colour'" in text and "Missing required property 'customer'" in text


def test_form_and_multipart_bodies_are_shaped_and_coerced(api: Api) -> None:
    fields = (("customer", "a@b.example"), ("items[0][sku]", "ABC-1"), ("items[0][price]", "2.5"))
    form = HttpRequest("POST", f"{BASE}/orders", headers=AUTH, body=FormBody(fields))
    assert check_request(form, api).is_valid
    bad = form.with_body(FormBody((*fields, ("items[0][qty]", "many"))))
    assert errors(check_request(bad, api)) == [("invalid-body", "body.items[0].qty")]
    multipart = form.with_body(MultipartBody((Part("customer", "a@b.example"),)))
    assert errors(check_request(multipart, api)) == [("unsupported-media-type", "header.Content-Type")]


def test_missing_and_undecodable_bodies(api: Api) -> None:
    request = HttpRequest("POST", f"{BASE}/orders", headers=AUTH)
    assert errors(check_request(request, api)) == [("missing-body", "body")]
    broken = request.with_body(RawBody('{"customer": ', media_type="application/json"))
    result = check_request(broken, api)
    assert errors(result) == [("invalid-body", "body")] and "malformed JSON" in result.diagnostics[0].message
    untyped = request.with_body(RawBody('{"customer": "a@b.example", "items": []}', media_type=""))
    assert errors(check_request(untyped, api)) == [
        ("missing-content-type", "header.Content-Type"),
        ("invalid-body", "body.items"),  # still validated as the JSON it evidently is
    ]


def test_text_body_and_unexpected_body(api: Api) -> None:
    url = f"{BASE}/notes/3f1c8a9e-2b4d-4e6f-8a0b-1c2d3e4f5a6b"
    note = HttpRequest("PUT", url, cookies={"session": "s"}, body=RawBody("too long"))
    result = check_request(note, api)
    assert errors(result) == [("invalid-body", "body")] and "at most 5 characters" in result.diagnostics[0].message
    result = check_request(HttpRequest("GET", f"{BASE}/files/a.csv", body=JsonBody({})), api)
    assert result.is_valid and [d.code for d in result.diagnostics] == ["unexpected-body"]


def test_every_emitted_code_is_documented() -> None:
    import pathlib
    import re

    import apiforge.check

    package = pathlib.Path(apiforge.check.__file__).parent
    source = "\n".join(p.read_text() for p in package.glob("*.py"))
    emitted = set(re.findall(r'(?:_err|_warn|Diagnostic)\(\s*"([a-z-]+)"', source))
    emitted |= set(re.findall(r'"(invalid-[a-z]+|out-of-range)"', source))
    assert emitted, "the pattern found no codes"
    assert emitted <= set(CODES), emitted - set(CODES)
