"""Every test gets its own data folder; GUI tests run offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsurvey import clock
from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.paths import data_paths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import Database, open_store

# Must be set before anything creates a QApplication.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
# Every test starts at this moment (local time), whatever the real date: the suite
# also runs under faketime years away. A test that needs another day pins its own.
SUITE_NOW = "2026-11-21T10:00:00"


@pytest.fixture(autouse=True, scope="session")
def pinned_clock_for_shared_fixtures() -> Iterator[None]:
    """Module- and session-scoped fixtures are made before each test's own pin."""
    clock.pin(SUITE_NOW)
    yield
    clock.unpin()


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The clock, in this process and in every child process a test starts."""
    monkeypatch.setenv(clock.ENV_CLOCK, SUITE_NOW)
    clock.pin(SUITE_NOW)
    yield
    clock.pin(SUITE_NOW)  # back to the suite's moment for the next shared fixture


@pytest.fixture(autouse=True)
def fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A new, empty data folder for each test (never the user's real one)."""
    data = tmp_path / "data"
    monkeypatch.setenv("FIELDSURVEY_DATA_DIR", str(data))
    yield data


@pytest.fixture(scope="session")
def shipped_form() -> FormDefinition:
    """The shipped survey form (loaded once; definitions are immutable)."""
    return load_form(forms_dir() / "so_union_visit.xlsx")


@pytest.fixture
def db(fresh_data_dir: Path) -> Iterator[Database]:
    """A real store, migrated, in the test's own data folder."""
    database = open_store(data_paths())
    yield database
    database.close()
