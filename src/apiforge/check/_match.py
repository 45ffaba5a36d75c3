"""Find the operation a request calls: server (host + base path) first, then path template, then method.

Rules, chosen to catch hallucinations without flagging legitimate variations:
- The scheme is ignored when matching a server (a client may use http against a local copy); when every
  server is https and the request is not, the checker adds a `scheme-mismatch` warning. Host names compare
  case-insensitively and default ports (80/443) are dropped.
- Server variables (`https://{region}.example.com/{version}`) match one of their `enum` values, else any
  non-empty run without `/`. Relative servers (`/api/v1`) and APIs without servers match any host.
- Operation- and path-level servers are added to the API's servers for matching.
- A templated segment (`{id}`, or `{name}.{ext}`) matches exactly one non-empty segment; values are
  percent-decoded after splitting on `/`, so `%2F` stays inside a value. The most literal template wins,
  left to right (`/users/me` beats `/users/{id}`), among the templates that have the request's method.
- A trailing slash on the request or the template is tolerated.
"""

from __future__ import annotations

import difflib
import re
import urllib.parse
from dataclasses import dataclass, field

from apiforge.spec.model import Api, Operation, Server

__all__ = ["PathIndex", "PathMatch", "ServerPattern", "server_patterns", "split_url"]

_VAR = re.compile(r"\{([^{}]+)\}")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


@dataclass(frozen=True, slots=True)
class ServerPattern:
    """One server URL template, compiled for matching."""

    template: str
    host: re.Pattern[str] | None
    """Matches the lower-cased `host[:port]`; None for a relative server (any host)."""
    base: re.Pattern[str]
    """Matches the base path at the start of the request path (without trailing slash)."""
    schemes: frozenset[str]
    """Schemes the template allows (empty when a variable decides)."""
    example: str = ""
    """The URL with every variable at its default, for messages."""

    def match(self, scheme: str, netloc: str, path: str) -> str | None:
        """The path left after this server's base path, or None when the request is not for this server."""
        if self.host is not None and not self.host.fullmatch(netloc):
            return None
        m = self.base.match(path)
        if not m:
            return None
        rest = path[m.end() :]
        return rest if rest.startswith("/") else "/" + rest


def _pattern(template: str, server: Server, *, in_host: bool) -> str:
    out = []
    pos = 0
    for m in _VAR.finditer(template):
        out.append(re.escape(template[pos : m.start()]))
        var = server.variables.get(m[1]) or {}
        enum = [str(v) for v in var.get("enum") or () if str(v)]
        default = str(var.get("default", ""))
        options = enum or ([default] if default and not in_host and "/" in default else [])
        if options:
            out.append("(?:" + "|".join(re.escape(o.strip("/") if not in_host else o.lower()) for o in options) + ")")
        else:
            out.append("[^/]+" if in_host else "[^/]*")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return "".join(out)


