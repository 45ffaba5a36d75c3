"""Runs `c_libcurl` snippets: `gcc main.c -lcurl`, then the program (libcurl4-openssl-dev provides the header).

A batch compiles as one translation unit (about a second per program is mostly parsing curl.h): each snippet's
file-scope names are renamed by `#define`s, and a driver forks once per snippet with stdout and stderr sent to files.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import Runner, run_command
from tests.snippets.runners._batch import read_results

_GCC = ["gcc", "-std=c11", "-Wall", "-Werror"]

_DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int (*const snippets[])(void) = {%(table)s};

/* Runs snippet i of argv[2..] in a child process; its stdout/stderr/exit code go to argv[1]/i.{out,err,rc}. */
int main(int argc, char **argv)
{
    char path[4096];
    for (int i = 0; i < (int)(sizeof snippets / sizeof snippets[0]); i++) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            snprintf(path, sizeof path, "%%s/%%d.out", argv[1], i);
            if (!freopen(path, "w", stdout)) _exit(97);
            snprintf(path, sizeof path, "%%s/%%d.err", argv[1], i);
            if (!freopen(path, "w", stderr)) _exit(97);
            alarm(60);
            exit(snippets[i]());
        }
        int status = 0;
        waitpid(pid, &status, 0);
        snprintf(path, sizeof path, "%%s/%%d.rc", argv[1], i);
        FILE *rc = fopen(path, "w");
        if (!rc) return 1;
        fprintf(rc, "%%d", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        fclose(rc);
    }
    (void)argc;
    return 0;
}
"""


# File-scope names each snippet defines: renamed per snippet so that they can share one translation unit.
_FILE_SCOPE = ("main", "collect_body", "response_body")


def _unit(name: str, code: str) -> str:
    renames = "".join(f"#define {ident} {name}_{ident}\n" for ident in _FILE_SCOPE)
    undefs = "".join(f"#undef {ident}\n" for ident in _FILE_SCOPE)
    return renames + code + undefs


def _available() -> str | None:
    if shutil.which("gcc") is None:
        return "gcc is not installed"
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.c"
        probe.write_text("#include <curl/curl.h>\nint main(void) { return curl_global_init(0); }\n")
        built = run_command(["gcc", "probe.c", "-o", "probe", "-lcurl"], Path(folder))
    return None if built.returncode == 0 else "libcurl headers are missing (libcurl4-openssl-dev)"


def _run(code: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    (workdir / "main.c").write_text(code, encoding="utf-8")
    built = run_command([*_GCC, "main.c", "-o", "main", "-lcurl"], workdir)
    if built.returncode != 0:
        return built
    return run_command([str(workdir / "main")], workdir)


def _run_many(codes: Sequence[str], workdir: Path) -> list[subprocess.CompletedProcess[str]]:
    names = [f"snippet_{index:04d}" for index in range(len(codes))]
    units = [_unit(name, code) for name, code in zip(names, codes, strict=True)]
    # fork/waitpid/alarm need POSIX declarations, which -std=c11 hides unless asked for before any #include
    table = ", ".join(f"{name}_main" for name in names)
    source = "#define _POSIX_C_SOURCE 200809L\n" + "".join(units) + _DRIVER % {"table": table}
    (workdir / "all.c").write_text(source, encoding="utf-8")
    built = run_command([*_GCC, "all.c", "-o", "all", "-lcurl"], workdir)
    if built.returncode != 0:  # compile each alone so the failure is reported against its own snippet
        results = []
        for index, code in enumerate(codes):
            folder = workdir / f"s{index:04d}"
            folder.mkdir(exist_ok=True)
            results.append(_run(code, folder))
        return results
    out_dir = workdir / "results"
    out_dir.mkdir(exist_ok=True)
    ran = run_command([str(workdir / "all"), str(out_dir)], workdir, timeout=60 + 60 * len(codes))
    return read_results(out_dir, len(codes), ran)


RUNNER = Runner(target="c_libcurl", available=_available, run=_run, run_many=_run_many)
