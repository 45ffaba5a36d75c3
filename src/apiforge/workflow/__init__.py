"""Multi-step workflows: plan from the spec, pass data with safe selectors, run, heal, and speak Arazzo 1.0.

Usage::

    from apiforge.workflow import plan_request, run_workflow, ApiSource

    plan = plan_request("star alice's most recently updated repo", catalog, api="gitea.io")
    result = run_workflow(plan.workflow, ApiSource(catalog=catalog), CredentialStore())
"""

from apiforge.workflow.expressions import ExpressionError, evaluate, evaluate_condition, resolve
from apiforge.workflow.model import NONEMPTY, Criterion, Step, Workflow, WorkflowError, load_workflow, save_workflow
from apiforge.workflow.planner import Plan, plan_request, split_clauses
from apiforge.workflow.runner import ApiSource, CallRecord, RunResult, StepRecord, find_operation, run_workflow

__all__ = [
    "NONEMPTY",
    "ApiSource",
    "CallRecord",
    "Criterion",
    "ExpressionError",
    "Plan",
    "RunResult",
    "Step",
    "StepRecord",
    "Workflow",
    "WorkflowError",
    "evaluate",
    "evaluate_condition",
    "find_operation",
    "load_workflow",
    "plan_request",
    "resolve",
    "run_workflow",
    "save_workflow",
    "split_clauses",
]
