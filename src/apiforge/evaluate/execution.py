"""Execution success: send the generated call to Prism mocking the API's spec, and count the calls it accepts.

API Pack listed execution-based evaluation as future work. Prism (`@stoplight/prism-cli`, `prism mock --errors`)
routes the request, checks its security and validates it against the same description the gold call came from,
independently of apiforge's checker. A call is *accepted* when Prism answers with a status below 400 (it answers
404 for an unknown route, 405 for a wrong method, 401 for missing credentials and 422 for invalid parameters), or
with its 500 "violations" answer when every violation is in the *response* Prism generated (the spec's own
example breaks the spec: the request itself was valid).

Secrets stay secrets: `{{placeholders}}` are sent as a dummy value (Basic credentials as a dummy `user:password`),
never a real credential. A placeholder for an argument the user still has to fill is sent as that same dummy
string, so a call whose unfilled argument must be, say, an integer is refused: as sent, it cannot run.
Prism serves every path at its root, so the request's path below the matched server's base path is what is sent.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from apiforge.check import prepare, split_url
from apiforge.errors import ApiforgeError
from apiforge.http import FormBody, HttpRequest, JsonBody, MultipartBody, RawBody, fill_placeholders, find_placeholders
from apiforge.spec import Api

__all__ = ["ExecutionResult", "PrismPool", "find_prism"]

_DUMMY = "dummy-secret-0000"


@dataclass(frozen=True, slots=True)
class ExecutionResult:
    accepted: bool
    status: int
    problem: str = ""
    """Prism's problem title (or the error reaching it) when the call was refused."""


def find_prism(explicit: str | None = None) -> str | None:
    """Prism's binary: `explicit`, `$APIFORGE_PRISM`, `.ci/node/prism` under the working tree, or PATH."""
    for candidate in (explicit, os.environ.get("APIFORGE_PRISM")):
        if candidate and Path(candidate).exists():
            return candidate
    here = Path.cwd().resolve()
    for folder in (here, *here.parents, Path(__file__).resolve().parents[3]):
        binary = folder / ".ci" / "node" / "prism" / "node_modules" / ".bin" / "prism"
        if binary.exists():
            return str(binary)
    return shutil.which("prism")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill(text: str) -> str:
    return fill_placeholders(text, lambda _name: _DUMMY)


