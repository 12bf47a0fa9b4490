"""Every test gets its own data folder; GUI tests run offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Must be set before anything creates a QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A new, empty data folder for each test (never the user's real one)."""
    data = tmp_path / "data"
    monkeypatch.setenv("FIELDSURVEY_DATA_DIR", str(data))
    yield data
