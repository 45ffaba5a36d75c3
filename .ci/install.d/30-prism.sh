#!/usr/bin/env bash
# Prism (an independent OpenAPI request validator) for the checker's agreement test and benchmark.
# Installed into .ci/node/prism (never globally); tests find it at .ci/node/prism/node_modules/.bin/prism.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="$ROOT/.ci/node/prism"
VERSION="5.16.0"
if [ -x "$DEST/node_modules/.bin/prism" ] && \
   grep -q "\"version\": \"$VERSION\"" "$DEST/node_modules/@stoplight/prism-cli/package.json" 2>/dev/null; then
  exit 0
fi
mkdir -p "$DEST"
cd "$DEST"
[ -f package.json ] || echo '{"name": "apiforge-ci-prism", "private": true}' > package.json
npm install --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$VERSION" >/dev/null
