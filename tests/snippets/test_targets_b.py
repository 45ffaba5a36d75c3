"""The second half of the built-in snippet targets: Java (java.net.http, OkHttp), Ruby, PHP, Swift and C.

Structural tests read the generated code; the round-trip tests at the end run it (JDK, ruby, php, gcc + libcurl)
against the real local httpbin echo and compare what arrived with the request. The shared round trip over the
common corpus lives in part A's tests; this file adds requests built to break escaping.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from apiforge.errors import RenderError
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, Part, RawBody
from apiforge.snippets import _registry
from apiforge.snippets._payload import BOUNDARY, code_url, multipart_text
from apiforge.snippets.php_curl import php_string
from tests.snippets._compare import compare, echo_from_output
from tests.snippets.runners import runners

TARGETS_B = ["java_httpclient", "java_okhttp", "ruby_native", "php_curl", "swift_nsurlsession", "c_libcurl"]
RUNNABLE_B = [t for t in TARGETS_B if t != "swift_nsurlsession"]

# Every character some language in this half treats specially inside a string, a comment or a format.
TORTURE = 'q"uo\'te \\ back $x ${y} {$z} %s %d %% ?> */ /* """ #{x} #@x \\(x) \\u000a ü ☃ 😀 ??= {{not'
HEADER_TORTURE = "q\"uo'te \\ back $x {$z} %s %% ?> */ /* #{x} \\(x) ??="  # header values: ASCII only

API = "https://api.example.com/v1"


def render(request: HttpRequest, target: str) -> str:
    return _registry.render(request, target)


def torture_requests(base: str) -> list[tuple[str, HttpRequest]]:
    """Requests whose every part carries the characters that break naive escaping."""
    return [
        (
            "query-headers-cookies",
            HttpRequest(
                "GET",
                f"{base}/anything/a%20b",
                query=(("q", "1"), ("q", TORTURE), ("k", "{{api_key}}"), ("empty", "")),
                headers=(("X-Torture", HEADER_TORTURE), ("Authorization", "Bearer {{token}}"), ("X-Twice", "a")),
                cookies=(("session", "{{session}}"), ("theme", "dark")),
            ),
        ),
        (
            "json",
            HttpRequest(
                "POST",
                f"{base}/anything",
                body=JsonBody({"s": TORTURE, "lines": "a\nb\r\nc\td\x00e\x1bf", "n": [1, 2.5, None, True, False]}),
            ),
        ),
        ("json-null", HttpRequest("PUT", f"{base}/anything", body=JsonBody(None))),
        (
            "form",
            HttpRequest(
                "PUT",
                f"{base}/anything",
                body=FormBody((("a", "1"), ("a", TORTURE), ("multi\nline", "x\r\ny"), ("t", "{{token}}"))),
            ),
        ),
        (
            "multipart",
            HttpRequest(
                "POST",
                f"{base}/anything",
                body=MultipartBody(
                    (
                        Part("field", TORTURE),
                        Part(
                            "file", f"first line\n{TORTURE}\r\nlast", filename="notes ü.txt", content_type="text/plain"
                        ),
                        Part("blob", "no type given", filename="data.bin"),
                    )
                ),
            ),
        ),
        (
            "multipart-repeated",
            HttpRequest(
                "POST",
                f"{base}/anything",
                body=MultipartBody(
                    (Part("tag", "one $x"), Part("tag", "two ?>"), Part("doc", "{}", filename="a.json"))
                ),
            ),
        ),
        ("raw-text", HttpRequest("PATCH", f"{base}/anything", body=RawBody(f"{TORTURE}\r\nline 2\n", "text/x-custom"))),
        (
            "raw-binary",
            HttpRequest("POST", f"{base}/anything", body=RawBody(b'\x00\xff\xfe\x80 \\ " bin', "image/png")),
        ),
        ("post-no-body", HttpRequest("POST", f"{base}/anything", headers=(("X-Empty", ""),))),
        ("delete", HttpRequest("DELETE", f"{base}/anything/items/7", headers=(("If-Match", '"etag-1"'),))),
    ]


# -- registry ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "target", "extension"),
    [
        ("java", "java_httpclient", "java"),
        ("okhttp", "java_okhttp", "java"),
        ("ruby", "ruby_native", "rb"),
        ("php", "php_curl", "php"),
        ("swift", "swift_nsurlsession", "swift"),
        ("c", "c_libcurl", "c"),
        ("libcurl", "c_libcurl", "c"),
    ],
)
def test_languages_and_aliases_pick_the_right_target(name: str, target: str, extension: str) -> None:
    found = _registry.get_target(name)
    assert (found.name, found.extension) == (target, extension)


# -- placeholders ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS_B)
def test_placeholders_print_as_replace_names_everywhere(target: str) -> None:
    request = HttpRequest(
        "POST",
        f"{API}/users/{{{{user_id}}}}/keys",
        query=(("key", "{{api_key}}"),),
        headers=(("Authorization", "Bearer {{token}}"),),
        cookies=(("sid", "{{session}}"),),
        body=FormBody((("secret", "{{client_secret}}"),)),
    )
    code = render(request, target)
    for name in ("USER_ID", "API_KEY", "TOKEN", "SESSION", "CLIENT_SECRET"):
        assert f"REPLACE_{name}" in code
    assert "{{" not in code
    assert "%7B%7B" not in code.upper()


