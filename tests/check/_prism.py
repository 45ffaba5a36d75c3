"""Prism as an independent referee: start it, make valid and mutated requests, and read both verdicts.

Shared by the agreement test and `benchmarks/check.py`. Verdicts are compared as (category, locations):
`path` (unknown path), `method`, `auth`, `media`, `validation` (with locations), or `valid`. Prism answers a
request in this order: route, then security, then validation; apiforge's first error is taken in the same order.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from apiforge.check import CheckResult, prepare
from apiforge.check._values import schema_types
from apiforge.http import HttpRequest, JsonBody, MultipartBody
from apiforge.http.build import build_request
from apiforge.spec.model import Api, Operation, Parameter
from tests.fixtures.servers import RunningServer, unused_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
PRISM = ROOT / ".ci" / "node" / "prism" / "node_modules" / ".bin" / "prism"
_PLACEHOLDER = re.compile(r"\{\{[A-Za-z_][A-Za-z0-9_]*\}\}")
LOG_DIR = Path(tempfile.gettempdir())
BASIC = base64.b64encode(b"user:pass").decode()
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def prism_bin() -> str | None:
    if PRISM.exists():
        return str(PRISM)
    return shutil.which("prism")


def start_prism(spec: Path) -> RunningServer:
    """`prism mock --errors` for one spec on a free port (waits until it listens)."""
    binary = prism_bin()
    assert binary, "prism is not installed (run .ci/install.d/30-prism.sh)"
    port = unused_port()
    argv = [binary, "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), str(spec)]
    # Prism logs every request; nobody reads a pipe here, and a full pipe would stall it: keep only a log file.
    log = open(LOG_DIR / f"prism-{spec.stem}-{port}.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"})
    log.close()  # the child keeps its own descriptor
    try:
        wait_for_port(port, proc, timeout=120)
    except Exception:
        proc.kill()
        raise
    return RunningServer(url=f"http://127.0.0.1:{port}", port=port, proc=proc)


def stop_quietly(server: RunningServer) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


# -- cases ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    api_id: str
    operation_id: str
    kind: str
    """`valid` or the mutation: `drop-param`, `wrong-type`, `unknown-path`, `wrong-method`, `broken-body`,
    `missing-auth`."""
    request: HttpRequest
    """The request as apiforge checks it (the spec's server, placeholders for secrets)."""
    prism_path: str
    """The request's path below the server's base path: Prism serves every path at its root."""


def _value_for(api: Api, p: Parameter) -> str:
    schema = api.resolve_schema(p.schema)
    if schema.get("enum"):
        return str(schema["enum"][0])
    if p.has_example and isinstance(p.example, (str, int, float)) and not isinstance(p.example, bool):
        return str(p.example)
    types = schema_types(api, schema)
    if "integer" in types or "number" in types:
        return str(max(1, int(schema.get("minimum", 1))))
    if "boolean" in types:
        return "true"
    if schema.get("format") == "uuid":
        return "3f1c8a9e-2b4d-4e6f-8a0b-1c2d3e4f5a6b"
    return "abc"


def _base_path(api: Api, request: HttpRequest) -> str:
    """The request path below the matched server's base path."""
    from apiforge.check import split_url

    scheme, netloc, path = split_url(request.url)
    for server in prepare(api).servers:
        rest = server.match(scheme, netloc, path)
        if rest is not None:
            return rest
    return path


def _without(pairs: tuple[tuple[str, str], ...], name: str, *, fold: bool = False) -> tuple[tuple[str, str], ...]:
    key = name.lower() if fold else name
    return tuple((k, v) for k, v in pairs if (k.lower() if fold else k) != key)


def cases_for(api: Api, op: Operation) -> Iterator[Case]:
    """The valid request for `op` and one request per applicable mutation."""
    path_args = {f"path.{p.name}": _value_for(api, p) for p in op.parameters if p.location == "path"}
    try:
        built = build_request(api, op, path_args).request
    except Exception:  # an operation the builder cannot build is not a checker case
        return
    rest = _base_path(api, built)

    def case(kind: str, request: HttpRequest, path: str = rest) -> Case:
        return Case(api.id, op.id, kind, request, path)

    yield case("valid", built)
    required = [p for p in op.parameters if p.required and p.location in ("query", "header")]
    auth_names = {n for alt in (op.security or ()) for n in alt}
    carriers = {
        (s.location, s.param_name.lower())
        for n in auth_names
        if (s := api.security_schemes.get(n)) and s.type == "apiKey"
    }
    required = [p for p in required if (p.location, p.name.lower()) not in carriers]
    if required:
        p = required[0]
        if p.location == "query":
            yield case("drop-param", replace(built, query=_without(built.query, p.name)))
        else:
            yield case("drop-param", replace(built, headers=_without(built.headers, p.name, fold=True)))
    for p in op.parameters:
        types = schema_types(api, p.schema)
        if p.location in ("query", "path") and types and types <= {"integer", "number", "boolean"}:
            if p.location == "query":
                yield case("wrong-type", replace(built, query=(*_without(built.query, p.name), (p.name, "xyz"))))
            else:
                value = path_args[f"path.{p.name}"]
                template = op.path.partition("#")[0]
                wrong = template.replace("{" + p.name + "}", "xyz")
                for q in op.parameters:
                    if q.location == "path" and q.name != p.name:
                        wrong = wrong.replace("{" + q.name + "}", path_args[f"path.{q.name}"])
                if value in built.url:
                    url = built.url[: len(built.url) - len(rest)] + wrong
                    yield case("wrong-type", built.with_url(url), wrong)
            break
    base = built.url[: len(built.url) - len(rest)]
    yield case("unknown-path", built.with_url(base + "/hallucinated" + rest), "/hallucinated" + rest)
    # Every method any template matching this path has (`GET /apps/propose` is `GET /apps/{id}`).
    allowed = {m for match in prepare(api).index.match(rest) for m in match.methods}
    other = next((m for m in METHODS if m not in allowed), None)
    if other is not None:
        yield case("wrong-method", replace(built, method=other, body=None))
    if isinstance(built.body, JsonBody) and op.request_body is not None:
        media = next(iter(op.request_body.content.values()))
        schema = api.resolve_schema(media.schema)
        value = built.body.value
        if isinstance(value, dict) and schema.get("required"):
            dropped = {k: v for k, v in value.items() if k != schema["required"][0]}
            yield case("broken-body", built.with_body(JsonBody(dropped)))
        elif isinstance(value, dict) and "object" in schema_types(api, schema):
            yield case("broken-body", built.with_body(JsonBody(["not", "an", "object"])))
    if op.security and all(alt for alt in op.security):
        stripped = replace(
            built,
            headers=tuple((k, v) for k, v in built.headers if not _PLACEHOLDER.search(v)),
            query=tuple((k, v) for k, v in built.query if not _PLACEHOLDER.search(v)),
            cookies=tuple((k, v) for k, v in built.cookies if not _PLACEHOLDER.search(v)),
        )
        if stripped != built:
            yield case("missing-auth", stripped)


# -- verdicts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    category: str
    locations: tuple[tuple[str, ...], ...] = ()

    def __str__(self) -> str:
        where = ", ".join(".".join(loc) for loc in self.locations[:4])
        return self.category + (f" at {where}" if where else "")


def _secret(text: str) -> str:
    if text.lower().startswith("basic ") and _PLACEHOLDER.search(text):
        return "Basic " + BASIC
    return _PLACEHOLDER.sub("test-token", text)


def prism_request(case: Case, base_url: str) -> httpx.Request:
    """The case as an httpx request to Prism: secrets filled with dummies, path relative to Prism's root."""
    r = case.request
    headers = [(k, _secret(v)) for k, v in r.headers]
    if r.cookies:
        headers.append(("Cookie", "; ".join(f"{k}={_secret(v)}" for k, v in r.cookies)))
    query = [(k, _secret(v)) for k, v in r.query]
    content: bytes | None = None
    if isinstance(r.body, MultipartBody):
        data = [(p.name, p.value) for p in r.body.parts if not p.is_file]
        files = [(p.name, (p.filename, p.value.encode(), p.content_type or None)) for p in r.body.parts if p.is_file]
        url = httpx.URL(base_url + case.prism_path, params=query)
        return httpx.Request(r.method, url, headers=headers, data=dict(data), files=files or None)
    if r.body is not None:
        from apiforge.http._models import FormBody, RawBody

        if isinstance(r.body, JsonBody):
            content = json.dumps(r.body.value).encode()
        elif isinstance(r.body, FormBody):
            content = r.body.encode().encode()
        elif isinstance(r.body, RawBody):
            content = r.body.content if isinstance(r.body.content, bytes) else r.body.content.encode()
        if r.body.media_type and content is not None:
            headers.append(("Content-Type", r.body.media_type))
    url = httpx.URL(base_url + case.prism_path, params=query) if query else httpx.URL(base_url + case.prism_path)
    return httpx.Request(r.method, url, headers=headers, content=content)


def prism_verdict(response: httpx.Response) -> Verdict:
    problem = ""
    data: Any = None
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        try:
            data = response.json()
            problem = str(data.get("type", "")).rpartition("#")[2]
        except ValueError:
            data = None
    if problem == "NO_PATH_MATCHED_ERROR":
        return Verdict("path")
    if problem == "NO_METHOD_MATCHED_ERROR" or response.status_code == 405:
        return Verdict("method")
    violations: list[dict[str, Any]] = []
    if problem == "UNPROCESSABLE_ENTITY" and isinstance(data, dict):
        violations = list(data.get("validation") or [])
    elif response.headers.get("sl-violations"):
        violations = json.loads(response.headers["sl-violations"])
    errors = [v for v in violations if str(v.get("severity", "Error")).lower() == "error" or v.get("severity") == 0]
    # Violations of Prism's *own mock response* (`response.*`, status 500) say nothing about the request.
    errors = [v for v in errors if "response" not in [str(p) for p in v.get("location", ())][:2]]
    # The `sl-violations` header (sent when the spec has its own 401/422 response) prefixes paths with "request".
    locations = tuple(_norm(tuple(str(p) for p in v.get("location", ()) if p != "request"))[:8] for v in errors)
    if problem == "UNAUTHORIZED" or response.status_code == 401:  # security is checked before validation
        return Verdict("auth")
    if problem == "INVALID_CONTENT_TYPE" or response.status_code == 415:
        return Verdict("media")
    if errors:
        return Verdict("validation", locations)
    return Verdict("valid")


_ORDER = {"unknown-server": 0, "unknown-path": 1, "method-not-allowed": 2, "missing-credentials": 3}
_MEDIA = {"unsupported-media-type", "missing-content-type"}


def apiforge_verdict(result: CheckResult) -> Verdict:
    errors = list(result.errors)
    if not errors:
        return Verdict("valid")
    first = min(errors, key=lambda d: _ORDER.get(d.code, 9))
    category = {
        "unknown-server": "path",
        "unknown-path": "path",
        "method-not-allowed": "method",
        "missing-credentials": "auth",
    }.get(first.code)
    if category:
        return Verdict(category)
    if first.code in _MEDIA:
        return Verdict("media")
    return Verdict("validation", (_norm(_split_location(first.location)),))


def _split_location(location: str) -> tuple[str, ...]:
    parts: list[str] = []
    for token in re.findall(r'\["(?:[^"\\]|\\.)*"\]|\[\d+\]|[^.\[\]]+', location):
        if token.startswith('["'):
            parts.append(json.loads(token[1:-1]))
        elif token.startswith("["):
            parts.append(token[1:-1])
        else:
            parts.append(token)
    return tuple(parts)


def _norm(loc: tuple[str, ...]) -> tuple[str, ...]:
    if loc[:1] == ("request",):
        loc = loc[1:]
    if len(loc) >= 2 and loc[0] == "header":
        return (loc[0], loc[1].lower(), *loc[2:])
    return loc


def agree(ours: Verdict, prisms: Verdict) -> bool:
    """Same category; for validation, our first error's location is (a prefix relation of) one of Prism's."""
    if ours.category != prisms.category:
        return False
    if ours.category != "validation":
        return True
    mine = ours.locations[0]
    return any(mine[: len(p)] == p or p[: len(mine)] == mine for p in prisms.locations)


# -- a referee that survives Prism crashing -----------------------------------------------------------------

CRASHED = Verdict("prism-crashed")


class Referee:
    """One Prism server for one spec. Prism 5.16 can die on a request (a TypeError in its parameter
    deserialiser); the referee restarts it, finds the culprit by replaying one at a time, and reports it."""

    def __init__(self, spec: Path) -> None:
        self.spec = spec
        self.server = start_prism(spec)

    def close(self) -> None:
        stop_quietly(self.server)

    def _alive(self) -> bool:
        return self.server.proc.poll() is None

    def _restart(self) -> None:
        stop_quietly(self.server)
        self.server = start_prism(self.spec)

    async def judge(self, cases: list[Case], concurrency: int = 12) -> list[Verdict]:
        """Prism's verdict on every case (`CRASHED` for a request that kills Prism)."""
        verdicts: list[Verdict | None] = [None] * len(cases)
        async with httpx.AsyncClient(timeout=60) as client:
            semaphore = asyncio.Semaphore(concurrency)

            async def send(i: int) -> None:
                async with semaphore:
                    for _ in range(2):  # Prism sometimes drops a kept-alive connection
                        if not self._alive():
                            return
                        try:
                            response = await client.send(prism_request(cases[i], self.server.url))
                        except httpx.TransportError:
                            continue
                        verdicts[i] = prism_verdict(response)
                        return

            await asyncio.gather(*(send(i) for i in range(len(cases))))
            for i in [i for i, v in enumerate(verdicts) if v is None]:  # after a crash: one at a time
                if not self._alive():
                    self._restart()
                try:
                    response = await client.send(prism_request(cases[i], self.server.url))
                    verdicts[i] = prism_verdict(response)
                except httpx.TransportError:
                    self._wait_dead()
                    verdicts[i] = CRASHED
        return [v or CRASHED for v in verdicts]

    def _wait_dead(self) -> bool:
        try:
            self.server.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return False
        return True
