#!/usr/bin/env bash
# Servers for the pagination tests (tests/execute/test_paginate_servers.py):
# json-server 0.17.4 into .ci/node/json-server (never globally) and Kinto (memory backend) into the active venv.
set -euo pipefail
# shellcheck source=../lib/npm.bash
. "$(dirname "${BASH_SOURCE[0]}")/../lib/npm.bash"
npm_install_pinned json-server json-server "0.17.4" json-server
python -c "import kinto" 2>/dev/null || python -m pip install --quiet "kinto>=19"
