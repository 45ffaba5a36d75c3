"""String literals from `_common` read back as the exact text in the real language runtimes."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from apiforge.snippets._common import js_str, php_str, py_literal, py_str, ruby_str, shell_quote

TEXTS = [
    "",
    "plain",
    "quotes \" and ' and `back`",
    "back\\slash \\n not a newline",
    "new\nline\r\ttab\x00nul\x1bescape\x7f",
    "$HOME ${x} $(id) #{x} #@x \\(x) %s {{x}}",
    "unicode Zoë ☃ 😀 \u2028 \u2029 \ufeff",
]


@pytest.mark.parametrize("text", TEXTS)
def test_py_str_round_trips(text: str) -> None:
    assert ast.literal_eval(py_str(text)) == text


def test_py_literal_round_trips_json() -> None:
    value = {"a": [1, 2.5, None, True, False, {"b": TEXTS[4]}], "c": {}, "d": []}
    assert ast.literal_eval(py_literal(value)) == value


def _run(argv: list[str]) -> str:
    return subprocess.run(argv, capture_output=True, check=True).stdout.decode("utf-8")


@pytest.mark.toolchain
def test_js_str_round_trips() -> None:
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    program = "process.stdout.write(JSON.stringify([" + ", ".join(js_str(t) for t in TEXTS) + "]))"
    assert json.loads(_run(["node", "-e", program])) == TEXTS


@pytest.mark.toolchain
def test_shell_quote_round_trips() -> None:
    texts = [t for t in TEXTS if "\x00" not in t]  # a shell word cannot hold NUL
    script = "for a in " + " ".join(shell_quote(t) for t in texts) + "; do printf '%s\\0' \"$a\"; done"
    assert _run(["bash", "-c", script]).split("\0")[:-1] == texts


@pytest.mark.toolchain
def test_php_str_round_trips(tmp_path: Path) -> None:
    if not shutil.which("php"):
        pytest.skip("php is not installed")
    script = tmp_path / "t.php"  # a file: single-quoted PHP keeps NUL as is, which argv cannot carry
    script.write_text("<?php echo json_encode([" + ", ".join(php_str(t) for t in TEXTS) + "]);", encoding="utf-8")
    assert json.loads(_run(["php", str(script)])) == TEXTS


@pytest.mark.toolchain
def test_ruby_str_round_trips() -> None:
    if not shutil.which("ruby"):
        pytest.skip("ruby is not installed")
    program = "require 'json'; print JSON.generate([" + ", ".join(ruby_str(t) for t in TEXTS) + "])"
    assert json.loads(_run(["ruby", "-e", program])) == TEXTS
