"""Screenshots of the township dashboard and the Export screen at 1366x768.

Builds a throw-away data folder with a demo register (``cases.demo``) and a signing
key, then writes ``dashboard_{lang}.png``, ``export_{lang}.png`` (the form) and
``export_done_{lang}.png`` (the result) for Chinese and English. Run it under a
virtual display with a CJK font installed::

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/shots_dashboard.py [OUT]

``OUT`` defaults to ``docs/screenshots``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QPoint, QTimer  # a UI script
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.forms.loader import load_form
from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.profile import OfficerProfile
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.dashboard import DashboardPage
from fieldsurvey.ui.export_dialog import ExportDialog

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1366, 768)
DEMO_PASSPHRASE = "wenquan-2026"  # noqa: S105  # a throw-away key in a temporary folder
TODAY = dt.date(2026, 11, 21)
PROFILE = OfficerProfile(name="王芳", phone="13800138000", township_code="421202001",
                         township_name="温泉街道", county_code="421202",
                         county_name="咸安区")


def _settle() -> None:
    """Let layouts, fonts and paint events run before grabbing the screen."""
    for _ in range(3):
        QApplication.processEvents()


def _grab(window: QWidget, path: Path, dialog: QWidget | None = None) -> Path:
    """``window`` rendered at 1366x768, with ``dialog`` over it where it sits.

    Rendered, not grabbed from the screen: a virtual display without a window
    manager shows a window only some time after ``show()``.
    """
    _settle()
    image = window.grab()
    if dialog is not None:
        painter = QPainter(image)
        painter.fillRect(image.rect(), QColor(0, 0, 0, 60))  # the window behind is inactive
        top_left = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
        painter.drawPixmap(top_left, dialog.grab())
        painter.setPen(QColor("#6b7280"))
        painter.drawRect(top_left.x() - 1, top_left.y() - 1, dialog.width() + 1,
                         dialog.height() + 1)
        painter.end()
    image.save(str(path))
    print("wrote", path)
    return path


def _wait_for(dialog: ExportDialog) -> None:
    loop = QEventLoop()
    dialog.export_ended.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)  # never hang a script on a failed export
    if dialog.is_running():
        loop.exec()


def shoot_dashboard(ctx: AppContext, out_dir: Path, *,
                    passphrase: str = DEMO_PASSPHRASE) -> list[Path]:
    """The dashboard, the Export form and the Export result in ``ctx.lang``.

    ``ctx`` needs a signing key unlocked by ``passphrase`` for the result page; that
    export is real (it takes a sequence number and writes a bundle to a temporary folder).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    lang = ctx.lang
    window = QMainWindow()
    window.setWindowTitle(ctx.tr("app.name"))
    window.setCentralWidget(DashboardPage(ctx))
    window.move(0, 0)
    window.resize(*SIZE)
    window.show()
    shots = [_grab(window, out_dir / f"dashboard_{lang}.png")]

    dialog = ExportDialog(ctx, window)
    dialog.show()
    dialog.move((SIZE[0] - dialog.width()) // 2, (SIZE[1] - dialog.height()) // 3)
    dialog.passphrase_edit.setText(passphrase)  # shown as dots, like typing it
    shots.append(_grab(window, out_dir / f"export_{lang}.png", dialog))
    with tempfile.TemporaryDirectory() as folder:
        dialog.set_folder(Path(folder))
        dialog.start_export()
        _wait_for(dialog)
        if dialog.page_name() != "done":
            raise RuntimeError(f"the export did not finish: {dialog.error_label.text()}")
        shots.append(_grab(window, out_dir / f"export_done_{lang}.png", dialog))
    dialog.close()
    window.close()
    return shots


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else OUT
    app = QApplication(argv[:1])
    with tempfile.TemporaryDirectory() as data:
        paths = DataPaths(Path(data)).ensure()
        db = open_store(paths)
        try:
            form = load_form(forms_dir() / "so_union_visit.xlsx")
            populate_demo(db, form, PROFILE.township_code, 400, seed=2026, today=TODAY)
            create_identity(paths.keys, DEMO_PASSPHRASE, role="officer", name=PROFILE.name,
                            unit_code=PROFILE.township_code,
                            unit_name=f"{PROFILE.county_name}{PROFILE.township_name}",
                            scrypt_n=MIN_SCRYPT_N)
            ctx = AppContext(lang="zh", paths=paths, db=db, form=form, profile=PROFILE,
                             today=lambda: TODAY)
            for lang in ("zh", "en"):
                shoot_dashboard(dataclasses.replace(ctx, lang=lang), out_dir)
        finally:
            db.close()
    app.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
