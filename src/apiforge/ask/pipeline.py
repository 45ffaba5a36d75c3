"""`ask`: a natural-language request → the right operation, its arguments, a checked request, and code.

retrieve (hybrid search) → choose (rerank, or a model constrained to the candidates' ids) → fill (deterministic
extraction, plus a model constrained to the operation's inputs) → build (from the spec) → check (against the
spec) → repair (drop what the checker rejects, bounded rounds) → render.

The spec builds, the model only chooses: nothing a model says can add an endpoint or a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import orjson

from apiforge.ask.choose import Choice, rerank
from apiforge.ask.extract import Extracted, extract_arguments
from apiforge.ask.fields import operation_fields
from apiforge.ask.llm_steps import choose_with_model, fill_with_model
from apiforge.ask.parallel import Clause, split_clauses
from apiforge.ask.shots import Example, select_shots
from apiforge.catalog import Catalog
from apiforge.catalog.search import SearchHit, SearchIndex
from apiforge.check import CheckResult, check_request
from apiforge.errors import ApiforgeError, BuildError, UnknownArgument
from apiforge.http import HttpRequest
from apiforge.http.build import BuiltRequest, build_request
from apiforge.llm import ModelBackend
from apiforge.snippets import get_target
from apiforge.spec import Api, Operation

__all__ = ["Answer", "ArgumentValue", "AskError", "ask", "default_model_steps", "function_call_text"]

Status = Literal["ok", "ambiguous", "no-match"]

#: Below this cosine similarity (and with no keyword hit in the top results) nothing in the catalog is relevant.
NO_MATCH_SIMILARITY = 0.2
#: Two candidates closer than this in reranked score make the answer ambiguous (alternatives are shown).
AMBIGUITY_MARGIN = 0.04


_DROP_CODES = frozenset({"invalid-type", "invalid-enum", "unknown-parameter"})


class AskError(ApiforgeError):
    """The request cannot be answered at all (empty request, empty catalog)."""


@dataclass(frozen=True, slots=True)
class ArgumentValue:
    name: str
    value: Any
    provenance: str
    """`request` (stated in the request), `model` (a model read it from the request), `default`, `example`,
    `synthesized` or `placeholder` (a value the user still has to fill)."""
    evidence: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "provenance": self.provenance, "evidence": self.evidence}


@dataclass(frozen=True, slots=True)
class Answer:
    request: str
    status: Status
    api_id: str = ""
    operation_id: str = ""
    method: str = ""
    path: str = ""
    summary: str = ""
    why: str = ""
    kind: str = "openapi"
    arguments: tuple[ArgumentValue, ...] = ()
    http: HttpRequest | None = None
    function_call: dict[str, Any] | None = None
    function_calls: tuple[dict[str, Any], ...] = ()
    """Every call the request asks for (several for "weather in Paris and Tokyo"); `function_call` is the first
    call of the request as a whole, kept for callers that take one."""
    code: dict[str, str] = field(default_factory=dict)
    check: CheckResult | None = None
    alternatives: tuple[SearchHit, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def arguments_dict(self) -> dict[str, Any]:
        """The values the request stated (provenance `request` or `model`)."""
        return {a.name: a.value for a in self.arguments if a.provenance in ("request", "model")}

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "status": self.status,
            "api": self.api_id,
            "operation": self.operation_id,
            "method": self.method,
            "path": self.path,
            "summary": self.summary,
            "why": self.why,
            "kind": self.kind,
            "arguments": [a.to_dict() for a in self.arguments],
            "http": self.http.to_har() if self.http is not None else None,
            "function_call": self.function_call,
            "function_calls": list(self.function_calls),
            "code": self.code,
            "check": self.check.to_dict() if self.check is not None else None,
            "alternatives": [h.to_dict() for h in self.alternatives],
            "notes": list(self.notes),
        }


def function_call_text(name: str, arguments: dict[str, Any]) -> str:
    """`get_weather(city="Paris", days=3)`: a function call as people write it (values as JSON literals)."""
    args = ", ".join(f"{k}={orjson.dumps(v).decode()}" for k, v in arguments.items())
    return f"{name}({args})"


def ask(
    request: str,
    catalog: Catalog,
    *,
    api: str | Sequence[str] | None = None,
    backend: ModelBackend | None = None,
    langs: Sequence[str] = ("curl",),
    k: int = 5,
    index: SearchIndex | None = None,
    repair_rounds: int = 2,
    use_model_for: Sequence[str] | None = None,
    strategy: str = "0-shot",
    examples: Sequence[Example] = (),
    gold: tuple[str, str] | None = None,
) -> Answer:
    """Answer one request from the catalog (see the module docstring).

    `strategy` and `examples` choose the few-shot examples a model sees (`apiforge.ask.shots`; API Pack's
    0-shot / 3-shot random / 3-shot retrieved / oracle settings); `gold` is the gold operation, for `oracle` only.
    Without a model they change nothing.

    On a function-schema API, a request that asks for several calls ("weather in Paris and Tokyo") is answered
    clause by clause (`apiforge.ask.parallel`): `function_calls` holds every call when each clause gives a
    confident, complete one; otherwise the answer is the single call, as for any request.
    """
    index = index or SearchIndex(catalog)
    options: dict[str, Any] = {
        "api": api,
        "backend": backend,
        "langs": langs,
        "k": k,
        "index": index,
        "repair_rounds": repair_rounds,
        "use_model_for": use_model_for,
        "strategy": strategy,
        "examples": examples,
        "gold": gold,
    }
    answer = _ask_one(request, catalog, **options)
    if answer.kind != "functions" or answer.status == "no-match" or answer.function_call is None:
        return answer
    names = [answer.operation_id, *(h.operation_id for h in answer.alternatives)]
    clauses = split_clauses(answer.request, names)
    if clauses is None or _absorbs_coordination(answer, clauses):
        return answer
    parts = [_ask_one(clause.text, catalog, **options) for clause in clauses]
    for i, (clause, part) in enumerate(zip(clauses, parts, strict=True)):
        # A carried clause names no function itself: the previous clause's choice settles a close call.
        same = clause.carried and part.operation_id == parts[i - 1].operation_id
        if not _complete(part, catalog) or (part.status != "ok" and not same):
            return answer
    calls = tuple(part.function_call for part in parts if part.function_call is not None)
    if len({orjson.dumps(c, option=orjson.OPT_SORT_KEYS) for c in calls}) < len(calls):
        return answer
    code = {"call": "\n".join(function_call_text(c["name"], c["arguments"]) for c in calls)}
    note = f"{len(calls)} parallel calls, one per clause: " + " | ".join(f"'{c.text}'" for c in clauses)
    return replace(answer, function_calls=calls, code=code, notes=(*answer.notes, note))


def _complete(answer: Answer, catalog: Catalog) -> bool:
    """A clause's answer is usable alone: a function call with every required argument stated."""
    if answer.status == "no-match" or answer.kind != "functions" or answer.function_call is None:
        return False
    api_model, operation = catalog.get_operation(answer.api_id, answer.operation_id)
    given = answer.function_call["arguments"]
    return all(f.name in given for f in operation_fields(api_model, operation) if f.required)


