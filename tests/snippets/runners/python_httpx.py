from tests.snippets.runners import Runner
from tests.snippets.runners._tools import missing_module, python_batch, python_runner

RUNNER = Runner(
    target="python_httpx", available=lambda: missing_module("httpx"), run=python_runner, run_many=python_batch
)
