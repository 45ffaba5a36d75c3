"""`Checker` and `check_request`: which operation does a request call, and is the call right?

Usage::

    checker = Checker([github, stripe])      # prepares each API once (validators compile lazily)
    result = checker.check(request)
    result.is_valid, result.operation_id, [str(d) for d in result.diagnostics]

`check_request(request, apis)` does the same with a small module-level cache of prepared APIs, so repeated calls
with the same `Api` objects stay fast.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from apiforge.check._diagnostics import CheckResult, Diagnostic
from apiforge.check._match import PathIndex, PathMatch, ServerPattern, server_patterns, split_url
from apiforge.check._operation import PreparedOperation
from apiforge.check._schema import SchemaSet
from apiforge.http import HttpRequest
from apiforge.spec.model import Api, Operation

__all__ = ["Checker", "PreparedApi", "check_request", "prepare"]


class PreparedApi:
    """One API compiled for checking: server patterns, path index, and operations prepared on first use."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.servers: list[ServerPattern] = server_patterns(api)
        self.index = PathIndex(api)
        self.request_schemas = SchemaSet(api, "request")
        self._response_schemas: SchemaSet | None = None
        self._ops: dict[str, PreparedOperation] = {}
        self._lock = threading.Lock()

    def response_schemas(self) -> SchemaSet:
        if self._response_schemas is None:
            self._response_schemas = SchemaSet(self.api, "response")
        return self._response_schemas

    def operation(self, operation_id: str) -> PreparedOperation:
        prepared = self._ops.get(operation_id)
        if prepared is None:
            op = self.api.operation(operation_id)
            if op is None:
                from apiforge.errors import OperationNotFound

                raise OperationNotFound(self.api.id, operation_id, [o.id for o in self.api.operations])
            with self._lock:
                prepared = PreparedOperation(self.api, op, self.request_schemas, self.response_schemas)
                self._ops[operation_id] = prepared
        return prepared

    def warm(self) -> PreparedApi:
        """Prepare every operation and compile every request validator now; returns self."""
        for op in self.api.operations:
            self.operation(op.id).warm()
        return self


_CACHE: OrderedDict[int, PreparedApi] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()


def prepare(api: Api) -> PreparedApi:
    """The prepared form of `api`, from a small identity-keyed LRU cache (an `Api` is immutable)."""
    with _CACHE_LOCK:
        prepared = _CACHE.get(id(api))
        if prepared is not None and prepared.api is api:
            _CACHE.move_to_end(id(api))
            return prepared
        prepared = PreparedApi(api)
        _CACHE[id(api)] = prepared
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return prepared


