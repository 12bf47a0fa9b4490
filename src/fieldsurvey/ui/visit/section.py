"""A top-level group of the form rendered as one scrolling page of questions.

Each question is a row: its label (with ``*`` while it is required) on the left,
on the right the editor, the hint, and the inline error or warning. Nested groups
become titled blocks, repeats become roster tables. Nothing here knows the form
state; the editor screen sets what is required, relevant or wrong.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.forms.model import FormDefinition, Group, Question, pick_label
from fieldsurvey.messages import render
from fieldsurvey.ui.visit.repeat_table import RepeatTable
from fieldsurvey.ui.visit.widgets import AnswerWidget, make_widget

# Wide enough for most labels on one or two lines at the default font; long
# labels wrap rather than push the answers off a 1366 px screen.
LABEL_EMS = 13
ERROR_COLOR = "#c62828"
WARNING_COLOR = "#9a5b00"
HINT_COLOR = "#5f6368"
PREFILL_STYLE = ("QFrame#answerField { background: #fff6dc; "
                 "border-left: 3px solid #e0a100; }")


class NoteRow(QLabel):
    """A note: information spanning the whole row, shown while it is relevant."""

    def __init__(self, form: FormDefinition, question: Question, lang: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(html.escape(form.label(question.name, lang)), parent)
        self.question = question
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setObjectName("noteText")
        self.setStyleSheet("QLabel#noteText { background: #eef4fb; "
                           "border-left: 3px solid #5b8fd6; padding: 6px; }")


class QuestionRow(QWidget):
    """One question: label, required mark, editor, hint and inline message."""

    confirm_requested = Signal()
    """The officer clicked the "carried over" tag to confirm the value."""

    def __init__(self, form: FormDefinition, question: Question, lang: str,
                 widget: AnswerWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.widget = widget
        self.lang = lang
        self._required = False
        self._prefilled = False
        self._read_only = False
        self._messages: list[tuple[str, str]] = []
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label_text = form.label(question.name, lang)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 2, 0, 2)
        width = self.label.fontMetrics().horizontalAdvance("中") * LABEL_EMS
        self._label_room = width - 8  # the holder's right margin
        self._render_label()
        left = QVBoxLayout()
        left.setSpacing(2)
        left.addWidget(self.label)
        self.tag = QToolButton(self)
        self.tag.setText(render("ui.visit.prefill_tag", lang))
        self.tag.setToolTip(render("ui.visit.prefill_tip", lang))
        self.tag.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tag.setAutoRaise(True)
        self.tag.setStyleSheet("QToolButton { background: #ffe8a3; color: #6b4a00; "
                               "border-radius: 3px; padding: 0 4px; }")
        self.tag.clicked.connect(self.confirm_requested)
        self.tag.hide()
        left.addWidget(self.tag, 0, Qt.AlignmentFlag.AlignLeft)
        left.addStretch(1)
        holder = QWidget(self)
        holder.setFixedWidth(width)
        holder.setLayout(left)
        left.setContentsMargins(0, 4, 8, 0)
        outer.addWidget(holder)

        self.field = QFrame(self)
        self.field.setObjectName("answerField")
        right = QVBoxLayout(self.field)
        right.setContentsMargins(4, 2, 4, 2)
        right.setSpacing(2)
        right.addWidget(widget)
        hint = pick_label(question.hints, lang, form.default_language)
        self.hint = QLabel(hint, self.field)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {HINT_COLOR};")
        font = self.hint.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.hint.setFont(font)
        self.hint.setVisible(bool(hint))
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        right.addWidget(self.hint)
        self.message = QLabel(self.field)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.hide()
        right.addWidget(self.message)
        self.county_comment = QLabel(self.field)  # what the county said of this answer
        self.county_comment.setObjectName("countyComment")
        self.county_comment.setTextFormat(Qt.TextFormat.PlainText)
        self.county_comment.setWordWrap(True)
        self.county_comment.setStyleSheet("color: #8a4b00; background: #fff4e0; "
                                          "padding: 2px 4px;")
        self.county_comment.hide()
        right.addWidget(self.county_comment)
        # No setBuddy(): a buddy label turns any "&" of its (escaped) text into an
        # Alt+letter mnemonic, and dozens of those collide with real shortcuts.
        for target in widget.inputs():
            target.setAccessibleName(self.label_text)
        outer.addWidget(self.field, 1)

    def set_county_comment(self, text: str) -> None:
        """Show the county's comment on this question beside the answer ("" hides it)."""
        self.county_comment.setText(render("ui.receive.county_says", self.lang, comment=text)
                                    if text else "")
        self.county_comment.setVisible(bool(text))

    def _render_label(self) -> None:
        text = html.escape(self.label_text)
        if self._required:
            # A no-break space: the mark never wraps onto a line of its own.
            text += f'<span style="color:{ERROR_COLOR}">\u00a0*</span>'
        self.label.setText(text)
        # Chinese wraps between any two characters, so a label a little longer than
        # a line left one character ("员") alone below; lines of even length instead.
        # (Words wrap whole: an English label needs no help, and evened lines would
        # need more of them than the label is given.)
        if " " in self.label_text.strip():
            self.label.setMaximumWidth(self._label_room)
            return
        metrics = self.label.fontMetrics()
        full = metrics.horizontalAdvance(self.label_text + (" *" if self._required else ""))
        lines = max(1, math.ceil(full / self._label_room))
        even = math.ceil(full / lines) + metrics.horizontalAdvance("中")
        self.label.setMaximumWidth(self._label_room if lines == 1
                                   else min(self._label_room, even))

    def set_required(self, required: bool) -> None:
        if required != self._required:
            self._required = required
            self._render_label()

    @property
    def required(self) -> bool:
        return self._required

    def set_messages(self, messages: list[tuple[str, str]]) -> None:
        """(severity, text) pairs shown under the editor; empty hides the line."""
        if messages == self._messages:
            return
        self._messages = messages
        lines = []
        for severity, text in messages:
            color, mark = ((ERROR_COLOR, "✖") if severity == "error" else (WARNING_COLOR, "⚠"))
            lines.append(f'<span style="color:{color}">{mark} {html.escape(text)}</span>')
        self.message.setText("<br>".join(lines))
        self.message.setVisible(bool(lines))

    @property
    def messages(self) -> list[tuple[str, str]]:
        return list(self._messages)

    def set_prefilled(self, prefilled: bool) -> None:
        """Mark the value as carried over, waiting for the officer to confirm it."""
        if prefilled == self._prefilled:
            return
        self._prefilled = prefilled
        self.tag.setVisible(prefilled)
        self.field.setStyleSheet(PREFILL_STYLE if prefilled else "")

    @property
    def prefilled(self) -> bool:
        return self._prefilled

    def set_read_only(self, read_only: bool) -> None:
        if read_only != self._read_only:
            self._read_only = read_only
            self.widget.set_read_only(read_only)

    @property
    def is_stop(self) -> bool:
        """Whether Tab and Enter stop here: shown and editable."""
        return not self.isHidden() and not self._read_only

    def focus_in(self, forward: bool = True) -> None:
        del forward  # one stop per question: the same place from either side
        self.widget.focus_target().setFocus(Qt.FocusReason.TabFocusReason)


