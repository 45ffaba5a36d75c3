"""curl command lines → `HttpRequest`: quoting, option values, data joining, forms, auth, multiple commands."""

from __future__ import annotations

import base64

import pytest

from apiforge.errors import ParseError
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody
from apiforge.http.parse import parse_code, parse_code_result


def curl(text: str) -> HttpRequest:
    return parse_code(text, "curl")


def test_api_pack_style_command() -> None:
    req = curl(
        "curl --request POST \\\n"
        "  --url 'https://rest.ably.io/channels/%7Bchannel_id%7D/messages?format=SOME_STRING_VALUE' \\\n"
        "  --header 'Authorization: Basic REPLACE_BASIC_AUTH' \\\n"
        "  --header 'content-type: application/json' \\\n"
        '  --data \'{"name":"string","n":1}\'\n'
    )
    assert req == HttpRequest(
        "POST",
        "https://rest.ably.io/channels/%7Bchannel_id%7D/messages",
        query=(("format", "SOME_STRING_VALUE"),),
        headers=(("Authorization", "Basic {{basic_auth}}"),),
        body=JsonBody({"name": "string", "n": 1}),
    )


def test_bare_url_default_get_and_value_taking_flags_are_not_urls() -> None:
    req = curl("curl -sSL -o out.json -m 30 --retry 3 -w '%{http_code}' -A 'my agent/1.0' https://x.test/a?q=1")
    assert req.method == "GET"
    assert req.url == "https://x.test/a"
    assert req.query == (("q", "1"),)
    assert req.headers == (("User-Agent", "my agent/1.0"),)


def test_attached_short_values_and_combined_flags() -> None:
    req = curl("curl -XPUT -H'X-A: 1' -sd 'a=1' http://x.test/p")
    assert req.method == "PUT"
    assert req.headers == (("X-A", "1"),)
    assert req.body == FormBody((("a", "1"),))


def test_multiple_data_options_join_with_ampersand_and_imply_post_form() -> None:
    req = curl("curl https://x.test/f -d a=1 --data-raw 'b=@literal' --data-urlencode 'c=x y&z' --data-urlencode plain")
    assert req.method == "POST"
    assert req.body == FormBody((("a", "1"), ("b", "@literal"), ("c", "x y&z"), ("plain", "")))


def test_data_at_file_is_noted_not_read() -> None:
    result = parse_code_result("curl -H 'Content-Type: application/json' -d @body.json https://x.test/u", "curl")
    assert result.request.body == RawBody("@body.json", "application/json")
    assert any("body.json" in note for note in result.notes)


def test_json_option_sets_json_body_and_accept() -> None:
    req = curl("""curl --json '{"a": [1, 2]}' https://x.test/j""")
    assert req.method == "POST"
    assert req.body == JsonBody({"a": [1, 2]})
    assert req.headers == (("Accept", "application/json"),)


def test_get_flag_moves_data_to_query() -> None:
    req = curl("curl -G https://x.test/s -d q=caf%C3%A9 --data-urlencode 'tag=a b'")
    assert req.method == "GET"
    assert req.body is None
    assert req.query == (("q", "café"), ("tag", "a b"))


def test_head_and_upload_file_methods() -> None:
    assert curl("curl -I https://x.test/").method == "HEAD"
    assert curl("curl -T file.bin https://x.test/up").method == "PUT"


def test_forms_become_multipart_with_files_types_and_quoted_values() -> None:
    req = curl(
        "curl https://x.test/up -F 'title=Hello world' -F 'file=@/tmp/report.csv;type=text/csv' "
        "-F 'doc=@a.txt;filename=renamed.txt' -F 'q=\"semi;colon\"' --form-string 'raw=@not-a-file;type=x'"
    )
    assert req.method == "POST"
    assert req.body == MultipartBody(
        (
            Part("title", "Hello world"),
            Part("file", "", "report.csv", "text/csv"),
            Part("doc", "", "renamed.txt"),
            Part("q", "semi;colon"),
            Part("raw", "@not-a-file;type=x"),
        )
    )


def test_user_becomes_basic_auth_and_cookies_are_separated() -> None:
    req = curl("curl -u alice:s3cret -b 'sid=abc; theme=dark' -H 'Cookie: x=1' https://x.test/me")
    assert req.header("Authorization") == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert req.cookies == (("sid", "abc"), ("theme", "dark"), ("x", "1"))
    assert req.header("Cookie") is None


def test_ansi_c_quoting_and_unicode() -> None:
    req = curl("curl https://x.test/t -H $'X-Msg: tab\\there \\u00e9\\x21' --data-raw $'line1\\nline2'")
    assert req.header("X-Msg") == "tab\there é!"
    assert req.body == FormBody((("line1\nline2", ""),))  # curl's default type for -d is a form


def test_double_quotes_escapes_and_shell_variables_become_placeholders() -> None:
    req = curl('curl "https://x.test/u" -H "Authorization: Bearer $TOKEN" -H "X-Q: say \\"hi\\" \\$5"')
    assert req.headers == (("Authorization", "Bearer {{token}}"), ("X-Q", 'say "hi" $5'))


def test_prompt_continuations_and_first_of_several_commands() -> None:
    text = "$ curl https://x.test/one \\\n    -H 'A: 1' && curl https://x.test/two\n$ curl https://x.test/three"
    result = parse_code_result(text, "curl")
    assert result.request.url == "https://x.test/one"
    assert result.request.headers == (("A", "1"),)
    assert any("3 curl commands" in note for note in result.notes)


def test_windows_caret_continuations() -> None:
    text = 'curl -X POST "https://x.test/w" ^\n  -H "Content-Type: application/json" ^\n  -d "{\\"a\\":1}"'
    req = curl(text)
    assert req.method == "POST"
    assert req.body == JsonBody({"a": 1})


def test_url_without_scheme_path_encoding_and_query_decoding() -> None:
    req = curl("curl 'x.test/a b/ü?name=J%C3%BCrgen+M&flag&e='")
    assert req.url == "http://x.test/a%20b/%C3%BC"
    assert req.query == (("name", "Jürgen M"), ("flag", ""), ("e", ""))


def test_content_type_moves_to_body_and_charset_is_kept() -> None:
    req = curl("curl https://x.test/x -H 'Content-Type: application/json; charset=utf-8' -d '[1]'")
    assert req.body == JsonBody([1], "application/json; charset=utf-8")
    assert req.headers == ()


def test_non_json_text_with_json_type_stays_raw() -> None:
    req = curl("curl https://x.test/x -H 'Content-Type: application/json' -d '{not json'")
    assert req.body == RawBody("{not json", "application/json")


def test_reads_markdown_fence_and_auto_detects() -> None:
    req = parse_code("```bash\ncurl -X DELETE https://x.test/items/7\n```")
    assert (req.method, req.url) == ("DELETE", "https://x.test/items/7")


@pytest.mark.parametrize("text", ["curl -s -H 'A: b'", "echo hello", "curl --url"])
def test_no_url_or_no_curl_raises(text: str) -> None:
    with pytest.raises(ParseError) as info:
        curl(text)
    assert info.value.lang == "curl"