def _absorbs_coordination(answer: Answer, clauses: Sequence[Clause]) -> bool:
    """The single call already takes values from both sides of the coordination ("compare Paris and Tokyo" →
    compare(a="Paris", b="Tokyo")), or one value spans it ("black and white photos"): it is one call."""
    assert answer.function_call is not None
    values = [str(v).lower() for v in answer.function_call["arguments"].values() if isinstance(v, str | int | float)]
    if any(" and " in v or ";" in v for v in values):
        return True
    first, rest = clauses[0].text.lower(), " ".join(c.text for c in clauses[1:]).lower()
    only_first = [v for v in values if v and v in first and v not in rest]
    only_rest = [v for v in values if v and v in rest and v not in first]
    return bool(only_first) and bool(only_rest)


def _ask_one(
    request: str,
    catalog: Catalog,
    *,
    api: str | Sequence[str] | None,
    backend: ModelBackend | None,
    langs: Sequence[str],
    k: int,
    index: SearchIndex,
    repair_rounds: int,
    use_model_for: Sequence[str] | None,
    strategy: str,
    examples: Sequence[Example],
    gold: tuple[str, str] | None,
) -> Answer:
    """One request → one operation (or function call)."""
    unused_by_default = backend is not None and use_model_for is None and not default_model_steps(backend)
    if use_model_for is None:
        use_model_for = default_model_steps(backend)
    text = " ".join(request.split())
    if not text:
        raise AskError("The request is empty: say what you want to do, e.g. 'list the open issues of octo/hello'.")
    hits = index.search(text, api=api, k=max(k, 10))
    if not hits:
        return Answer(text, "no-match", notes=("Nothing in the catalog matches this request.",))
    if _irrelevant(hits):
        return Answer(
            text,
            "no-match",
            alternatives=tuple(hits[:k]),
            notes=("Nothing in the catalog looks relevant; the nearest operations are listed.",),
        )

    loaded: dict[tuple[str, str], tuple[Api, Operation]] = {}
    extracted: dict[tuple[str, str], Extracted] = {}
    fit: dict[tuple[str, str], float] = {}
    for hit in hits[:k]:
        key = (hit.api_id, hit.operation_id)
        loaded[key] = catalog.get_operation(*key)
        extracted[key] = extract_arguments(text, *loaded[key])
        fit[key] = _required_fit(*loaded[key], extracted[key])
    choices = rerank(text, hits[:k], fit)
    chosen: Choice = choices[0]
    model_chooses = backend is not None and "choose" in use_model_for and len(choices) > 1
    if model_chooses:
        shots = select_shots(strategy, text, examples, gold_operation=gold)
        chosen = choose_with_model(
            backend, text, choices, examples=[(e.request, f"{e.api}:{e.operation}") for e in shots]
        )
    key = (chosen.hit.api_id, chosen.hit.operation_id)
    api_model, operation = loaded[key]
    status: Status = "ok"
    if len(choices) > 1 and choices[0].score - choices[1].score < AMBIGUITY_MARGIN and not model_chooses:
        status = "ambiguous"

    values = dict(extracted[key].arguments)
    provenance = {name: "request" for name in values}
    evidence = dict(extracted[key].evidence)
    if backend is not None and "fill" in use_model_for:
        # The model only fills what extraction left empty, so it cannot reuse a value for a second field.
        fields = [f for f in operation_fields(api_model, operation) if f.name not in values]
        for name, value in fill_with_model(backend, text, fields, operation.summary or operation.id).items():
            if name not in values:
                values[name] = value
                provenance[name] = "model"

    notes: list[str] = []
    if unused_by_default and backend is not None:
        notes.append(
            f"{backend.name} took no step: it measured worse than no model at choosing and at filling "
            "(apiforge.ask.pipeline.default_model_steps)"
        )
    built, check, values = _build_and_repair(api_model, operation, values, repair_rounds, notes)
    arguments = tuple(
        ArgumentValue(name, value, provenance.get(name, "request"), evidence.get(name, ""))
        for name, value in values.items()
    ) + tuple(
        ArgumentValue(name, _value_in(built.request, name), origin)
        for name, origin in (built.provenance.items() if built else ())
        if origin != "given" and name not in values
    )
    alternatives = tuple(c.hit for c in choices if (c.hit.api_id, c.hit.operation_id) != key)[: k - 1]
    common = {
        "api_id": api_model.id,
        "operation_id": operation.id,
        "method": operation.method,
        "path": operation.path,
        "summary": operation.summary,
        "why": chosen.reason,
        "kind": api_model.kind,
        "arguments": arguments,
        "alternatives": alternatives,
        "check": check,
    }
    if api_model.kind == "functions":
        call = {"name": operation.id, "arguments": values}
        calls = {"call": function_call_text(operation.id, values)}
        return Answer(
            text, status, function_call=call, function_calls=(call,), code=calls, notes=tuple(notes), **common
        )
    snippets = {get_target(lang).name: get_target(lang).render(built.request) for lang in langs} if built else {}
    return Answer(text, status, http=built.request if built else None, code=snippets, notes=tuple(notes), **common)


