"""Go snippets: `go run` one at a time, or many in one program (one compile and link instead of hundreds)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import Completed, Runner, run_command, run_each
from tests.snippets.runners._tools import go_env, run_file

_IMPORTS = re.compile(r"^import \(\n(.*?)^\)\n", re.S | re.M)
_END = "@@apiforge-snippet-end@@"


def available() -> str | None:
    return None if shutil.which("go") else "go is not installed (Debian: golang-go)"


def run(code: str, workdir: Path) -> Completed:
    return run_file(code, workdir, "main.go", ["go", "run"], go_env())


def run_many(codes: Sequence[str], workdir: Path) -> list[Completed]:
    """All snippets as functions of one program; each `main` becomes `snippetN` and runs in turn.

    `log.Fatal` would end the whole program, so it becomes a panic that the driver recovers and reports as that
    snippet's failure. If the batch does not compile, each snippet runs alone so the failures are its own.
    """
    imports: set[str] = set()
    bodies = []
    for index, code in enumerate(codes):
        match = _IMPORTS.search(code)
        if match is None or "func main() {" not in code:
            return run_each(run, codes, workdir, 2)
        imports.update(line.strip() for line in match.group(1).splitlines() if line.strip())
        body = code[match.end() :].replace("func main() {", f"func snippet{index}() {{", 1)
        bodies.append(body.replace("log.Fatal(", "panic("))
    if not any("log." in body for body in bodies):
        imports.discard('"log"')  # only log.Fatal used it, now panic
    imports |= {'"fmt"', '"os"'}
    calls = "".join(f"\trunOne(snippet{i})\n" for i in range(len(codes)))
    driver = (
        "func runOne(f func()) {\n"
        "\tdefer func() {\n"
        "\t\tif r := recover(); r != nil {\n"
        '\t\t\tfmt.Println("@@apiforge-snippet-failed@@", r)\n'
        "\t\t}\n"
        f'\t\tfmt.Println("{_END}")\n'
        "\t\tos.Stdout.Sync()\n"
        "\t}()\n"
        "\tf()\n"
        "}\n\n"
        f"func main() {{\n{calls}}}\n"
    )
    program = "package main\n\nimport (\n" + "".join(f"\t{i}\n" for i in sorted(imports)) + ")\n\n"
    program += "\n".join(bodies) + "\n" + driver
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "main.go").write_text(program, encoding="utf-8")
    build = run_command(["go", "build", "-o", "snippets", "main.go"], workdir, env=go_env(), timeout=600)
    if build.returncode != 0:
        return run_each(run, codes, workdir, 2)
    done = run_command([str(workdir / "snippets")], workdir, timeout=600)
    chunks = done.stdout.split(_END + "\n")
    results = []
    for index in range(len(codes)):
        out = chunks[index] if index < len(chunks) else ""
        completed = index < len(chunks) - 1  # its end marker was printed
        failed = not completed or "@@apiforge-snippet-failed@@" in out
        results.append(subprocess.CompletedProcess(["snippet", str(index)], 1 if failed else 0, out, done.stderr))
    return results


RUNNER = Runner(target="go_native", available=available, run=run, run_many=run_many)
