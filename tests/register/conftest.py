"""Register import tests: a real SQLite store in each test's fresh data folder."""

from __future__ import annotations