def test_code_url_keeps_placeholders_readable_in_path_and_query() -> None:
    request = HttpRequest("GET", f"{API}/a/%7B%7Bid%7D%7D", query=(("k", "{{api_key}}"), ("q", "a b")))
    assert code_url(request) == f"{API}/a/REPLACE_ID?k=REPLACE_API_KEY&q=a%20b"


# -- Java ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["java_httpclient", "java_okhttp"])
def test_java_source_is_ascii_without_unicode_escaped_line_breaks(target: str) -> None:
    """javac reads the platform encoding (JDK 17) and turns `\\u000a` into a real newline before lexing."""
    request = HttpRequest("POST", f"{API}/x", headers=(("X-T", HEADER_TORTURE),), body=RawBody(TORTURE + "\n\r"))
    code = render(request, target)
    assert code.isascii()
    assert not re.search(r"(?<!\\)\\u000[ad]", code, re.IGNORECASE)
    assert "public class Main {" in code
    assert "public static void main(String[] args)" in code


def test_okhttp_refuses_a_body_on_get_but_keeps_the_type_of_an_empty_one() -> None:
    with pytest.raises(RenderError, match="GET"):
        render(HttpRequest("GET", f"{API}/x", body=JsonBody({"a": 1})), "okhttp")
    code = render(HttpRequest("GET", f"{API}/x", body=FormBody(())), "okhttp")
    assert '.addHeader("Content-Type", "application/x-www-form-urlencoded")' in code
    assert ".get()" in code and "RequestBody" not in code


def test_okhttp_sends_bodies_as_bytes_so_the_media_type_is_unchanged() -> None:
    """For a String body OkHttp appends `; charset=utf-8` to the Content-Type."""
    code = render(HttpRequest("POST", f"{API}/x", body=JsonBody({"a": "ü"})), "okhttp")
    assert 'MediaType.parse("application/json")' in code
    assert ".getBytes(StandardCharsets.UTF_8)" in code


def test_httpclient_leaves_restricted_headers_to_the_client() -> None:
    """java.net.http throws IllegalArgumentException for a Host header set by code."""
    code = render(HttpRequest("GET", f"{API}/x", headers=(("Host", "example.org"), ("X-Ok", "1"))), "java")
    assert '.header("Host"' not in code
    assert "// HttpClient sets the host header itself" in code
    assert '.header("X-Ok", "1")' in code


# -- Ruby ------------------------------------------------------------------------------------------------------------


def test_ruby_never_interpolates_and_keeps_repeated_keys() -> None:
    request = HttpRequest(
        "POST",
        f"{API}/x",
        headers=(("X-A", "#{system('id')}"), ("X-A", "second")),
        body=FormBody(
            (("k", "1"), ("k", "#@ivar #$glob")),
        ),
    )
    code = render(request, "ruby")
    assert "\"\\#{system('id')}\"" in code
    assert 'request.add_field("X-A", "second")' in code
    assert 'request.set_form_data([["k", "1"], ["k", "\\#@ivar \\#$glob"]])' in code


# -- PHP -------------------------------------------------------------------------------------------------------------


def test_php_strings_are_single_quoted_unless_control_characters_need_escapes() -> None:
    assert php_string("it's $x {$y} \\ ?>") == "'it\\'s $x {$y} \\\\ ?>'"
    assert php_string("$x\r\n") == '"\\$x\\r\\n"'


def test_php_uses_curl_string_file_unless_a_field_name_repeats() -> None:
    single = MultipartBody((Part("a", "1"), Part("f", "x", filename="f.txt", content_type="text/plain")))
    code = render(HttpRequest("POST", f"{API}/x", body=single), "php")
    assert "new CURLStringFile('x', 'f.txt', 'text/plain')" in code
    assert "Content-Type: multipart" not in code  # cURL writes it, with its boundary
    repeated = MultipartBody((Part("a", "1"), Part("a", "2")))
    code = render(HttpRequest("POST", f"{API}/x", body=repeated), "php")
    assert "CURLStringFile" not in code
    assert f"'Content-Type: multipart/form-data; boundary={BOUNDARY}'" in code