class Checker:
    """Checks requests against a fixed set of APIs (the whole catalog, or one API)."""

    def __init__(self, apis: Api | PreparedApi | Sequence[Api] | Sequence[PreparedApi], *, warm: bool = False) -> None:
        items = [apis] if isinstance(apis, (Api, PreparedApi)) else list(apis)
        self.apis: list[PreparedApi] = [a if isinstance(a, PreparedApi) else prepare(a) for a in items]
        if warm:
            for prepared in self.apis:
                prepared.warm()

    def check(self, request: HttpRequest) -> CheckResult:
        """Find the operation `request` calls and check it; never raises for a bad request."""
        diags: list[Diagnostic] = []
        scheme, netloc, path = split_url(request.url)
        absolute: list[tuple[PreparedApi, str, ServerPattern]] = []
        relative: list[tuple[PreparedApi, str, ServerPattern]] = []
        for prepared in self.apis:
            for server in prepared.servers:
                rest = server.match(scheme, netloc, path)
                if rest is not None:
                    (relative if server.host is None else absolute).append((prepared, rest, server))
        # The host names the API: relative servers of other APIs (which match any host) do not compete.
        hosts = {id(p) for p, _, _ in absolute}
        candidates = absolute + [c for c in relative if id(c[0]) in hosts] if absolute else relative
        server_known = bool(candidates)
        if absolute:
            schemes = {s for _, _, server in absolute for s in server.schemes}
            if scheme and schemes and scheme not in schemes:
                diags.append(
                    Diagnostic(
                        "scheme-mismatch",
                        "warning",
                        "server",
                        f"The API is served over {' or '.join(sorted(schemes))}, not {scheme}.",
                    )
                )
        if not candidates:
            diags.append(Diagnostic("unknown-server", "error", "server", self._unknown_server_message(request.url)))
            candidates = self._fallback(path)
        hits: list[tuple[PreparedApi, PathMatch]] = []
        for prepared, rest, _ in candidates:
            hits.extend((prepared, m) for m in prepared.index.match(rest))
        if not hits:
            if server_known:
                diags.append(Diagnostic("unknown-path", "error", "path", self._unknown_path_message(candidates)))
            api_id = candidates[0][0].api.id if server_known and len({c[0] for c in candidates}) == 1 else None
            return CheckResult(api_id, None, {}, tuple(diags))
        hits.sort(key=lambda h: h[1].score, reverse=True)  # stable: keeps API order among equal scores
        method = request.method.upper()
        with_method = [(p, m) for p, m in hits if method in m.methods]
        if not with_method:
            prepared, match = hits[0]
            allowed = ", ".join(sorted(match.methods))
            diags.append(
                Diagnostic(
                    "method-not-allowed",
                    "error",
                    "method",
                    f"{match.template} does not allow {method}; allowed: {allowed}.",
                )
            )
            return CheckResult(prepared.api.id, None, match.params, tuple(diags))
        best = with_method[0][1].score
        choices = [(p, m, op) for p, m in with_method if m.score == best for op in m.methods[method]]
        if len(choices) == 1:
            prepared, match, op = choices[0]
            op_diags = prepared.operation(op.id).check(request, match.params)
        else:
            prepared, match, op, op_diags = _cleanest(request, choices)
        return CheckResult(prepared.api.id, op.id, match.params, tuple(diags + op_diags))

    def _fallback(self, path: str) -> list[tuple[PreparedApi, str, ServerPattern]]:
        """With no server matching, still find the operation by path (to report more than the host)."""
        out = []
        for prepared in self.apis:
            for server in prepared.servers:
                m = server.base.match(path)
                if m:
                    rest = path[m.end() :]
                    out.append((prepared, rest if rest.startswith("/") else "/" + rest, server))
        return out

    def _unknown_server_message(self, url: str) -> str:
        from apiforge.errors import did_you_mean

        _, netloc, _ = split_url(url)
        known = sorted({s.template for p in self.apis for s in p.servers})
        hosts = sorted({split_url(s.example)[1] for p in self.apis for s in p.servers if "://" in s.example})
        hint = did_you_mean(netloc, hosts)
        shown = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
        scope = f"API '{self.apis[0].api.id}'" if len(self.apis) == 1 else f"any of the {len(self.apis)} APIs"
        return f"No server of {scope} matches '{netloc or url}'.{hint} Servers: {shown or '(none)'}."

    def _unknown_path_message(self, candidates: list[tuple[PreparedApi, str, ServerPattern]]) -> str:
        suggestions: list[str] = []
        shown_path = candidates[0][1]
        for prepared, rest, _ in candidates:
            for t in prepared.index.suggest(rest):
                if t not in suggestions:
                    suggestions.append(t)
        apis = sorted({c[0].api.id for c in candidates})
        hint = " Did you mean " + " or ".join(f"'{s}'" for s in suggestions[:3]) + "?" if suggestions else ""
        return f"No path of {', '.join(apis)} matches '{shown_path}'.{hint}"


def _cleanest(
    request: HttpRequest, choices: list[tuple[PreparedApi, PathMatch, Operation]]
) -> tuple[PreparedApi, PathMatch, Operation, list[Diagnostic]]:
    """Among equally good matches (`/a/{id}` vs `/a/{name}`, or `/#Action=X` fragments), the one the request
    fits best: fragment `key=value` pairs present in the query first, then fewest errors, then spec order."""
    query = set(request.query)
    ranked = []
    for index, (prepared, match, op) in enumerate(choices):
        diags = prepared.operation(op.id).check(request, match.params)
        fragment = op.path.partition("#")[2]
        wanted = {tuple(pair.split("=", 1)) for pair in fragment.split("&") if "=" in pair}
        errors = sum(d.severity == "error" for d in diags)
        ranked.append(((len(wanted - query), errors, len(diags), index), (prepared, match, op, diags)))
    ranked.sort(key=lambda r: r[0])
    return ranked[0][1]


def check_request(request: HttpRequest, apis: Api | Sequence[Api]) -> CheckResult:
    """Check one request against one API or several; see `Checker.check`.

    Example::

        result = check_request(HttpRequest("GET", "https://api.example.com/v1/items?limit=x"), api)
        result.is_valid        # False
        result.diagnostics[0]  # Diagnostic('invalid-type', 'error', 'query.limit', ...)
    """
    return Checker(apis).check(request)
