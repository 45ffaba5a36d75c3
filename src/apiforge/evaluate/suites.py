"""Evaluation suites: JSONL files in one of three formats, read into `EvalItem`s (formats: docs/evaluation.md).

- `apipack`: API Pack rows — `instruction` (or `instruction_test`), the gold call as `api_call` (or inside
  `output` / `api_call_data.api_call`), `lang`, `api_name`, optional `level`, `api` (catalog id), `path`, `method`;
- `functions`: BFCL-style — `question`, `functions` (tool schemas), `ground_truth` (a list of
  `{name: {argument: [acceptable values]}}`; `[]` means no call should be made);
- `ask`: NL → operation — `request`, `api`, `operation`, `arguments` (tests/data/ask/dev.jsonl).

The format is told per line from its keys, so one file may mix them; a line that fits none is an error naming
the file and line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from apiforge.errors import ApiforgeError
from apiforge.evaluate.apipack import extract_api_call

__all__ = ["EvalItem", "ItemKind", "SuiteError", "item_from_row", "load_suite"]

ItemKind = Literal["apipack", "functions", "ask"]


class SuiteError(ApiforgeError):
    """A suite file cannot be read: missing, not JSONL, or a line in no known format."""

    def __init__(self, message: str, *, path: str = "", line: int = 0) -> None:
        self.path, self.line = path, line
        where = f"{path}:{line}: " if line else (f"{path}: " if path else "")
        super().__init__(where + message)


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One question of a suite, with its gold answer."""

    id: str
    kind: ItemKind
    question: str
    gold: dict[str, Any]
    """apipack: `api_call`, `lang`; functions: `ground_truth`, `functions`; ask: `api`, `operation`, `arguments`."""
    api: str = ""
    """Catalog id of the API (or API Pack's `api_name` when no id is given); '' for function items."""
    level: str = ""
    lang: str = ""
    category: str = ""
    """Free grouping label: BFCL's `simple` / `multiple` / `parallel` / `irrelevance`, or empty."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """A hash of what a system sees of this item (not its gold answer, except function schemas).

        A cached output is reused while the fingerprint is unchanged, so fixing a gold answer only rescores.
        """
        seen = [self.id, self.kind, self.question, self.api, self.lang, self.gold.get("functions")]
        data = json.dumps(seen, sort_keys=True, default=str)
        return hashlib.sha256(data.encode()).hexdigest()[:16]


def _apipack(row: dict[str, Any], number: int) -> EvalItem:
    call_data = row.get("api_call_data") or {}
    gold_call = row.get("api_call") or call_data.get("api_call") or extract_api_call(str(row.get("output", "")))
    lang = str(row.get("lang") or call_data.get("lang") or "")
    question = str(row.get("instruction_test") or row.get("instruction") or "")
    gold = {
        "api_call": gold_call,
        "output": row.get("output") or "",
        "path": row.get("path") or call_data.get("path") or "",
        "method": str(row.get("method") or call_data.get("method") or "").upper(),
    }
    return EvalItem(
        id=str(row.get("id") or row.get("unique_id") or f"apipack-{number}"),
        kind="apipack",
        question=question,
        gold=gold,
        api=str(row.get("api") or row.get("api_name") or ""),
        level=str(row.get("level", "")),
        lang=lang,
        extra={k: row[k] for k in ("api_name", "api_description", "functionality") if k in row},
    )


def item_from_row(row: dict[str, Any], number: int = 0) -> EvalItem:
    """One suite line → an `EvalItem`; raises `ValueError` when it fits no format."""
    if "ground_truth" in row and "functions" in row:
        question = row.get("question", "")
        if isinstance(question, list):  # BFCL nests chat turns: [[{"role": "user", "content": ...}]]
            turns = [t for turn in question for t in (turn if isinstance(turn, list) else [turn])]
            question = " ".join(str(t.get("content", "")) for t in turns if isinstance(t, dict))
        truth = row["ground_truth"]
        if not isinstance(truth, list):
            raise ValueError("'ground_truth' must be a list of calls ([] for no call)")
        return EvalItem(
            id=str(row.get("id") or f"functions-{number}"),
            kind="functions",
            question=str(question),
            gold={"ground_truth": truth, "functions": row["functions"]},
            category=str(row.get("category", "")),
            level=str(row.get("level", "")),
        )
    if "request" in row and "operation" in row:
        return EvalItem(
            id=str(row.get("id") or f"ask-{number}"),
            kind="ask",
            question=str(row["request"]),
            gold={"api": row.get("api", ""), "operation": row["operation"], "arguments": row.get("arguments") or {}},
            api=str(row.get("api", "")),
            level=str(row.get("level", "")),
            lang=str(row.get("lang", "")),
        )
    if ("instruction" in row or "instruction_test" in row) and (
        "api_call" in row or "output" in row or "api_call_data" in row
    ):
        return _apipack(row, number)
    raise ValueError(f"no known suite format fits the keys {sorted(row)}")


def load_suite(path: str | Path, *, limit: int | None = None, ids: Sequence[str] = ()) -> list[EvalItem]:
    """Read a suite file (JSONL; a JSON list is accepted too); `limit` keeps the first N, `ids` only those ids."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise SuiteError(f"cannot read the suite ({exc.strerror or exc})", path=str(path)) from None
    rows: list[tuple[int, Any]] = []
    if text.lstrip().startswith("["):
        try:
            rows = list(enumerate(json.loads(text), 1))
        except ValueError as exc:
            raise SuiteError(f"not valid JSON ({exc})", path=str(path)) from None
    else:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except ValueError as exc:
                raise SuiteError(f"not a JSON line ({exc})", path=str(path), line=number) from None
    items: list[EvalItem] = []
    seen: set[str] = set()
    for number, row in rows:
        if not isinstance(row, dict):
            raise SuiteError("expected a JSON object", path=str(path), line=number)
        try:
            item = item_from_row(row, number)
        except (ValueError, TypeError, KeyError) as exc:
            raise SuiteError(str(exc), path=str(path), line=number) from None
        if item.id in seen:
            raise SuiteError(f"duplicate id {item.id!r}", path=str(path), line=number)
        seen.add(item.id)
        items.append(item)
    if ids:
        wanted = set(ids)
        items = [i for i in items if i.id in wanted]
    return items[:limit] if limit else items
