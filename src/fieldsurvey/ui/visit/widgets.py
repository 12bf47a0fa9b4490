"""One editor widget per question type, all with the same small interface.

Every editor offers ``value()`` / ``set_value()`` in the stored (JSON) form,
``entry_problem()`` for text that is not a value yet (a half-typed date), a
``changed`` signal for the officer's own edits (never for ``set_value``), a
``finished`` signal when the officer leaves it, ``set_read_only()`` and
``focus_target()``. The editor screen never needs to know which widget it holds.

Keyboard: digits pick the n-th choice of a select (radio buttons, combo boxes,
checkboxes); a combo box also finds a choice by the first letters of its pinyin
("sh" finds 社会团体); a date is typed as eight digits, Alt+Down opens a calendar.
Blank is never the same as zero: numbers are line edits, not spin boxes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.domain.search import search_key
from fieldsurvey.forms.answers import MAX_TEXT_LENGTH
from fieldsurvey.forms.model import Choice, FormDefinition, Question, pick_label
from fieldsurvey.messages import Message, render
from fieldsurvey.ui.visit.flow_layout import FlowLayout

# A select with more choices than this becomes a combo box: a row of radio
# buttons longer than that is hard to scan and wraps badly at 1366 px.
MAX_RADIO_CHOICES = 5
# Type-ahead forgets what was typed after this pause, as Qt's own search does.
TYPE_AHEAD_SECONDS = 1.0
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


def digit_of(event: QKeyEvent) -> int | None:
    """1-9 for a plain digit key press (keypad included), else None."""
    if event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier
                             | Qt.KeyboardModifier.ShiftModifier):
        return None
    return _DIGIT_KEYS.get(Qt.Key(event.key()))


class AnswerWidget(QWidget):
    """The common interface; subclasses hold the real input widgets."""

    changed = Signal()
    """The officer changed the value (``set_value`` never emits it)."""
    finished = Signal()
    """Focus left the question: the time to show its messages."""

    #: Enter inserts a line break instead of moving to the next question.
    multiline = False
    #: Every change is a finished choice (a click, a digit), not text half-typed.
    discrete = False

    def __init__(self, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.lang = lang
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    # -- the interface --------------------------------------------------------------
    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def entry_problem(self) -> Message | None:
        """Why the text typed so far is not a value yet (None when it is)."""
        return None

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.inputs():
            widget.setEnabled(not read_only)

    def focus_target(self) -> QWidget:
        return self.inputs()[0]

    def inputs(self) -> list[QWidget]:
        """Every widget of this editor that takes keyboard focus."""
        raise NotImplementedError

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """Offer these choices (a select after its choice filter); others ignore it."""

    # -- shared plumbing -------------------------------------------------------------
    def _watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and not self._focus_stays_inside():
            self.finished.emit()
        return super().eventFilter(watched, event)

    def _focus_stays_inside(self) -> bool:
        # Qt reports the new focus widget before it sends FocusOut to the old one;
        # a popup (combo list, calendar) takes focus only for a moment.
        now = QApplication.focusWidget()
        return now is not None and (self.isAncestorOf(now) or now.window() is not self.window())


class LineWidget(AnswerWidget):
    """text, integer, decimal: one line edit (numbers validated as typed)."""

    _PATTERNS: ClassVar[dict[str, str]] = {
        "integer": r"[+-]?\d{0,15}",
        "decimal": r"[+-]?\d{0,15}([.]\d{0,9})?",
    }

    def __init__(self, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(question, lang, parent)
        self.edit = QLineEdit(self)
        self.edit.setMaxLength(MAX_TEXT_LENGTH)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        pattern = self._PATTERNS.get(question.type)
        if pattern is not None:
            self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(pattern),
                                                               self.edit))
            self.edit.setMaximumWidth(180)
            layout.addStretch(1)
        self.edit.textEdited.connect(lambda _text: self.changed.emit())
        self._watch(self.edit)

    def value(self) -> Any:
        text = self.edit.text()
        if self.question.type in self._PATTERNS:
            text = text.strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.edit.text():  # keeps the cursor where the officer left it
            self.edit.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        # Read-only, not disabled: a finalized answer stays legible and copyable.
        self.edit.setReadOnly(read_only)

    def inputs(self) -> list[QWidget]:
        return [self.edit]


class MultilineWidget(AnswerWidget):
    """Notes: a few lines; Tab still moves on, Enter starts a new line."""

    multiline = True

    def __init__(self, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(question, lang, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setTabChangesFocus(True)
        lines = 3
        self.edit.setFixedHeight(self.edit.fontMetrics().lineSpacing() * lines + 14)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self._setting = False
        self.edit.textChanged.connect(self._text_changed)
        self._watch(self.edit)

    def _text_changed(self) -> None:
        if not self._setting:
            self.changed.emit()

    def value(self) -> Any:
        return self.edit.toPlainText() or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        if text != self.edit.toPlainText():
            self._setting = True
            try:
                self.edit.setPlainText(text)
            finally:
                self._setting = False

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)

    def inputs(self) -> list[QWidget]:
        return [self.edit]


class _CalendarPopup(QFrame):
    picked = Signal(QDate)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setGridVisible(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)
        self.calendar.clicked.connect(self.picked)
        self.calendar.activated.connect(self.picked)


class MaskedWidget(AnswerWidget):
    """date, time, datetime: digits typed into a mask, so a blank stays blank.

    A date edit with a sentinel "empty" date is easy to save as a real date by
    mistake; a mask has no value until every digit is there.
    """

    _MASKS: ClassVar[dict[str, str]] = {
        "date": "9999-99-99", "time": "99:99", "datetime": "9999-99-99 99:99",
    }

    def __init__(self, question: Question, lang: str, today: Callable[[], dt.date],
                 parent: QWidget | None = None) -> None:
        super().__init__(question, lang, parent)
        self.today = today
        self.edit = QLineEdit(self)
        self.edit.setInputMask(self._MASKS[question.type] + ";_")
        width = self.edit.fontMetrics().horizontalAdvance(self._MASKS[question.type]) + 36
        self.edit.setFixedWidth(width)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        self.button: QToolButton | None = None
        self.popup: _CalendarPopup | None = None
        if question.type == "date":
            self.button = QToolButton(self)
            self.button.setArrowType(Qt.ArrowType.DownArrow)
            self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.button.setToolTip(render("ui.visit.calendar_tip", lang))
            self.button.clicked.connect(self.open_calendar)
            layout.addWidget(self.button)
        layout.addStretch(1)
        self.edit.textEdited.connect(lambda _text: self.changed.emit())
        self._watch(self.edit)

    def _blank(self) -> bool:
        return not any(ch.isdigit() for ch in self.edit.text())

    def value(self) -> Any:
        if self._blank() or not self.edit.hasAcceptableInput():
            return None
        text = self.edit.text()
        return text.replace(" ", "T") if self.question.type == "datetime" else text

    def entry_problem(self) -> Message | None:
        if self._blank() or self.edit.hasAcceptableInput():
            return None
        return Message(f"ui.visit.incomplete.{self.question.type}")

    def set_value(self, value: Any) -> None:
        mask = self._MASKS[self.question.type]
        text = "" if value is None else str(value).replace("T", " ")[: len(mask)]
        if self.value() != value or self._blank() != (value is None):
            self.edit.setText(text)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        if self.button is not None:
            self.button.setEnabled(not read_only)

    def inputs(self) -> list[QWidget]:
        return [self.edit]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.edit and event.type() == QEvent.Type.KeyPress
                and self.button is not None and isinstance(event, QKeyEvent)):
            alt_down = (event.key() == Qt.Key.Key_Down
                        and event.modifiers() & Qt.KeyboardModifier.AltModifier)
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def open_calendar(self) -> None:
        if self.edit.isReadOnly():
            return
        if self.popup is None:
            self.popup = _CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        current = self.value()
        start = dt.date.fromisoformat(current) if current else self.today()
        self.popup.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        self.popup.adjustSize()
        self.popup.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        self.popup.show()
        self.popup.calendar.setFocus()

    def _picked(self, date: QDate) -> None:
        assert self.popup is not None
        self.popup.hide()
        self.edit.setText(date.toString("yyyy-MM-dd"))
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
        self.changed.emit()


def _labels(form: FormDefinition, choices: Sequence[Choice], lang: str) -> list[str]:
    return [pick_label(c.labels, lang, form.default_language) or c.name for c in choices]


class ButtonsWidget(AnswerWidget):
    """Shared by radio buttons and checkboxes: a wrapping row, digits pick."""

    discrete = True

    def __init__(self, form: FormDefinition, question: Question, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(question, lang, parent)
        self.form = form
        self.flow = FlowLayout(self)
        self.group = QButtonGroup(self)
        self.group.setExclusive(question.type == "select_one")
        self.group.buttonClicked.connect(lambda _button: self.changed.emit())
        self.choices: list[Choice] = []
        self.buttons: list[QAbstractButton] = []
        self._read_only = False

    def _make_button(self, text: str) -> QAbstractButton:
        raise NotImplementedError

    def set_choices(self, choices: Sequence[Choice]) -> None:
        if [c.name for c in choices] == [c.name for c in self.choices]:
            return  # rebuilding would lose focus for nothing
        picked = self.value()
        for button in self.buttons:
            self.group.removeButton(button)
            button.deleteLater()
        self.choices = list(choices)
        self.buttons = []
        for i, text in enumerate(_labels(self.form, self.choices, self.lang)):
            button = self._make_button(text)
            button.setToolTip(render("ui.visit.digit_tip", self.lang, number=i + 1)
                              if i < 9 else "")
            button.setEnabled(not self._read_only)
            self.group.addButton(button, i)
            self.flow.addWidget(button)
            self._watch(button)
            self.buttons.append(button)
        self.set_value(picked)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        super().set_read_only(read_only)

    def inputs(self) -> list[QWidget]:
        return list(self.buttons)

    def focus_target(self) -> QWidget:
        checked = next((b for b in self.buttons if b.isChecked()), None)
        return checked or (self.buttons[0] if self.buttons else self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and watched in self.buttons and not self._read_only):
            number = digit_of(event)
            if number is not None:
                if number <= len(self.buttons):
                    self.buttons[number - 1].setFocus(Qt.FocusReason.ShortcutFocusReason)
                    self.buttons[number - 1].click()
                return True
            if self._handle_key(self.buttons.index(watched), event):
                return True
        return super().eventFilter(watched, event)

    def _handle_key(self, index: int, event: QKeyEvent) -> bool:
        return False


class RadioWidget(ButtonsWidget):
    """select_one with few choices: every choice visible, one key press to pick."""

    def _make_button(self, text: str) -> QAbstractButton:
        return QRadioButton(text, self)

    def value(self) -> Any:
        checked = self.group.checkedId()
        return self.choices[checked].name if checked >= 0 else None

    def set_value(self, value: Any) -> None:
        names = [c.name for c in self.choices]
        if value in names:
            self.buttons[names.index(value)].setChecked(True)
        elif self.group.checkedButton() is not None:
            self._clear()

    def _clear(self) -> None:
        # An exclusive group cannot uncheck its last button; lift that for a moment.
        self.group.setExclusive(False)
        for button in self.buttons:
            button.setChecked(False)
        self.group.setExclusive(True)

    def _handle_key(self, index: int, event: QKeyEvent) -> bool:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if self.group.checkedButton() is not None:
                self._clear()
                self.changed.emit()
            return True
        return False


class CheckWidget(ButtonsWidget):
    """select_multiple: checkboxes; arrows move between them, Space or a digit ticks."""

    def _make_button(self, text: str) -> QAbstractButton:
        return QCheckBox(text, self)

    def value(self) -> Any:
        picked = [c.name for c, b in zip(self.choices, self.buttons, strict=True)
                  if b.isChecked()]
        return picked or None

    def set_value(self, value: Any) -> None:
        wanted = set(value or [])
        for choice, button in zip(self.choices, self.buttons, strict=True):
            button.setChecked(choice.name in wanted)

    def _handle_key(self, index: int, event: QKeyEvent) -> bool:
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1,
                Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
        if step is None:
            return False
        target = index + step
        if 0 <= target < len(self.buttons):
            self.buttons[target].setFocus(Qt.FocusReason.OtherFocusReason)
        return True


class ChoiceCombo(QComboBox):
    """A combo box that picks by digit or by pinyin initials, and ignores a stray wheel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Scrolling the page over a combo box must not change an answer.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._typed = ""
        self._typed_at = 0.0
        self._keys: list[list[str]] = []

    def set_items(self, placeholder: str, items: Sequence[tuple[str, str]]) -> None:
        """``items`` are (name, label); index 0 is the blank placeholder."""
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem(placeholder, None)
            self._keys = [[]]
            for name, label in items:
                self.addItem(label, name)
                self._keys.append([name.lower(), label.lower(), *search_key(label).split()])
        finally:
            self.blockSignals(False)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        number = digit_of(event)
        if number is not None:
            if number < self.count():
                self.setCurrentIndex(number)
            return
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if plain and text.isalpha() and text.isascii():
            now = time.monotonic()
            if now - self._typed_at > TYPE_AHEAD_SECONDS:
                self._typed = ""
            self._typed_at = now
            self._typed += text.lower()
            found = self._find(self._typed)
            if found is not None:
                self.setCurrentIndex(found)
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.setCurrentIndex(0)
            return
        super().keyPressEvent(event)

    def _find(self, typed: str) -> int | None:
        for index, keys in enumerate(self._keys):
            if any(key.startswith(typed) for key in keys):
                return index
        return None


