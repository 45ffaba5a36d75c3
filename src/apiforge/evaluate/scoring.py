"""Score one prediction against its item with every metric that applies; aggregate scores into rates.

Each item's score is a flat record: `correct` (the suite's headline metric: API Pack's API-call match, BFCL
correctness, or exact operation + arguments), `failure` (the first failure kind, '' when correct) and one entry
per metric (`True`/`False`, or absent when it does not apply). Rates are means over the items a metric applies to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from apiforge.catalog import Catalog
from apiforge.check import Checker
from apiforge.errors import ApiforgeError
from apiforge.evaluate.apipack import THRESHOLD, Rule, apipack_language, score_apipack
from apiforge.evaluate.arguments import match_operation_arguments
from apiforge.evaluate.execution import PrismPool
from apiforge.evaluate.functions import check_function_calls
from apiforge.evaluate.structural import structural_match
from apiforge.evaluate.suites import EvalItem
from apiforge.evaluate.systems import Prediction, snippet_target_for
from apiforge.evaluate.validity import validity
from apiforge.http import HttpRequest, build_http_request
from apiforge.http.parse import parse_code
from apiforge.spec import Api

__all__ = ["METRICS", "Scorer", "summarize"]

#: Every metric a score may carry, with what it measures (reports and docs use this list).
METRICS: dict[str, str] = {
    "correct": "the suite's headline metric (API Pack: API-call match; functions: BFCL correctness; ask: exact)",
    "apipack_endpoint": "API Pack endpoint match (URL similarity, per-language extraction)",
    "apipack_api_call": "API Pack API-call match (call similarity and endpoint match)",
    "operation": "the predicted call resolves to the gold operation",
    "arguments_exact": "gold operation and exactly the gold arguments",
    "structural": "the predicted request equals the gold one part by part",
    "hallucinated": "the call matches no operation of the spec (lower is better)",
    "invalid_arguments": "the call resolves to an operation but breaks its parameters or body (lower is better)",
    "executed": "Prism mocking the spec accepts the call (status < 400)",
    "function_call": "BFCL function-call correctness",
}
LOWER_IS_BETTER = frozenset({"hallucinated", "invalid_arguments"})


@dataclass(slots=True)
class Scorer:
    """Scores predictions; holds the catalog (for specs and the checker) and an optional Prism pool."""

    catalog: Catalog | None = None
    prism: PrismPool | None = None
    threshold: float = THRESHOLD
    rule: Rule = "gt"
    _apis: dict[str, Api | None] = field(default_factory=dict)
    _checkers: dict[str, Checker] = field(default_factory=dict)

    def _api(self, api_id: str) -> Api | None:
        if api_id not in self._apis:
            api: Api | None = None
            if self.catalog is not None and api_id:
                try:
                    api = self.catalog.get_api(api_id)
                except ApiforgeError:
                    api = None
            self._apis[api_id] = api
        return self._apis[api_id]

    def _checker(self, api: Api) -> Checker:
        if api.id not in self._checkers:
            self._checkers[api.id] = Checker(api)
        return self._checkers[api.id]

    def score(self, item: EvalItem, prediction: Prediction) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": item.id,
            "kind": item.kind,
            "api": item.api,
            "level": item.level,
            "lang": item.lang,
            "category": item.category,
            "question": item.question,
            "error": prediction.error,
        }
        if item.kind == "functions":
            self._score_functions(item, prediction, record)
        elif item.kind == "apipack":
            self._score_apipack(item, prediction, record)
        else:
            self._score_ask(item, prediction, record)
        if prediction.error and not record.get("correct"):
            record["failure"] = "system-error"
        return record

    # -- per kind ----------------------------------------------------------------------------------------------

    def _score_functions(self, item: EvalItem, prediction: Prediction, record: dict[str, Any]) -> None:
        result = check_function_calls(prediction.calls or [], item.gold["ground_truth"], item.gold["functions"])
        record.update(
            correct=result.is_correct,
            function_call=result.is_correct,
            failure=result.kind,
            detail=result.detail,
            predicted=prediction.calls,
            gold=item.gold["ground_truth"],
        )

    def _score_apipack(self, item: EvalItem, prediction: Prediction, record: dict[str, Any]) -> None:
        gold_code = str(item.gold.get("api_call", ""))
        lang = item.lang or prediction.lang or "curl"
        record.update(predicted=prediction.code[:2000], gold=gold_code[:2000])
        if apipack_language(lang) is None:
            record.update(correct=False, failure="unknown-language", detail=f"no API Pack extraction for {lang!r}")
            return
        score = score_apipack(prediction.code, gold_code, lang, threshold=self.threshold, rule=self.rule)
        record.update(
            correct=score.api_call_match,
            apipack_endpoint=score.endpoint_match,
            apipack_api_call=score.api_call_match,
            call_similarity=round(score.call_similarity, 4),
        )
        api = self._api(item.api)
        target = snippet_target_for(lang)  # the parsers know snippet targets; API Pack says `javascript xhr`, `C`
        try:
            gold_request: HttpRequest | None = parse_code(gold_code, target)
        except ApiforgeError:
            gold_request = None
        failure = "" if score.api_call_match else ("endpoint" if not score.endpoint_match else "call-text")
        self._score_request(prediction, record, api, gold_request, target)
        record["failure"] = failure
        if failure and record.get("validity") in ("hallucinated", "unparseable"):
            record["failure"] = str(record["validity"])

    def _score_ask(self, item: EvalItem, prediction: Prediction, record: dict[str, Any]) -> None:
        gold = item.gold
        result = match_operation_arguments(
            prediction.api,
            prediction.operation,
            prediction.arguments,
            gold["api"],
            gold["operation"],
            gold["arguments"],
        )
        record.update(
            correct=result.exact,
            operation=result.operation_match,
            arguments_exact=result.exact,
            failure=result.kind,
            detail=result.detail,
            predicted={"operation": prediction.operation, "arguments": prediction.arguments},
            gold={"operation": gold["operation"], "arguments": gold["arguments"]},
        )
        api = self._api(gold["api"])
        if api is None or api.kind != "openapi":
            return
        gold_request: HttpRequest | None
        try:
            operation = api.operation(gold["operation"])
            gold_request = build_http_request(api, operation, gold["arguments"]) if operation else None
        except ApiforgeError:
            gold_request = None
        self._score_request(prediction, record, api, gold_request, prediction.lang or "curl")

    # -- request-level metrics ------------------------------------------------------------------------------------

    def _predicted_request(self, prediction: Prediction, lang: str) -> HttpRequest | None:
        if prediction.http:
            try:
                return HttpRequest.from_har(prediction.http)
            except (KeyError, TypeError, ValueError):
                return None
        if prediction.code:
            try:
                return parse_code(prediction.code, lang)
            except ApiforgeError:
                return None
        return None

    def _score_request(
        self,
        prediction: Prediction,
        record: dict[str, Any],
        api: Api | None,
        gold_request: HttpRequest | None,
        lang: str,
    ) -> None:
        if not prediction.http and not prediction.code:
            return
        request = self._predicted_request(prediction, lang)
        if request is None:
            record.update(structural=False, structural_part="unparseable", validity="unparseable")
            if api is not None:
                record.update(hallucinated=False, invalid_arguments=False)
            return
        checker = self._checker(api) if api is not None else None
        if gold_request is not None:
            result = structural_match(request, gold_request, checker)
            record.update(structural=result.is_match, structural_part=result.first)
            if result.details:
                record["structural_detail"] = result.details[result.first]
        if api is None or checker is None:
            return
        verdict = validity(checker.check(request))
        record.update(
            validity=verdict,
            hallucinated=verdict == "hallucinated",
            invalid_arguments=verdict == "invalid-arguments",
        )
        if self.prism is not None:
            executed = self.prism.execute(request, api)
            if executed is not None:
                record.update(executed=executed.accepted, execution_status=executed.status)
                if executed.problem:
                    record["execution_problem"] = executed.problem


def summarize(
    scores: Sequence[dict[str, Any]], by: Iterable[str] = ("level", "lang", "api", "kind", "category")
) -> dict[str, Any]:
    """Rates of every metric overall and per group, and the count of each failure kind."""

    def rates(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"n": len(rows)}
        for metric in METRICS:
            values = [bool(r[metric]) for r in rows if metric in r and r[metric] is not None]
            if values:
                out[metric] = sum(values) / len(values)
                out[f"{metric}_n"] = len(values)
        return out

    groups: dict[str, dict[str, Any]] = {}
    for key in by:
        buckets: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in scores:
            if r.get(key):
                buckets[str(r[key])].append(r)
        if len(buckets) >= 1:
            groups[key] = {name: rates(rows) for name, rows in sorted(buckets.items())}
    failures: dict[str, int] = defaultdict(int)
    for r in scores:
        if not r.get("correct"):
            failures[r.get("failure") or "other"] += 1
    return {"overall": rates(scores), "groups": groups, "failures": dict(sorted(failures.items()))}
