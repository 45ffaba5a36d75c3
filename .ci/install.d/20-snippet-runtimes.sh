#!/usr/bin/env bash
# Runtimes for the snippet round-trip tests (tests/snippets) and the snippet benchmark (benchmarks/snippets.py):
# - Python clients the python_requests / python_httpx snippets import (httpx is already a runtime dependency);
# - npm `request` (node_request) and `jsdom` (a browser's XMLHttpRequest/FormData/Blob for javascript_xhr),
#   installed into .ci/node/snippets (never globally); the runners find them there;
# - npm `openapi-snippet` (the peer measured by benchmarks/snippets.py) into .ci/node/bench.
# curl, go (golang-go), node come from the Debian/base image (see 00-debian.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if ! python -c 'import requests' 2>/dev/null; then
  python -m pip install -q 'requests>=2.31' 2>&1 | grep -v '^WARNING: Location' || true
fi

npm_into() {  # npm_into DIR PACKAGE@VERSION... : install unless every package is already at that version
  local dest="$1"; shift
  local missing=0 spec name version
  for spec in "$@"; do
    name="${spec%@*}"; version="${spec##*@}"
    grep -q "\"version\": \"$version\"" "$dest/node_modules/$name/package.json" 2>/dev/null || missing=1
  done
  [ "$missing" = 0 ] && return 0
  mkdir -p "$dest"
  [ -f "$dest/package.json" ] || echo '{"name": "apiforge-ci-'"$(basename "$dest")"'", "private": true}' > "$dest/package.json"
  (cd "$dest" && npm install --no-audit --no-fund --loglevel=error "$@" >/dev/null)
}

if command -v npm >/dev/null; then
  npm_into "$ROOT/.ci/node/snippets" request@2.88.2 jsdom@26.1.0
  npm_into "$ROOT/.ci/node/bench" openapi-snippet@0.14.0
fi
