"""Runners: execute a rendered snippet with its real runtime (curl, python3, node, go, java, ...).

Every module in this folder defines one module-level `RUNNER = Runner(...)` for one snippet target; `runners()`
imports them all. The round-trip test renders a request aimed at httpbin's `/anything`, runs the code and reads
httpbin's JSON echo back from the process's stdout (the snippets print the response body), so a runner needs
only to run the code and hand back the finished process.

Writing a runner::

    RUNNER = Runner(
        target="shell_curl",
        available=lambda: None if shutil.which("curl") else "curl is not installed",
        run=lambda code, workdir: run_command(["bash", "-c", code], workdir),
    )

Compiled languages should also give `run_many`, which runs many snippets at the cost of one build (e.g. all
snippets as functions of one program); it must return one `CompletedProcess` per snippet, in order, whose
stdout is that snippet's output alone.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

__all__ = ["REPO", "Completed", "Runner", "run_command", "run_each", "runners"]

REPO = Path(__file__).resolve().parents[3]
"""The repository root (tools installed by `.ci/install.d` scripts live under `REPO / ".ci"`)."""

Completed = subprocess.CompletedProcess[str]
"""What a runner returns for one snippet."""


@dataclass(frozen=True)
class Runner:
    """How to run the code of one snippet target."""

    target: str
    """The snippet target's registry name (`shell_curl`, `go_native`, ...)."""
    available: Callable[[], str | None]
    """`None` when the runtime is present, else the reason the target's round trip is skipped."""
    run: Callable[[str, Path], Completed]
    """Run one snippet's code in `workdir` (a fresh empty folder it may write into); stdout has the response."""
    run_many: Callable[[Sequence[str], Path], list[Completed]] | None = None
    """Optional: run many snippets at the cost of one build; one result per snippet, in order."""
    jobs: int = 2
    """How many `run` calls may go in parallel when there is no `run_many` (2 cores in CI)."""

    def run_all(self, codes: Sequence[str], workdir: Path) -> list[Completed]:
        """Run every snippet, batched through `run_many` when the runner has it, else `jobs` at a time."""
        if self.run_many is not None:
            return self.run_many(codes, workdir)
        return run_each(self.run, codes, workdir, self.jobs)


def run_each(run: Callable[[str, Path], Completed], codes: Sequence[str], workdir: Path, jobs: int) -> list[Completed]:
    """Run each snippet in its own subfolder of `workdir`, `jobs` at a time; results in order."""

    def one(item: tuple[int, str]) -> Completed:
        index, code = item
        folder = workdir / f"s{index:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        return run(code, folder)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, enumerate(codes)))


def run_command(
    argv: Sequence[str],
    workdir: Path,
    *,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
    timeout: float = 120,
) -> Completed:
    """Run `argv` in `workdir`, capturing text output (UTF-8); never raises on a non-zero exit.

    A timeout becomes a failed process (exit code -9) so one hung snippet does not hide the others' results.
    """
    try:
        return subprocess.run(
            list(argv),
            cwd=workdir,
            env={**os.environ, **(env or {})},
            input=input,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return subprocess.CompletedProcess(list(argv), -9, out, f"timed out after {timeout}s")


_RUNNERS: dict[str, Runner] = {}


def runners() -> dict[str, Runner]:
    """Every runner in this folder, by target name (modules are imported once, on first call)."""
    if not _RUNNERS:
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            runner = getattr(module, "RUNNER", None)
            if isinstance(runner, Runner):
                _RUNNERS[runner.target] = runner
    return _RUNNERS
