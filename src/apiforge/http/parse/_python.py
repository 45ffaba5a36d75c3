"""Python via `ast` (never executed): `requests`, `httpx` (module functions, `Session`/`Client`), `http.client`
and `urllib.request`.

Statements are replayed in source order over an environment of *values* (constants, f-strings, dict/list
literals, concatenation, `json.dumps`), so a variable means what it meant where the request was sent.
"""

from __future__ import annotations

import ast
import base64
import json
import textwrap
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from apiforge.errors import ParseError
from apiforge.http._models import Part
from apiforge.http.parse._draft import Draft, ParseResult
from apiforge.http.parse._eval import FileRef, UnknownValue, as_text, plain

__all__ = ["parse_python"]

_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_LIBS = ("requests", "httpx")


@dataclass(frozen=True, slots=True)
class _Ref:
    """A module or a function of one, by dotted name (`requests.get`, `http.client.HTTPSConnection`)."""

    path: str


@dataclass(slots=True)
class _Client:
    """A `requests.Session` or `httpx.Client` with its defaults (mutable: code updates sessions in place)."""

    lib: str
    base_url: str = ""
    headers: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    cookies: dict[str, Any] = field(default_factory=dict)
    auth: Any = None


@dataclass(frozen=True, slots=True)
class _Conn:
    scheme: str
    host: str
    port: Any = None


@dataclass(frozen=True, slots=True)
class _Basic:
    user: Any
    password: Any


@dataclass(frozen=True, slots=True)
class _UrllibRequest:
    call: ast.Call


def parse_python(text: str) -> ParseResult:
    try:
        tree = ast.parse(textwrap.dedent(text))
    except SyntaxError as exc:
        raise ParseError(f"not valid Python: {exc.msg} (line {exc.lineno})", lang="python") from None
    return _Interpreter().run(tree)


