"""Where the keyboard goes in a visit: Tab, Enter, PageUp/PageDown and jumps.

Tab and Enter stop at questions and rosters in form order across the shown
sections (not at each radio button of one question); past the last question
the focus lands on 完成并提交 (or 返回 when the visit cannot be edited).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from fieldsurvey.forms.state import Ref
from fieldsurvey.store.visits import ref_key
from fieldsurvey.ui.visit.repeat_table import RepeatTable
from fieldsurvey.ui.visit.section import QuestionRow

if TYPE_CHECKING:
    from fieldsurvey.ui.visit.editor import VisitEditor

Stop = QuestionRow | RepeatTable


class FocusRouter:
    """Moves the keyboard focus through one editor's questions."""

    def __init__(self, editor: VisitEditor) -> None:
        self.editor = editor

    def current_stop(self) -> Stop | None:
        widget = QApplication.focusWidget()
        while widget is not None and widget is not self.editor:
            if isinstance(widget, (QuestionRow, RepeatTable)):
                return widget
            widget = widget.parentWidget()
        return None

    def focus_key(self) -> str | None:
        """The question (or roster cell) being typed in, whose news can wait."""
        stop = self.current_stop()
        if isinstance(stop, QuestionRow):
            return stop.question.name
        if isinstance(stop, RepeatTable) and \
                stop.view.state() == stop.view.State.EditingState:
            index = stop.view.currentIndex()
            return ref_key(stop.model.ref(index.row(), index.column()))
        return None

    def next_prev(self, forward: bool) -> bool | None:
        """Tab / Shift+Tab inside the editor; None lets Qt's own focus chain decide."""
        editor = self.editor
        focus = QApplication.focusWidget()
        if focus is not None and editor.isAncestorOf(focus) and not focus.isVisible():
            # Not a Tab: Qt moves the focus away from a widget being hidden (a page
            # switch, a question that stopped being relevant). The switch focuses its
            # own target; anything else is put right once the change is done.
            QTimer.singleShot(0, editor, self._recover_focus)
            return True
        stop = self.current_stop()
        if isinstance(stop, RepeatTable) and focus is stop.add_button and not forward \
                and stop.model.rowCount():
            stop.focus_in(False)  # Shift+Tab from 添加一行: back into the last cell
            return True
        if stop is not None:
            return self.advance(1 if forward else -1)
        if focus is editor.navigator and forward:
            return self.advance_into(editor.navigator.currentRow())
        return None

    def _recover_focus(self) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and self.editor.isAncestorOf(focus) and not focus.isVisible():
            self.advance(+1)

    def stops(self) -> list[tuple[int, Stop]]:
        """Where Tab and Enter stop, in form order, across the shown sections."""
        editor = self.editor
        stops: list[tuple[int, Stop]] = []
        for index, page in enumerate(editor.pages):
            if editor.navigator.isRowHidden(index):
                continue
            for stop in page.stops:
                if isinstance(stop, QuestionRow):
                    ok = editor.state.relevant(Ref(stop.question.name)) and stop.is_stop
                else:
                    ok = editor.state.relevant(Ref(stop.group.name)) and not editor.read_only
                if ok:
                    stops.append((index, stop))
        return stops

    def advance(self, step: int) -> bool:
        """Move the keyboard focus to the next (+1) or previous (-1) question."""
        editor = self.editor
        stops = self.stops()
        current = self.current_stop()
        order = [stop for _, stop in stops]
        if current in order:
            target = order.index(current) + step
        else:  # focus was elsewhere (or its question just became hidden)
            page = editor.stack.currentIndex()
            here = [i for i, (p, _) in enumerate(stops) if p >= page]
            target = here[0] if here else len(stops)
        if target >= len(stops):
            button = editor.finalize_button if editor.finalize_button.isEnabled() \
                else editor.back_button
            button.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if target < 0:
            editor.navigator.setFocus(Qt.FocusReason.BacktabFocusReason)
            return True
        self.focus_stop(*stops[target], forward=step > 0)
        return True

    def advance_into(self, page: int) -> bool:
        """Focus the first question of a section."""
        for index, stop in self.stops():
            if index == page:
                self.focus_stop(index, stop, forward=True)
                return True
        return False

    def focus_stop(self, page: int, stop: Stop, *, forward: bool) -> None:
        editor = self.editor
        if editor.navigator.currentRow() != page:
            editor.navigator.setCurrentRow(page)
        stop.focus_in(forward)
        # The page may only now be laid out; scroll once its geometry is known.
        QTimer.singleShot(0, editor, lambda: editor.pages[page].ensure_visible(stop))

    def switch_section(self, step: int) -> None:
        """PageDown / PageUp: the next or previous shown section, at its first question."""
        navigator = self.editor.navigator
        shown = [i for i in range(len(self.editor.pages)) if not navigator.isRowHidden(i)]
        current = navigator.currentRow()
        later = [i for i in shown if (i > current if step > 0 else i < current)]
        if not later:
            return
        target = later[0] if step > 0 else later[-1]
        navigator.setCurrentRow(target)
        if not self.advance_into(target):
            navigator.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_first(self) -> None:
        """Put the cursor on the first question (a draft) or the section list."""
        editor = self.editor
        first = next((i for i in range(len(editor.pages))
                      if not editor.navigator.isRowHidden(i)), 0)
        if editor.read_only or not self.advance_into(first):
            editor.navigator.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_to(self, ref: Ref) -> None:
        """Show a question (from the finalize dialog's error list) and focus it."""
        editor = self.editor
        page = editor.page_of.get(ref.name)
        if page is None:
            return
        # The dialog just closed; not every window manager hands the keyboard back.
        editor.window().activateWindow()
        editor.navigator.setCurrentRow(page)
        row = editor.rows.get(ref.name)
        if row is not None:
            self.focus_stop(page, row, forward=True)
            return
        for table in editor.tables.values():
            columns = [q.name for q in table.model.columns]
            if ref.name in columns and ref.indices:
                table.view.setFocus(Qt.FocusReason.OtherFocusReason)
                table.view.setCurrentIndex(table.model.index(ref.indices[0],
                                                             columns.index(ref.name)))
                QTimer.singleShot(0, editor,
                                  lambda t=table: editor.pages[page].ensure_visible(t))
