"""Child process for the kill test: types into a visit and lets autosave store it.

It never calls ``save_now``: only the autosave timer may write. Once a second
connection sees the typed answers in the database it prints ``saved`` and keeps
the event loop running until the parent kills it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

# Before Qt is imported: the child has no display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from fieldsurvey import clock
from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.state import Ref
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.editor import VisitEditor

TYPED = {"respondent_name": "Li Ming", "supervisor": "Minzhengju"}
# Give up (and exit without "saved") rather than hang the test run forever.
DEADLINE_MS = 30_000


def main(data_dir: str, visit_id: str, autosave_ms: int) -> int:
    clock.pin("2026-11-20")
    app = QApplication(sys.argv)
    paths = DataPaths(Path(data_dir))
    db = open_store(paths)
    ctx = AppContext(lang="zh", paths=paths, db=db,
                     form=load_form(forms_dir() / "so_union_visit.xlsx"))
    editor = VisitEditor(ctx, visit_id, autosave_ms=autosave_ms)
    editor.resize(1366, 768)
    editor.show()
    editor.activateWindow()

    def type_answers() -> None:
        for name, value in TYPED.items():
            editor.go_to(Ref(name))
            QTest.keyClicks(QApplication.focusWidget(), value)
        print("typed", flush=True)
        poll.start()

    def visible_in_database() -> None:
        # A second, independent connection: what a restarted program would read.
        with sqlite3.connect(paths.database) as conn:
            row = conn.execute("SELECT answers_json FROM visit WHERE id = ?",
                               (visit_id,)).fetchone()
        conn.close()
        answers = json.loads(row[0])
        if all(answers.get(k) == v for k, v in TYPED.items()):
            poll.stop()
            print("saved", flush=True)

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(visible_in_database)
    QTimer.singleShot(100, type_answers)
    QTimer.singleShot(DEADLINE_MS, lambda: app.exit(3))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