def default_model_steps(backend: ModelBackend | None) -> tuple[str, ...]:
    """Where a model is used unless the caller says otherwise (`use_model_for`), as measured on the development
    set. The embedded SmolLM2-135M made both steps worse: choosing, top-1 fell from 62.5 % to 51.6 % on all 384
    requests with the API given and from 49.2 % to 35.4 % over the whole catalog
    (`benchmarks/ask_accuracy.py --model local --model-steps choose`); filling fixed
    no argument and broke 2 of 48 (`benchmarks/llm_steps.py --stride 8`). So it takes no step by default, and a
    server model (presumably stronger: measure it with the same scripts) does both."""
    if backend is None or backend.name.startswith("local"):
        return ()
    return ("choose", "fill")


def _value_in(request: HttpRequest, name: str) -> Any:
    """The value the builder put in `request` for argument `name` (for showing filled-in values)."""
    if name == "body":
        return "(other fields from the spec)"
    bare = name.split(".", 1)[-1]
    for pairs in (request.query, request.headers, request.cookies):
        for key, value in pairs:
            if key == bare:
                return value
    body = request.body
    if body is not None and hasattr(body, "value") and isinstance(body.value, dict) and bare in body.value:
        return body.value[bare]
    return "(in the path)"


def _irrelevant(hits: Sequence[SearchHit]) -> bool:
    best = max((h.similarity for h in hits if h.similarity is not None), default=None)
    if best is None:  # keyword search only: a keyword hit is all we have to go on
        return False
    return best < NO_MATCH_SIMILARITY and not any(h.bm25_rank is not None and h.bm25_rank <= 3 for h in hits[:3])


