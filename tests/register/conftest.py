"""Register import tests: a real SQLite store in each test's fresh data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldsurvey.paths import data_paths
from fieldsurvey.store import Database, open_store


@pytest.fixture
def db(fresh_data_dir: Path) -> Iterator[Database]:
    database = open_store(data_paths())
    yield database
    database.close()
