"""Screenshots of the township dashboard and the Export screen at 1366x768.

``scripts/screenshots.py`` calls :func:`shoot_dashboard` with a demo township and a
signing key; it writes ``dashboard_{lang}.png``, ``export_{lang}.png`` (the form) and
``export_done_{lang}.png`` (the result).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QMainWindow
from shots_common import center, fill_screen, shoot, shoot_over

from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.dashboard import DashboardPage
from fieldsurvey.ui.export_dialog import ExportDialog


def _wait_for(dialog: ExportDialog) -> None:
    loop = QEventLoop()
    dialog.export_ended.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)  # never hang a script on a failed export
    if dialog.is_running():
        loop.exec()


def shoot_dashboard(ctx: AppContext, out_dir: Path, *, passphrase: str) -> list[Path]:
    """The dashboard, the Export form and the Export result in ``ctx.lang``.

    ``ctx`` needs a signing key unlocked by ``passphrase`` for the result page; that
    export is real (it takes a sequence number and writes a bundle to a temporary folder).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    lang = ctx.lang
    window = QMainWindow()
    window.setWindowTitle(ctx.tr("app.name"))
    window.setCentralWidget(DashboardPage(ctx))
    fill_screen(window)
    shots = [shoot(window, out_dir / f"dashboard_{lang}.png")]

    dialog = ExportDialog(ctx, window)
    dialog.show()
    center(dialog, window)
    dialog.passphrase_edit.setText(passphrase)  # shown as dots, like typing it
    shots.append(shoot_over(window, dialog, out_dir / f"export_{lang}.png"))
    with tempfile.TemporaryDirectory() as folder:
        dialog.set_folder(Path(folder))
        dialog.start_export()
        _wait_for(dialog)
        if dialog.page_name() != "done":
            raise RuntimeError(f"the export did not finish: {dialog.error_label.text()}")
        shots.append(shoot_over(window, dialog, out_dir / f"export_done_{lang}.png"))
    dialog.close()
    window.close()
    return shots
