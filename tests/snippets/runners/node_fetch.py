from tests.snippets.runners import Runner
from tests.snippets.runners._tools import node_batch, node_reason, script_runner

RUNNER = Runner(
    target="node_fetch", available=node_reason, run=script_runner(["node"], "snippet.js"), run_many=node_batch
)
