"""Entering one visit: the form's sections, live checks, autosave, finalize.

The screen holds one :class:`~fieldsurvey.forms.state.FormState`. Every edit
goes into it at once (each keystroke), then :meth:`VisitEditor.refresh`
re-derives relevance, required marks, choice filters and inline messages from
one :func:`~fieldsurvey.forms.validation.check` of the whole form; widgets are
built once and only shown, hidden or relabelled, so an edit costs about a
millisecond in the engine.

Nothing typed is lost: a timer saves the draft every few seconds when anything
changed, and leaving (:meth:`save_now`), hiding and closing save as well.

Keyboard: Tab/Shift+Tab and Enter move between questions across sections (not
between the radio buttons of one question); digits pick choices; PageDown and
PageUp switch sections; Ctrl+S saves; Ctrl+Enter finalizes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from fieldsurvey import clock
from fieldsurvey.forms.answers import AnswerError
from fieldsurvey.forms.model import Group
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.forms.validation import Issue, check
from fieldsurvey.messages import Message
from fieldsurvey.store.db import StoreError
from fieldsurvey.store.models import Organization, Visit
from fieldsurvey.store.prefill import pending_prefill, set_pending_prefill
from fieldsurvey.store.visits import (
    VisitError,
    answers_of,
    delete,
    finalize,
    ref_key,
    reopen,
    save_draft,
)
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.county_comments import county_banner, show_county_comments
from fieldsurvey.ui.visit.delete_dialog import DeleteDialog
from fieldsurvey.ui.visit.finalize_dialog import FinalizeDialog, ProblemItem
from fieldsurvey.ui.visit.history_dialog import HistoryDialog
from fieldsurvey.ui.visit.navigator import SectionNavigator
from fieldsurvey.ui.visit.repeat_table import RepeatTable
from fieldsurvey.ui.visit.section import NoteRow, QuestionRow, SectionPage

AUTOSAVE_MS = 3000
REQUIRED_CODE = "form.required"
_SAVE_ERRORS = (VisitError, StoreError, SQLAlchemyError, OSError)

Stop = QuestionRow | RepeatTable


def _key_name(key: str) -> str:
    return key.split("@", 1)[0]


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
        self._generation = self._saved_generation = 0
        self._focused_once = False
        self.finalize_dialog: FinalizeDialog | None = None
        self.delete_dialog: DeleteDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        answers = self._load()
        self._build()
        show_county_comments(ctx.db, self, self.county_banner, ctx.lang)
        self._bind_state(answers)
        self._apply_mode()
        self.refresh()
        self.timer = QTimer(self)
        self.timer.setInterval(autosave_ms)
        self.timer.timeout.connect(self._autosave)
        self.timer.start()

    # -- loading -----------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        with self.ctx.db.transaction() as session:
            visit = session.get(Visit, self.visit_id)
            if visit is None:
                raise VisitError(Message("visit.not_found", {"id": self.visit_id}))
            organization = session.get(Organization, visit.organization_id)
            self.organization = organization.name if organization is not None else ""
            self.status, self.revision = visit.status, visit.revision
            self.officer = visit.officer
            self.is_deleted = visit.deleted_at is not None
            self.deleted_reason = visit.deleted_reason or ""
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
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
        self.title.setText(self.organization or self.form.title_in(self.ctx.lang))
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setStyleSheet("color: #5f6368;")
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(self.status_label)
        header.addStretch(1)
        root.addLayout(header)

        bar = QHBoxLayout()
        self.save_button = self._button(tr("ui.visit.save"), self._save_clicked, bar)
        self.finalize_button = self._button(tr("ui.visit.finalize"), self.request_finalize, bar)
        self.reopen_button = self._button(tr("ui.visit.reopen"), self.reopen, bar)
        self.history_button = self._button(tr("ui.visit.history"), self.show_history, bar)
        self.delete_button = self._button(tr("ui.visit.delete"), self.request_delete, bar)
        bar.addStretch(1)
        self.back_button = self._button(tr("ui.visit.back"), self.go_back, bar)
        self.save_button.setToolTip("Ctrl+S")
        self.finalize_button.setToolTip("Ctrl+Enter")
        root.addLayout(bar)

        self.banner = QLabel(self)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #eef4fb; border: 1px solid #c9d7ea; "
                                  "padding: 4px 8px;")
        self.banner.hide()
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
        for group in self._sections():
            page = SectionPage(self.form, group, self.ctx.lang, self.ctx.today, self.stack)
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
        self.navigator.enter_pressed.connect(lambda: self.advance_into(self.stack.currentIndex()))
        self.navigator.setCurrentRow(0)
        body.addWidget(self.navigator)
        body.addWidget(self.stack, 1)
        root.addLayout(body, 1)

        footer = QHBoxLayout()
        self.save_status = QLabel(self)
        self.save_status.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel(self)
        keys = QLabel(tr("ui.visit.keys_hint"), self)
        keys.setStyleSheet("color: #80868b;")
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
            table.leave.connect(self.advance)
        self._shortcut("Ctrl+S", self._save_clicked)
        for keys_text in ("Ctrl+Return", "Ctrl+Enter"):
            self._shortcut(keys_text, self.request_finalize)
        self._shortcut("PgDown", lambda: self.switch_section(+1))
        self._shortcut("PgUp", lambda: self.switch_section(-1))

    def _sections(self) -> list[Group]:
        """Top-level groups; loose top-level questions are gathered into their own section."""
        sections: list[Group] = []
        loose: list[Any] = []

        def flush() -> None:
            if loose:
                sections.append(Group(name=f"_section{len(sections)}",
                                      labels=self.form.title, children=tuple(loose)))
                loose.clear()

        for node in self.form.root.children:
            if isinstance(node, Group) and not node.is_repeat:
                flush()
                sections.append(node)
            else:
                loose.append(node)
        flush()
        return sections

    def _button(self, text: str, slot: Any, layout: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(True)  # Enter presses a focused button, as Space does
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    def _shortcut(self, keys: str, slot: Any) -> None:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)

    def _bind_state(self, answers: dict[str, Any]) -> None:
        self.state = FormState(self.form, answers)
        for name, row in self.rows.items():
            row.widget.set_value(self.state.raw(Ref(name)))
            if self.state.raw(Ref(name)) is not None:
                self.touched.add(name)
        for table in self.tables.values():
            table.bind(self.state, self._apply)

    # -- modes -------------------------------------------------------------------------
    def _apply_mode(self) -> None:
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
        self._generation += 1
        self.refresh()

    def _widget_finished(self, name: str) -> None:
        if name not in self.touched:
            self.touched.add(name)
            self.refresh()

    def confirm(self, key: str) -> None:
        """The officer accepts a carried-over value as it is."""
        if key in self.pending and not self.read_only:
            self.pending.discard(key)
            self._generation += 1
            self.refresh()

    def _rows_changed(self, repeat: str, change: int, row: int) -> None:
        if change < 0:
            columns = {q.name for q in self.tables[repeat].model.columns}
            self.pending = set(_shift_keys(self.pending, columns, row).values())
            self.touched = set(_shift_keys(self.touched, columns, row).values())
            self.entry_errors = {new: self.entry_errors[old] for old, new in
                                 _shift_keys(self.entry_errors, columns, row).items()}
        self._generation += 1
        self.refresh()

    # -- deriving what is shown ------------------------------------------------------------
    def refresh(self) -> None:
        """Re-derive relevance, required marks, choices and messages from the state."""
        state, lang = self.state, self.ctx.lang
        issues = check(state)
        by_key: dict[str, list[Issue]] = {}
        for issue in issues:
            by_key.setdefault(ref_key(issue.ref), []).append(issue)
        focus_key = self._focus_key()
        errors = [0] * len(self.pages)
        missing = [0] * len(self.pages)

        def visible(key: str, issue_code: str | None) -> bool:
            if self.show_all or key in self.touched:
                return True
            return issue_code != REQUIRED_CODE and key != focus_key

        def messages_for(key: str, page: int) -> list[tuple[str, str]]:
            shown: list[tuple[str, str]] = []
            entry = self.entry_errors.get(key)
            if entry is not None:
                # What was typed is not a value yet; the stored (older) answer's
                # issues would only confuse.
                errors[page] += 1
                return [("error", self.ctx.word(entry))] if visible(key, None) else []
            for issue in by_key.get(key, []):
                if issue.message.code == REQUIRED_CODE:
                    missing[page] += 1
                elif issue.severity == "error":
                    errors[page] += 1
                if visible(key, issue.message.code):
                    shown.append((issue.severity, issue.text(lang, self.form.default_language)))
            return shown

        for name, row in self.rows.items():
            ref = Ref(name)
            relevant = state.relevant(ref)
            if row.isHidden() == relevant:
                row.setVisible(relevant)
            row.set_read_only(self.read_only or state.read_only(ref))
            row.set_prefilled(name in self.pending and not self.read_only)
            if not relevant:
                continue
            question = row.question
            if question.choice_filter is not None:
                row.widget.set_choices(state.choices(ref))
            if question.calculation is not None:
                row.widget.set_value(state.value(ref))
            row.set_required(state.required(ref))
            row.set_messages(messages_for(name, self.page_of[name]))
        for name, note in self.notes.items():
            relevant = state.relevant(Ref(name))
            if note.isHidden() == relevant:
                note.setVisible(relevant)
        for name, block in self.blocks.items():
            relevant = state.relevant(Ref(name))
            if block.isHidden() == relevant:
                block.setVisible(relevant)
        for name, table in self.tables.items():
            relevant = state.relevant(Ref(name))
            if table.isHidden() == relevant:
                table.setVisible(relevant)
            columns = {q.name for q in table.model.columns}
            cells = {key: messages_for(key, self.page_of[name])
                     for key in {*by_key, *self.entry_errors} if _key_name(key) in columns}
            table.refresh({k: v for k, v in cells.items() if v}, self.pending, self.read_only)
        self._refresh_sections(errors, missing)

    def _refresh_sections(self, errors: list[int], missing: list[int]) -> None:
        for index, page in enumerate(self.pages):
            relevant = self.state.relevant(Ref(page.group.name)) \
                if page.group.name in self.form.nodes else True
            self.navigator.setRowHidden(index, not relevant)
            self.navigator.set_badges(index, errors[index] if relevant else 0,
                                      missing[index] if relevant else 0)
        current = self.navigator.currentRow()
        if self.navigator.isRowHidden(current):
            shown = [i for i in range(len(self.pages)) if not self.navigator.isRowHidden(i)]
            later = [i for i in shown if i > current] or shown
            if later:
                self.navigator.setCurrentRow(later[0])
        total_errors, total_missing = sum(errors), sum(missing)
        self.summary.setText(self.ctx.tr("ui.visit.summary", errors=total_errors,
                                         missing=total_missing)
                             if not self.read_only else "")

    def _focus_key(self) -> str | None:
        """The question (or roster cell) being typed in, whose news can wait."""
        stop = self._current_stop()
        if isinstance(stop, QuestionRow):
            return stop.question.name
        if isinstance(stop, RepeatTable) and \
                stop.view.state() == stop.view.State.EditingState:
            index = stop.view.currentIndex()
            return ref_key(stop.model.ref(index.row(), index.column()))
        return None

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
                self._generation += 1
            self.refresh()
            self.advance(+1)
            return True
        return super().eventFilter(watched, event)

    def focusNextPrevChild(self, next: bool) -> bool:
        step = 1 if next else -1
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus) and not focus.isVisible():
            # Not a Tab: Qt moves the focus away from a widget being hidden (a page
            # switch, a question that stopped being relevant). The switch focuses its
            # own target; anything else is put right once the change is done.
            QTimer.singleShot(0, self, self._recover_focus)
            return True
        if self._current_stop() is not None:
            return self.advance(step)
        if QApplication.focusWidget() is self.navigator and next:
            return self.advance_into(self.navigator.currentRow())
        return super().focusNextPrevChild(next)

    def _recover_focus(self) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus) and not focus.isVisible():
            self.advance(+1)

    def _current_stop(self) -> Stop | None:
        widget = QApplication.focusWidget()
        while widget is not None and widget is not self:
            if isinstance(widget, (QuestionRow, RepeatTable)):
                return widget
            widget = widget.parentWidget()
        return None

    def _stops(self) -> list[tuple[int, Stop]]:
        """Where Tab and Enter stop, in form order, across the shown sections."""
        stops: list[tuple[int, Stop]] = []
        for index, page in enumerate(self.pages):
            if self.navigator.isRowHidden(index):
                continue
            for stop in page.stops:
                if isinstance(stop, QuestionRow):
                    ok = self.state.relevant(Ref(stop.question.name)) and stop.is_stop
                else:
                    ok = self.state.relevant(Ref(stop.group.name)) and not self.read_only
                if ok:
                    stops.append((index, stop))
        return stops

    def advance(self, step: int) -> bool:
        """Move the keyboard focus to the next (+1) or previous (-1) question."""
        stops = self._stops()
        current = self._current_stop()
        order = [stop for _, stop in stops]
        if current in order:
            target = order.index(current) + step
        else:  # focus was elsewhere (or its question just became hidden)
            page = self.stack.currentIndex()
            here = [i for i, (p, _) in enumerate(stops) if p >= page]
            target = here[0] if here else len(stops)
        if target >= len(stops):
            button = self.finalize_button if self.finalize_button.isEnabled() else self.back_button
            button.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if target < 0:
            self.navigator.setFocus(Qt.FocusReason.BacktabFocusReason)
            return True
        self._focus_stop(*stops[target], forward=step > 0)
        return True

    def advance_into(self, page: int) -> bool:
        """Focus the first question of a section."""
        for index, stop in self._stops():
            if index == page:
                self._focus_stop(index, stop, forward=True)
                return True
        return False

    def _focus_stop(self, page: int, stop: Stop, *, forward: bool) -> None:
        if self.navigator.currentRow() != page:
            self.navigator.setCurrentRow(page)
        stop.focus_in(forward)
        # The page may only now be laid out; scroll once its geometry is known.
        QTimer.singleShot(0, self, lambda: self.pages[page].ensure_visible(stop))

    def switch_section(self, step: int) -> None:
        """PageDown / PageUp: the next or previous shown section, at its first question."""
        shown = [i for i in range(len(self.pages)) if not self.navigator.isRowHidden(i)]
        current = self.navigator.currentRow()
        later = [i for i in shown if (i > current if step > 0 else i < current)]
        if not later:
            return
        target = later[0] if step > 0 else later[-1]
        self.navigator.setCurrentRow(target)
        if not self.advance_into(target):
            self.navigator.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_first(self) -> None:
        """Put the cursor on the first question (a draft) or the section list."""
        if self.read_only or not self.advance_into(self._first_shown_page()):
            self.navigator.setFocus(Qt.FocusReason.OtherFocusReason)

    def _first_shown_page(self) -> int:
        return next((i for i in range(len(self.pages)) if not self.navigator.isRowHidden(i)), 0)

    def go_to(self, ref: Ref) -> None:
        """Show a question (from the finalize dialog's error list) and focus it."""
        page = self.page_of.get(ref.name)
        if page is None:
            return
        # The dialog just closed; not every window manager hands the keyboard back.
        self.window().activateWindow()
        self.navigator.setCurrentRow(page)
        row = self.rows.get(ref.name)
        if row is not None:
            self._focus_stop(page, row, forward=True)
            return
        for table in self.tables.values():
            columns = [q.name for q in table.model.columns]
            if ref.name in columns and ref.indices:
                table.view.setFocus(Qt.FocusReason.OtherFocusReason)
                table.view.setCurrentIndex(table.model.index(ref.indices[0],
                                                             columns.index(ref.name)))
                QTimer.singleShot(0, self, lambda t=table: self.pages[page].ensure_visible(t))

    # -- saving --------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self._generation != self._saved_generation

    def save_now(self) -> bool:
        """Save the draft if anything changed; False (and a visible error) if it failed.

        The main window calls this before it switches screens or closes.
        """
        if self.read_only or not self.dirty:
            return True
        generation = self._generation
        try:
            with self.ctx.db.transaction() as session:
                save_draft(session, self.visit_id, self.form, self.state.answers)
                set_pending_prefill(session, self.visit_id, self.pending)
        except _SAVE_ERRORS as exc:
            message = exc.message if isinstance(exc, (VisitError, StoreError)) else None
            detail = self.ctx.word(message) if message else str(exc)
            self.save_status.setStyleSheet("color: #c62828;")
            self.save_status.setText(self.ctx.tr("ui.visit.save_failed", detail=detail))
            return False
        self._saved_generation = generation
        self.save_status.setStyleSheet("color: #2e7d32;")
        self.save_status.setText(self.ctx.tr("ui.visit.saved_at",
                                             time=clock.local_now().strftime("%H:%M:%S")))
        self.saved.emit(self.visit_id)
        return True

    def _autosave(self) -> None:
        if self.dirty:
            self.save_now()

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
            QTimer.singleShot(0, self, self.focus_first)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()  # leaving the screen, minimising, or the window going away
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.save_now():
            event.ignore()  # the error is on screen; closing now would lose the draft
            return
        super().closeEvent(event)

    # -- finalize ------------------------------------------------------------------------
    def problems(self) -> tuple[list[ProblemItem], list[ProblemItem]]:
        """Errors and warnings as the finalize dialog lists them, in form order."""
        lang = self.ctx.lang
        found_errors: list[ProblemItem] = []
        found_warnings: list[ProblemItem] = []
        issues = check(self.state)
        refs_in_order = [ref_key(r) for r in self.state.refs()]
        for key in refs_in_order:
            entry = self.entry_errors.get(key)
            ref = _ref_of(key)
            if entry is not None and self.state.relevant(ref):
                found_errors.append(ProblemItem(key, ref, self._where(ref), self.ctx.word(entry)))
        for issue in issues:
            key = ref_key(issue.ref)
            item = ProblemItem(key, issue.ref, self._where(issue.ref),
                               issue.text(lang, self.form.default_language),
                               self.previous_reasons.get(key, ""))
            (found_errors if issue.severity == "error" else found_warnings).append(item)
        found_errors.sort(key=lambda i: refs_in_order.index(i.key)
                          if i.key in refs_in_order else len(refs_in_order))
        return found_errors, found_warnings

    def _where(self, ref: Ref) -> str:
        page = self.page_of.get(ref.name)
        parts = [self.pages[page].title] if page is not None else []
        question = self.form.question(ref.name)
        if question.repeats and ref.indices:
            parts.append(self.ctx.tr("ui.visit.row_label",
                                     group=self.form.label(question.repeats[-1], self.ctx.lang),
                                     number=ref.indices[-1] + 1))
        parts.append(self.form.label(ref.name, self.ctx.lang))
        return " › ".join(parts)

    def request_finalize(self) -> None:
        """Ctrl+Enter / 完成并提交: save, check, and open the finalize dialog."""
        if self.read_only:
            return
        if not self.save_now():
            return
        self.show_all = True
        self.refresh()
        found_errors, found_warnings = self.problems()
        dialog = FinalizeDialog(self.ctx.lang, found_errors, found_warnings,
                                len(self.pending), self)
        dialog.jump_requested.connect(self.go_to)
        dialog.finalize_requested.connect(self._finalize)
        self.finalize_dialog = dialog
        dialog.open()

    def _finalize(self, overrides: dict[str, str]) -> None:
        officer = self.ctx.profile.name if self.ctx.profile is not None else None
        try:
            with self.ctx.db.transaction() as session:
                visit = finalize(session, self.visit_id, self.form, self.state.answers,
                                 overrides, officer=officer)
                set_pending_prefill(session, self.visit_id, [])
                self.officer = visit.officer
                final_answers = answers_of(visit)
        except _SAVE_ERRORS as exc:
            message = exc.message if isinstance(exc, (VisitError, StoreError)) else None
            self.save_status.setStyleSheet("color: #c62828;")
            self.save_status.setText(self.ctx.tr(
                "ui.visit.finalize_failed", detail=self.ctx.word(message) if message
                else str(exc)))
            return
        self.status = "final"
        self.pending.clear()
        self.previous_reasons = dict(overrides)
        self._saved_generation = self._generation
        # The stored revision is the pruned submission; show exactly that.
        self._bind_state(final_answers)
        self._apply_mode()
        self.refresh()
        self.save_status.setStyleSheet("color: #2e7d32;")
        self.save_status.setText(self.ctx.tr("ui.visit.finalized_at",
                                             time=clock.local_now().strftime("%H:%M:%S")))
        self.window().activateWindow()
        self.navigator.setFocus(Qt.FocusReason.OtherFocusReason)
        self.finalized.emit(self.visit_id)

    # -- reopen, history, delete ------------------------------------------------------------
    def reopen(self) -> None:
        """Start the next revision of a finalized visit; the finalized one stays frozen."""
        if self.status != "final" or self.is_deleted:
            return
        try:
            with self.ctx.db.transaction() as session:
                visit = reopen(session, self.visit_id)
                self.revision = visit.revision
        except _SAVE_ERRORS as exc:
            message = exc.message if isinstance(exc, (VisitError, StoreError)) else None
            self.save_status.setText(self.ctx.word(message) if message else str(exc))
            return
        self.status = "draft"
        self.show_all = False
        self._apply_mode()
        self.refresh()
        self.reopened.emit(self.visit_id)
        self.focus_first()

    def show_history(self) -> None:
        draft = (self.revision, self.state.answers) if self.status == "draft" else None
        self.history_dialog = HistoryDialog(self.ctx, self.visit_id, draft, self)
        self.history_dialog.open()

    def request_delete(self) -> None:
        if self.is_deleted:
            return
        self.delete_dialog = DeleteDialog(self.ctx.lang, self.organization, self)
        self.delete_dialog.reason_given.connect(self._delete)
        self.delete_dialog.open()

    def _delete(self, reason: str) -> None:
        self.save_now()  # the tombstone keeps the latest draft
        try:
            with self.ctx.db.transaction() as session:
                visit = delete(session, self.visit_id, reason)
                self.is_deleted, self.deleted_reason = True, visit.deleted_reason or reason
        except _SAVE_ERRORS as exc:
            message = exc.message if isinstance(exc, (VisitError, StoreError)) else None
            self.save_status.setText(self.ctx.word(message) if message else str(exc))
            return
        self._apply_mode()
        self.refresh()
        self.deleted.emit(self.visit_id)


def _shift_keys(keys: Iterable[str], columns: set[str], removed: int) -> dict[str, str]:
    """old key -> new key once row ``removed`` of a roster is gone (its own keys drop out)."""
    out = {}
    for key in keys:
        name, _, index = key.partition("@")
        if name not in columns or not index:
            out[key] = key
            continue
        first, *rest = index.split(".")
        number = int(first)
        if number != removed:
            shifted = number - 1 if number > removed else number
            out[key] = name + "@" + ".".join([str(shifted), *rest])
    return out


def _ref_of(key: str) -> Ref:
    name, _, index = key.partition("@")
    return Ref(name, tuple(int(i) for i in index.split(".")) if index else ())
