"""The 下发 page: what each package holds is shown first; the office key signs them."""

from __future__ import annotations

import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "county"))
from office_helpers import COUNTY, Township, make_office

from fieldsurvey.bundles.trust import trust_list
from fieldsurvey.county import review
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.keys import PublicIdentity
from fieldsurvey.packages.read import read_package
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.package_page import PackagePage

PASSPHRASE = "county-key-2026"  # noqa: S105 - office_key's (tests/ui/office/conftest.py)
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_the_package_page_shows_then_writes(qtbot: QtBot, office_ctx: OfficeContext,
                                           office_key: PublicIdentity, tmp_path: Path,
                                           shipped_form: FormDefinition) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(6, 2)
    make_office(office_ctx.db, COUNTY, trusted=(town.signer,))
    merge_bundles(office_ctx.db, [town.export()], form=shipped_form, profile=COUNTY,
                  by="李敏")
    with office_ctx.db.transaction() as s:
        review.return_visit(s, review.review_list(s)[0].visit_id, "请补充", by="李敏")
    page = PackagePage(office_ctx)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    page.refresh()
    assert [(p.contents.township_code, p.sequence, p.counts["returned"])
            for p in page.plans] == [("421202001", 1, 1)]
    page.notice.setPlainText("请月底前改完")
    out = tmp_path / "out"
    page.folder.setText(str(out))
    page.passphrase.setText("wrong")
    page.write_all()
    assert not out.exists() or list(out.iterdir()) == []  # a typo uses no number up
    assert page.plans[0].sequence == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert page.grab().save(str(SCREENSHOTS / "package_page.png"))
    page.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(page.written) as written:
        page.write_all()
    [path] = written.args[0]
    package = read_package(path, trust_list([office_key]))
    assert package.contents.notice == "请月底前改完" and package.contents.open_returns == 1
    assert page.plans[0].sequence == 2


def test_the_package_page_sends_a_new_form_version(qtbot: QtBot, office_ctx: OfficeContext,
                                                  office_key: PublicIdentity, tmp_path: Path,
                                                  shipped_form: FormDefinition) -> None:
    from form_v3 import V3, next_shipped_form

    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(3, 2)
    make_office(office_ctx.db, COUNTY, trusted=(town.signer,))
    merge_bundles(office_ctx.db, [town.export()], form=shipped_form, profile=COUNTY,
                  by="李敏")
    page = PackagePage(office_ctx)
    qtbot.addWidget(page)
    page.refresh()
    out = tmp_path / "out"
    page.folder.setText(str(out))
    page.form_file.setText(str(tmp_path / "missing.xlsx"))
    page.passphrase.setText(PASSPHRASE)
    page.write_all()
    assert "missing.xlsx" in page.result.text()
    assert not out.exists() or list(out.iterdir()) == []
    page.form_file.setText(str(next_shipped_form(tmp_path / "forms")))
    page.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(page.written) as written:
        page.write_all()
    [path] = written.args[0]
    form = read_package(path, trust_list([office_key])).contents.form
    assert form is not None and form.version == V3
    assert page.plans[0].contents.form is not None  # later packages carry it too
