from tests.snippets.runners import Runner
from tests.snippets.runners._tools import python_batch, python_runner

RUNNER = Runner(target="python_python3", available=lambda: None, run=python_runner, run_many=python_batch)
