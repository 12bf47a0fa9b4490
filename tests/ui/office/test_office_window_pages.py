"""The office window with its real pages (the other window tests stub them)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from fieldsurvey.ui.office.conflicts_page import ConflictsPage
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.import_page import ImportPage
from fieldsurvey.ui.office.package_page import PackagePage
from fieldsurvey.ui.office.review_page import ReviewPage
from fieldsurvey.ui.office.stats_page import StatsPage
from fieldsurvey.ui.office.table_models import wait_for_jobs
from fieldsurvey.ui.office.trust_page import TrustPage
from fieldsurvey.ui.office.window import OfficeWindow

pytestmark = pytest.mark.gui


def test_the_window_holds_the_real_pages_and_routes_to_conflicts(
        qtbot: QtBot, office_ctx: OfficeContext) -> None:
    window = OfficeWindow(office_ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    kinds = {name: type(page) for name, page in window.pages.items()}
    assert kinds == {"import": ImportPage, "conflicts": ConflictsPage, "stats": StatsPage,
                     "trust": TrustPage, "review": ReviewPage, "package": PackagePage}
    window.pages["import"].show_conflicts.emit()  # type: ignore[attr-defined]
    assert window.page_name() == "conflicts"
    window.show_page("stats")
    assert window.page_name() == "stats"
    window.close()
    wait_for_jobs()
