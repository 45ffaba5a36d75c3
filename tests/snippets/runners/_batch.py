"""Reading back a batch run: a driver program ran snippet i with its stdout, stderr and exit code sent to
`<dir>/<i>.out`, `<i>.err` and `<i>.rc` (the Java, C and Ruby runners batch this way to pay start-up costs once)."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["read_results"]


def read_results(
    out_dir: Path, count: int, driver: subprocess.CompletedProcess[str]
) -> list[subprocess.CompletedProcess[str]]:
    """One finished process per snippet; a snippet the driver never reached fails with the driver's own output."""
    results = []
    for index in range(count):
        rc = out_dir / f"{index}.rc"
        if not rc.is_file():
            results.append(subprocess.CompletedProcess([str(index)], driver.returncode or 1, "", driver.stderr))
            continue
        stdout = (out_dir / f"{index}.out").read_text(encoding="utf-8", errors="replace")
        stderr = (out_dir / f"{index}.err").read_text(encoding="utf-8", errors="replace")
        results.append(subprocess.CompletedProcess([str(index)], int(rc.read_text() or 1), stdout, stderr))
    return results