class PrismPool:
    """One `prism mock` per spec file, started on first use and stopped by `close()` (use it as a context manager)."""

    def __init__(self, prism: str | None = None, *, timeout: float = 300.0) -> None:
        binary = find_prism(prism)
        if binary is None:
            raise ApiforgeError("Prism is not installed (npm @stoplight/prism-cli; see .ci/install.d/30-prism.sh)")
        self._binary = binary
        self._timeout = timeout
        self._servers: dict[str, tuple[subprocess.Popen[bytes], str]] = {}
        self.failures: dict[str, str] = {}
        """Spec file → why Prism could not mock it (those APIs' calls are not executed)."""
        self._client = httpx.Client(timeout=15.0)

    def __enter__(self) -> PrismPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()
        for proc, _ in self._servers.values():
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._servers.clear()

    def _url_for(self, spec: str) -> str:
        if spec in self._servers:
            proc, url = self._servers[spec]
            if proc.poll() is None:
                return url
            del self._servers[spec]  # Prism died (some requests crash it): start a fresh one
        port = _free_port()
        log = open(Path(tempfile.gettempdir()) / f"apiforge-eval-prism-{port}.log", "wb")  # noqa: SIM115
        argv = [self._binary, "mock", "--errors", "-h", "127.0.0.1", "-p", str(port), spec]
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"})
        log.close()
        deadline = time.monotonic() + self._timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ApiforgeError(f"Prism exited ({proc.returncode}) on {spec}; see its log in {log.name}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            proc.kill()
            raise ApiforgeError(f"Prism did not start within {self._timeout:.0f}s on {spec}")
        url = f"http://127.0.0.1:{port}"
        self._servers[spec] = (proc, url)
        return url

    def execute(self, request: HttpRequest, api: Api) -> ExecutionResult | None:
        """Send `request` to Prism for `api`'s spec file.

        None when the API has no local spec file, or Prism cannot mock it (the reason is kept in `failures`).
        """
        spec = api.source
        if not spec or not Path(spec).is_file():
            return None
        if spec in self.failures:
            return None
        try:
            base = self._url_for(spec)
        except ApiforgeError as exc:  # one spec Prism cannot mock must not end the whole run
            self.failures[spec] = str(exc)
            return None
        scheme, netloc, path = split_url(request.url)
        rest = path
        for server in prepare(api).servers:
            below = server.match(scheme, netloc, path)
            if below is not None:
                rest = below
                break
        if _malformed_json(request):
            # Prism 5 never answers a malformed JSON body (the connection hangs): refuse it here, as a server would.
            return ExecutionResult(False, 400, "malformed JSON body (not sent)")
        try:
            prism_request = _prism_request(request, base + rest)
        except (httpx.HTTPError, ValueError, TypeError) as exc:  # e.g. a header value with a line break
            return ExecutionResult(False, 0, f"cannot be sent: {type(exc).__name__}: {exc}")
        try:
            response = self._client.send(prism_request)
        except httpx.HTTPError as exc:
            if self._servers[spec][0].poll() is None:
                return ExecutionResult(False, 0, f"{type(exc).__name__}: {exc}")
            # This request crashed Prism: count it as refused, and restart Prism for the next call.
            self._servers[spec][0].wait()
            return ExecutionResult(False, 0, f"Prism crashed on this request ({type(exc).__name__})")
        if response.status_code < 400:
            return ExecutionResult(True, response.status_code)
        try:
            data: Any = response.json()
        except ValueError:
            return ExecutionResult(False, response.status_code, response.text[:200])
        if not isinstance(data, dict):
            return ExecutionResult(False, response.status_code, response.text[:200])
        violations = data.get("validation") or []
        locations = [v.get("location") or [""] for v in violations if isinstance(v, dict)]
        if locations and all(loc[0] == "response" for loc in locations):
            # Prism accepted the request, but the response it generated from the spec breaks the spec itself.
            return ExecutionResult(True, response.status_code, "mock response invalid (the spec's own example)")
        problem = str(data.get("title") or data.get("detail") or "")
        if violations:
            problem += ": " + "; ".join(str(v.get("message", "")) for v in violations if isinstance(v, dict))
        return ExecutionResult(False, response.status_code, problem[:300])


def _malformed_json(r: HttpRequest) -> bool:
    if not isinstance(r.body, RawBody) or "json" not in r.body.media_type:
        return False
    try:
        json.loads(r.body.content)
    except ValueError:
        return True
    return False


def _header(name: str, value: str) -> str:
    if name.lower() == "authorization" and value.lower().startswith("basic ") and find_placeholders(value):
        return "Basic " + base64.b64encode(b"dummy:dummy-secret-0000").decode()  # Prism decodes Basic credentials
    return _fill(value)


def _prism_request(r: HttpRequest, url: str) -> httpx.Request:
    headers = [(k, _header(k, v)) for k, v in r.headers]
    if r.cookies:
        headers.append(("Cookie", "; ".join(f"{k}={_fill(v)}" for k, v in r.cookies)))
    query = [(k, _fill(v)) for k, v in r.query]
    target = httpx.URL(url, params=query) if query else httpx.URL(url)
    if isinstance(r.body, MultipartBody):
        data = {p.name: p.value for p in r.body.parts if not p.is_file}
        files = [(p.name, (p.filename, p.value.encode(), p.content_type or None)) for p in r.body.parts if p.is_file]
        return httpx.Request(r.method, target, headers=headers, data=data, files=files or None)
    content: bytes | None = None
    if isinstance(r.body, JsonBody):
        import orjson

        content = orjson.dumps(r.body.value)
    elif isinstance(r.body, FormBody):
        content = r.body.encode().encode()
    elif isinstance(r.body, RawBody):
        content = r.body.content if isinstance(r.body.content, bytes) else r.body.content.encode()
    if r.body is not None and r.body.media_type:
        headers.append(("Content-Type", r.body.media_type))
    return httpx.Request(r.method, target, headers=headers, content=content)
