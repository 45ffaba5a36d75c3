"""Systems under test: apiforge `ask`, a raw model prompted the way API Pack prompted models, or a saved file.

Every system turns an `EvalItem` into a `Prediction`: what it answered (code, a request, an operation and
arguments, or function calls), the prompt it used and its raw output, so a run can store and reuse them.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from apiforge.ask.pipeline import ask
from apiforge.ask.shots import Example
from apiforge.catalog import Catalog
from apiforge.catalog.search import SearchIndex
from apiforge.errors import ApiforgeError
from apiforge.evaluate.apipack import apipack_language, extract_api_call
from apiforge.evaluate.functions import normalize_calls
from apiforge.evaluate.suites import EvalItem
from apiforge.http import build_http_request
from apiforge.llm import Message, ModelBackend, ModelError
from apiforge.snippets import get_target

__all__ = [
    "AskSystem",
    "Prediction",
    "PredictionsFile",
    "RawModelSystem",
    "System",
    "snippet_target_for",
]

_TARGETS = {
    "curl": "shell_curl",
    "python": "python_python3",
    "java": "java_okhttp",
    "node": "node_request",
    "go": "go_native",
    "ruby": "ruby_native",
    "php": "php_curl",
    "swift": "swift_nsurlsession",
    "libcurl": "c_libcurl",
    "javascript": "javascript_xhr",
}


def snippet_target_for(lang: str) -> str:
    """The snippet target that writes code the way API Pack's golden snippets do for `lang` (default curl)."""
    key = apipack_language(lang) if lang else "curl"
    if key is None:
        return get_target(lang).name
    return _TARGETS[key]


@dataclass(slots=True)
class Prediction:
    """A system's answer to one item (only the fields that apply are set)."""

    item_id: str
    code: str = ""
    """The call as code (for API Pack items: the extracted `api_call`)."""
    lang: str = ""
    api: str = ""
    operation: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    calls: list[dict[str, Any]] | None = None
    """Function calls (`[]` for an explicit "no call"); None when the system does not answer with calls."""
    http: dict[str, Any] | None = None
    """The request as a HAR object, when the system built one."""
    prompt: list[Message] = field(default_factory=list)
    raw: str = ""
    """The model's raw output, or the system's answer as JSON."""
    error: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prediction:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


class System(Protocol):
    name: str

    def config(self) -> dict[str, Any]:
        """What identifies this system's outputs (a change invalidates cached outputs)."""
        ...

    def predict(self, item: EvalItem) -> Prediction: ...


# -- apiforge ask ------------------------------------------------------------------------------------------------


def _functions_id(functions: Any) -> str:
    digest = hashlib.sha256(json.dumps(functions, sort_keys=True).encode()).hexdigest()[:10]
    return f"fn-{digest}"


class AskSystem:
    """`apiforge.ask` on the catalog; function-calling items get their tools ingested into a side catalog."""

    name = "ask"

    def __init__(
        self,
        catalog: Catalog,
        *,
        backend: ModelBackend | None = None,
        backend_name: str = "none",
        strategy: str = "0-shot",
        examples: Sequence[Example] = (),
        scoped: bool = True,
        work_dir: Path | None = None,
        use_model_for: Sequence[str] | None = None,
    ) -> None:
        self.catalog = catalog
        self.use_model_for = tuple(use_model_for) if use_model_for is not None else None
        """Steps the model does (`choose`, `fill`); None leaves `ask`'s default (the embedded model does none)."""
        self.backend = backend
        self.backend_name = backend_name
        self.strategy = strategy
        self.examples = list(examples)
        self.scoped = scoped
        self._index: SearchIndex | None = None
        self._work_dir = work_dir or Path(tempfile.mkdtemp(prefix="apiforge-eval-"))
        self._functions: Catalog | None = None
        self._functions_index: SearchIndex | None = None
        self._ingested: set[str] = set()

    def config(self) -> dict[str, Any]:
        return {
            "system": self.name,
            "backend": self.backend_name,
            "strategy": self.strategy,
            "scoped": self.scoped,
            "examples": len(self.examples),
            "model_steps": ",".join(self.use_model_for) if self.use_model_for is not None else "default",
        }

    def _main_index(self) -> SearchIndex:
        if self._index is None:
            self._index = SearchIndex(self.catalog)
            self._index.update()
        return self._index

    def _function_api(self, functions: Any) -> tuple[Catalog, SearchIndex, str]:
        if self._functions is None:
            self._work_dir.mkdir(parents=True, exist_ok=True)
            self._functions = Catalog(self._work_dir / "functions.db")
            self._functions_index = SearchIndex(self._functions)
        api_id = _functions_id(functions)
        assert self._functions_index is not None
        if api_id not in self._ingested:
            path = self._work_dir / f"{api_id}.json"
            path.write_text(json.dumps(functions), encoding="utf-8")
            result = self._functions.ingest(path, api_id=api_id)
            if not result.is_ok:
                raise ApiforgeError(f"cannot load the functions of an item: {result.error}")
            self._functions_index.update()
            self._ingested.add(api_id)
        return self._functions, self._functions_index, api_id

    def predict(self, item: EvalItem) -> Prediction:
        started = time.perf_counter()
        shots = {"strategy": self.strategy, "examples": self.examples, "use_model_for": self.use_model_for}
        if item.kind == "functions":
            catalog, index, api_id = self._function_api(item.gold["functions"])
            answer = ask(item.question, catalog, api=api_id, backend=self.backend, index=index, langs=(), **shots)
            calls = list(answer.function_calls) if answer.status != "no-match" else []
            return Prediction(
                item.id,
                calls=normalize_calls(calls),
                raw=json.dumps(answer.to_dict(), default=str),
                seconds=time.perf_counter() - started,
            )
        target = snippet_target_for(item.lang)
        scope = item.api if self.scoped and item.api in self.catalog.api_ids() else None
        gold = (item.gold.get("api", ""), item.gold.get("operation", "")) if self.strategy == "oracle" else None
        answer = ask(
            item.question,
            self.catalog,
            api=scope,
            backend=self.backend,
            index=self._main_index(),
            langs=(target,) if item.kind == "apipack" else ("curl",),
            gold=gold,
            **shots,
        )
        code = next(iter(answer.code.values()), "")
        return Prediction(
            item.id,
            code=code,
            lang=item.lang or "curl",
            api=answer.api_id,
            operation=answer.operation_id,
            arguments=answer.arguments_dict,
            http=answer.http.to_har() if answer.http is not None else None,
            raw=json.dumps(answer.to_dict(), default=str),
            seconds=time.perf_counter() - started,
        )


