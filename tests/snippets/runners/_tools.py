"""Helpers shared by the runners of this folder (a leading underscore keeps it out of the runner registry)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import REPO, Completed, run_command

__all__ = [
    "END",
    "FAILED",
    "NODE_BATCH",
    "NODE_MODULES",
    "go_env",
    "node_batch",
    "python_batch",
    "split_batch",
    "missing_module",
    "node_reason",
    "python_runner",
    "run_file",
    "script_runner",
]

NODE_MODULES = REPO / ".ci" / "node" / "snippets" / "node_modules"
"""npm packages the snippets need (`request`, `jsdom`), installed by .ci/install.d/20-snippet-runtimes.sh."""
NODE_BATCH = Path(__file__).with_name("node_batch.js")
END = "@@apiforge-snippet-end@@"
"""The line batch hosts print after each snippet's output."""
FAILED = "@@apiforge-snippet-failed@@"
"""What batch hosts print when a snippet threw."""


def run_file(code: str, workdir: Path, name: str, argv: list[str], env: dict[str, str] | None = None) -> Completed:
    """Write the snippet to `workdir / name` and run `argv + [name]` there."""
    (workdir / name).write_text(code, encoding="utf-8")
    return run_command([*argv, name], workdir, env=env)


def missing_module(name: str) -> str | None:
    if importlib.util.find_spec(name) is None:
        return f"Python package '{name}' is not installed (bash .ci/install.d/20-snippet-runtimes.sh)"
    return None


def python_runner(code: str, workdir: Path) -> Completed:
    return run_file(code, workdir, "snippet.py", [sys.executable, "-X", "utf8"])


def node_reason(package: str | None = None) -> str | None:
    """Why node snippets cannot run here (no node, node < 18, or a missing npm package), or None."""
    node = shutil.which("node")
    if node is None:
        return "node is not installed"
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 18:
        return f"node {version} has no global fetch/FormData (need 18+)"
    if package and not (NODE_MODULES / package / "package.json").is_file():
        return f"npm package '{package}' not in {NODE_MODULES} (bash .ci/install.d/20-snippet-runtimes.sh)"
    return None


def script_runner(argv: list[str], name: str, env: dict[str, str] | None = None):  # noqa: ANN201
    """A `run` callable that writes the code to `name` and runs `argv name`."""

    def run(code: str, workdir: Path) -> Completed:
        return run_file(code, workdir, name, argv, env)

    return run


def split_batch(codes: Sequence[str], done: Completed) -> list[Completed]:
    """One result per snippet from a batch process whose stdout ends each snippet's output with the end marker;
    a snippet with no end marker, or that reported a failure, gets exit code 1."""
    chunks = done.stdout.split(END + "\n")
    results = []
    for index in range(len(codes)):
        completed = index < len(chunks) - 1
        out = chunks[index] if completed else ""
        failed = not completed or FAILED in out
        results.append(subprocess.CompletedProcess(["snippet", str(index)], 1 if failed else 0, out, done.stderr))
    return results


def node_batch(codes: Sequence[str], workdir: Path, host: Path = NODE_BATCH) -> list[Completed]:
    """Run node snippets through a batch host script (node_batch.js, xhr_page.js) in one process."""
    workdir.mkdir(parents=True, exist_ok=True)
    names = []
    for index, code in enumerate(codes):
        name = f"snippet{index:04d}.js"
        (workdir / name).write_text(code, encoding="utf-8")
        names.append(name)
    done = run_command(["node", str(host), *names], workdir, env={"NODE_PATH": str(NODE_MODULES)}, timeout=900)
    return split_batch(codes, done)


def python_batch(codes: Sequence[str], workdir: Path) -> list[Completed]:
    """Run Python snippets in one interpreter through python_batch.py."""
    workdir.mkdir(parents=True, exist_ok=True)
    names = []
    for index, code in enumerate(codes):
        name = f"snippet{index:04d}.py"
        (workdir / name).write_text(code, encoding="utf-8")
        names.append(name)
    host = Path(__file__).with_name("python_batch.py")
    done = run_command([sys.executable, "-X", "utf8", str(host), *names], workdir, timeout=900)
    return split_batch(codes, done)


def go_env() -> dict[str, str]:
    """Go settings for snippets: no network, no module, a build cache kept across runs (compiling net/http once)."""
    root = Path(tempfile.gettempdir()) / "apiforge-snippets-go"
    return {
        "GOCACHE": str(root / "cache"),
        "GOPATH": str(root / "path"),
        "GO111MODULE": "off",
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOTOOLCHAIN": "local",
        "GOTELEMETRY": "off",
        "CGO_ENABLED": "0",
        "HOME": os.environ.get("HOME", str(root)),
    }
