"""Evaluate models and systems on API calls: suites, metrics, systems under test, runs and reports.

Usage::

    from apiforge.evaluate import AskSystem, Scorer, load_suite, run_suite, write_reports

    items = load_suite("tests/data/ask/dev.jsonl", limit=50)
    run = run_suite(items, AskSystem(catalog), Scorer(catalog), "runs/ask-none")
    write_reports([run], "runs/report")

Metrics are pure functions, usable alone: `score_apipack` (API Pack's endpoint / API-call match),
`structural_match`, `validity` (hallucination, invalid arguments), `check_function_calls` (BFCL rules),
`match_operation_arguments`; `PrismPool` measures execution success. Definitions: docs/evaluation.md.
"""

from apiforge.evaluate.apipack import ApiPackScore, extract_api_call, extract_urls, score_apipack, similarity
from apiforge.evaluate.arguments import ArgumentResult, match_operation_arguments
from apiforge.evaluate.execution import ExecutionResult, PrismPool
from apiforge.evaluate.functions import FunctionCallResult, check_function_calls, normalize_calls
from apiforge.evaluate.report import write_reports
from apiforge.evaluate.runs import Run, RunError, load_run, run_suite
from apiforge.evaluate.scoring import METRICS, Scorer, summarize
from apiforge.evaluate.structural import StructuralResult, structural_match, structural_match_code
from apiforge.evaluate.suites import EvalItem, SuiteError, load_suite
from apiforge.evaluate.systems import AskSystem, Prediction, PredictionsFile, RawModelSystem
from apiforge.evaluate.validity import validity

__all__ = [
    "METRICS",
    "ApiPackScore",
    "ArgumentResult",
    "AskSystem",
    "EvalItem",
    "ExecutionResult",
    "FunctionCallResult",
    "Prediction",
    "PredictionsFile",
    "PrismPool",
    "RawModelSystem",
    "Run",
    "RunError",
    "Scorer",
    "StructuralResult",
    "SuiteError",
    "check_function_calls",
    "extract_api_call",
    "extract_urls",
    "load_run",
    "load_suite",
    "match_operation_arguments",
    "normalize_calls",
    "run_suite",
    "score_apipack",
    "similarity",
    "structural_match",
    "structural_match_code",
    "summarize",
    "validity",
    "write_reports",
]