class ComboWidget(AnswerWidget):
    """select_one with many choices or the ``minimal`` appearance."""

    discrete = True

    def __init__(self, form: FormDefinition, question: Question, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(question, lang, parent)
        self.form = form
        self.combo = ChoiceCombo(self)
        self.combo.setMinimumWidth(200)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.choices: list[Choice] = []
        self._setting = False
        self.combo.currentIndexChanged.connect(self._index_changed)
        self._watch(self.combo)

    def _index_changed(self, _index: int) -> None:
        if not self._setting:
            self.changed.emit()

    def set_choices(self, choices: Sequence[Choice]) -> None:
        if [c.name for c in choices] == [c.name for c in self.choices]:
            return
        picked = self.value()
        self.choices = list(choices)
        self._setting = True
        try:
            self.combo.set_items(render("ui.visit.choose", self.lang), list(zip(
                [c.name for c in self.choices], _labels(self.form, self.choices, self.lang),
                strict=True)))
        finally:
            self._setting = False
        self.set_value(picked)

    def value(self) -> Any:
        data = self.combo.currentData()
        return data if isinstance(data, str) else None

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self._setting = True
        try:
            self.combo.setCurrentIndex(max(index, 0))
        finally:
            self._setting = False

    def inputs(self) -> list[QWidget]:
        return [self.combo]


class AcknowledgeWidget(AnswerWidget):
    """acknowledge: one checkbox that stores "OK"."""

    discrete = True

    def __init__(self, question: Question, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(question, lang, parent)
        self.box = QCheckBox(render("ui.visit.acknowledge", lang), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addStretch(1)
        self.box.clicked.connect(lambda _checked: self.changed.emit())
        self._watch(self.box)

    def value(self) -> Any:
        return "OK" if self.box.isChecked() else None

    def set_value(self, value: Any) -> None:
        self.box.setChecked(value == "OK")

    def inputs(self) -> list[QWidget]:
        return [self.box]


def make_widget(form: FormDefinition, question: Question, lang: str,
                today: Callable[[], dt.date], *, compact: bool = False,
                parent: QWidget | None = None) -> AnswerWidget | None:
    """The editor for a question, or None for what is not edited (notes, calculations).

    ``compact`` (a roster cell) always gives a select_one a combo box.
    """
    kind = question.type
    widget: AnswerWidget
    if kind == "select_one":
        options = form.choices.get(question.list_name or "", ())
        if compact or "minimal" in question.appearance or len(options) > MAX_RADIO_CHOICES:
            widget = ComboWidget(form, question, lang, parent)
        else:
            widget = RadioWidget(form, question, lang, parent)
        widget.set_choices(options)
    elif kind == "select_multiple":
        widget = CheckWidget(form, question, lang, parent)
        widget.set_choices(form.choices.get(question.list_name or "", ()))
    elif kind in ("date", "time", "datetime"):
        widget = MaskedWidget(question, lang, today, parent)
    elif kind == "acknowledge":
        widget = AcknowledgeWidget(question, lang, parent)
    elif kind == "text" and not compact and is_multiline(question):
        widget = MultilineWidget(question, lang, parent)
    elif kind in ("text", "integer", "decimal"):
        widget = LineWidget(question, lang, parent)
    else:  # note, calculate, hidden
        return None
    return widget


def is_multiline(question: Question) -> bool:
    """Notes-like text: the ``multiline`` appearance, or a name that says notes."""
    return "multiline" in question.appearance or "notes" in question.name