def _required_fit(api: Api, operation: Operation, extracted: Extracted) -> float:
    required = [f for f in operation_fields(api, operation) if f.required and f.location in ("path", "query", "body")]
    if not required:
        return 0.5
    return sum(1 for f in required if f.name in extracted.arguments) / len(required)


def _build_and_repair(
    api: Api, operation: Operation, values: dict[str, Any], rounds: int, notes: list[str]
) -> tuple[BuiltRequest | None, CheckResult | None, dict[str, Any]]:
    """Build, check, and drop values the builder or checker rejects, at most `rounds` times."""
    values = dict(values)
    for _ in range(rounds + 1):
        try:
            built = build_request(api, operation, values)
        except UnknownArgument as exc:
            values.pop(exc.name, None)
            notes.append(f"dropped '{exc.name}': not an input of {operation.id}")
            continue
        except BuildError as exc:
            name = getattr(exc, "name", None) or next((n for n in values if f"'{n}'" in str(exc)), None)
            if name is None or name not in values:
                notes.append(f"could not build the request: {exc}")
                return None, None, values
            values.pop(name)
            notes.append(f"dropped '{name}': {exc}")
            continue
        result = check_request(built.request, api)
        # A value of the wrong type or outside the enum was put in the wrong place: drop it. A value with the
        # wrong format or range is what the user said: keep it, and let the diagnostic tell them.
        rejected = [
            name
            for d in result.errors
            if d.code in _DROP_CODES
            for name in values
            if d.location.split(".", 1)[-1].split("[", 1)[0] == name
        ]
        if not rejected:
            return built, result, values
        for name in dict.fromkeys(rejected):
            values.pop(name, None)
            notes.append(f"dropped '{name}': the spec rejects its value")
    try:
        built = build_request(api, operation, values)
    except ApiforgeError as exc:
        notes.append(f"could not build the request: {exc}")
        return None, None, values
    return built, check_request(built.request, api), values
