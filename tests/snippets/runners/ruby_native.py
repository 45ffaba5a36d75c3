"""Runs `ruby_native` snippets with the system `ruby` (net/http is in the standard library).

A batch runs in one Ruby process that loads net/http once and forks per snippet (start-up is most of a snippet's
cost); each child sends its stdout and stderr to files, and a snippet that raises exits 1 in its own child.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from tests.snippets.runners import Runner, run_command
from tests.snippets.runners._batch import read_results
from tests.snippets.runners._tools import script_runner

_DRIVER = """\
require "uri"
require "net/http"

out_dir = ARGV.shift
ARGV.each_with_index do |path, index|
  pid = fork do
    $stdout.reopen(File.join(out_dir, "#{index}.out"), "w")
    $stderr.reopen(File.join(out_dir, "#{index}.err"), "w")
    load path
  end
  _, status = Process.wait2(pid)
  File.write(File.join(out_dir, "#{index}.rc"), (status.exitstatus || 128 + status.termsig).to_s)
end
"""


def _run_many(codes: Sequence[str], workdir: Path) -> list[subprocess.CompletedProcess[str]]:
    out_dir = workdir / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, code in enumerate(codes):
        path = workdir / f"s{index:04d}.rb"
        path.write_text(code, encoding="utf-8")
        paths.append(str(path))
    (workdir / "driver.rb").write_text(_DRIVER, encoding="utf-8")
    ran = run_command(["ruby", "driver.rb", str(out_dir), *paths], workdir, timeout=60 + 60 * len(codes))
    return read_results(out_dir, len(codes), ran)


RUNNER = Runner(
    target="ruby_native",
    available=lambda: None if shutil.which("ruby") else "ruby is not installed",
    run=script_runner(["ruby"], "main.rb"),
    run_many=_run_many,
)
