#!/usr/bin/env bash
# tests/dataset: the `--engine ray` tests run local Ray (one ~80 MB wheel, installs in ~15 s); `datasets` and pyarrow
# (export tests) are already in the venv. The e2e test also needs the local model (50-local-model.sh).
set -euo pipefail
quiet() { "$@" 2>&1 | grep -v '^WARNING: Location' || true; }
python -c "import ray" >/dev/null 2>&1 || quiet pip install -q "ray>=2.9"
python -c "import datasets, pyarrow" >/dev/null 2>&1 || quiet pip install -q datasets pyarrow
python -c "import ray, datasets, pyarrow"
