"""The self-check's Qt step loads the toolkit and says which one."""

from __future__ import annotations

from PySide6.QtCore import qVersion

from fieldsurvey.ui.probe import qt_probe


def test_the_probe_reports_the_qt_version_and_platform() -> None:
    assert qt_probe() == f"Qt {qVersion()} (offscreen)"
