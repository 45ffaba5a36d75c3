"""A workflow as a Mermaid flowchart: one node per step, one edge per value passed between steps."""

from __future__ import annotations

import re

from apiforge.workflow.model import Workflow

__all__ = ["mermaid"]


def _label(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")


def mermaid(workflow: Workflow) -> str:
    """`flowchart TD` text: inputs, steps (operation, loop marker) and the data edges between them."""
    lines = ["flowchart TD"]
    if workflow.inputs:
        names = ", ".join(workflow.inputs)
        lines.append(f'  inputs(["inputs: {_label(names)}"])')
    for step in workflow.steps:
        loop = "for each item: " if step.for_each else ""
        lines.append(f'  {step.id}["{_label(loop + step.operation)}<br/>{_label(step.api)}"]')
    previous = "inputs" if workflow.inputs else ""
    for step in workflow.steps:
        sources: dict[str, list[str]] = {}
        for name, value in step.arguments.items():
            for found in re.findall(r"\$steps\.([A-Za-z0-9_\-]+)\.outputs\.([A-Za-z0-9_\-]+)", str(value)):
                sources.setdefault(found[0], []).append(name)
            if str(value).startswith("$inputs.") and workflow.inputs:
                sources.setdefault("inputs", []).append(name)
            if str(value).startswith("$item"):
                origin = re.match(r"\$steps\.([A-Za-z0-9_\-]+)", step.for_each)
                if origin:
                    sources.setdefault(origin.group(1), []).append(name)
        for origin, names in sources.items():
            lines.append(f'  {origin} -->|"{_label(", ".join(dict.fromkeys(names)))}"| {step.id}')
        if not sources and previous:
            lines.append(f"  {previous} --> {step.id}")
        previous = step.id
    return "\n".join(lines)