class GroupBlock(QWidget):
    """A nested group: a title over its questions, hidden with its relevance."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(0, 8, 0, 0)
        self.body.setSpacing(2)
        heading = QLabel(html.escape(title), self)
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setObjectName("groupTitle")
        heading.setStyleSheet("QLabel#groupTitle { font-weight: bold; color: #1d4f91; "
                              "border-bottom: 1px solid #c9d7ea; padding-bottom: 2px; }")
        self.body.addWidget(heading)


class SectionPage(QScrollArea):
    """One section of the form; the page scrolls so it fits a 768 px tall screen."""

    def __init__(self, form: FormDefinition, group: Group, lang: str,
                 today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = group
        self.title = pick_label(group.labels, lang, form.default_language) or group.name
        self.rows: dict[str, QuestionRow] = {}
        self.notes: dict[str, NoteRow] = {}
        self.blocks: dict[str, GroupBlock] = {}
        self.tables: dict[str, RepeatTable] = {}
        # Rows and roster tables in form order: where Tab and Enter stop.
        self.stops: list[QuestionRow | RepeatTable] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(16, 8, 16, 16)
        layout.setSpacing(4)
        heading = QLabel(self.title, content)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        heading.setObjectName("sectionTitle")
        heading.setStyleSheet("QLabel#sectionTitle { font-size: 16pt; font-weight: bold; }")
        layout.addWidget(heading)
        self._fill(form, group, lang, today, layout, content)
        layout.addStretch(1)
        content.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setWidget(content)
        # Alt+N adds a roster row from any question of the section; with two
        # rosters in one section each keeps it to itself (one owner per key).
        for table in self.tables.values():
            table.claim_add_key(self if len(self.tables) == 1 else table)

    def _fill(self, form: FormDefinition, group: Group, lang: str,
              today: Callable[[], dt.date], layout: QVBoxLayout, parent: QWidget) -> None:
        for node in group.children:
            if isinstance(node, Group) and node.is_repeat:
                table = RepeatTable(form, node, lang, today, parent)
                self.tables[node.name] = table
                self.stops.append(table)
                layout.addWidget(table)
            elif isinstance(node, Group):
                block = GroupBlock(pick_label(node.labels, lang, form.default_language)
                                   or node.name, parent)
                self.blocks[node.name] = block
                layout.addWidget(block)
                self._fill(form, node, lang, today, block.body, block)
            elif node.type in ("calculate", "hidden"):
                continue  # computed by the engine; nothing for the officer to see
            else:
                widget = make_widget(form, node, lang, today)
                if widget is None:
                    note = NoteRow(form, node, lang, parent)
                    self.notes[node.name] = note
                    layout.addWidget(note)
                    continue
                row = QuestionRow(form, node, lang, widget, parent)
                self.rows[node.name] = row
                self.stops.append(row)
                layout.addWidget(row)

    def ensure_visible(self, widget: QWidget) -> None:
        self.ensureWidgetVisible(widget, 0, 24)
