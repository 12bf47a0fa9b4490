"""Entering one visit: the form's sections, live checks, autosave, finalize.

The screen holds one :class:`~fieldsurvey.forms.state.FormState`. Every edit
goes into it at once (each keystroke), then :meth:`VisitEditor.refresh`
re-derives relevance, required marks, choice filters and inline messages from
one :func:`~fieldsurvey.forms.validation.check` of the whole form
(:mod:`.editor_checks`); widgets are built once and only shown, hidden or
relabelled, so an edit costs about a millisecond in the engine.

Nothing typed is lost: a timer saves the draft every few seconds when anything
changed, and leaving (:meth:`save_now`), hiding and closing save as well.

Keys (:mod:`.editor_focus`): Tab/Enter move between questions across sections;
digits pick choices; PgDn/PgUp switch sections; Ctrl+S saves; Ctrl+Enter
finalizes (:mod:`.editor_actions`); Esc leaves a visit that cannot be edited.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from fieldsurvey import clock
from fieldsurvey.forms.answers import AnswerError
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.messages import Message
from fieldsurvey.store.models import Organization, Visit
from fieldsurvey.store.prefill import pending_prefill, set_pending_prefill
from fieldsurvey.store.visits import VisitError, answers_of, ref_key, save_draft
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit import editor_checks
from fieldsurvey.ui.visit.county_comments import county_banner, show_county_comments
from fieldsurvey.ui.visit.delete_dialog import DeleteDialog
from fieldsurvey.ui.visit.editor_actions import (
    SAVE_ERRORS,
    VisitActions,
    error_text,
    moved_to_newest,
)
from fieldsurvey.ui.visit.editor_focus import FocusRouter
from fieldsurvey.ui.visit.editor_layout import banner, button, plain_label, sections, shortcut
from fieldsurvey.ui.visit.finalize_dialog import FinalizeDialog
from fieldsurvey.ui.visit.history_dialog import HistoryDialog
from fieldsurvey.ui.visit.navigator import SectionNavigator
from fieldsurvey.ui.visit.repeat_table import RepeatTable
from fieldsurvey.ui.visit.section import NoteRow, QuestionRow, SectionPage

AUTOSAVE_MS = 3000


class VisitEditor(QWidget):
    """The screen for one visit. The main window shows it and calls :meth:`save_now`."""

    closed = Signal(str)
    """返回: the officer is done with this visit (saved first); carries the visit id."""
    saved = Signal(str)
    """The draft was written to the database."""
    finalized = Signal(str)
    """The visit was finalized (a new frozen revision exists)."""
    reopened = Signal(str)
    """A finalized visit was reopened as the draft of its next revision."""
    deleted = Signal(str)
    """The visit was deleted (a tombstone with the reason remains)."""

    def __init__(self, ctx: AppContext, visit_id: str, parent: QWidget | None = None, *,
                 autosave_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(parent)
        self.ctx, self.visit_id, self.form = ctx, visit_id, ctx.form
        self.entry_errors: dict[str, Message] = {}
        # Questions whose messages show even while blank-and-required: the officer
        # has been there (left it, picked something) or tried to finalize.
        self.touched: set[str] = set()
        self.show_all = False
        self.pending: set[str] = set()
        self.generation = self.saved_generation = 0
        self._focused_once = False
        self.finalize_dialog: FinalizeDialog | None = None
        self.delete_dialog: DeleteDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self.focus = FocusRouter(self)
        self.lifecycle = VisitActions(self)
        self.version_changes: set[str] = set()  # since the version the visit was on
        answers = self._load()
        self._build()
        show_county_comments(ctx.db, self, self.county_banner, ctx.lang)
        self.bind_state(answers)
        self.lifecycle.mark_version_changes()
        self.apply_mode()
        self.refresh()
        self.timer = QTimer(self, interval=autosave_ms)
        self.timer.timeout.connect(self.save_now)  # saves only when something changed
        self.timer.start()

    # -- loading -----------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        with self.ctx.db.transaction() as session:
            visit = session.get(Visit, self.visit_id)
            if visit is None:
                raise VisitError(Message("visit.not_found", {"id": self.visit_id}))
            organization = session.get(Organization, visit.organization_id)
            self.organization = organization.name if organization is not None else ""
            self.status, self.revision, self.officer = visit.status, visit.revision, visit.officer
            self.version_changes = moved_to_newest(session, visit, self.form)
            self.is_deleted, self.deleted_reason = (visit.deleted_at is not None,
                                                    visit.deleted_reason or "")
            self.foreign_form = visit.form_id != self.form.form_id
            self.previous_reasons = {o["field"]: o["reason"]
                                     for o in json.loads(visit.overrides_json or "[]")}
            if visit.status == "draft":
                self.pending = pending_prefill(session, self.visit_id)
            return answers_of(visit)

    @property
    def read_only(self) -> bool:
        return self.status != "draft" or self.is_deleted or self.foreign_form

    # -- building ------------------------------------------------------------------------
    def _build(self) -> None:
        tr = self.ctx.tr
        root = QVBoxLayout(self)
        root.setContentsMargins(8, 6, 8, 4)
        root.setSpacing(4)
        header = QHBoxLayout()
        self.title = plain_label(self, "font-size: 14pt; font-weight: bold;",
                                 self.organization or self.form.title_in(self.ctx.lang))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = plain_label(self, "color: #5f6368;")
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(self.status_label)
        header.addStretch(1)
        root.addLayout(header)

        bar = QHBoxLayout()
        life = self.lifecycle
        self.save_button = button(self, tr("ui.visit.save"), self._save_clicked, bar)
        self.finalize_button = button(self, tr("ui.visit.finalize"), life.request_finalize, bar)
        self.reopen_button = button(self, tr("ui.visit.reopen"), life.reopen, bar)
        self.history_button = button(self, tr("ui.visit.history"), life.show_history, bar)
        self.delete_button = button(self, tr("ui.visit.delete"), life.request_delete, bar)
        bar.addStretch(1)
        self.back_button = button(self, tr("ui.visit.back"), self.go_back, bar)
        self.save_button.setToolTip("Ctrl+S")
        self.finalize_button.setToolTip("Ctrl+Enter")
        root.addLayout(bar)

        self.banner = banner(self)
        root.addWidget(self.banner)
        self.county_banner = county_banner(self)
        root.addWidget(self.county_banner)

        body = QHBoxLayout()
        self.pages: list[SectionPage] = []
        self.rows: dict[str, QuestionRow] = {}
        self.notes: dict[str, NoteRow] = {}
        self.blocks: dict[str, QWidget] = {}
        self.tables: dict[str, RepeatTable] = {}
        self.page_of: dict[str, int] = {}
        self.stack = QStackedWidget(self)
        for group in sections(self.form):
            page = SectionPage(self.form, group, self.ctx.lang, clock.today, self.stack)
            index = len(self.pages)
            self.pages.append(page)
            self.stack.addWidget(page)
            self.rows.update(page.rows)
            self.notes.update(page.notes)
            self.blocks.update(page.blocks)
            self.tables.update(page.tables)
            names = [*page.rows, *page.notes, *page.blocks, *page.tables, group.name]
            names += [q.name for t in page.tables.values() for q in t.model.columns]
            self.page_of.update(dict.fromkeys(names, index))
        self.navigator = SectionNavigator([p.title for p in self.pages], self.ctx.lang, self)
        self.navigator.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigator.enter_pressed.connect(
            lambda: self.focus.advance_into(self.stack.currentIndex()))
        self.navigator.setCurrentRow(0)
        body.addWidget(self.navigator)
        body.addWidget(self.stack, 1)
        root.addLayout(body, 1)

        footer = QHBoxLayout()
        self.save_status = plain_label(self)
        self.summary = QLabel(self)
        keys = plain_label(self, "color: #80868b;", tr("ui.visit.keys_hint"))
        footer.addWidget(self.save_status)
        footer.addSpacing(16)
        footer.addWidget(self.summary)
        footer.addStretch(1)
        footer.addWidget(keys)
        root.addLayout(footer)

        for name, row in self.rows.items():
            row.widget.changed.connect(partial(self._widget_changed, name))
            row.widget.finished.connect(partial(self._widget_finished, name))
            row.confirm_requested.connect(partial(self.confirm, name))
            row.installEventFilter(self)
        for table in self.tables.values():
            table.rows_changed.connect(self._rows_changed)
            table.leave.connect(self.focus.advance)
        shortcut(self, "Ctrl+S", self._save_clicked)
        for keys_text in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut(self, keys_text, self.lifecycle.request_finalize)
        shortcut(self, "PgDown", lambda: self.focus.switch_section(+1))
        shortcut(self, "PgUp", lambda: self.focus.switch_section(-1))
        # Esc leaves a visit that cannot be edited; in a draft it stays with the
        # cell editors and lists that use it to cancel.
        self.back_key = shortcut(self, "Esc", self.go_back)

    def bind_state(self, answers: dict[str, Any]) -> None:
        self.state = FormState(self.form, answers)
        for name, row in self.rows.items():
            row.widget.set_value(self.state.raw(Ref(name)))
            if self.state.raw(Ref(name)) is not None:
                self.touched.add(name)
        for table in self.tables.values():
            table.bind(self.state, self._apply)

    # -- modes -------------------------------------------------------------------------
    def apply_mode(self) -> None:
        tr = self.ctx.tr
        editable = not self.read_only
        self.save_button.setEnabled(editable)
        self.finalize_button.setEnabled(editable)
        self.reopen_button.setVisible(self.status == "final" and not self.is_deleted
                                      and not self.foreign_form)
        self.delete_button.setEnabled(not self.is_deleted)
        state_text = tr("ui.visit.status_draft" if self.status == "draft"
                        else "ui.visit.status_final", revision=self.revision)
        self.status_label.setText(tr("ui.visit.status_line", state=state_text,
                                     officer=self.officer))
        if self.is_deleted:
            self.banner.setText(tr("ui.visit.banner_deleted", reason=self.deleted_reason))
        elif self.foreign_form:
            self.banner.setText(tr("ui.visit.banner_other_form"))
        elif self.status == "final":
            self.banner.setText(tr("ui.visit.banner_final"))
        self.banner.setVisible(self.read_only)
        self.back_key.setEnabled(self.read_only)

    # -- edits --------------------------------------------------------------------------
    def _widget_changed(self, name: str) -> None:
        row = self.rows[name]
        if row.widget.discrete:
            # A pick is finished at once; typed text waits until the officer leaves
            # the question before a fresh one shows its messages.
            self.touched.add(name)
        self._apply(Ref(name), row.widget.value(), row.widget.entry_problem())

    def _apply(self, ref: Ref, value: Any, problem: Message | None,
               finished: bool = True) -> None:
        """Put one answer into the state (or note why it cannot go there), then refresh.

        ``finished`` is False while a roster cell is still being typed in.
        """
        if self.read_only:
            return
        key = ref_key(ref)
        if problem is not None:
            self.entry_errors[key] = problem
        else:
            try:
                self.state.set(ref, value)
            except AnswerError as exc:
                self.entry_errors[key] = exc.message
            else:
                self.entry_errors.pop(key, None)
        if ref.indices and finished:  # a roster cell is done when its editor closes
            self.touched.add(key)
        self.pending.discard(key)
        self.generation += 1
        self.refresh()

    def _widget_finished(self, name: str) -> None:
        if name not in self.touched:
            self.touched.add(name)
            self.refresh()

    def confirm(self, key: str) -> None:
        """The officer accepts a carried-over value as it is."""
        if key in self.pending and not self.read_only:
            self.pending.discard(key)
            self.generation += 1
            self.refresh()

    def _rows_changed(self, repeat: str, change: int, row: int) -> None:
        if change < 0:
            columns = {q.name for q in self.tables[repeat].model.columns}
            self.pending = set(editor_checks.shift_keys(self.pending, columns, row).values())
            self.touched = set(editor_checks.shift_keys(self.touched, columns, row).values())
            self.entry_errors = {new: self.entry_errors[old] for old, new in
                                 editor_checks.shift_keys(self.entry_errors, columns, row).items()}
        self.generation += 1
        self.refresh()

    # -- deriving what is shown ------------------------------------------------------------
    def refresh(self) -> None:
        """Re-derive relevance, required marks, choices and messages from the state."""
        editor_checks.refresh(self)

    # -- keyboard ------------------------------------------------------------------------
    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        # Enter in a question moves on (and accepts a carried-over value). Line
        # edits, combo boxes and buttons leave Enter to their parents, so the row
        # sees it; a multi-line note keeps it for its line breaks.
        if (event.type() == QEvent.Type.KeyPress and isinstance(watched, QuestionRow)
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            name = watched.question.name
            self.touched.add(name)
            if name in self.pending and not self.read_only:
                self.pending.discard(name)
                self.generation += 1
            self.refresh()
            self.focus.advance(+1)
            return True
        return super().eventFilter(watched, event)

    def focusNextPrevChild(self, next: bool) -> bool:
        routed = self.focus.next_prev(next)
        return super().focusNextPrevChild(next) if routed is None else routed

    def go_to(self, ref: Ref) -> None:
        """Show a question (from the finalize dialog's error list) and focus it."""
        self.focus.go_to(ref)

    def advance_into(self, page: int) -> bool:
        """Focus the first question of a section."""
        return self.focus.advance_into(page)

    def request_finalize(self) -> None:
        """Ctrl+Enter / 完成并提交: save, check, and open the finalize dialog."""
        self.lifecycle.request_finalize()

    # -- saving --------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.generation != self.saved_generation

    def mark_saved(self) -> None:
        """What is on screen is what the database holds (finalize wrote it)."""
        self.saved_generation = self.generation

    def save_now(self) -> bool:
        """Save the draft if anything changed; False (and a visible error) if it failed.

        The main window calls this before it switches screens or closes.
        """
        if self.read_only or not self.dirty:
            return True
        generation = self.generation
        try:
            with self.ctx.db.transaction() as session:
                save_draft(session, self.visit_id, self.form, self.state.answers)
                set_pending_prefill(session, self.visit_id, self.pending)
        except SAVE_ERRORS as exc:
            detail = error_text(self.ctx, exc)
            self.save_status.setStyleSheet("color: #c62828;")
            self.save_status.setText(self.ctx.tr("ui.visit.save_failed", detail=detail))
            return False
        self.saved_generation = generation
        self.save_status.setStyleSheet("color: #2e7d32;")
        self.save_status.setText(self.ctx.tr("ui.visit.saved_at",
                                             time=clock.local_now().strftime("%H:%M:%S")))
        self.saved.emit(self.visit_id)
        return True

    def _save_clicked(self) -> None:
        if not self.read_only and not self.dirty:
            # Nothing new, but say so: the officer asked.
            self.save_status.setText(self.ctx.tr(
                "ui.visit.saved_at", time=clock.local_now().strftime("%H:%M:%S")))
        self.save_now()

    def go_back(self) -> None:
        """返回: save, then tell the main window this visit is done."""
        if self.save_now():
            self.closed.emit(self.visit_id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            QTimer.singleShot(0, self, self.focus.focus_first)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()  # leaving the screen, minimising, or the window going away
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.save_now():
            event.ignore()  # the error is on screen; closing now would lose the draft
            return
        super().closeEvent(event)