# -- a raw model, prompted like API Pack -------------------------------------------------------------------------

_INSTRUCTION = (
    "You are an API expert. Write the API call that answers the user's instruction, as {lang} code. "
    "Answer in this format:\n**domain**:<the API's domain>\n**api_call**:<the code>\n**api_provider**:<provider>"
    "\n**lang**:{lang}"
)
_FUNCTIONS_INSTRUCTION = (
    "You can call these functions (JSON schemas). Answer with the calls that fulfil the request, as JSON "
    '{{"calls": [{{"name": ..., "arguments": {{...}}}}]}}; answer {{"calls": []}} when no function fits.\n{functions}'
)
_WORD = re.compile(r"[a-z0-9]+")


def _overlap(a: str, b: str) -> float:
    wa, wb = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(wa & wb) / (1 + len(wb))


class RawModelSystem:
    """A model writes the call itself, prompted as API Pack did: 0-shot, or 3 shots drawn at random or retrieved.

    Shots are other items of the same suite (never the item itself), shown as instruction → answer pairs in the
    answer format of API Pack (`**domain**` / `**api_call**` / `**api_provider**` / `**lang**`). Decoding is the
    backend's deterministic default (temperature 0, fixed seed); the answer is requested as JSON `{"answer": ...}`
    so constrained backends can serve it.
    """

    name = "raw"

    def __init__(
        self,
        backend: ModelBackend,
        pool: Sequence[EvalItem],
        *,
        backend_name: str = "",
        strategy: str = "0-shot",
        catalog: Catalog | None = None,
        seed: int = 0,
        max_tokens: int = 384,
    ) -> None:
        if strategy not in ("0-shot", "3-shot-random", "3-shot-retrieved"):
            raise ApiforgeError(f"the raw model takes 0-shot, 3-shot-random or 3-shot-retrieved, not {strategy!r}")
        self.backend = backend
        self.backend_name = backend_name or getattr(backend, "name", "model")
        self.pool = list(pool)
        self.strategy = strategy
        self.catalog = catalog
        self.seed = seed
        self.max_tokens = max_tokens

    def config(self) -> dict[str, Any]:
        return {"system": self.name, "backend": self.backend_name, "strategy": self.strategy, "seed": self.seed}

    def _shots(self, item: EvalItem) -> list[EvalItem]:
        pool = [i for i in self.pool if i.id != item.id and i.kind == item.kind]
        if self.strategy == "0-shot" or not pool:
            return []
        if self.strategy == "3-shot-random":
            return random.Random(f"{self.seed}:{item.id}").sample(pool, min(3, len(pool)))
        return sorted(pool, key=lambda i: -_overlap(item.question, i.question))[:3]

    def _gold_code(self, item: EvalItem) -> str:
        if item.kind == "apipack":
            return str(item.gold.get("api_call", ""))
        if self.catalog is None:
            return ""
        try:
            api, op = self.catalog.get_operation(item.gold["api"], item.gold["operation"])
            request = build_http_request(api, op, item.gold.get("arguments") or {})
            return get_target(snippet_target_for(item.lang)).render(request)
        except ApiforgeError:
            return ""

    def _answer_text(self, item: EvalItem, code: str) -> str:
        lang = item.lang or "curl"
        domain = item.extra.get("api_name", item.api)
        return f"**domain**:{domain}\n**api_call**:{code}\n**api_provider**:{item.api}\n**lang**:{lang}"

    def prompt(self, item: EvalItem) -> list[Message]:
        if item.kind == "functions":
            functions = json.dumps(item.gold["functions"], indent=None)
            messages: list[Message] = [
                {"role": "system", "content": _FUNCTIONS_INSTRUCTION.format(functions=functions)}
            ]
            for shot in self._shots(item):
                calls = [
                    {"name": n, "arguments": {k: v[0] for k, v in a.items() if v and v[0] != ""}}
                    for call in shot.gold["ground_truth"]
                    for n, a in call.items()
                ]
                messages += [
                    {"role": "user", "content": shot.question},
                    {"role": "assistant", "content": json.dumps({"calls": calls})},
                ]
            return [*messages, {"role": "user", "content": item.question}]
        lang = item.lang or "curl"
        messages = [{"role": "system", "content": _INSTRUCTION.format(lang=lang)}]
        for shot in self._shots(item):
            messages += [
                {"role": "user", "content": f"### Instruction: {shot.question}"},
                {"role": "assistant", "content": self._answer_text(shot, self._gold_code(shot))},
            ]
        api_hint = f" (API: {item.extra.get('api_name') or item.api})" if item.api else ""
        return [*messages, {"role": "user", "content": f"### Instruction: {item.question}{api_hint}"}]

    def predict(self, item: EvalItem) -> Prediction:
        started = time.perf_counter()
        messages = self.prompt(item)
        if item.kind == "functions":
            schema: dict[str, Any] = {
                "type": "object",
                "properties": {
                    "calls": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"name": {"type": "string"}, "arguments": {"type": "object"}},
                            "required": ["name", "arguments"],
                        },
                    }
                },
                "required": ["calls"],
            }
        else:
            schema = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
        try:
            value = self.backend.complete_json(messages, schema, max_tokens=self.max_tokens, purpose="eval")
        except ModelError as exc:
            return Prediction(item.id, prompt=messages, error=str(exc), seconds=time.perf_counter() - started)
        raw = json.dumps(value)
        if item.kind == "functions":
            calls = normalize_calls(value.get("calls") if isinstance(value, dict) else [])
            return Prediction(item.id, calls=calls, prompt=messages, raw=raw, seconds=time.perf_counter() - started)
        text = str(value.get("answer", "")) if isinstance(value, dict) else str(value)
        code = extract_api_call(text) or text  # a bare code answer is kept (see docs: raw outputs and extraction)
        return Prediction(
            item.id,
            code=code,
            lang=item.lang or "curl",
            prompt=messages,
            raw=text,
            seconds=time.perf_counter() - started,
        )


