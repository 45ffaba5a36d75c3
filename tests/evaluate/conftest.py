from __future__ import annotations

import json
from pathlib import Path

import pytest

from apiforge.spec import Api, load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "apiforge" / "examples"
DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def bookshop() -> Api:
    return load_spec(str(EXAMPLES / "bookshop.openapi.yaml")).api


@pytest.fixture(scope="session")
def golden_snippets(shared_dir: Path) -> list[dict[str, str]]:
    """Every API Pack golden snippet: `{"spec", "path", "method", "lang", "code"}` (10 languages × 59 operations)."""
    rows = []
    for file in sorted((shared_dir / "fixtures" / "apipack" / "openapi-snippet").glob("*.json")):
        document = json.loads(file.read_text())
        spec = file.name.removesuffix("_api_calls.json")
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if not isinstance(operation, dict) or "api_calls" not in operation:
                    continue
                for call in operation["api_calls"]:
                    rows.append(
                        {"spec": spec, "path": path, "method": method, "lang": call["id"], "code": call["content"]}
                    )
    assert len(rows) == 590
    return rows