class _Interpreter:
    def __init__(self) -> None:
        self.env: dict[str, Any] = {}
        self.draft = Draft("python")

    def run(self, tree: ast.Module) -> ParseResult:
        for stmt in _statements(tree.body):
            if self._request_in(stmt):
                return self.draft.finish()
            self._execute(stmt)
        raise ParseError("no requests, httpx, http.client or urllib request found", lang="python")

    # -- statements ------------------------------------------------------------------------------------------------

    def _execute(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.asname:
                    self.env[alias.asname] = _Ref(alias.name)
                else:
                    top = alias.name.split(".")[0]
                    self.env[top] = _Ref(top)
        elif isinstance(stmt, ast.ImportFrom) and stmt.module:
            for alias in stmt.names:
                self.env[alias.asname or alias.name] = _Ref(f"{stmt.module}.{alias.name}")
        elif isinstance(stmt, ast.Assign):
            value = self.value(stmt.value)
            for target in stmt.targets:
                self._assign(target, value)
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self._assign(stmt.target, self.value(stmt.value))
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
            current = self.value(stmt.target)
            self._assign(stmt.target, _add(current, self.value(stmt.value)))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self._assign(item.optional_vars, self.value(item.context_expr))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self._mutating_call(stmt.value)

    def _assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (list, tuple)):
            for sub, item in zip(target.elts, value, strict=False):
                self._assign(sub, item)
        elif isinstance(target, ast.Subscript):
            base = self.value(target.value)
            if isinstance(base, dict):
                base[_text(self.value(target.slice))] = value
        elif isinstance(target, ast.Attribute):
            base = self.value(target.value)
            if isinstance(base, _Client) and target.attr in ("headers", "params", "cookies", "auth", "base_url"):
                setattr(base, target.attr, value)

    def _mutating_call(self, call: ast.Call) -> None:
        """`session.headers.update({...})`, `headers.update(...)`, `params.append((k, v))`."""
        func = call.func
        if not isinstance(func, ast.Attribute) or not call.args:
            return
        base = self.value(func.value)
        arg = self.value(call.args[0])
        if func.attr == "update" and isinstance(base, dict) and isinstance(arg, dict):
            base.update(arg)
        elif func.attr == "append" and isinstance(base, list):
            base.append(arg)

    # -- finding the request ---------------------------------------------------------------------------------------

    def _request_in(self, stmt: ast.stmt) -> bool:
        roots: list[ast.AST] = [stmt]
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            roots = [item.context_expr for item in stmt.items]
        elif isinstance(stmt, (ast.If, ast.While)):
            roots = [stmt.test]
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            roots = [stmt.iter]
        elif hasattr(stmt, "body"):  # def, class, try: their statements come one by one
            roots = []
        for root in roots:
            for node in ast.walk(root):
                if isinstance(node, ast.Call) and self._try_request(node):
                    return True
        return False

    def _try_request(self, call: ast.Call) -> bool:
        func = self.value(call.func) if isinstance(call.func, (ast.Name, ast.Attribute)) else None
        if isinstance(call.func, ast.Attribute):
            owner = self.value(call.func.value)
            attr = call.func.attr
            if isinstance(owner, _Client) and (attr in _VERBS or attr in ("request", "stream")):
                self._library_call(attr, call, owner)
                return True
            if isinstance(owner, _Conn) and attr == "request":
                self._http_client(owner, call)
                return True
        if isinstance(func, _Ref):
            lib, _, attr = func.path.rpartition(".")
            if lib in _LIBS and (attr in _VERBS or attr in ("request", "stream")):
                self._library_call(attr, call, _Client(lib))
                return True
            if func.path in ("urllib.request.urlopen", "urllib.request.Request") and call.args:
                target = self.value(call.args[0])
                self._urllib(target.call if isinstance(target, _UrllibRequest) else call)
                return True
        return False

    # -- the libraries ---------------------------------------------------------------------------------------------

    def _library_call(self, attr: str, call: ast.Call, client: _Client) -> None:
        draft = self.draft
        args = [self.value(a) for a in call.args]
        kwargs = {k.arg: self.value(k.value) for k in call.keywords if k.arg}
        if attr in ("request", "stream"):
            draft.method = _text(args.pop(0) if args else kwargs.get("method", "GET")).upper()
        else:
            draft.method = attr.upper()
        url = _text(args[0] if args else kwargs.get("url", ""))
        if client.base_url and "://" not in url:
            url = _text(client.base_url).rstrip("/") + "/" + url.lstrip("/")
        draft.url = url
        draft.query.extend(_pairs(client.params))
        draft.query.extend(_pairs(kwargs.get("params")))
        headers = {**{k.lower(): (k, v) for k, v in _pairs(client.headers)}}
        for key, value in _pairs(kwargs.get("headers")):
            headers[key.lower()] = (key, value)
        draft.headers.extend(headers.values())
        draft.cookies.extend(_pairs(client.cookies))
        draft.cookies.extend(_pairs(kwargs.get("cookies")))
        auth = kwargs.get("auth", client.auth)
        if isinstance(auth, _Basic) or (isinstance(auth, (tuple, list)) and len(auth) == 2):
            user, password = (auth.user, auth.password) if isinstance(auth, _Basic) else auth
            token = base64.b64encode(f"{_text(user)}:{_text(password)}".encode()).decode()
            draft.headers.append(("Authorization", "Basic " + token))
        positional_body = args[1] if len(args) > 1 and attr in ("post", "put", "patch") else None
        data = kwargs.get("data", positional_body)
        files = kwargs.get("files")
        if "json" in kwargs and kwargs["json"] is not None:
            draft.set_json(plain(kwargs["json"]))
            draft.media_type = "application/json"
        elif files is not None:
            fields = [Part(k, v) for k, v in _pairs(data)] if isinstance(data, (dict, list)) else []
            draft.body_parts = fields + _files(files, draft)
        elif isinstance(data, (dict, list)):
            draft.body_form = _pairs(data)
        elif data is not None:
            _raw(draft, data)
        if kwargs.get("content") is not None:
            _raw(draft, kwargs["content"])

    def _http_client(self, conn: _Conn, call: ast.Call) -> None:
        args = [self.value(a) for a in call.args]
        kwargs = {k.arg: self.value(k.value) for k in call.keywords if k.arg}
        method, path = (_text(args[0]) if args else "GET"), (_text(args[1]) if len(args) > 1 else "/")
        body = args[2] if len(args) > 2 else kwargs.get("body")
        headers = args[3] if len(args) > 3 else kwargs.get("headers")
        port = f":{_text(conn.port)}" if conn.port not in (None, "") else ""
        self.draft.method = method.upper()
        self.draft.url = f"{conn.scheme}://{conn.host}{port}{path if path.startswith('/') else '/' + path}"
        self.draft.headers.extend(_pairs(headers))
        if body is not None:
            _raw(self.draft, body)

    def _urllib(self, call: ast.Call) -> None:
        args = [self.value(a) for a in call.args]
        kwargs = {k.arg: self.value(k.value) for k in call.keywords if k.arg}
        self.draft.url = _text(args[0] if args else kwargs.get("url", ""))
        data = args[1] if len(args) > 1 else kwargs.get("data")
        self.draft.headers.extend(_pairs(args[2] if len(args) > 2 else kwargs.get("headers")))
        if data is not None:
            _raw(self.draft, data)
            self.draft.media_type = "application/x-www-form-urlencoded"  # what urllib sends by default
        if kwargs.get("method"):
            self.draft.method = _text(kwargs["method"]).upper()

    # -- values ----------------------------------------------------------------------------------------------------

    def value(self, node: ast.expr | None) -> Any:  # noqa: C901 - one dispatch over expression kinds
        if node is None:
            return None
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return "".join(_text(self.value(v)) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            inner = self.value(node.value)
            spec = self.value(node.format_spec) if node.format_spec is not None else ""
            try:
                return format(inner, spec) if spec and not isinstance(inner, UnknownValue) else _text(inner)
            except (TypeError, ValueError):
                return _text(inner)
        if isinstance(node, ast.Name):
            if node.id not in self.env and node.id in (*_LIBS, "json", "os", "http", "urllib"):
                return _Ref(node.id)  # model output often forgets the import; the intent is clear
            return self.env.get(node.id, UnknownValue(node.id))
        if isinstance(node, ast.Attribute):
            base = self.value(node.value)
            if isinstance(base, _Ref):
                return _Ref(f"{base.path}.{node.attr}")
            if isinstance(base, _Client):
                return getattr(base, node.attr, UnknownValue(node.attr))
            return UnknownValue(node.attr)
        if isinstance(node, ast.Subscript):
            base = self.value(node.value)
            key = self.value(node.slice)
            if isinstance(base, _Ref) and base.path == "os.environ":
                return UnknownValue(_text(key))
            if isinstance(base, dict):
                return base.get(key, base.get(_text(key), UnknownValue(_text(key))))
            if isinstance(base, (list, tuple, str)) and isinstance(key, int):
                try:
                    return base[key]
                except IndexError:
                    return UnknownValue("item")
            return UnknownValue(_text(key) if isinstance(key, str) else "value")
        if isinstance(node, ast.BinOp):
            left, right = self.value(node.left), self.value(node.right)
            if isinstance(node.op, ast.Add):
                return _add(left, right)
            if isinstance(node.op, ast.Mod) and isinstance(left, str):
                try:
                    return left % (tuple(_text(v) for v in right) if isinstance(right, tuple) else _text(right))
                except (TypeError, ValueError):
                    return left
            return UnknownValue("value")
        if isinstance(node, ast.Dict):
            result: dict[Any, Any] = {}
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    spread = self.value(value)
                    if isinstance(spread, dict):
                        result.update(spread)
                else:
                    result[self.value(key)] = self.value(value)
            return result
        if isinstance(node, ast.List):
            return [self.value(v) for v in node.elts]
        if isinstance(node, ast.Tuple):
            return tuple(self.value(v) for v in node.elts)
        if isinstance(node, ast.Call):
            return self._call_value(node)
        if isinstance(node, ast.Await):
            return self.value(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.value(node.operand)
            return -inner if isinstance(inner, (int, float)) else UnknownValue("value")
        return UnknownValue("value")

    def _call_value(self, call: ast.Call) -> Any:
        func = self.value(call.func)
        args = [self.value(a) for a in call.args]
        kwargs = {k.arg: self.value(k.value) for k in call.keywords if k.arg}
        if isinstance(func, _Ref):
            path = func.path
            last = path.rsplit(".", 1)[-1]
            if path == "json.dumps" and args:
                options = {
                    k: v for k, v in kwargs.items() if k in ("indent", "separators", "ensure_ascii", "sort_keys")
                }
                try:
                    return json.dumps(_jsonable(args[0]), **options)
                except (TypeError, ValueError):
                    return _text(args[0])
            if path in ("os.getenv", "os.environ.get") and args:
                return UnknownValue(_text(args[0]))
            if path.split(".")[0] in _LIBS and last in ("Session", "session", "Client", "AsyncClient"):
                return _Client(
                    path.split(".")[0],
                    _text(kwargs.get("base_url", "")),
                    dict(kwargs.get("headers") or {}),
                    dict(kwargs.get("params") or {}),
                    dict(kwargs.get("cookies") or {}),
                    kwargs.get("auth"),
                )
            if last in ("HTTPBasicAuth", "BasicAuth") and len(args) >= 2:
                return _Basic(args[0], args[1])
            if path.startswith("http.client.HTTP") and (args or "host" in kwargs):
                scheme = "https" if last == "HTTPSConnection" else "http"
                host = _text(args[0] if args else kwargs["host"])
                return _Conn(scheme, host, args[1] if len(args) > 1 else kwargs.get("port"))
            if path in ("urllib.request.Request",):
                return _UrllibRequest(call)
            if path == "urllib.parse.urlencode" and args:
                return urllib.parse.urlencode(_pairs(args[0]))
            return UnknownValue(last)
        if isinstance(call.func, ast.Name):
            name = call.func.id
            if name == "open" and args:
                return FileRef(_text(args[0]))
            if name in ("str", "bytes") and args:
                return args[0]
            if name == "dict":
                base = dict(args[0]) if args and isinstance(args[0], dict) else {}
                return {**base, **kwargs}
        if isinstance(call.func, ast.Attribute):
            owner = self.value(call.func.value)
            attr = call.func.attr
            if attr in ("encode", "decode", "strip") and isinstance(owner, (str, bytes)):
                return owner
            if attr == "format" and isinstance(owner, str):
                try:
                    return owner.format(*[_text(a) for a in args], **{k: _text(v) for k, v in kwargs.items()})
                except (IndexError, KeyError, ValueError):
                    return owner
            if attr == "read" and isinstance(owner, FileRef):
                return owner
        return UnknownValue(getattr(call.func, "attr", getattr(call.func, "id", "value")))


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements in source order, entering blocks (functions, `with`, `if`, `try`, loops, `async def main()`)."""
    for stmt in body:
        yield stmt
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, name, None)
            if isinstance(inner, list) and not isinstance(stmt, ast.ClassDef):
                yield from _statements(inner)
        for handler in getattr(stmt, "handlers", []) or []:
            yield from _statements(handler.body)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    return as_text(value)


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return left + right
    if isinstance(left, list) and isinstance(right, list):
        return left + right
    if isinstance(left, bytes) and isinstance(right, bytes):
        return left + right
    return _text(left) + _text(right)


def _pairs(value: Any) -> list[tuple[str, str]]:
    """`params=`/`headers=`/`data=` as pairs: dicts (list values repeat the key; `None` drops it), pair lists, text."""
    if value is None or isinstance(value, UnknownValue):
        return []
    if isinstance(value, (str, bytes)):
        return urllib.parse.parse_qsl(_text(value), keep_blank_values=True)
    items = value.items() if isinstance(value, dict) else value
    pairs: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            continue
        key, val = item
        for one in val if isinstance(val, (list, tuple)) else [val]:
            if one is not None:
                pairs.append((_text(key), _text(one)))
    return pairs


def _files(files: Any, draft: Draft) -> list[Part]:
    items = files.items() if isinstance(files, dict) else files if isinstance(files, (list, tuple)) else []
    parts = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            continue
        name, spec = item
        filename, content, content_type = None, spec, ""
        if isinstance(spec, (tuple, list)):
            filename = spec[0] if spec else None
            content = spec[1] if len(spec) > 1 else ""
            content_type = _text(spec[2]) if len(spec) > 2 else ""
        if isinstance(content, FileRef):
            draft.notes.append(f"multipart file {content.path!r} for field {name!r} (not read)")
            filename = content.path.rsplit("/", 1)[-1] if filename is None else filename
            content = ""
        elif filename is None and not isinstance(spec, (tuple, list)):
            filename = _text(name)  # requests names a bare-content file part after its field
        parts.append(Part(_text(name), _text(content), None if filename is None else _text(filename), content_type))
    return parts


def _raw(draft: Draft, data: Any) -> None:
    if isinstance(data, FileRef):
        draft.notes.append(f"body read from file {data.path!r} (not read)")
        draft.body_text = ""
    elif isinstance(data, bytes):
        draft.body_text = data
    else:
        draft.body_text = _text(data)


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return (
        plain(value)
        if not isinstance(value, (list, dict))
        else plain(
            {k: _jsonable(v) for k, v in value.items()} if isinstance(value, dict) else [_jsonable(v) for v in value]
        )
    )