# -- saved predictions -------------------------------------------------------------------------------------------


class PredictionsFile:
    """Predictions made elsewhere: a JSONL file of `{"id", ...Prediction fields}` (or API Pack `output` text)."""

    name = "predictions"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._rows: dict[str, dict[str, Any]] = {}
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ApiforgeError(f"cannot read predictions {path}: {exc.strerror or exc}") from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                self._rows[str(row["id"])] = row
            except (ValueError, KeyError, TypeError) as exc:
                raise ApiforgeError(f"{path}:{number}: not a prediction line with an 'id' ({exc!r})") from None
        self._digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:16]

    def config(self) -> dict[str, Any]:
        return {"system": self.name, "file": str(self.path), "digest": self._digest}

    def predict(self, item: EvalItem) -> Prediction:
        row = self._rows.get(item.id)
        if row is None:
            return Prediction(item.id, error="no prediction for this item")
        code = row.get("api_call") or row.get("code") or ""
        if not code and row.get("output"):
            code = extract_api_call(str(row["output"]))  # API Pack answers: the paper's extraction
        calls = row.get("calls")
        return Prediction(
            item.id,
            code=str(code),
            lang=str(row.get("lang") or item.lang),
            api=str(row.get("api", "")),
            operation=str(row.get("operation", "")),
            arguments=dict(row.get("arguments") or {}),
            calls=normalize_calls(calls) if calls is not None else None,
            http=row.get("http"),
            raw=json.dumps(row),
        )
