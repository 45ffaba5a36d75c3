import shutil

from tests.snippets.runners import Runner
from tests.snippets.runners._tools import script_runner

RUNNER = Runner(
    target="shell_curl",
    available=lambda: None if shutil.which("curl") and shutil.which("bash") else "curl or bash is not installed",
    run=script_runner(["bash"], "snippet.sh"),
)
