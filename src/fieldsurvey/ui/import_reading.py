"""Reading a register file on a worker thread for the import dialog.

A huge or hostile workbook must not freeze (or take down) the window, so the file is
read, and its header found, on a :class:`JobThread`; they touch no database and no
widget. One read is current at a time: choosing another file or sheet, or stopping,
makes the running read's late answer be ignored (the reader cannot be interrupted
midway, so a stopped read is left to finish on its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from fieldsurvey.messages import Message
from fieldsurvey.progress import Progress, check_cancelled
from fieldsurvey.register import (
    HeaderGuess,
    RegisterError,
    RegisterSheet,
    find_header,
    read_register,
)
from fieldsurvey.ui.export_dialog import QtProgress
from fieldsurvey.ui.office.table_models import JobThread


@dataclass(frozen=True)
class ReadOutcome:
    """How a read ended: the sheet and its header, or why not (``problem``)."""

    sheet: RegisterSheet | None
    guess: HeaderGuess | None
    problem: Message | None
    asked_sheet: str | None = None  # the sheet the officer picked; None: the first one


def read_file(path: Path, sheet: str | None, progress: Progress) -> ReadOutcome:
    """Runs on the worker: read the sheet and find its header."""
    check_cancelled(progress)
    try:
        found = read_register(path, sheet)
    except RegisterError as exc:
        return ReadOutcome(None, None, exc.message, sheet)
    check_cancelled(progress)
    try:
        return ReadOutcome(found, find_header(found), None, sheet)
    except RegisterError as exc:
        return ReadOutcome(found, None, exc.message, sheet)


class RegisterReading(QObject):
    """Starts reads, reports progress, and answers once per read with :attr:`done`."""

    done = Signal(object)
    """A :class:`ReadOutcome`."""
    progressed = Signal(int, int, object)
    """done, total (-1 when unknown), stage: as :class:`QtProgress` reports."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current = 0
        self._progress: QtProgress | None = None

    @property
    def running(self) -> bool:
        return self._progress is not None

    def start(self, path: Path, sheet: str | None = None) -> None:
        self._current += 1  # a read still running for an earlier choice is ignored
        progress = QtProgress()
        progress.progressed.connect(self.progressed)
        worker = JobThread(partial(read_file, path, sheet, progress),
                           tag=(self._current, sheet))
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.stopped.connect(self._stopped)
        self._progress = progress
        worker.start_job()

    def stop(self) -> None:
        """Stop waiting for the running read; answers at once that it was stopped."""
        if self._progress is None:
            return
        self._progress.cancel()
        self._current += 1
        self._finish(ReadOutcome(None, None, Message("ui.import.reading_stopped")))

    def forget(self) -> None:
        """Ignore whatever read is running (a new file is being chosen)."""
        self._current += 1
        self._progress = None

    def _is_current(self, tag: object) -> bool:
        return isinstance(tag, tuple) and tag[0] == self._current

    def _finish(self, outcome: ReadOutcome) -> None:
        self._progress = None
        self.done.emit(outcome)

    def _succeeded(self, tag: object, outcome: object) -> None:
        if self._is_current(tag):
            assert isinstance(outcome, ReadOutcome)
            self._finish(outcome)

    def _failed(self, tag: object, detail: str) -> None:
        if self._is_current(tag):
            self._finish(ReadOutcome(None, None, Message("ui.import.read_failed",
                                                         {"detail": detail})))

    def _stopped(self, tag: object) -> None:
        if self._is_current(tag):
            self._finish(ReadOutcome(None, None, Message("ui.import.reading_stopped")))
