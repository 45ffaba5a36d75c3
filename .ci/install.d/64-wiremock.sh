#!/usr/bin/env bash
# WireMock (scripted faults: fail-then-succeed scenarios, delays) for tests/execute/test_wiremock.py and the
# workflow tests: the npm package `wiremock` bundles the standalone jar (java 17 runs it), installed into
# .ci/node/wiremock (never globally). npm 11 skips install scripts; this package needs none.
set -euo pipefail
# shellcheck source=../lib/npm.bash
. "$(dirname "${BASH_SOURCE[0]}")/../lib/npm.bash"
npm_install_pinned wiremock wiremock "3.13.2"
command -v java >/dev/null || echo "warning: java not found; WireMock tests will be skipped" >&2
