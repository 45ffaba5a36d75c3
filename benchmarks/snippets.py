"""Snippet rendering speed: snippets/s per target over every operation of the shared specs, and the same work by
npm `openapi-snippet` 0.14 (API Pack's generator) in the same run when Node has it.

Each operation's request is built once (not timed); rendering is timed. The peer is timed inside node, spec
parsing excluded, over API Pack's 10 targets; we report our rate over the same targets where we have them.

Usage: python benchmarks/snippets.py [--shared ../shared] [--repeat 3]
Install the peer: bash .ci/install.d/20-snippet-runtimes.sh (into .ci/node/bench).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from apiforge.http import HttpRequest, build_http_request
from apiforge.snippets import targets
from apiforge.spec import find_spec_files, load_spec

ROOT = Path(__file__).resolve().parent.parent
PEER_MODULES = ROOT / ".ci" / "node" / "bench" / "node_modules"
API_PACK_TARGETS = [
    "shell_curl",
    "java_okhttp",
    "node_request",
    "python_python3",
    "go_native",
    "ruby_native",
    "php_curl",
    "swift_nsurlsession",
    "c_libcurl",
    "javascript_xhr",
]
PEER_NAMES = {
    "shell_curl": "shell_curl",
    "java_okhttp": "java_okhttp",
    "node_request": "node_request",
    "python_python3": "python_python3",
    "go_native": "go_native",
    "ruby_native": "ruby_native",
    "php_curl": "php_curl",
    "swift_nsurlsession": "swift_nsurlsession",
    "c_libcurl": "c_libcurl",
    "javascript_xhr": "javascript_xhr",
}  # openapi-snippet spells them as API Pack does


def build_requests(spec_files: list[Path]) -> list[HttpRequest]:
    requests = []
    for path in spec_files:
        api = load_spec(path).api
        requests += [build_http_request(api, operation) for operation in api.operations]
    return requests


def time_target(render, requests: list[HttpRequest], repeat: int) -> float:  # noqa: ANN001
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for request in requests:
            render(request)
        best = min(best, time.perf_counter() - start)
    return best


def run_peer(spec_files: list[Path], names: list[str]) -> dict[str, float] | None:
    if not shutil.which("node") or not (PEER_MODULES / "openapi-snippet").is_dir():
        print(f"peer: skipped (node or openapi-snippet missing in {PEER_MODULES})")
        return None
    argv = ["node", str(Path(__file__).with_name("snippets_peer.js")), ",".join(names), *map(str, spec_files)]
    done = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, "NODE_PATH": str(PEER_MODULES)})
    if done.returncode != 0:
        print("peer failed:", done.stderr[-500:])
        return None
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec_files = sorted(find_spec_files(args.shared / "specs"))
    requests = build_requests(spec_files)
    print(f"{len(requests)} operations from {len(spec_files)} specs; best of {args.repeat}")

    gc.collect()
    gc.freeze()
    rates: dict[str, float] = {}
    for target in sorted(targets(), key=lambda t: t.name):
        seconds = time_target(target.render, requests, args.repeat)
        rates[target.name] = len(requests) / seconds
        print(f"  {target.name:<20} {rates[target.name]:>10,.0f} snippets/s")
    total = len(requests) * len(rates) / sum(len(requests) / r for r in rates.values())
    print(f"all {len(rates)} targets: {total:,.0f} snippets/s")

    shared = [name for name in API_PACK_TARGETS if name in rates]
    ours = len(requests) * len(shared) / sum(len(requests) / rates[name] for name in shared)
    print(f"API Pack's targets ({len(shared)}): apiforge {ours:,.0f} snippets/s")
    peer = run_peer(spec_files, [PEER_NAMES[name] for name in shared])
    if peer and peer["seconds"] > 0:
        peer_rate = peer["snippets"] / peer["seconds"]
        print(
            f"openapi-snippet 0.14: {peer_rate:,.0f} snippets/s ({peer['snippets']} snippets, "
            f"{peer['failures']} operations failed)"
        )
        print(f"ratio apiforge / openapi-snippet: {ours / peer_rate:.1f}x")


if __name__ == "__main__":
    main()
