#!/usr/bin/env bash
# Servers for the pagination tests (tests/execute/test_paginate_servers.py):
# json-server 0.17.4 into .ci/node/json-server (never globally) and Kinto (memory backend) into the active venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="$ROOT/.ci/node/json-server"
VERSION="0.17.4"
if ! { [ -x "$DEST/node_modules/.bin/json-server" ] && \
       grep -q "\"version\": \"$VERSION\"" "$DEST/node_modules/json-server/package.json" 2>/dev/null; }; then
  mkdir -p "$DEST"
  (cd "$DEST" && { [ -f package.json ] || echo '{"name": "apiforge-ci-json-server", "private": true}' > package.json; } \
    && npm install --no-audit --no-fund --loglevel=error "json-server@$VERSION" >/dev/null)
fi
python -c "import kinto" 2>/dev/null || python -m pip install --quiet "kinto>=19"
