r"""API Pack's metrics, reproduced exactly: endpoint match and API-call match (Guo et al., API Pack).

What the released evaluation code (`src/modeling/eval/eval_combine.py` of zguo0525/API-Pack) does, which is what
produced the published numbers and what this module follows by default:

- The API call is taken from a model answer with the regex `**api_call**:(.*?)\\n**api_provider**` (DOTALL); an
  answer without those markers gives the empty string.
- *Endpoint match*: the URL is pulled out of each call with one regex per language (below); both must be found,
  and `difflib.SequenceMatcher(None, pred, gold).ratio()` must be **strictly greater** than 0.9. Python compares
  the `HTTPSConnection` host and the `conn.request` path separately (both must pass), after `rstrip('.')` and
  `rstrip('/')`; curl and the Python path are percent-decoded (`unquote`) first, the other languages are not.
- *API-call match*: the ratio of the whole call texts is > 0.9 **and** the endpoint matches.

`rule="ge"` switches every comparison to `>= threshold` (the reading of "a similarity of 0.9 or more").
Everything else (regexes, decoding, the empty-string behaviour, `autojunk` on) is kept as released, quirks
included: Python's method regex is the character class `[GETPOSTPUTDELETE]*`, so a `PATCH` or `HEAD` call never
matches its endpoint. See docs/evaluation.md for the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal
from urllib.parse import unquote

__all__ = [
    "APIPACK_LANGS",
    "THRESHOLD",
    "ApiPackScore",
    "Rule",
    "apipack_language",
    "extract_api_call",
    "extract_domain",
    "extract_urls",
    "passes",
    "score_apipack",
    "similarity",
]

THRESHOLD = 0.9
"""`threshold = 0.9` in the released code."""

Rule = Literal["gt", "ge"]
"""`gt`: `ratio > threshold` (released code, the default); `ge`: `ratio >= threshold`."""

_API_CALL = re.compile(r"\**api_call\**:(.*?)\n\**api_provider\**", re.DOTALL)
_DOMAIN = re.compile(r"\**domain\**:(.*?)\n\**api_call\**", re.DOTALL)

# One pattern per language, verbatim from the released code (group 1 is the URL).
_URL_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "curl": (re.compile(r"--url\s+(\S+)"),),
    "java": (re.compile(r'\.url\("([^"]+)"\)'),),
    "go": (re.compile(r'url\s*:=\s*"([^"]+)"'),),
    "javascript": (re.compile(r'xhr\.open\("[A-Z]+",\s*"([^"]+)"'),),
    "libcurl": (re.compile(r'curl_easy_setopt\(\s*hnd,\s*CURLOPT_URL,\s*"([^"]+)"\s*\)'),),
    "node": (re.compile(r"url:\s*\'([^\']+)\'"),),
    "php": (re.compile(r'CURLOPT_URL\s*=>\s*"([^"]+)"'),),
    "ruby": (re.compile(r'URI\("([^"]+)"\)'),),
    "swift": (re.compile(r'NSURL\(string:\s*"([^"]+)"\)'),),
    "python": (
        re.compile(r'http\.client\.HTTP[S]?Connection\("([^"]+)"\)'),
        re.compile(r'conn\.request\("[GETPOSTPUTDELETE]*", "([^"]+)"'),
    ),
}
# Go also requires the URL variable to be used by http.NewRequest.
_GO_REQUEST = re.compile(r'http\.NewRequest\("[A-Z]+",\s*url,')

APIPACK_LANGS: tuple[str, ...] = tuple(_URL_PATTERNS)
"""The ten languages of API Pack, by the names its `cleaned_<lang>` folders use."""

_ALIASES = {
    "shell": "curl",
    "shell_curl": "curl",
    "bash": "curl",
    "java_okhttp": "java",
    "node_request": "node",
    "nodejs": "node",
    "node.js": "node",
    "python_python3": "python",
    "python3": "python",
    "go_native": "go",
    "golang": "go",
    "ruby_native": "ruby",
    "php_curl": "php",
    "swift_nsurlsession": "swift",
    "c": "libcurl",
    "c_libcurl": "libcurl",
    "javascript_xhr": "javascript",
    "js": "javascript",
}


def apipack_language(lang: str) -> str | None:
    """API Pack's language key for a `lang` field (`cURL`, `Python`, `C`), a snippet target or an alias."""
    key = "_".join(lang.strip().lower().removeprefix("cleaned_").split())
    key = _ALIASES.get(key, key)
    return key if key in _URL_PATTERNS else None


def similarity(a: str, b: str) -> float:
    """`SequenceMatcher(None, a, b).ratio()`, exactly as released (autojunk on)."""
    return SequenceMatcher(None, a, b).ratio()


def passes(score: float, threshold: float = THRESHOLD, rule: Rule = "gt") -> bool:
    return score > threshold if rule == "gt" else score >= threshold


def extract_api_call(output: str) -> str:
    r"""The call in an API Pack answer (`**api_call**:...\n**api_provider**`), or '' without the markers."""
    m = _API_CALL.search(output)
    return m.group(1) if m else ""


def extract_domain(output: str) -> str:
    m = _DOMAIN.search(output)
    return m.group(1) if m else ""


def extract_urls(code: str, lang: str) -> tuple[str, ...] | None:
    """The URL part(s) the released code compares for `lang` (Python: host and path), or None when absent."""
    key = apipack_language(lang)
    if key is None:
        raise ValueError(f"API Pack has no URL extraction for language {lang!r}; known: {', '.join(APIPACK_LANGS)}")
    found = [p.search(code) for p in _URL_PATTERNS[key]]
    if not all(found):
        return None
    if key == "go" and not _GO_REQUEST.search(code):
        return None
    urls = [m.group(1) for m in found if m]
    if key == "curl":
        return (unquote(urls[0]),)
    if key == "python":
        host, path = urls[0], unquote(urls[1])
        return (host.rstrip(".").rstrip("/"), path.rstrip(".").rstrip("/"))
    return tuple(urls)


@dataclass(frozen=True, slots=True)
class ApiPackScore:
    """API Pack's verdict on one predicted call against the gold call."""

    endpoint_match: bool
    api_call_match: bool
    """The released definition: the call texts are similar enough *and* the endpoint matches."""
    call_similarity: float
    url_similarity: float | None
    """The lowest URL similarity (Python: of host and path); None when a URL was not found."""


def score_apipack(
    predicted: str, gold: str, lang: str, *, threshold: float = THRESHOLD, rule: Rule = "gt"
) -> ApiPackScore:
    """Score a predicted call (code, already extracted) against the gold call for `lang`."""
    call_similarity = similarity(predicted, gold)
    pred_urls, gold_urls = extract_urls(predicted, lang), extract_urls(gold, lang)
    url_similarity: float | None = None
    endpoint = False
    if pred_urls is not None and gold_urls is not None:
        url_similarity = min(similarity(p, g) for p, g in zip(pred_urls, gold_urls, strict=True))
        endpoint = all(passes(similarity(p, g), threshold, rule) for p, g in zip(pred_urls, gold_urls, strict=True))
    call = passes(call_similarity, threshold, rule) and endpoint
    return ApiPackScore(endpoint, call, call_similarity, url_similarity)
