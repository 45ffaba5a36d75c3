"""Guess the language of a code snippet from telltale library calls and syntax."""

from __future__ import annotations

import ast
import re

__all__ = ["LANGUAGES", "detect_language", "normalize_language"]

LANGUAGES = ("curl", "python", "javascript", "go", "java", "ruby", "php", "swift", "c")

# Ordered: the first rule that matches wins, so the more specific telltales come first.
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("php", re.compile(r"<\?php|\$\w+\s*=\s*curl_init|curl_setopt(?:_array)?\s*\(\s*\$")),
    ("c", re.compile(r"curl_easy_(?:setopt|init|perform)|#include\s*<curl/")),
    (
        "go",
        re.compile(r"^\s*package\s+main\b|http\.NewRequest(?:WithContext)?\s*\(|\bfunc\s+main\s*\(\s*\)\s*\{|:=", re.M),
    ),
    ("swift", re.compile(r"^\s*import\s+Foundation\b|URLRequest\s*\(|NSMutableURLRequest|URLSession\.shared", re.M)),
    ("ruby", re.compile(r"Net::HTTP|^\s*require\s+['\"](?:uri|net/http)['\"]", re.M)),
    (
        "java",
        re.compile(
            r"OkHttpClient|Request\.Builder\s*\(|HttpRequest\.newBuilder|HttpClient\.newHttpClient|Unirest\.\w+\s*\("
            r"|\bpublic\s+(?:static\s+)?(?:class|void)\b"
        ),
    ),
    ("python", re.compile(r"^\s*(?:import|from)\s+(?:requests|httpx|http\.client|urllib)\b", re.M)),
    (
        "javascript",
        re.compile(
            r"XMLHttpRequest|\bfetch\s*\(|require\(\s*['\"](?:request|axios|node-fetch)['\"]\s*\)|\baxios\b"
            r"|^\s*(?:const|let|var)\s+\w+\s*=|=>",
            re.M,
        ),
    ),
)
_CURL = re.compile(r"(?:^|[\s;&|(]|^\s*\$\s*)curl(?:\.exe)?\s", re.M)
_ALIASES = {
    "shell": "curl",
    "sh": "curl",
    "bash": "curl",
    "cmd": "curl",
    "powershell": "curl",
    "py": "python",
    "python3": "python",
    "requests": "python",
    "httpx": "python",
    "js": "javascript",
    "node": "javascript",
    "nodejs": "javascript",
    "typescript": "javascript",
    "ts": "javascript",
    "golang": "go",
    "kotlin": "java",
    "libcurl": "c",
    "objc": "swift",
}


def normalize_language(lang: str) -> str:
    """`'python_requests'` → `'python'`, `'node'` → `'javascript'`, `'shell_curl'` → `'curl'`; '' if unknown."""
    key = lang.strip().lower()
    if key in LANGUAGES:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    head, _, tail = key.partition("_")
    if tail == "curl" and head == "shell" or tail == "libcurl":
        return "curl" if head == "shell" else "c"
    if head == "php":
        return "php"
    return _ALIASES.get(head, head if head in LANGUAGES else "")


def detect_language(text: str) -> str:
    """One of `LANGUAGES` for `text`, or '' when nothing gives it away.

    Example::

        detect_language("curl -X POST https://api.example.com/items")  # 'curl'
    """
    sample = text.strip()
    if not sample:
        return ""
    for lang, pattern in _RULES[:2]:
        if pattern.search(sample):
            return lang
    if _CURL.search(" " + sample) and _looks_like_shell(sample):
        return "curl"
    for lang, pattern in _RULES[2:]:
        if pattern.search(sample):
            return lang
    try:
        ast.parse(sample)
    except SyntaxError:
        return ""
    return "python" if re.search(r"\b(?:requests|httpx)\.\w+\s*\(", sample) else ""


def _looks_like_shell(text: str) -> bool:
    """A curl command line, not code that merely mentions curl in a string."""
    command = re.compile(r"(?:[$>%]\s+)?(?:[A-Za-z_]\w*=\S*\s+)*(?:sudo\s+)?(?:\S*/)?curl(?:\.exe)?\s")
    return any(command.match(line.strip() + " ") for line in text.splitlines())
