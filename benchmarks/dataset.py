"""Dataset pipeline throughput: records/s of the non-model stages over the shared directory specs, and model
calls/s of the model stages with the embedded SmolLM2-135M.

Part 1 runs `build_dataset` with `--model none` (templates, rule judge, overlap score) over every spec of
`../shared/specs/directory` (20 APIs, 2,885 operations) in API Pack's ten languages, with a fresh checkpoint, then
again on the same checkpoint (every result reused). Part 2 times the three model calls on a few endpoints:
an instruction rewrite, a judge verdict, a back-translation log-prob score. Usage:

    python benchmarks/dataset.py                        # both parts
    python benchmarks/dataset.py --skip-model           # non-model stages only
    python benchmarks/dataset.py --model-endpoints 5 --langs shell_curl,python_python3
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from apiforge.dataset import DEFAULT_TARGETS, PipelineConfig, api_db_records, build_dataset
from apiforge.dataset.instructions import write_candidates
from apiforge.dataset.judge import model_verdict
from apiforge.dataset.select import metadata_text
from apiforge.spec import load_spec

DIRECTORY = Path(__file__).resolve().parents[2] / "shared" / "specs" / "directory"


def non_model(specs: list[Path], targets: tuple[str, ...]) -> dict[str, Any]:
    started = time.perf_counter()
    apis = [load_spec(p).api for p in specs]
    load_seconds = time.perf_counter() - started
    out: dict[str, Any] = {
        "specs": len(apis),
        "operations": sum(len(a.operations) for a in apis),
        "load_seconds": round(load_seconds, 2),
    }
    with tempfile.TemporaryDirectory() as folder:
        for run in ("fresh", "resumed"):
            gc.collect()
            started = time.perf_counter()
            result = build_dataset(apis, Path(folder), PipelineConfig(targets=targets, model="none"))
            total = time.perf_counter() - started
            staged = sum(s["seconds"] for s in result.stages)
            out[run] = {
                "seconds": round(total, 2),
                "stages": {
                    s["stage"]: {
                        "records": s["total"],
                        "computed": s["computed"],
                        "seconds": round(s["seconds"], 3),
                        "records_per_second": round(s["total"] / s["seconds"]) if s["seconds"] else None,
                    }
                    for s in result.stages
                },
                "api_db_output_records_per_second": round(
                    result.counts["api_db_records"] / result.stages[0]["seconds"]
                ),
                "splits_prompts_export_seconds": round(total - staged, 2),
                "instances_per_second_end_to_end": round(result.counts["instances"] / total),
            }
            out["counts"] = result.counts
    return out


def model_calls(specs: list[Path], endpoints: int) -> dict[str, Any]:
    from apiforge.llm.local import LocalBackend, local_unavailable_reason

    reason = local_unavailable_reason()
    if reason:
        return {"skipped": reason}
    backend = LocalBackend(n_ctx=2048)
    api = load_spec(specs[0]).api
    picked: list[dict[str, Any]] = []
    for spec in specs:
        api = load_spec(spec).api
        records = api_db_records(api, ("shell_curl",))
        picked.extend(records[:1])
        if len(picked) >= endpoints:
            break
    backend.complete_json([{"role": "user", "content": "Say yes"}], {"enum": ["yes"]}, max_tokens=4)  # load
    backend.prompt_logprobs("a", "b")
    out: dict[str, Any] = {"backend": backend.name, "endpoints": len(picked)}
    for kind in ("instructions", "judge", "select"):
        before = (backend.usage.calls, backend.usage.prompt_tokens, backend.usage.completion_tokens)
        started = time.perf_counter()
        for record in picked:
            if kind == "instructions":
                write_candidates(record, backend, k=2, seed=0, max_tokens=60)
            elif kind == "judge":
                model_verdict(f"How do I {metadata_text(record)[:80]} with the {record['api_name']}?", record, backend)
            else:
                backend.prompt_logprobs(
                    f"Instruction: do it with {record['api_name']}\nEndpoint:\n", metadata_text(record)
                )
        seconds = time.perf_counter() - started
        calls = backend.usage.calls - before[0]
        out[kind] = {
            "calls": calls,
            "seconds": round(seconds, 2),
            "calls_per_second": round(calls / seconds, 2),
            "prompt_tokens": backend.usage.prompt_tokens - before[1],
            "completion_tokens": backend.usage.completion_tokens - before[2],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--specs", type=Path, default=DIRECTORY)
    parser.add_argument("--langs", default=",".join(DEFAULT_TARGETS))
    parser.add_argument("--skip-model", action="store_true")
    parser.add_argument("--model-endpoints", type=int, default=8)
    args = parser.parse_args()
    specs = sorted(args.specs.glob("*.json"))
    results: dict[str, Any] = {"non_model": non_model(specs, tuple(args.langs.split(",")))}
    if not args.skip_model:
        results["model"] = model_calls(specs, args.model_endpoints)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
