"""Runs `swift_nsurlsession` snippets with `swift main.swift` where a Swift toolchain exists.

Debian has none, so on CI the round trip skips and tests/snippets/test_targets_b.py checks the code's structure.
"""

import shutil

from tests.snippets.runners import Runner
from tests.snippets.runners._tools import script_runner

RUNNER = Runner(
    target="swift_nsurlsession",
    available=lambda: None if shutil.which("swift") else "no Swift toolchain on this machine",
    run=script_runner(["swift"], "main.swift"),
)
