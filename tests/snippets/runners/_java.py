"""Running Java snippets: one `java Main.java` per snippet, or a whole batch for one `javac` and one JVM.

A JVM start costs about two seconds here, so `run_many` renames each snippet's `Main` class, compiles them all in
one `javac` call and runs them from one driver program that captures each snippet's stdout separately.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import run_command
from tests.snippets.runners._batch import read_results

Completed = subprocess.CompletedProcess[str]

__all__ = ["OKHTTP_JARS", "java_missing", "okhttp_classpath", "run_java", "run_java_many"]

_M2 = Path.home() / ".m2" / "repository"
OKHTTP_JARS = (
    _M2 / "com/squareup/okhttp3/okhttp/4.12.0/okhttp-4.12.0.jar",
    _M2 / "com/squareup/okio/okio-jvm/3.6.0/okio-jvm-3.6.0.jar",
    _M2 / "org/jetbrains/kotlin/kotlin-stdlib/1.8.21/kotlin-stdlib-1.8.21.jar",
)
"""OkHttp 4.12 and what it needs at run time (kotlin-stdlib 1.8 includes the former -jdk7/-jdk8 parts)."""

_SNIPPET_TIMEOUT_MS = 60_000

# Short-lived JVMs: the C1 compiler alone and the serial GC start faster (javac of a batch: 6.5 s -> 2.6 s here).
_FAST_JVM = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]

_DRIVER = """
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs each class named in args[1..]; class i's stdout, stderr and exit code go to args[0]/(i-1).{out,err,rc}. */
public class SnippetDriver {
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out, err = System.err;
        Path results = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            String name = args[i], index = Integer.toString(i - 1);
            ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            int[] code = {0};
            Thread thread = new Thread(() -> {
                try {
                    Class.forName(name).getMethod("main", String[].class).invoke(null, (Object) new String[0]);
                } catch (InvocationTargetException e) {
                    e.getCause().printStackTrace();
                    code[0] = 1;
                } catch (Exception e) {
                    e.printStackTrace();
                    code[0] = 1;
                }
            });
            thread.setDaemon(true);
            thread.start();
            thread.join(TIMEOUT);
            if (thread.isAlive()) {
                code[0] = 124;
            }
            System.setOut(out);
            System.setErr(err);
            Files.write(results.resolve(index + ".out"), stdout.toByteArray());
            Files.write(results.resolve(index + ".err"), stderr.toByteArray());
            Files.writeString(results.resolve(index + ".rc"), Integer.toString(code[0]));
        }
    }
}
""".replace("TIMEOUT", str(_SNIPPET_TIMEOUT_MS))

_MAIN_CLASS = re.compile(r"\bpublic class Main\b")


def java_missing() -> str | None:
    """Why Java snippets cannot run here, or `None`."""
    for tool in ("java", "javac"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (a JDK 11+ is needed)"
    return None


def okhttp_classpath() -> str | None:
    """The OkHttp classpath, or `None` when a jar is missing from ~/.m2."""
    if not all(jar.is_file() for jar in OKHTTP_JARS):
        return None
    return ":".join(str(jar) for jar in OKHTTP_JARS)


def run_java(code: str, workdir: Path, classpath: str = "") -> Completed:
    """`java Main.java`: the JDK's single-file source launcher compiles in memory and runs."""
    (workdir / "Main.java").write_text(code, encoding="utf-8")
    argv = ["java", *_FAST_JVM, *(["-cp", classpath] if classpath else []), "Main.java"]
    return run_command(argv, workdir)


def run_java_many(codes: Sequence[str], workdir: Path, classpath: str = "") -> list[Completed]:
    """All snippets for one `javac` and one JVM; if the batch does not compile, each runs alone (so the failure
    is reported against the snippet that caused it)."""
    src, classes, results = workdir / "src", workdir / "classes", workdir / "results"
    for folder in (src, classes, results):
        folder.mkdir(parents=True, exist_ok=True)
    names = [f"Snippet{index:04d}" for index in range(len(codes))]
    files = []
    for name, code in zip(names, codes, strict=True):
        path = src / f"{name}.java"
        path.write_text(_MAIN_CLASS.sub(f"public class {name}", code, count=1), encoding="utf-8")
        files.append(str(path))
    (src / "SnippetDriver.java").write_text(_DRIVER, encoding="utf-8")
    cp = ["-cp", classpath] if classpath else []
    javac = ["javac", *(f"-J{option}" for option in _FAST_JVM), "-encoding", "UTF-8", *cp, "-d", str(classes)]
    built = run_command([*javac, *files, "SnippetDriver.java"], src)
    if built.returncode != 0:
        singles = []
        for index, code in enumerate(codes):
            folder = workdir / f"s{index:04d}"
            folder.mkdir(exist_ok=True)
            singles.append(run_java(code, folder, classpath))
        return singles
    full_cp = str(classes) + (":" + classpath if classpath else "")
    timeout = 60 + len(codes) * _SNIPPET_TIMEOUT_MS / 1000
    ran = run_command(
        ["java", *_FAST_JVM, "-cp", full_cp, "SnippetDriver", str(results), *names], workdir, timeout=timeout
    )
    return read_results(results, len(codes), ran)
