"""Python code → `HttpRequest` via `ast`: requests, httpx (functions and clients), http.client, urllib."""

from __future__ import annotations

import base64
import textwrap

import pytest

from apiforge.errors import ParseError
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody
from apiforge.http.parse import parse_code, parse_code_result


def py(text: str) -> HttpRequest:
    return parse_code(textwrap.dedent(text), "python")


def test_requests_with_variables_fstrings_params_headers_json() -> None:
    req = py(
        """
        import os
        import requests

        BASE = "https://api.example.com/v1"
        item_id = 42
        headers = {"Authorization": f"Bearer {os.environ['API_TOKEN']}", "Accept": "application/json"}
        headers["X-Trace"] = "t-" + str(item_id)
        payload = {"name": "Zoë", "tags": ["a", "b"], "ok": True, "none": None}
        r = requests.put(f"{BASE}/items/{item_id}?v=1", params={"tag": ["x", "y z"], "skip": None}, headers=headers,
                         json=payload, timeout=10)
        """
    )
    assert req == HttpRequest(
        "PUT",
        "https://api.example.com/v1/items/42",
        query=(("v", "1"), ("tag", "x"), ("tag", "y z")),
        headers=(("Authorization", "Bearer {{api_token}}"), ("Accept", "application/json"), ("X-Trace", "t-42")),
        body=JsonBody({"name": "Zoë", "tags": ["a", "b"], "ok": True, "none": None}),
    )


def test_requests_request_with_data_dumps_and_content_type() -> None:
    req = py(
        """
        import json, requests
        body = json.dumps({"a": 1})
        ctype = "application/merge-patch+json"
        requests.request("PATCH", "https://x.test/p", data=body, headers={"Content-Type": ctype})
        """
    )
    assert req.method == "PATCH"
    assert req.body == JsonBody({"a": 1}, "application/merge-patch+json")
    assert req.headers == ()


def test_requests_form_cookies_and_basic_auth() -> None:
    req = py(
        """
        from requests import post
        from requests.auth import HTTPBasicAuth
        post("https://x.test/login", data=[("user", "me"), ("scope", "a"), ("scope", "b")],
             cookies={"sid": "REPLACE_SID"}, auth=HTTPBasicAuth("me", "pw"))
        """
    )
    assert req.body == FormBody((("user", "me"), ("scope", "a"), ("scope", "b")))
    assert req.cookies == (("sid", "{{sid}}"),)
    assert req.header("Authorization") == "Basic " + base64.b64encode(b"me:pw").decode()


def test_requests_files_become_multipart() -> None:
    result = parse_code_result(
        textwrap.dedent(
            """
            import requests
            files = {"report": ("r.csv", "a,b\\n1,2\\n", "text/csv"), "upload": open("photo.png", "rb")}
            requests.post("https://x.test/up", data={"title": "T"}, files=files)
            """
        ),
        "python",
    )
    assert result.request.body == MultipartBody(
        (Part("title", "T"), Part("report", "a,b\n1,2\n", "r.csv", "text/csv"), Part("upload", "", "photo.png"))
    )
    assert any("photo.png" in note for note in result.notes)


def test_session_and_httpx_client_defaults_merge() -> None:
    req = py(
        """
        import httpx

        async def main():
            base, key = "https://api.test/v2", "REPLACE_API_KEY"
            async with httpx.AsyncClient(base_url=base, headers={"X-Key": key}) as client:
                resp = await client.post("/things", params={"dry": "true"}, content=b"raw bytes")
        """
    )
    assert req == HttpRequest(
        "POST",
        "https://api.test/v2/things",
        query=(("dry", "true"),),
        headers=(("X-Key", "{{api_key}}"),),
        body=RawBody("raw bytes", ""),
    )
    req = py(
        """
        import requests
        s = requests.Session()
        s.headers.update({"A": "1"})
        s.get("https://x.test/s", headers={"a": "2", "B": "3"})
        """
    )
    assert req.headers == (("a", "2"), ("B", "3"))


def test_http_client_with_payload_and_port() -> None:
    req = py(
        """
        import http.client

        conn = http.client.HTTPConnection("localhost", 8080)
        payload = "{\\"clientId\\":\\"string\\"}"
        headers = {'content-type': "application/json", 'Authorization': "Basic REPLACE_BASIC_AUTH"}
        conn.request("POST", "/channels/%7Bid%7D/messages?format=x", payload, headers)
        res = conn.getresponse()
        """
    )
    assert req == HttpRequest(
        "POST",
        "http://localhost:8080/channels/%7Bid%7D/messages",
        query=(("format", "x"),),
        headers=(("Authorization", "Basic {{basic_auth}}"),),
        body=JsonBody({"clientId": "string"}),
    )


def test_http_client_multipart_string_with_boundary() -> None:
    req = py(
        """
        import http.client
        conn = http.client.HTTPSConnection("api.test")
        b = "-----011000010111000001101001"
        payload = (b + "\\r\\nContent-Disposition: form-data; name=\\"file\\"; filename=\\"a.txt\\"\\r\\n"
                   "Content-Type: text/plain\\r\\n\\r\\nhello\\r\\n" + b + "\\r\\n"
                   "Content-Disposition: form-data; name=\\"note\\"\\r\\n\\r\\nhi there\\r\\n" + b + "--\\r\\n")
        headers = { 'content-type': "multipart/form-data; boundary=---011000010111000001101001" }
        conn.request("POST", "/upload", payload, headers)
        """
    )
    assert req.body == MultipartBody((Part("file", "hello", "a.txt", "text/plain"), Part("note", "hi there")))


def test_urllib_request() -> None:
    req = py(
        """
        import urllib.request
        req = urllib.request.Request("https://x.test/u", data=b"a=1", headers={"X": "y"}, method="PUT")
        urllib.request.urlopen(req)
        """
    )
    assert (req.method, req.url, req.headers, req.body) == (
        "PUT",
        "https://x.test/u",
        (("X", "y"),),
        FormBody((("a", "1"),)),
    )


def test_invalid_python_and_no_request_raise() -> None:
    with pytest.raises(ParseError, match="not valid Python"):
        parse_code("requests.get(", "python")
    with pytest.raises(ParseError, match="no requests"):
        parse_code("print('hello')", "python")
