"""Child process for the fit test: every window and dialog on a 1366×768 screen.

The scale factor is fixed when Qt starts, so each scale needs its own process;
the parent starts this one with ``QT_SCALE_FACTOR`` and an offscreen screen of
1366×768 (``offscreen:configfile=...``). It opens each window the app can show,
as the app shows it (through :mod:`fieldsurvey.ui.fit`), and prints one JSON line
per window: its frame, the available area, and the buttons that are cut off.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QWidget,
)
from sqlalchemy import select

from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.county.db import open_office
from fieldsurvey.county.office import (
    OfficeProfile,
    default_office_file,
    save_office_profile,
    set_office_target,
)
from fieldsurvey.county.trust import TrustFile
from fieldsurvey.forms.loader import load_form
from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.models import Visit
from fieldsurvey.store.profile import OfficerProfile, save_profile
from fieldsurvey.ui import fit
from fieldsurvey.ui.batch_print_dialog import BatchPrintDialog
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.export_dialog import ExportDialog
from fieldsurvey.ui.import_wizard import ImportWizard
from fieldsurvey.ui.main_window import MainWindow
from fieldsurvey.ui.mode_dialog import ModeDialog
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.rollup_dialog import RollupDialog
from fieldsurvey.ui.office.setup import OfficeSetupDialog
from fieldsurvey.ui.office.trust_page import (
    CardCheckDialog,
    PassphraseDialog,
    TrustFileDialog,
)
from fieldsurvey.ui.office.window import PAGES, OfficeWindow
from fieldsurvey.ui.org_dialog import OrganizationDialog
from fieldsurvey.ui.print_preview import print_visit
from fieldsurvey.ui.qt_language import use_language
from fieldsurvey.ui.setup_dialog import SetupDialog
from fieldsurvey.ui.visit.delete_dialog import DeleteDialog
from fieldsurvey.ui.visit.finalize_dialog import FinalizeDialog
from fieldsurvey.ui.visit.history_dialog import HistoryDialog

TODAY = dt.date(2026, 11, 21)
TOWNSHIP = "421202001"
PASSPHRASE = "fit-2026"  # noqa: S105  # a throw-away key in a temporary folder
PROFILE = OfficerProfile(name="王芳", phone="13800138000", township_code=TOWNSHIP,
                         township_name="温泉街道", county_code="421202", county_name="咸安区")


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def clipped_buttons(window: QWidget) -> list[str]:
    """Shown buttons outside the window, or narrower than their text, and not in a
    scroll area (a scrolled-away button in the content is fine; the dialog's are not)."""
    bad = []
    inside = window.rect()
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or button.window() is not window:
            continue
        parent = button.parentWidget()
        scrolled = False
        while parent is not None and parent is not window:
            if isinstance(parent, QScrollArea):
                scrolled = True
            parent = parent.parentWidget()
        if scrolled:
            continue
        where = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        # Icon-only tool buttons (Qt's file dialog) may be a pixel under their hint.
        narrow = bool(button.text()) and button.width() < button.minimumSizeHint().width() - 1
        if not inside.contains(where) or narrow:
            bad.append(f"{button.text() or type(button).__name__} at {where.getRect()}"
                       f"{' (narrow)' if narrow else ''}")
    return bad


def report(name: str, window: QWidget) -> None:
    settle()
    frame = window.frameGeometry()
    area = fit.available(window)
    print(json.dumps({"name": name, "frame": frame.getRect(), "available": area.getRect(),
                      "fits": area.contains(frame), "clipped": clipped_buttons(window)},
                     ensure_ascii=False), flush=True)


def officer_windows(ctx: AppContext) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    window = MainWindow(ctx)
    fit.show_main(window, ctx.paths.window_state, "app.name")
    window.cases.wait_loaded()
    yield "main/case_list", lambda: window
    busiest = max(window.cases.model.rows, key=lambda row: row.visits)
    window.open_organization(busiest.id)
    yield "main/organization", lambda: window
    with ctx.db.transaction() as session:
        visit_id = session.scalars(select(Visit.id).where(
            Visit.organization_id == busiest.id)).first()
    window.show_dashboard()
    yield "main/dashboard", lambda: window
    if visit_id:
        window.open_visit(visit_id)
        yield "main/visit", lambda: window
        editor = window.editor
        assert editor is not None
        yield "finalize", lambda: FinalizeDialog(ctx.lang, [], [], 0, window)
        yield "history", lambda: HistoryDialog(ctx, visit_id, None, window)
        yield "delete", lambda: DeleteDialog(ctx.lang, editor.organization, window)
        yield "print_preview", lambda: _opened(print_visit(ctx, visit_id, window))
    yield "org_dialog", lambda: OrganizationDialog(ctx, None, window)
    yield "export", lambda: ExportDialog(ctx, window)
    yield "export/done", lambda: _done_page(ExportDialog(ctx, window))
    yield "batch_print", lambda: BatchPrintDialog(ctx, window)
    yield "import_wizard", lambda: ImportWizard(ctx, window)
    yield "setup", lambda: SetupDialog(ctx.db, ctx.paths, ctx.lang, window)
    yield "mode", lambda: ModeDialog(ctx.lang)
    yield "message_box", lambda: QMessageBox(QMessageBox.Icon.Warning, "fieldsurvey",
                                             "\n".join(["很长的一行说明文字。" * 6] * 8),
                                             QMessageBox.StandardButton.Ok, window)
    yield "file_dialog", lambda: _file_dialog(window)
    window.close()


def _opened(dialog: QWidget | None) -> QWidget:
    assert dialog is not None
    return dialog


def _done_page(dialog: ExportDialog) -> QWidget:
    dialog.show_page("done")
    return dialog


def _file_dialog(parent: QWidget) -> QWidget:
    dialog = QFileDialog(parent)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    return dialog


def office_windows(ctx: OfficeContext) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    window = OfficeWindow(ctx)
    fit.show_main(window, ctx.paths.window_state, "ui.office.app_name")
    for name in PAGES:
        window.show_page(name)
        yield f"office/{name}", lambda: window
    identity = create_identity(ctx.paths.keys / "other", PASSPHRASE, role="officer",
                               name="王芳", unit_code=TOWNSHIP, unit_name="温泉街道",
                               scrypt_n=MIN_SCRYPT_N).public
    yield "office/card_check", lambda: CardCheckDialog(ctx, identity, "card.fsid.json", window)
    yield "office/passphrase", lambda: PassphraseDialog(ctx, identity, window)
    trust = TrustFile("李敏", "咸安区总工会", identity.fingerprint, "2026-11-21T10:00:00",
                      [(identity, None, None)])
    yield "office/trust_file", lambda: TrustFileDialog(ctx, trust, "trust.json", window)
    yield "office/rollup", lambda: RollupDialog(ctx, window)
    yield "office/setup", lambda: OfficeSetupDialog(ctx.paths, ctx.lang, parent=window)
    if hasattr(window, "shutdown"):
        window.shutdown()
    window.close()


def run_all(lang: str, root: Path) -> None:
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    paths = DataPaths(root / "officer").ensure()
    db = open_store(paths)
    populate_demo(db, form, TOWNSHIP, 40, seed=2026, today=TODAY)
    with db.transaction() as session:
        save_profile(session, PROFILE)
    create_identity(paths.keys, PASSPHRASE, role="officer", name=PROFILE.name,
                    unit_code=TOWNSHIP, unit_name=PROFILE.township_name,
                    scrypt_n=MIN_SCRYPT_N)
    use_language(QApplication.instance(), lang)  # type: ignore[arg-type]
    ctx = AppContext(lang=lang, paths=paths, db=db, form=form, profile=PROFILE)
    show_each(officer_windows(ctx), lang)
    db.close()

    office_paths = DataPaths(root / "office").ensure()
    target = default_office_file(office_paths)
    office_db = open_office(target, backups=office_paths.backups)
    with office_db.transaction() as session:
        save_office_profile(session, OfficeProfile("county", "421202", "咸安区总工会"))
    set_office_target(office_paths, str(target))
    office = OfficeContext(lang=lang, paths=office_paths, db=office_db, form=form,
                           profile=OfficeProfile("county", "421202", "咸安区总工会"),
                           staff_name="李敏")
    show_each(office_windows(office), lang)
    office_db.close()


def show_each(cases: Iterator[tuple[str, Callable[[], QWidget]]], lang: str) -> None:
    for name, make in cases:
        try:
            widget = make()
            if not widget.isVisible():
                widget.show()
            report(f"{lang}:{name}", widget)
            if not isinstance(widget, QMainWindow):
                widget.close()
                widget.deleteLater()
        except Exception as exc:  # noqa: BLE001  # reported, the parent test fails on it
            print(json.dumps({"name": f"{lang}:{name}", "error": repr(exc)},
                             ensure_ascii=False), flush=True)


def main() -> int:
    app = QApplication(sys.argv[:1])
    fit.install(app)
    with tempfile.TemporaryDirectory() as folder:
        for lang in ("zh", "en"):
            run_all(lang, Path(folder) / lang)
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