@pytest.mark.toolchain
def test_php_string_literals_read_back_exactly(tmp_path: Path) -> None:
    if shutil.which("php") is None:
        pytest.skip("php is not installed")
    texts = [TORTURE, "$x\r\n\t\x00\x1b\x7f end", "'", "\\", "\\'", "?>\n<?php", "", "ü😀"]
    script = "<?php\necho json_encode([" + ", ".join(php_string(t) for t in texts) + "]);\n"
    (tmp_path / "t.php").write_text(script, encoding="utf-8")
    out = subprocess.run(["php", "t.php"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == texts


# -- C ---------------------------------------------------------------------------------------------------------------

_C_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def test_c_request_text_never_lands_in_a_comment_or_a_format() -> None:
    request = torture_requests(API)[0][1].with_body(RawBody(TORTURE))
    code = render(request, "c")
    outside_strings = _C_STRING.sub('""', code)
    assert re.findall(r"/\*.*?\*/", outside_strings, re.DOTALL) == ["/* tells libcurl to stop: out of memory */"]
    assert "//" not in outside_strings
    formats = re.findall(r"\bf?printf\((?:stderr, )?(\"(?:[^\"\\]|\\.)*\")", code)
    assert formats == ['"curl_easy_perform() failed: %s\\n"', '"%ld\\n"']
    assert "CURLOPT_POSTFIELDSIZE, (long)(sizeof body - 1)" in code  # bodies may hold NUL bytes


# -- Swift (no toolchain on Debian: the code is checked by reading its literals back) --------------------------------

_SWIFT_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_SWIFT_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t", "0": "\0"}


def swift_value(literal: str) -> str:
    """The text a Swift string literal stands for; fails on anything Swift would not accept (or would interpolate)."""
    out, i = [], 1
    while i < len(literal) - 1:
        ch = literal[i]
        if ch != "\\":
            assert ch not in '"\r\n', f"raw {ch!r} inside {literal}"
            out.append(ch)
            i += 1
            continue
        unicode = re.match(r"u\{([0-9a-fA-F]{1,8})\}", literal[i + 1 :])
        if unicode:
            out.append(chr(int(unicode.group(1), 16)))
            i += 1 + unicode.end()
            continue
        assert literal[i + 1] in _SWIFT_ESCAPES, f"invalid escape (or interpolation) in {literal}"
        out.append(_SWIFT_ESCAPES[literal[i + 1]])
        i += 2
    return "".join(out)


def swift_literals(code: str) -> list[str]:
    """The values of the literals that carry the request (the fixed tail interpolates `error` on purpose)."""
    head = code.split("let semaphore", 1)[0]
    return [swift_value(m.group()) for m in _SWIFT_STRING.finditer(head)]


def test_swift_literals_read_back_as_the_request() -> None:
    """There is no Swift toolchain here: read the literals back with Swift's escape rules instead of running."""
    (_, request), (_, json_request) = torture_requests(API)[0], torture_requests(API)[1]
    literals = swift_literals(render(request, "swift"))
    assert code_url(request) in literals
    assert HEADER_TORTURE in literals
    assert "theme=dark" in " ".join(literals)
    literals = swift_literals(render(json_request, "swift"))
    sent = [text for text in literals if text.startswith("{")]
    assert [json.loads(text) for text in sent] == [json_request.body.value]  # type: ignore[union-attr]


def test_swift_multipart_body_is_the_encoded_text() -> None:
    body = MultipartBody((Part("f", TORTURE), Part("file", "a\r\nb", filename="x.csv", content_type="text/csv")))
    code = render(HttpRequest("POST", f"{API}/up", body=body), "swift")
    array = code[code.index("let body = [") : code.index("].joined()")]
    assert "".join(swift_literals(array)) == multipart_text(body).content
    assert f"multipart/form-data; boundary={BOUNDARY}" in swift_literals(code)
    assert "URLSession.shared.dataTask(with: request)" in code and "semaphore.wait()" in code


def test_swift_binary_body_is_a_byte_array() -> None:
    code = render(HttpRequest("PUT", f"{API}/b", body=RawBody(b"\x00\xff", "image/png")), "swift")
    assert "request.httpBody = Data([0x00, 0xff])" in code


# -- multipart text ----------------------------------------------------------------------------------------------------


def test_multipart_boundary_changes_when_a_part_contains_it() -> None:
    body = MultipartBody((Part("a", f"--{BOUNDARY}\r\n"),))
    text = multipart_text(body)
    boundary = text.content_type.split("boundary=")[1]
    assert boundary != BOUNDARY
    assert isinstance(text.content, str)
    assert text.content.count(f"--{boundary}") == 2


def test_multipart_names_and_filenames_are_percent_encoded_in_the_disposition() -> None:
    body = MultipartBody((Part('a"b\r\n', "v", filename='f"1.txt'),))
    content = multipart_text(body).content
    assert 'Content-Disposition: form-data; name="a%22b%0D%0A"; filename="f%221.txt"\r\n' in content
    assert "Content-Type: application/octet-stream\r\n" in content


# -- round trip: run the code against httpbin ------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.toolchain
@pytest.mark.slow
@pytest.mark.parametrize("target", RUNNABLE_B)
def test_torture_requests_arrive_intact(target: str, echo_url: str, tmp_path: Path) -> None:
    runner = runners()[target]
    reason = runner.available()
    if reason:
        pytest.skip(reason)
    cases = torture_requests(echo_url)
    results = runner.run_all([render(request, target) for _, request in cases], tmp_path)
    failures = []
    for (name, request), done in zip(cases, results, strict=True):
        echo = echo_from_output(done.stdout)
        if done.returncode != 0 or echo is None:
            failures.append(f"{name}: exit {done.returncode}\n{done.stdout[-500:]}\n{done.stderr[-1500:]}")
            continue
        failures += [f"{name}: {problem}" for problem in compare(request, echo)]
    assert not failures, "\n".join(failures)