def split_url(url: str) -> tuple[str, str, str]:
    """(scheme, normalised netloc, path) of a request URL."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower().rpartition("@")[2]
    host, _, port = netloc.rpartition(":") if netloc.count(":") == 1 else (netloc, "", "")
    if port and _DEFAULT_PORTS.get(scheme) == port:
        netloc = host
    return scheme, netloc, parts.path or "/"


def _compile_server(server: Server) -> ServerPattern:
    url = server.url.strip() or "/"
    marked = _VAR.sub(lambda m: "\x00" + m[1] + "\x01", url)
    if "://" in marked:
        scheme, _, rest = marked.partition("://")
    elif marked.startswith("//"):
        scheme, rest = "", marked[2:]
    else:
        scheme, rest = "", None
    if rest is None:
        host_t, path_t = None, marked
    else:
        host_t, slash, path_t = rest.partition("/")
        path_t = slash + path_t
    unmark = lambda t: t.replace("\x00", "{").replace("\x01", "}")  # noqa: E731
    host_re = None
    if host_t is not None:
        host_t = unmark(host_t).lower()
        if ":" in host_t and "{" not in host_t.rpartition(":")[2]:
            h, _, port = host_t.rpartition(":")
            if _DEFAULT_PORTS.get(scheme.lower()) == port:
                host_t = h
        host_re = re.compile(_pattern(host_t, server, in_host=True))
    path_t = unmark(path_t).rstrip("/")
    base = re.compile(_pattern(path_t, server, in_host=False) + r"(?=/|$)")
    schemes = frozenset() if "\x00" in scheme else frozenset({scheme.lower()} if scheme else ())
    return ServerPattern(server.url, host_re, base, schemes, example=server.resolved_url())


def server_patterns(api: Api) -> list[ServerPattern]:
    """Compiled patterns for the API's servers and its operations' own servers (relative `/` when none).

    A relative server of a description loaded from a URL is resolved against that URL, as OpenAPI says.
    """
    seen: dict[str, ServerPattern] = {}
    servers = list(api.servers) + [s for op in api.operations for s in op.servers]
    from_url = api.source.startswith(("http://", "https://"))
    for server in servers or [Server(url="/")]:
        if from_url and "://" not in server.url and not server.url.startswith("{"):
            server = Server(urllib.parse.urljoin(api.source, server.url), server.description, server.variables)
        if server.url not in seen:
            seen[server.url] = _compile_server(server)
    return list(seen.values())


@dataclass(frozen=True, slots=True)
class _Segment:
    literal: str | None
    regex: re.Pattern[str] | None
    names: tuple[str, ...]
    score: int
    """2 for a literal segment, 1 for a mixed one (`{name}.json`), 0 for a bare parameter."""


@dataclass(slots=True)
class _Template:
    template: str
    segments: tuple[_Segment, ...]
    order: int
    """Position in the spec: the tie-breaker between equally literal templates."""
    methods: dict[str, list[Operation]] = field(default_factory=dict)
    """Method → operations; several when a spec disambiguates one path by a fragment (`/#Action=List`)."""


@dataclass(frozen=True, slots=True)
class PathMatch:
    template: str
    methods: dict[str, list[Operation]]
    params: dict[str, str]
    score: tuple[int, ...]
    order: int = 0


def _segments(path: str) -> list[str]:
    path = path.split("#", 1)[0].split("?", 1)[0]
    parts = path.strip("/").split("/")
    return [] if parts == [""] else parts


def _compile_segment(text: str) -> _Segment:
    names = tuple(_VAR.findall(text))
    if not names:
        return _Segment(literal=urllib.parse.unquote(text), regex=None, names=(), score=2)
    if _VAR.fullmatch(text):
        return _Segment(literal=None, regex=None, names=names, score=0)
    # `_VAR.split` alternates literal chunks and variable names; groups are numbered in `names` order.
    parts = _VAR.split(text)
    pattern_parts = []
    group = 0
    for i, chunk in enumerate(parts):
        if i % 2:
            pattern_parts.append(f"(?P<p{group}>.+?)")
            group += 1
        else:
            pattern_parts.append(re.escape(chunk))
    pattern = "".join(pattern_parts)
    return _Segment(literal=None, regex=re.compile(pattern + "$"), names=names, score=1)


class _Node:
    """A trie node: literal children by decoded text, templated children in order, templates ending here."""

    __slots__ = ("literal", "templated", "ends")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.templated: list[tuple[_Segment, _Node]] = []
        self.ends: list[_Template] = []


class PathIndex:
    """Every path template of one API in a segment trie, for fast and unambiguous matching."""

    def __init__(self, api: Api) -> None:
        self._root = _Node()
        self._templates: dict[str, _Template] = {}
        for op in api.operations:
            raw = _segments(op.path)
            key = "/" + "/".join(raw)
            entry = self._templates.get(key)
            if entry is None:
                entry = _Template(key, tuple(_compile_segment(s) for s in raw), len(self._templates))
                self._templates[key] = entry
                self._add(entry)
            entry.methods.setdefault(op.method.upper(), []).append(op)

    def _add(self, entry: _Template) -> None:
        node = self._root
        for seg in entry.segments:
            if seg.literal is not None:
                node = node.literal.setdefault(seg.literal, _Node())
                continue
            for existing, child in node.templated:
                if existing.names == seg.names and (existing.regex is None) == (seg.regex is None):
                    if seg.regex is None or existing.regex.pattern == seg.regex.pattern:  # type: ignore[union-attr]
                        node = child
                        break
            else:
                child = _Node()
                node.templated.append((seg, child))
                node = child
        node.ends.append(entry)

    @property
    def templates(self) -> list[str]:
        return list(self._templates)

    def match(self, path: str) -> list[PathMatch]:
        """Every template matching `path` (percent-encoded), most literal first."""
        raw = _segments(path)
        decoded = [urllib.parse.unquote(s) if "%" in s else s for s in raw]
        found: list[PathMatch] = []
        stack: list[tuple[_Node, int, dict[str, str], tuple[int, ...]]] = [(self._root, 0, {}, ())]
        while stack:
            node, depth, params, score = stack.pop()
            if depth == len(raw):
                for entry in node.ends:
                    found.append(PathMatch(entry.template, entry.methods, params, score, entry.order))
                continue
            text = decoded[depth]
            child = node.literal.get(text)
            if child is not None:
                stack.append((child, depth + 1, params, (*score, 2)))
            for seg, child in node.templated:
                if seg.regex is None:
                    if text:
                        stack.append((child, depth + 1, {**params, seg.names[0]: text}, (*score, 0)))
                    continue
                m = seg.regex.match(raw[depth])
                if m:
                    values = {name: urllib.parse.unquote(m[f"p{i}"]) for i, name in enumerate(seg.names)}
                    stack.append((child, depth + 1, {**params, **values}, (*score, 1)))
        found.sort(key=lambda m: (tuple(-s for s in m.score), m.order))
        return found

    def suggest(self, path: str, n: int = 3) -> list[str]:
        """Templates closest to a path that matched none (for did-you-mean).

        A near miss is one edit away: one literal segment misspelled (scored by string similarity), or one
        segment too many or too few. Found by walking the trie with an edit budget of one, so a miss costs
        about as much as a match even on Stripe's 400 templates.
        """
        raw = [urllib.parse.unquote(s) for s in _segments(path)]
        best: dict[str, float] = {}
        matchers = [difflib.SequenceMatcher(None, "", text) for text in raw]  # difflib caches the second side
        # (node, position in raw, edit used, summed similarity, template segments walked)
        stack: list[tuple[_Node, int, bool, float, int]] = [(self._root, 0, False, 0.0, 0)]
        while stack:
            node, i, edited, total, depth = stack.pop()
            if i == len(raw):
                for entry in node.ends:
                    score = total / max(depth, len(raw), 1)
                    if score > best.get(entry.template, 0.0):
                        best[entry.template] = score
            if not edited:
                if i < len(raw):
                    stack.append((node, i + 1, True, total, depth))  # an extra segment in the request
                    matcher = matchers[i]
                    for literal, child in node.literal.items():
                        if literal != raw[i]:
                            matcher.set_seq1(literal)
                            if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
                                continue  # cheap upper bounds first: most literals are nowhere near
                            ratio = matcher.ratio()
                            if ratio >= 0.5:
                                stack.append((child, i + 1, True, total + ratio, depth + 1))
                for child in node.literal.values():  # a segment missing from the request
                    stack.append((child, i, True, total, depth + 1))
                for _, child in node.templated:
                    stack.append((child, i, True, total, depth + 1))
            if i < len(raw):
                child = node.literal.get(raw[i])
                if child is not None:
                    stack.append((child, i + 1, edited, total + 1.0, depth + 1))
                if raw[i]:
                    for seg, child in node.templated:
                        if seg.regex is None or seg.regex.match(raw[i]):
                            stack.append((child, i + 1, edited, total + 1.0, depth + 1))
        ranked = sorted(
            (t for t, score in best.items() if score >= 0.6), key=lambda t: (-best[t], self._templates[t].order)
        )
        return ranked[:n]
