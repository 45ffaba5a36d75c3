from tests.snippets.runners import Runner
from tests.snippets.runners._tools import NODE_MODULES, node_batch, node_reason, script_runner

RUNNER = Runner(
    target="node_request",
    available=lambda: node_reason("request"),
    run=script_runner(["node"], "snippet.js", env={"NODE_PATH": str(NODE_MODULES)}),
    run_many=node_batch,
)
