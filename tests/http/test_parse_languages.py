"""JavaScript, Go, Java, Ruby, PHP, Swift and C snippets → `HttpRequest`, plus language detection and errors."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from apiforge.errors import ParseError
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody
from apiforge.http.parse import detect_language, parse_code, parse_code_result

DATA = Path(__file__).resolve().parent.parent / "data" / "parse"


def test_fetch_template_literals_env_secret_and_formdata_file() -> None:
    result = parse_code_result((DATA / "fetch_formdata.js").read_text())
    assert result.language == "javascript"
    assert result.request == HttpRequest(
        "POST",
        "https://api.example.com/v1/uploads/a%20b",
        query=(("dry", "1"),),
        headers=(("Authorization", "Bearer {{api_token}}"), ("X-Unicode", "é😀")),
        body=MultipartBody((Part("title", 'Zoë\'s "report"'), Part("file", "x,y\n1,2\n", "data.csv", "text/csv"))),
    )


def test_xhr_with_json_stringify_and_escapes() -> None:
    req = parse_code(
        """
        const data = JSON.stringify({"msg": "tab\\there", 'q': "\\"x\\"", n: -1.5, ok: false, nested: {}});
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', 'https://x.test/a?x=%2F');
        xhr.setRequestHeader("Content-Type", "application/json");
        xhr.setRequestHeader("Cookie", "a=1; b=2");
        xhr.send(data);
        """
    )
    assert req == HttpRequest(
        "PUT",
        "https://x.test/a",
        query=(("x", "/"),),
        cookies=(("a", "1"), ("b", "2")),
        body=JsonBody({"msg": "tab\there", "q": '"x"', "n": -1.5, "ok": False, "nested": {}}),
    )


def test_node_request_options_object() -> None:
    req = parse_code(
        """
        const request = require('request');
        const options = {
          method: 'POST',
          url: 'https://x.test/v1/users',
          qs: {page: '2', tag: ['a', 'b']},
          headers: {'content-type': 'application/x-www-form-urlencoded', Authorization: 'Bearer REPLACE_TOKEN'},
          form: {name: 'Zoë', scope: ['r', 'w']},
        };
        request(options, function (error, response, body) { if (error) throw new Error(error); });
        """
    )
    assert req.query == (("page", "2"), ("tag", "a"), ("tag", "b"))
    assert req.headers == (("Authorization", "Bearer {{token}}"),)
    assert req.body == FormBody((("name", "Zoë"), ("scope", "r"), ("scope", "w")))


def test_axios_post_object_is_json() -> None:
    req = parse_code(
        "const axios = require('axios');\naxios.post('https://x.test/j', {a: [1, 'two']}, {headers: {'X-A': 'b'}});"
    )
    assert (req.method, req.body, req.headers) == ("POST", JsonBody({"a": [1, "two"]}), (("X-A", "b"),))


def test_go_raw_strings_method_constants_query_cookies() -> None:
    req = parse_code((DATA / "net_http_request.go").read_text())
    assert req == HttpRequest(
        "PATCH",
        "https://api.example.com/items/7",
        query=(("expand", "owner"),),
        headers=(("X-Tab", "a\tb é"), ("Authorization", "Basic " + base64.b64encode(b"me:REPLACE_PASSWORD").decode())),
        cookies=(("sid", "abc"),),
        # a Go raw string keeps `\t` as two characters, which JSON then reads as a tab
        body=JsonBody({"name": "Zoë", "path": "C:\temp"}),
    )


def test_go_byte_escapes_form_values_and_post_form() -> None:
    req = parse_code(
        """
        package main
        func main() {
            data := url.Values{"k": {"v 1", "v2"}}
            data.Set("euro", "\\xe2\\x82\\xac")
            res, err := http.PostForm("https://x.test/f", data)
        }
        """
    )
    assert req.method == "POST"
    assert req.body == FormBody((("k", "v 1"), ("k", "v2")))
    req = parse_code(
        'package main\nfunc main() {\n form := url.Values{}\n form.Add("euro", "\\xe2\\x82\\xac")\n'
        ' req, _ := http.NewRequest("POST", "https://x.test/f", strings.NewReader(form.Encode()))\n'
        ' req.Header.Add("Content-Type", "application/x-www-form-urlencoded")\n}\n'
    )
    assert req.body == FormBody((("euro", "€"),))


def test_java_okhttp4_text_block_and_multipart() -> None:
    req = parse_code((DATA / "okhttp_multipart.java").read_text())
    assert (req.method, req.url, req.query) == ("POST", "https://api.example.com/files", (("folder", "in box"),))
    assert req.headers == (("Authorization", "Bearer {{token}}"),)
    assert req.body == MultipartBody(
        (
            Part("meta", '{"a": "line \\"quoted\\"",\n "b": 2}\n'),
            Part("upload", "col1,col2\n", "table.csv", "text/csv"),
        )
    )


def test_java_httpclient_builder() -> None:
    req = parse_code(
        """
        HttpRequest request = HttpRequest.newBuilder()
            .uri(URI.create("https://x.test/items/%7Bid%7D?sort=desc"))
            .header("Content-Type", "application/json")
            .header("X-Uni", "\\u00fc\\uD83D\\uDE00")
            .method("DELETE", HttpRequest.BodyPublishers.ofString("{\\"hard\\":true}"))
            .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        """
    )
    assert req == HttpRequest(
        "DELETE",
        "https://x.test/items/%7Bid%7D",
        query=(("sort", "desc"),),
        headers=(("X-Uni", "ü😀"),),
        body=JsonBody({"hard": True}),
    )


def test_ruby_net_http_with_interpolation_and_single_quotes() -> None:
    req = parse_code(
        """
        require 'uri'
        require 'net/http'
        token = ENV['API_TOKEN']
        url = URI("https://x.test/v1/things?q=a%20b")
        http = Net::HTTP.new(url.host, url.port)
        request = Net::HTTP::Put.new(url)
        request["Authorization"] = "Bearer #{token}"
        request['X-Raw'] = 'no \\n escape \\' here'
        request["content-type"] = 'application/json'
        request.body = { name: "Zoë", "n" => 2 }.to_json
        response = http.request(request)
        """
    )
    assert req == HttpRequest(
        "PUT",
        "https://x.test/v1/things",
        query=(("q", "a b"),),
        headers=(("Authorization", "Bearer {{api_token}}"), ("X-Raw", "no \\n escape ' here")),
        body=JsonBody({"name": "Zoë", "n": 2}),
    )


def test_php_curl_with_concatenation_json_encode_and_userpwd() -> None:
    req = parse_code(
        """<?php
        $base = 'https://x.test';
        $curl = curl_init();
        curl_setopt_array($curl, [
          CURLOPT_URL => $base . "/v1/notes?draft=1",
          CURLOPT_RETURNTRANSFER => true,
          CURLOPT_CUSTOMREQUEST => "POST",
          CURLOPT_POSTFIELDS => json_encode(['title' => "Tab\\there \\$5", 'tags' => ['a']]),
          CURLOPT_HTTPHEADER => ["Content-Type: application/json", "X-Key: REPLACE_API_KEY"],
          CURLOPT_USERPWD => 'u:p',
        ]);
        $response = curl_exec($curl);
        """
    )
    assert req.method == "POST"
    assert req.url == "https://x.test/v1/notes"
    assert req.query == (("draft", "1"),)
    assert req.headers == (("Authorization", "Basic " + base64.b64encode(b"u:p").decode()), ("X-Key", "{{api_key}}"))
    assert req.body == JsonBody({"title": "Tab\there $5", "tags": ["a"]})


def test_swift_components_interpolation_and_multiline_string() -> None:
    req = parse_code((DATA / "swift_components.swift").read_text())
    assert req == HttpRequest(
        "POST",
        "https://api.example.com/v1/search",
        query=(("q", "café & crème"), ("limit", "5")),
        headers=(("Authorization", "Bearer {{api_token}}"),),
        body=JsonBody({"filter": "naïve", "n": 1}),
    )


def test_c_libcurl_adjacent_literals_octal_and_mime() -> None:
    req = parse_code(
        """
        CURL *hnd = curl_easy_init();
        curl_easy_setopt(hnd, CURLOPT_URL, "https://x.test/"
                                            "upload?x=1");
        struct curl_slist *headers = NULL;
        headers = curl_slist_append(headers, "X-Oct: \\303\\251");
        curl_easy_setopt(hnd, CURLOPT_HTTPHEADER, headers);
        curl_mime *mime = curl_mime_init(hnd);
        curl_mimepart *part = curl_mime_addpart(mime);
        curl_mime_name(part, "doc");
        curl_mime_data(part, "hello", CURL_ZERO_TERMINATED);
        curl_mime_filename(part, "h.txt");
        curl_mime_type(part, "text/plain");
        curl_easy_setopt(hnd, CURLOPT_MIMEPOST, mime);
        CURLcode ret = curl_easy_perform(hnd);
        """
    )
    assert (req.method, req.url, req.query) == ("POST", "https://x.test/upload", (("x", "1"),))
    assert req.headers == (("X-Oct", "é"),)
    assert req.body == MultipartBody((Part("doc", "hello", "h.txt", "text/plain"),))


def test_raw_body_without_content_type_keeps_text() -> None:
    req = parse_code('fetch("https://x.test/t", {method: "POST", body: "just text"})')
    assert req.body == RawBody("just text", "")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("curl https://x.test", "curl"),
        ("$ curl -s https://x.test | jq .", "curl"),
        ("import requests\nrequests.get('https://x.test')", "python"),
        ("<?php\n$ch = curl_init('https://x.test');", "php"),
        ('curl_easy_setopt(hnd, CURLOPT_URL, "https://x.test");', "c"),
        ('package main\nfunc main() { http.Get("https://x.test") }', "go"),
        ("OkHttpClient client = new OkHttpClient();", "java"),
        ("require 'net/http'\nNet::HTTP.get(URI('https://x.test'))", "ruby"),
        ('import Foundation\nlet u = URL(string: "https://x.test")', "swift"),
        ("fetch('https://x.test').then(r => r.json())", "javascript"),
        ("r = requests.get('https://x.test')", "python"),
        ("hello world", ""),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_errors_name_language_and_what_is_missing() -> None:
    with pytest.raises(ParseError) as info:
        parse_code("xhr.open('GET', url)", "javascript")
    assert info.value.lang == "javascript" and "URL" in str(info.value)
    with pytest.raises(ParseError, match="could not tell the language"):
        parse_code("hello world")
    with pytest.raises(ParseError, match="unknown language"):
        parse_code("x", "cobol")
    assert parse_code("curl https://x.test", "shell_curl").url == "https://x.test/"
    assert parse_code("requests.get('https://x.test/a')", "python_requests").url == "https://x.test/a"
