"""Helpers shared by the runners of this folder (a leading underscore keeps it out of the runner registry)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.snippets.runners import REPO, Completed, run_command

__all__ = ["NODE_MODULES", "go_env", "missing_module", "node_reason", "python_runner", "run_file", "script_runner"]

NODE_MODULES = REPO / ".ci" / "node" / "snippets" / "node_modules"
"""npm packages the snippets need (`request`, `jsdom`), installed by .ci/install.d/20-snippet-runtimes.sh."""


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
