"""The township dashboard: big figures, counts by registration type, two charts.

The page only shows what :func:`fieldsurvey.cases.dashboard.dashboard` computes
(the definitions are there); it adds wording, layout and rounding. Laid out for
a 1366x768 laptop: a row of figure tiles, the coverage gauge, then the table of
counts by registration type and status beside the same counts as stacked bars.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey import clock
from fieldsurvey.cases.dashboard import Dashboard, load_dashboard
from fieldsurvey.cases.month_end import rules_text
from fieldsurvey.cases.rates import census_share_text, rate_text, target_text
from fieldsurvey.cases.status import STATUSES, Status
from fieldsurvey.forms.model import pick_label
from fieldsurvey.ui.charts import (
    STATUS_COLORS,
    CoverageGauge,
    StackedBars,
    count_text,
)
from fieldsurvey.ui.context import AppContext

TILES = ("organizations", "visited", "unions", "coverage", "membership", "new_unions",
         "overdue")
UNION_FORMS = ("own", "joint", "federation", "individual")
ALERT_COLOR = "#c62828"


def status_label(ctx: AppContext, status: str) -> str:
    return ctx.tr(f"ui.status.{status}")


def reg_type_labels(ctx: AppContext) -> dict[str, str]:
    """Registration type code -> label in the officer's language, in the form's order."""
    try:
        choices = ctx.form.choices[ctx.form.question("reg_type").list_name or ""]
    except KeyError:  # a form without the question: codes are all there is
        return {}
    return {c.name: pick_label(c.labels, ctx.lang, ctx.form.default_language) or c.name
            for c in choices}


class FigureTile(QFrame):
    """One big number with its title above and a short explanation below."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Preferred, not Fixed, vertically: the row then gives every tile the height of the
        # tallest, instead of centring tiles of slightly different heights.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        self.title_label = QLabel(title)
        self.value_label = QLabel()
        font = QFont(self.value_label.font())
        font.setPointSizeF(font.pointSizeF() * 2)
        font.setBold(True)
        self.value_label.setFont(font)
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        small = QFont(self.note_label.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.note_label.setFont(small)
        # Two lines of note keep every tile the same height, whatever the text.
        self.note_label.setMinimumHeight(self.note_label.fontMetrics().lineSpacing() * 2)
        for label in (self.title_label, self.value_label, self.note_label):
            layout.addWidget(label)
        layout.addStretch(1)  # a tile taller than its text keeps the text at the top

    def set(self, value: str, note: str = "", *, alert: bool = False) -> None:
        self.value_label.setText(value)
        self.note_label.setText(note)
        self.value_label.setStyleSheet(f"color: {ALERT_COLOR};" if alert else "")


class DashboardPage(QWidget):
    """The township's figures; :meth:`reload` reads the store again."""

    reloaded = Signal(object)
    """Emitted with the new :class:`Dashboard` after every reload."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.board: Dashboard | None = None
        tr = ctx.tr
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 8, 12, 8)
        outer.setSpacing(8)

        header = QHBoxLayout()
        self.title_label = QLabel()
        title_font = QFont(self.title_label.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.as_of_label = QLabel()
        self.refresh_button = QPushButton(tr("ui.dashboard.refresh"))
        self.refresh_button.clicked.connect(self.reload)
        header.addWidget(self.title_label)
        header.addSpacing(12)
        header.addWidget(self.as_of_label)
        header.addStretch(1)
        header.addWidget(self.refresh_button)
        outer.addLayout(header)

        tiles = QHBoxLayout()
        tiles.setSpacing(8)
        self.tiles: dict[str, FigureTile] = {}
        for name in TILES:
            tile = FigureTile(tr(f"ui.dashboard.tile.{name}"))
            tile.setObjectName(f"tile_{name}")
            self.tiles[name] = tile
            tiles.addWidget(tile, 1)
        outer.addLayout(tiles)

        gauge_box = QGroupBox(tr("ui.dashboard.gauge_title"))
        gauge_layout = QVBoxLayout(gauge_box)
        self.gauge = CoverageGauge()
        self.gauge_note = QLabel()
        gauge_layout.addWidget(self.gauge)
        gauge_layout.addWidget(self.gauge_note)
        outer.addWidget(gauge_box)

        lower = QHBoxLayout()
        table_box = QGroupBox(tr("ui.dashboard.table_title"))
        table_layout = QVBoxLayout(table_box)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        table_layout.addWidget(self.table)
        table_layout.addStretch(1)
        bars_box = QGroupBox(tr("ui.dashboard.chart_title"))
        bars_layout = QVBoxLayout(bars_box)
        self.bars = StackedBars()
        bars_layout.addWidget(self.bars)
        lower.addWidget(table_box, 11)
        lower.addWidget(bars_box, 9)
        outer.addLayout(lower)
        outer.addStretch(1)
        self.reload()

    # -- data ------------------------------------------------------------------------------
    def reload(self) -> Dashboard:
        """Read the cases again and redraw every figure."""
        ctx = self.ctx
        township = ctx.profile.township_code if ctx.profile else None
        today = clock.today()
        with ctx.db.sessions() as session:
            board = load_dashboard(session, ctx.form, township, today)
        self.board = board
        if ctx.profile:
            self.title_label.setText(ctx.tr("ui.dashboard.title_township",
                                            township=ctx.profile.township_name))
        else:
            self.title_label.setText(ctx.tr("ui.dashboard.title"))
        self.as_of_label.setText(ctx.tr("ui.dashboard.as_of", date=today.isoformat()))
        self._show_tiles(board, today.year, today.month)
        # The counting rules in words, the same as every table's footnote.
        rules = rules_text(ctx.lang, ctx.form.campaign_start)
        for tile in self.tiles.values():
            tile.setToolTip(rules)
        self._show_gauge(board)
        self._show_table(board)
        self._show_bars(board)
        self.reloaded.emit(board)
        return board

    def _union_forms_note(self, board: Dashboard) -> str:
        month = board.month
        parts = [(form, int(getattr(month, f"union_{form}"))) for form in UNION_FORMS]
        return " · ".join(f"{self.ctx.tr(f'ui.dashboard.union_form.{form}')} {count_text(n)}"
                          for form, n in parts if n)

    def _coverage_note(self, board: Dashboard) -> str:
        tr, target = self.ctx.tr, target_text(board.target)
        if board.operating == 0:
            return tr("ui.dashboard.note.target", target=target)
        if board.unions_to_target:
            return tr("ui.dashboard.note.target_short", target=target,
                      missing=count_text(board.unions_to_target))
        if board.target_reached:
            return tr("ui.dashboard.note.target_reached", target=target)
        return tr("ui.dashboard.note.target_pending", target=target,
                  share=census_share_text())

    def _show_tiles(self, board: Dashboard, year: int, month: int) -> None:
        tr, t, figures = self.ctx.tr, self.tiles, board.month
        gone = board.by_status["gone"]
        t["organizations"].set(count_text(figures.registered), tr(
            "ui.dashboard.note.gone" if gone else "ui.dashboard.note.operating",
            operating=count_text(figures.operating), gone=count_text(gone)))
        t["visited"].set(count_text(figures.visited), tr(
            "ui.dashboard.note.visited", share=rate_text(*figures.rate_parts("census")),
            unvisited=count_text(figures.registered - figures.visited)))
        t["unions"].set(count_text(figures.unions), self._union_forms_note(board))
        t["coverage"].set(rate_text(board.with_union, board.operating),
                          self._coverage_note(board))
        t["membership"].set(rate_text(board.members, board.staff), tr(
            "ui.dashboard.note.membership", members=count_text(board.members),
            staff=count_text(board.staff)))
        t["new_unions"].set(count_text(board.new_unions_this_month),
                            tr("ui.dashboard.note.month", year=year, month=month))
        t["overdue"].set(count_text(board.overdue), tr("ui.dashboard.note.overdue"),
                         alert=board.overdue > 0)

    def _show_gauge(self, board: Dashboard) -> None:
        tr = self.ctx.tr
        target = target_text(board.target)
        self.gauge.set_value(board.coverage, board.target,
                             rate_text(board.with_union, board.operating),
                             tr("ui.dashboard.target_line", target=target))
        if board.operating == 0:
            note = tr("ui.dashboard.gauge_empty")
        else:
            note = tr("ui.dashboard.gauge_note", with_union=count_text(board.with_union),
                      operating=count_text(board.operating))
            if board.unions_to_target:
                note += tr("ui.dashboard.gauge_missing", target=target,
                           missing=count_text(board.unions_to_target))
        self.gauge_note.setText(note)

    def _type_rows(self, board: Dashboard) -> list[tuple[str, dict[Status, int]]]:
        """(label, counts) per registration type present, in the form's order."""
        labels = reg_type_labels(self.ctx)
        order = [code for code in labels if code in board.by_type]
        order += sorted(code for code in board.by_type if code not in labels and code)
        if "" in board.by_type:
            order.append("")
        return [(labels.get(code) or code or self.ctx.tr("ui.dashboard.type_unknown"),
                 board.by_type[code]) for code in order]

    def _show_table(self, board: Dashboard) -> None:
        """Types down, statuses across, totals in the last row and column.

        The type is an ordinary first column (not the row header) so it can take the
        width the counts leave and elide a long English name instead of squeezing them.
        """
        tr = self.ctx.tr
        rows = self._type_rows(board)
        table = self.table
        table.clear()
        table.setRowCount(len(rows) + 1)
        table.setColumnCount(len(STATUSES) + 2)
        table.setHorizontalHeaderLabels(
            [tr("ui.dashboard.type"), *(status_label(self.ctx, s) for s in STATUSES),
             tr("ui.dashboard.total")])
        for column, status in enumerate(STATUSES, 1):
            # The chart's colour as a swatch: coloured header text would be unreadable for
            # the pale "not visited" grey.
            swatch = QPixmap(12, 12)
            swatch.fill(STATUS_COLORS[status])
            header_item = table.horizontalHeaderItem(column)
            if header_item is not None:
                header_item.setIcon(QIcon(swatch))
        bold = QFont(table.font())
        bold.setBold(True)
        totals = [board.by_status[s] for s in STATUSES]
        labelled = [(label, [c[s] for s in STATUSES]) for label, c in rows]
        for r, (label, values) in enumerate([*labelled, (tr("ui.dashboard.total"), totals)]):
            is_total_row = r == len(rows)
            name = QTableWidgetItem(label)
            name.setToolTip(label)
            table.setItem(r, 0, name)
            last = len(values) + 1
            for column, value in enumerate([*values, sum(values)], 1):
                item = QTableWidgetItem(count_text(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
                if is_total_row or column == last:
                    item.setFont(bold)
                table.setItem(r, column, item)
            if is_total_row:
                name.setFont(bold)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # As tall as its rows: no empty grid below the totals.
        table.setFixedHeight(header.sizeHint().height() + table.verticalHeader().length()
                             + 2 * table.frameWidth())

    def _show_bars(self, board: Dashboard) -> None:
        series = [(status_label(self.ctx, s), STATUS_COLORS[s]) for s in STATUSES]
        self.bars.set_data([(label, [counts[s] for s in STATUSES])
                            for label, counts in self._type_rows(board)], series)

    # -- for tests and screen readers -----------------------------------------------------
    def table_rows(self) -> dict[str, list[str]]:
        """The table as shown: first-column label -> the texts of the other cells."""
        table = self.table

        def text(row: int, column: int) -> str:
            item = table.item(row, column)
            return item.text() if item is not None else ""

        return {text(r, 0): [text(r, c) for c in range(1, table.columnCount())]
                for r in range(table.rowCount())}
