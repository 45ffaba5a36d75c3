"""Structure of the registry and of every target's output (no runtime needed), and rendering every operation of
the shared specs in every target."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from apiforge.errors import RenderError
from apiforge.http import HttpRequest, JsonBody, MultipartBody, Part
from apiforge.snippets import Target, _registry, get_target, register_target, render, targets
from tests.snippets.corpus import HANDMADE

MINE = {
    "shell_curl": "curl",
    "python_python3": "python",
    "python_requests": "python",
    "python_httpx": "python",
    "node_request": "node",
    "node_fetch": "node",
    "javascript_xhr": "javascript",
    "javascript_fetch": "javascript",
    "go_native": "go",
}
API_PACK_TARGETS = {"shell_curl", "node_request", "python_python3", "go_native", "javascript_xhr"}


def test_targets_are_registered_with_their_language() -> None:
    registered = {t.name: t for t in targets()}
    for name, language in MINE.items():
        assert registered[name].language == language
        assert registered[name].extension


def test_language_defaults_and_aliases() -> None:
    assert get_target("python").name == "python_requests"
    assert get_target("node").name == "node_fetch"
    assert get_target("javascript").name == "javascript_xhr"
    assert get_target("curl").name == "shell_curl"
    assert get_target("shell").name == "shell_curl"
    assert get_target("http.client").name == "python_python3"
    assert get_target("go").name == "go_native"


def test_unknown_target_suggests_a_close_name() -> None:
    with pytest.raises(RenderError, match="python_requests"):
        get_target("python_request")


def test_third_party_targets_use_the_same_registry() -> None:
    register_target(Target("test_echo_method", "testlang", "none", lambda r: r.method))
    try:
        assert render(HttpRequest("PATCH", "https://x.test/"), "testlang") == "PATCH"
    finally:
        _registry._TARGETS.pop("test_echo_method")


@pytest.mark.parametrize("name", sorted(MINE))
@pytest.mark.parametrize("case", [c for c, _ in HANDMADE])
def test_no_placeholder_survives_and_every_secret_is_code(name: str, case: str) -> None:
    request = dict(HANDMADE)[case]
    code = render(request, name)
    assert "{{" not in code and "%7B%7B" not in code
    for placeholder in request.placeholders:
        assert "REPLACE_" + placeholder.upper() in code


@pytest.mark.parametrize("case", [c for c, _ in HANDMADE])
@pytest.mark.parametrize("name", ["python_python3", "python_requests", "python_httpx"])
def test_python_snippets_parse(name: str, case: str) -> None:
    ast.parse(render(dict(HANDMADE)[case], name))


def test_requests_uses_natural_json_and_repeated_params() -> None:
    code = render(
        HttpRequest("POST", "https://x.test/a", query=(("t", "1"), ("t", "2")), body=JsonBody({"ok": True})),
        "python_requests",
    )
    assert '"t": ["1", "2"]' in code
    assert '"ok": True' in code and "json=payload" in code
    assert "Content-Type" not in code  # json= sets it


def test_curl_quotes_shell_metacharacters() -> None:
    code = render(HttpRequest("GET", "https://x.test/a", headers=(("X", "it's $HOME"),)), "shell_curl")
    assert "--header 'X: it'\\''s $HOME'" in code


def test_multipart_files_keep_name_and_type_in_every_target() -> None:
    body = MultipartBody((Part("file", "a,b", filename="r.csv", content_type="text/csv"),))
    request = HttpRequest("POST", "https://x.test/up", body=body)
    for name in MINE:
        code = render(request, name)
        assert "r.csv" in code and "text/csv" in code, name


def test_render_every_operation_of_every_shared_spec_in_every_target(shared_dir: Path) -> None:
    from apiforge.http import build_http_request
    from apiforge.spec import find_spec_files, load_spec

    names = [t.name for t in targets()]
    failures, count = [], 0
    for path in sorted(find_spec_files(shared_dir / "specs")):
        api = load_spec(path).api
        for operation in api.operations:
            request = build_http_request(api, operation, synthesize="all")
            for name in names:
                count += 1
                try:
                    code = render(request, name)
                except Exception as exc:  # noqa: BLE001  (report every failure with its reason)
                    failures.append(f"{path.name}:{operation.id} {name}: {type(exc).__name__}: {exc}")
                    continue
                if not code.strip() or re.search(r"\{\{\w+\}\}", code):
                    failures.append(f"{path.name}:{operation.id} {name}: empty or unconverted placeholder")
    assert count > 2900 * len(names) // 2
    assert not failures, f"{len(failures)} of {count} renders failed:\n" + "\n".join(failures[:30])
