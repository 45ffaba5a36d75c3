#!/usr/bin/env bash
# WireMock (scripted faults: fail-then-succeed scenarios, delays) for tests/execute/test_wiremock.py and the
# workflow tests: the npm package `wiremock` bundles the standalone jar (java 17 runs it), installed into
# .ci/node/wiremock (never globally). npm 11 skips install scripts; this package needs none.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="$ROOT/.ci/node/wiremock"
VERSION="3.13.2"
if ! grep -q "\"version\": \"$VERSION\"" "$DEST/node_modules/wiremock/package.json" 2>/dev/null; then
  mkdir -p "$DEST"
  (cd "$DEST" && { [ -f package.json ] || echo '{"name": "apiforge-ci-wiremock", "private": true}' > package.json; } \
    && npm install --no-audit --no-fund --loglevel=error "wiremock@$VERSION" >/dev/null)
fi
command -v java >/dev/null || echo "warning: java not found; WireMock tests will be skipped" >&2
