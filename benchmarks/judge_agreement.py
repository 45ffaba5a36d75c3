"""How often does the instruction judge agree with API Pack's human annotator? (604 labelled candidates)

For each judge: accuracy, and precision / recall / F1 of the "bad" verdict (what a filter is for). Judges:

- `rules`: the documented heuristic judge (`apiforge.dataset.judge.rule_verdict`), no model;
- `model`: the model's verdict alone, rubric question (`--shots` adds the five few-shot examples);
- `combined`: rules, then the model on what the rules pass (what the pipeline does with a model).

The majority baseline ("everything is good") is printed too: a judge is only useful above it. Usage:

    python benchmarks/judge_agreement.py                                 # rules only (fast)
    python benchmarks/judge_agreement.py --model local                   # + the embedded SmolLM2-135M
    python benchmarks/judge_agreement.py --model local --shots --limit 150
    python benchmarks/judge_agreement.py --model qwen2.5 --base-url http://127.0.0.1:11434/v1
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from apiforge.dataset.judge import model_verdict, rule_verdict
from apiforge.llm import get_backend

LABELS = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "apipack" / "validation"
LABELS = LABELS / "instruction_human_labels.jsonl"


def scores(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    """`pairs` of (judged good, human good) → accuracy and precision/recall/F1 for "bad"."""
    tp = sum(1 for j, h in pairs if not j and not h)
    fp = sum(1 for j, h in pairs if not j and h)
    fn = sum(1 for j, h in pairs if j and not h)
    correct = sum(1 for j, h in pairs if j == h)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(pairs),
        "accuracy": round(correct / len(pairs), 4) if pairs else 0.0,
        "bad_precision": round(precision, 4),
        "bad_recall": round(recall, 4),
        "bad_f1": round(f1, 4),
        "judged_bad": tp + fp,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="none", help="none, local, or a model name on --base-url")
    parser.add_argument("--base-url", default=None)
    parser.add_argument("--shots", action="store_true", help="few-shot judge prompt")
    parser.add_argument("--limit", type=int, default=0, help="every n-th row so that about LIMIT rows are used")
    parser.add_argument("--labels", type=Path, default=LABELS)
    args = parser.parse_args()
    rows: list[dict[str, Any]] = [json.loads(line) for line in args.labels.read_text().splitlines() if line.strip()]
    if args.limit and args.limit < len(rows):
        stride = len(rows) / args.limit
        rows = [rows[int(i * stride)] for i in range(args.limit)]
    human = [r["human_label"] == "G" for r in rows]
    results: dict[str, Any] = {"labels": str(args.labels), "rows": len(rows), "human_bad": human.count(False)}
    results["majority_good"] = scores([(True, h) for h in human])
    started = time.perf_counter()
    rules = [rule_verdict(r["candidate"], r)[0] for r in rows]
    results["rules"] = scores(list(zip(rules, human, strict=True))) | {
        "seconds": round(time.perf_counter() - started, 3)
    }
    backend = get_backend(args.model, base_url=args.base_url)
    if backend is not None:
        started = time.perf_counter()
        verdicts = [model_verdict(r["candidate"], r, backend, shots=args.shots)[0] for r in rows]
        seconds = time.perf_counter() - started
        name = f"model{'+shots' if args.shots else ''} ({backend.name})"
        results[name] = scores(list(zip(verdicts, human, strict=True))) | {
            "seconds": round(seconds, 1),
            "calls_per_second": round(len(rows) / seconds, 2),
            "said_good": sum(verdicts),
        }
        combined = [r and v for r, v in zip(rules, verdicts, strict=True)]
        results[f"combined rules+{name}"] = scores(list(zip(combined, human, strict=True)))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
