#!/usr/bin/env bash
# tests/http (build, HAR, style): property-based tests use hypothesis.
set -euo pipefail
python -c "import hypothesis" 2>/dev/null || pip install -q hypothesis
