from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures.servers"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` (real specs and golden data); tests needing it skip with a reason when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own catalog and config dir, never the user's."""
    monkeypatch.setenv("APIFORGE_CATALOG", str(tmp_path / "catalog.db"))
    monkeypatch.setenv("APIFORGE_CONFIG_DIR", str(tmp_path / "config"))
    # pytest-xdist workers inherit a COLUMNS of 80; the CLI's fixed 120-column width off a terminal is what we test.
    monkeypatch.delenv("COLUMNS", raising=False)
