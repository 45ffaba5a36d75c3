"""Plan a workflow from a request in words, from the spec alone (a model may only rank the finished plans).

1. Split the request into action clauses ("find the customer ..., then refund ..."): each clause's operation is
   found with `ask`'s retrieval and reranking, within the API the whole request points to (or `api=`).
2. For every required input of those operations (and id-like optional inputs the clause names, "the charge"):
   a value the request states is a workflow input; a *name* where an id is wanted ("customer jane@x.com") is a
   lookup key; anything else comes from an earlier step's response, or from the cheapest *producer* operation of
   the operation graph (`apiforge.workflow.graph`), whose own inputs are resolved the same way (two levels).
3. A producer returning a list is narrowed by the lookup key (its filter parameter, or a selector on the name
   field), by a superlative ("newest", "oldest") or, for "all"/"each"/"every", becomes a loop of the consumer.

With a model backend, the top candidate plans (different target operations) are offered to the model as an enum
of indices: it can only pick among plans made of real operations and fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from apiforge.ask.choose import method_prior
from apiforge.ask.extract import extract_arguments
from apiforge.ask.fields import ArgumentCandidate, name_words, operation_fields, singular
from apiforge.ask.mentions import find_mentions
from apiforge.ask.pipeline import AskError
from apiforge.catalog import Catalog
from apiforge.catalog.search import SearchIndex
from apiforge.llm import Message, ModelBackend, ModelError
from apiforge.spec import Api, Operation
from apiforge.workflow._values import (
    ALL,
    FUNCTION_WORDS,
    NEWEST,
    enum_named,
    id_named,
    looks_like_id,
    lookup_key,
    named_near,
    needs_lookup,
    preceding_noun,
)
from apiforge.workflow.graph import (
    ALIASES,
    Entity,
    entity_field,
    link_targets,
    name_field,
    param_noun,
    response_entities,
)
from apiforge.workflow.model import NONEMPTY, Step, Workflow
from apiforge.workflow.runner import find_operation
from apiforge.workflow.targets import rank_targets

__all__ = ["Plan", "plan_request", "split_clauses"]

_SPLIT = re.compile(
    r"\s*(?:;|,?\s+and\s+then\s+|,?\s+then\s+|,\s*and\s+|\s+and\s+(?=\w+\s)|,\s+(?=\w)|\.\s+|\s+after\s+that\s*,?\s*"
    r"|\s+afterwards\s*,?\s*|\s+finally\s*,?\s*)\s*",
    re.IGNORECASE,
)
_MINE = re.compile(r"\b(my|mine|i|i'm|i've|me)\b", re.IGNORECASE)
_OWN = re.compile(r"^/(?:v\d+/)?(me|user|self|current|my)(/|$)", re.IGNORECASE)
_SALIENT = ("quoted", "email", "proper", "slug_pair", "id", "url", "uuid", "number", "token")
_OLDEST = re.compile(r"\b(oldest|first|earliest)\b", re.IGNORECASE)
_FILTER_PARAMS = ("email", "name", "q", "query", "search", "term", "title", "login", "username", "keyword")
_TIME_FIELDS = ("updated_at", "updated", "modified_at", "created_at", "created", "date", "timestamp", "id")
_MAX_STEPS = 6
#: How much one point of target score outweighs plan cost (tuned on tests/data/workflow/dev.jsonl).
TARGET_WEIGHT = 10.0
#: A model may only choose among plans this close to the best one (measured: the embedded 135M model, let
#: loose on every candidate, picked worse plans than the planner; see benchmarks/workflow_accuracy.py).
MODEL_MARGIN = 0.5
#: Cost saved per request value a plan uses.
FIT_WEIGHT = 0.3
#: Cost of each named value (quoted text, email, id, name) the plan does not use.
UNUSED_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class Plan:
    """A planned workflow, its score, why it looks like this, and the other candidate plans."""

    workflow: Workflow
    score: float
    reasons: tuple[str, ...] = ()
    alternatives: tuple[Workflow, ...] = ()
    chosen_by: str = "planner"

    def to_dict(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow.to_dict(),
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
            "chosen_by": self.chosen_by,
            "alternatives": [[f"{a}:{o}" for a, o in w.operations] for w in self.alternatives],
        }


def split_clauses(text: str) -> list[str]:
    """The action clauses of a request, in order: a piece starts a clause only if it begins with a verb
    (otherwise it is glued back, separator and all: "albums and singles of X" stays one clause)."""
    pieces: list[tuple[str, str]] = []  # (separator before, piece)
    start, separator = 0, ""
    for match in _SPLIT.finditer(text):
        pieces.append((separator, text[start : match.start()]))
        start, separator = match.end(), match.group(0)
    pieces.append((separator, text[start:]))
    clauses: list[str] = []
    for separator, piece in pieces:
        piece = piece.strip(" ,.")
        if not piece:
            continue
        words = piece.split()
        if clauses and method_prior(words[0]) is None:
            clauses[-1] = f"{clauses[-1]}{separator}{piece}"
        else:
            clauses.append(piece)
    return clauses or [text]


@dataclass(slots=True)
class _Draft:
    """A plan under construction."""

    api: Api
    text: str
    steps: list[Step] = field(default_factory=list)
    entities: dict[str, list[Entity]] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    cost: float = 0.0
    loop_fields: dict[tuple[str, str], str] = field(default_factory=dict)
    """(step id, parameter) → the field of each looped item that fills the parameter."""

    def new_id(self, op: Operation) -> str:
        base = re.sub(r"[^A-Za-z0-9_]+", "_", op.id).strip("_") or "step"
        base = base[:40]
        taken = {s.id for s in self.steps}
        ident, n = base, 2
        while ident in taken:
            ident, n = f"{base}_{n}", n + 1
        return ident

    def input_name(self, name: str, value: Any) -> str:
        key = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "value"
        ident, n = key, 2
        while ident in self.inputs and self.inputs[ident] != value:
            ident, n = f"{key}_{n}", n + 1
        self.inputs[ident] = value
        return f"$inputs.{ident}"


def plan_request(
    request: str,
    catalog: Catalog,
    *,
    api: str | Sequence[str] | None = None,
    backend: ModelBackend | None = None,
    index: SearchIndex | None = None,
    candidates: int = 3,
    cache: dict[str, Api] | None = None,
    model_margin: float | None = None,
) -> Plan:
    """Plan `request` (see the module docstring). Raises `AskError` for an empty request or catalog.

    `cache` (API id → full `Api`) saves reloading APIs from the catalog across calls. `model_margin`: the model
    may choose among plans within this cost of the best (default: `MODEL_MARGIN` for a server model, 0 for the
    embedded one, which measured worse than the planner alone on tests/data/workflow/dev.jsonl)."""
    cache = {} if cache is None else cache
    text = " ".join(request.split())
    if not text:
        raise AskError("The request is empty: say what you want done, e.g. 'close every open issue in acme/web'.")
    index = index or SearchIndex(catalog)
    clauses = split_clauses(text)
    scope: str | Sequence[str] | None = api
    api_ids = catalog.api_ids() if api is None else []
    if scope is None:
        named = _named_apis(text, api_ids)
        hits = index.search(text, api=named or None, k=5)
        if hits:
            scope = hits[0].api_id

    def clause_scope(clause: str) -> str | Sequence[str] | None:
        """A clause that names another API ("... then store them in kinto") is searched there."""
        return (_named_apis(clause, api_ids) or [None])[0] or scope

    plans: list[tuple[float, Workflow, list[str]]] = []
    heads: list[tuple[str, str]] = []
    for clause in clauses[:-1]:
        ranked = rank_targets(clause, index.search(clause, api=clause_scope(clause), k=10))
        if ranked:
            heads.append((ranked[0].hit.api_id, ranked[0].hit.operation_id))
    final = clauses[-1] if len(clauses) > 1 else text
    ranked = rank_targets(final, index.search(final, api=clause_scope(final), k=10))
    if not ranked:
        raise AskError(f"no operation in the catalog matches {text!r}")
    top = ranked[0].score
    for target in ranked[: max(1, candidates)]:
        sequence = [*heads, (target.hit.api_id, target.hit.operation_id)]
        workflow, cost, reasons = _build(text, clauses, sequence, catalog, cache)
        plans.append((cost + TARGET_WEIGHT * (top - target.score), workflow, [target.reason, *reasons]))
    plans.sort(key=lambda p: p[0])
    best = plans[0]
    chosen_by = "planner"
    if model_margin is None:
        model_margin = 0.0 if backend is None or backend.name.startswith("local") else MODEL_MARGIN
    close = [p for p in plans if p[0] - best[0] <= model_margin]
    if backend is not None and len(close) > 1:
        picked = _choose_with_model(backend, text, [p[1] for p in close])
        if picked != 0:
            best, chosen_by = close[picked], backend.name
    others = tuple(p[1] for p in plans if p is not best)
    return Plan(best[1], -best[0], tuple(best[2]), others, chosen_by)


_API_NOISE = {"com", "org", "net", "io", "api", "apis", "www", "dev", "app", "cloud", "the", "v1", "v2", "v3"}


def _named_apis(text: str, api_ids: Sequence[str]) -> list[str]:
    """Catalog APIs the text names by a distinctive word of their id (`gitea.io` → gitea, `mozilla.com_kinto`
    → mozilla, kinto), in the order the text names them."""
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)]
    found: list[tuple[int, str]] = []
    for api_id in api_ids:
        tokens = {t for t in re.split(r"[^a-z0-9]+", api_id.lower()) if len(t) >= 4 and t not in _API_NOISE}
        positions = [i for i, w in enumerate(words) if w in tokens]
        if positions:
            found.append((positions[0], api_id))
    return [api_id for _, api_id in sorted(found)]


def _build(
    text: str, clauses: list[str], sequence: list[tuple[str, str]], catalog: Catalog, cache: dict[str, Api]
) -> tuple[Workflow, float, list[str]]:
    draft: _Draft | None = None
    for position, (api_id, op_id) in enumerate(sequence):
        if api_id not in cache:
            cache[api_id] = catalog.get_api(api_id)
        api = cache[api_id]
        op = find_operation(api, op_id)
        if draft is None:
            draft = _Draft(api, text)
        draft.api = api
        clause = clauses[position] if len(clauses) == len(sequence) else text
        _add_step(draft, op, clause, depth=0, final=position == len(sequence) - 1)
    assert draft is not None
    steps, inputs, reasons, cost = draft.steps, draft.inputs, draft.reasons, draft.cost
    # Argument fit: a plan that uses more of what the request states is the one the user meant.
    lowered = text.lower()
    stated = {str(v).lower() for v in inputs.values() if v is not None and str(v).lower() in lowered}
    cost -= FIT_WEIGHT * len(stated)
    used = " ".join(str(v).lower() for v in inputs.values())
    for mention in find_mentions(text):
        if (
            mention.kind in _SALIENT
            and mention.text.lower() not in used
            and mention.text.strip("'\"").lower() not in used
        ):
            cost += UNUSED_WEIGHT  # the user named it: a plan that ignores it is not what they meant
    for step in steps:
        if find_operation(cache[step.api], step.operation).deprecated:
            cost += 1.0
    target_api = cache[steps[-1].api]
    target = find_operation(target_api, steps[-1].operation)
    if not ALL.search(text) and any(
        p.required and p.location == "query" and p.name in ("ids", "uris") for p in target.parameters
    ):
        cost += 1.5  # one thing named ("the track 'Yellow'"): not the several-at-once variant
    last = steps[-1]
    output = {name: f"$steps.{last.id}.outputs.{name}" for name in last.outputs} or {}
    workflow = Workflow(
        id=_slug(text),
        steps=tuple(steps),
        inputs=inputs,
        output=output,
        request=text,
        summary=text,
        notes=tuple(r for r in reasons if r.startswith("input")),
    )
    return workflow, cost + 0.5 * len(steps), reasons


def _slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())[:6]
    return "-".join(words) or "workflow"


def _needed(api: Api, op: Operation, clause: str, stated: dict[str, Any]) -> list[ArgumentCandidate]:
    """Required inputs, plus optional id-like inputs whose noun the clause names ("refund the charge", "the
    invoices of the customer jane@x.com") when the request gives no usable value for them."""
    words = {singular(w) for w in name_words(clause)}
    out = []
    for f in operation_fields(api, op):
        if (f.is_credential and f.location != "path") or f.location not in ("path", "query", "body"):
            continue
        if f.required:
            out.append(f)
            continue
        parts = [w for w in name_words(f.name) if w not in ("id", "ids")]
        if not parts or len(parts) > 2 or f.type not in ("string", "integer", "array"):
            continue
        if singular(parts[-1]) not in words or parts[-1] in _FILTER_PARAMS:
            continue
        value = stated.get(f.name)
        if value is None or needs_lookup(f, value, op, clause):
            out.append(f)
    return out


def _add_step(
    draft: _Draft, op: Operation, clause: str, *, depth: int, final: bool, preset: dict[str, Any] | None = None
) -> Step:
    """Append `op` (after any producers it needs) to the draft; returns its step."""
    api = draft.api
    stated = extract_arguments(clause, api, op).arguments
    if clause != draft.text:
        for name, value in extract_arguments(draft.text, api, op).arguments.items():
            stated.setdefault(name, value)
    stated = {k: v for k, v in stated.items() if str(v).lower() not in FUNCTION_WORDS}
    if depth > 0:  # a producer shares the values its consumer already took (`owner`, `repo`)
        for f in operation_fields(api, op):
            if f.name in draft.inputs and draft.inputs[f.name] is not None:
                stated[f.name] = draft.inputs[f.name]
    stated.update(preset or {})
    needed = _needed(api, op, clause, stated)
    needed_names = {f.name for f in needed}
    arguments: dict[str, Any] = {}
    for name, value in stated.items():
        if name not in needed_names:
            arguments[name] = draft.input_name(name, value)
    for_each = ""
    loop_from = ""
    used = {str(v) for v in stated.values()}
    for f in needed:
        value = stated.get(f.name)
        if f.enum:
            value = value if value is not None else enum_named(f, clause)
            if value is not None or f.required:
                arguments[f.name] = draft.input_name(f.name, value if value is not None else f.enum[0])
            continue
        lookup = value is not None and f.name not in (preset or {}) and needs_lookup(f, value, op, draft.text)
        if value is not None and not (lookup and _has_producer(api, op, f, clause)):
            arguments[f.name] = draft.input_name(f.name, value)
            continue
        if value is None and f.location == "path" and not id_named(f):
            near = named_near(draft.text, param_noun(op, f.name) | set(name_words(f.name)))
            if near and near not in used:
                arguments[f.name] = draft.input_name(f.name, near)
                used.add(near)
                continue
        key = str(value) if value is not None else lookup_key(clause, used)
        bound = _from_earlier(draft, op, f, key, clause)
        if bound is None and depth < 2 and len(draft.steps) < _MAX_STEPS:
            bound = _from_producer(draft, op, f, key, clause, depth, needed)
        if bound is None:
            if f.required:
                arguments[f.name] = draft.input_name(f.name, value)
                draft.reasons.append(f"input '{f.name}' of {op.id}: give it with --input {f.name}=...")
                draft.cost += 1.5
            continue
        expression, step_id, loop = bound
        if loop and not for_each:
            for_each, loop_from = expression, step_id
        if loop and loop_from == step_id:
            field_path = _loop_field(draft, step_id, f.name)
            arguments[f.name] = "$item" + (f".{field_path}" if field_path else "")
        else:
            arguments[f.name] = expression
    step = Step(draft.new_id(op), api.id, op.id, arguments, for_each=for_each, description=op.summary.strip())
    draft.steps.append(step)
    draft.entities[step.id] = response_entities(api, op)
    return step


def _nouns(api: Api, op: Operation, f: ArgumentCandidate, clause: str) -> set[str]:
    """The parameter's nouns; for a generic one (`ids`, `uri`) that names no entity, the clause's nouns."""
    nouns = param_noun(op, f.name)
    known = _entity_words(api)
    if nouns & known:
        return nouns
    return nouns | ({singular(w) for w in name_words(clause)} & known)


_WORDS_CACHE: dict[tuple[str, str], set[str]] = {}


def _entity_words(api: Api) -> set[str]:
    key = (api.id, api.version)
    if key not in _WORDS_CACHE:
        words: set[str] = set()
        for op in api.operations:
            if op.method == "GET":
                for entity in response_entities(api, op):
                    if entity.is_list:
                        words |= set(entity.words)
        _WORDS_CACHE[key] = words
    return _WORDS_CACHE[key]


def _loop_field(draft: _Draft, step_id: str, name: str) -> str:
    return draft.loop_fields.get((step_id, name), "")


def _has_producer(api: Api, op: Operation, f: ArgumentCandidate, clause: str) -> bool:
    nouns = _nouns(api, op, f, clause)
    for other in api.operations:
        if other.method != "GET" or other is op:
            continue
        for entity in response_entities(api, other):
            if entity.is_list and entity_field(f.name, f.schema, entity, nouns) is not None:
                return True
    return False


def _select(
    entity: Entity, field_name: str, key: str, clause: str, filtered: bool, key_input: str = ""
) -> tuple[str, bool]:
    """The selector (after `$response.body`) giving the value, and whether it is a list to loop over.
    `key_input` is the input expression holding the lookup key (`$inputs.email`)."""
    base = entity.selector
    if not entity.is_list:
        prefix = "" if base == "@" else f".{base}"
        return f"$response.body{prefix}.{field_name}", False
    list_path = base[:-3]
    head = "$response.body" + (f".{list_path}" if list_path else "")
    if ALL.search(clause) and (not key or filtered):
        return f"{head} | [*].{field_name}", True
    if (
        key and key_input
    ):  # even after a server-side filter: a relaxed filter (self-healing) must still pick the right one
        by = "email" if "@" in key and "email" in entity.properties else name_field(entity)
        if by and not (filtered and looks_like_id(key)):
            return f"{head} | [?{by}=={{{key_input}}}] | [0].{field_name}", False
    if NEWEST.search(clause) or _OLDEST.search(clause):
        when = _time_field(entity)
        if when:
            pick = "max_by" if NEWEST.search(clause) else "min_by"
            return f"{head} | {pick}(@, &to_string({when})).{field_name}", False
    return f"{head} | [0].{field_name}", False


def _time_field(entity: Entity) -> str:
    """The field that orders an entity in time: a known name, else a date(-time) field, else a time-ish name."""
    props = entity.properties
    for name in _TIME_FIELDS[:-1]:
        if name in props:
            return name
    for name, schema in props.items():
        if isinstance(schema, dict) and schema.get("format") in ("date-time", "date"):
            return name
    for name in props:
        if re.search(r"(date|time|created|updated|released|published|modified)", name, re.IGNORECASE):
            return name
    return "id" if "id" in props else ""


def _from_earlier(
    draft: _Draft, op: Operation, f: ArgumentCandidate, key: str, clause: str
) -> tuple[str, str, bool] | None:
    nouns = _nouns(draft.api, op, f, clause)
    for step in reversed(draft.steps):
        for entity in draft.entities.get(step.id, []):
            match = entity_field(f.name, f.schema, entity, nouns)
            if match is None or match.score < 1.5:
                continue
            return _bind(draft, step, entity, match.field, f.name, key, clause, filtered=False)
    return None


def _bind(
    draft: _Draft, step: Step, entity: Entity, field_name: str, param: str, key: str, clause: str, *, filtered: bool
) -> tuple[str, str, bool]:
    key_input = ""
    if key:
        name = next((n for n, v in draft.inputs.items() if str(v) == key), "")
        key_input = f"$inputs.{name}" if name else draft.input_name("lookup", key)
    selector, loop = _select(entity, field_name, key, clause, filtered, key_input)
    index = draft.steps.index(step)
    outputs = dict(step.outputs)
    success = step.success
    if loop:
        list_path = entity.selector[:-3]
        outputs["items"] = "$response.body" + (f".{list_path}" if list_path else "")
        draft.loop_fields[(step.id, param)] = field_name
        name = "items"
    else:
        name = param
        outputs[name] = selector
    if entity.is_list and NONEMPTY not in success:
        success = (*success, NONEMPTY)
    draft.steps[index] = replace(step, outputs=outputs, success=success)
    return f"$steps.{step.id}.outputs.{name}", step.id, loop


def _from_producer(
    draft: _Draft,
    op: Operation,
    f: ArgumentCandidate,
    key: str,
    clause: str,
    depth: int,
    others: Sequence[ArgumentCandidate] = (),
) -> tuple[str, str, bool] | None:
    api = draft.api
    nouns = _nouns(api, op, f, clause)
    key_noun = preceding_noun(draft.text, key) if key else ""
    clause_words = {singular(w) for w in name_words(clause)}
    best: tuple[float, Operation, Entity, str, str] | None = None
    for producer in api.operations:
        if producer.method != "GET" or producer.id == op.id or producer.deprecated:
            continue
        if producer.parameter(f.name) is not None and producer.parameter(f.name).required:  # type: ignore[union-attr]
            continue
        links = link_targets(api, producer)
        for entity in response_entities(api, producer):
            match = entity_field(f.name, f.schema, entity, nouns)
            if match is None or match.score < 2.0:
                continue
            score = match.score - 0.4 * entity.selector.count(".")
            # `ProjectTemplate` is a worse source of a project id than `Project`: words the noun does not name
            score -= 0.3 * len(set(entity.words) - _expanded(nouns))
            if entity.assumed:
                score -= 0.5  # the spec does not describe this response: a guess from the path
            if (op.id, f.name) in links:
                score += 2.0
            filter_param = _filter_param(producer, key, key_noun) if entity.is_list and key else ""
            if filter_param:
                score += 1.0
            if entity.is_list:
                score += 0.3
            elif key:
                score -= 1.0
            score += _satisfied(draft, producer, clause, filter_param, nouns)
            for other in others:
                found = entity_field(other.name, other.schema, entity, _nouns(api, op, other, clause))
                if other.name != f.name and found is not None and found.score >= 1.5:
                    score += 0.8
            if _MINE.search(clause) and _OWN.search(producer.path):
                score += 1.2  # "my playlist", "repos I starred": the user's own list, not a global search
            literal = {singular(w) for s in producer.path.split("/") if "{" not in s for w in name_words(s)}
            score += 0.2 * len(literal & clause_words & set(nouns | set(entity.words)))
            score -= 0.03 * producer.path.count("/")
            if best is None or score > best[0]:
                best = (score, producer, entity, match.field, filter_param)
    if best is None:
        return None
    score, producer, entity, field_name, filter_param = best
    sub_clause = clause
    step = _add_producer(draft, producer, sub_clause, depth, filter_param, key)
    draft.reasons.append(f"{producer.id} gives '{f.name}' of {op.id} ({entity.name}.{field_name})")
    draft.cost += max(0.0, 3.0 - score) * 0.2
    return _bind(draft, step, entity, field_name, f.name, key, clause, filtered=bool(filter_param))


def _expanded(nouns: set[str]) -> set[str]:
    out = set(nouns)
    for noun in nouns:
        out |= ALIASES.get(noun, set())
    return out


def _satisfied(draft: _Draft, producer: Operation, clause: str, filter_param: str, nouns: set[str]) -> float:
    """How well the request covers a producer's own inputs: +0.5 per stated one, -0.8 per missing required one;
    -3 when it needs ids of the very thing it would produce (`GET /albums?ids=` cannot find an album's id)."""
    api = draft.api
    stated = extract_arguments(clause, api, producer).arguments
    fields = {f.name: f for f in operation_fields(api, producer)}
    score = 0.0
    for p in producer.parameters:
        if p.location not in ("path", "query") or p.name == filter_param:
            continue
        f = fields.get(p.name)
        if p.required and f is not None and id_named(f) and param_noun(producer, p.name) & nouns:
            return -3.0
        value = stated.get(p.name)
        usable = value is not None and not (f is not None and needs_lookup(f, value, producer, clause))
        if f is not None and f.enum and enum_named(f, clause) is not None:
            usable = True
        if usable or (p.required and p.name in draft.inputs):
            score += 0.5
        elif p.required:
            score -= 0.8
    return score


def _filter_param(producer: Operation, key: str, noun: str) -> str:
    """The producer's parameter the lookup key goes to: one named after the key's noun (`customer` for
    "customer cus_1", `index` of `/issues/{index}` for "issue 7"), `email` for an email, else a search filter."""
    if noun:
        for p in producer.parameters:
            takes_ids = name_words(p.name)[-1:] in (["id"], ["ids"]) or p.name in ("ids", "id")
            if takes_ids and not looks_like_id(key):
                continue
            if p.location in ("query", "path") and noun in param_noun(producer, p.name):
                return p.name
    names = {p.name: p for p in producer.parameters if p.location == "query"}
    wanted = ("email",) if "@" in key else _FILTER_PARAMS
    for name in wanted:
        if name in names:
            return name
    return ""


def _add_producer(draft: _Draft, producer: Operation, clause: str, depth: int, filter_param: str, key: str) -> Step:
    preset = {filter_param: key} if filter_param and key else None
    step = _add_step(draft, producer, clause, depth=depth + 1, final=False, preset=preset)
    if preset:
        index = draft.steps.index(step)
        arguments = dict(step.arguments)
        arguments[filter_param] = draft.input_name(filter_param, key)
        draft.steps[index] = step = replace(step, arguments=arguments)
    return step


def _choose_with_model(backend: ModelBackend, request: str, plans: list[Workflow]) -> int:
    """The model picks a plan by index (constrained to the offered ones); a failure keeps the planner's first.

    Each plan is shown by what its last step does (method, path, summary) and the calls before it: the wording
    `ask`'s model chooser uses for one call, which a small model reads best."""
    lines = []
    for i, workflow in enumerate(plans):
        last = workflow.steps[-1]
        before = " then ".join(s.operation for s in workflow.steps[:-1])
        lead = f" (after {before})" if before else ""
        lines.append(f"{i}: {last.operation} — {' '.join(last.description.split())[:100]}{lead}")
    messages: list[Message] = [
        {"role": "system", "content": "You pick the API call sequence that does what the user asks. Answer in JSON."},
        {"role": "user", "content": "Plans:\n" + "\n".join(lines) + f"\n\nRequest: {request}\nWhich plan number?"},
    ]
    schema = {
        "type": "object",
        "properties": {"plan": {"type": "integer", "enum": list(range(len(plans)))}},
        "required": ["plan"],
        "additionalProperties": False,
    }
    try:
        answer = backend.complete_json(messages, schema, max_tokens=16, purpose="plan")
        picked = int(answer["plan"])
    except (ModelError, KeyError, ValueError, TypeError):
        return 0
    return picked if 0 <= picked < len(plans) else 0
