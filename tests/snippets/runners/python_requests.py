from tests.snippets.runners import Runner
from tests.snippets.runners._tools import missing_module, python_batch, python_runner

RUNNER = Runner(
    target="python_requests", available=lambda: missing_module("requests"), run=python_runner, run_many=python_batch
)
