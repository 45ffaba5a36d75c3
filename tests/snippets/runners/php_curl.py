"""Runs `php_curl` snippets with `php` (the cURL extension is Debian's `php-curl`)."""

from __future__ import annotations

import shutil
import subprocess

from tests.snippets.runners import Runner
from tests.snippets.runners._tools import script_runner


def _available() -> str | None:
    if shutil.which("php") is None:
        return "php is not installed"
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout.split()
    return None if "curl" in modules else "the PHP cURL extension is not installed (php-curl)"


RUNNER = Runner(target="php_curl", available=_available, run=script_runner(["php"], "main.php"))
