"""The township's statistics table on landscape A4, from the dashboard's figures.

:func:`figures_table` draws any header + rows of figures in the house style (first
column a label, numbers right-aligned, the last row a shaded total); the county's
monthly table (another issue) lays its own rows out with it. The township table has
one row per registration type with the case counts by status, and under it the
campaign's figures: operating organizations, unions among them, coverage rate
(建会率), staff, members, membership rate (入会率), new unions this month, overdue
revisits, and the unions by form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from fieldsurvey.cases.dashboard import Dashboard, load_dashboard
from fieldsurvey.cases.month_end import rules_text
from fieldsurvey.cases.rates import rate_text, target_text
from fieldsurvey.cases.status import STATUSES, Status
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import render
from fieldsurvey.printing.layout import (
    FOOTER_SMALL,
    GRID,
    SHADE,
    PageNumberDecor,
    Styles,
    build_pdf,
    frame_size,
    landscape_a4,
    make_styles,
    para,
    parts_story,
)
from fieldsurvey.store.db import Database

#: The form's list of registration types (its labels name the rows).
REG_TYPE_LIST = "reg_type"
UNION_FORMS = ("own", "joint", "federation", "individual")


def figures_table(header: Sequence[str], rows: Sequence[Sequence[str]], styles: Styles,
                  width: float, *, total_row: bool = True, first_width: float = 64 * mm
                  ) -> Table:
    """A grid of figures: a shaded header (repeated on each page), labels left, numbers
    right, and a shaded last row when it is a total."""
    other = (width - first_width) / max(1, len(header) - 1)
    cells: list[list[Any]] = [[para(h, styles.label) for h in header],
             *([para(row[0], styles.cell), *row[1:]] for row in rows)]
    table = Table(cells, colWidths=[first_width] + [other] * (len(header) - 1), repeatRows=1)
    commands: list[Any] = [
        ("FONT", (0, 0), (-1, -1), styles.font.name, 10),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_row and rows:
        commands.append(("BACKGROUND", (0, len(rows)), (-1, len(rows)), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def pairs_table(pairs: Sequence[tuple[str, str]], styles: Styles, width: float,
                columns: int = 2) -> Table:
    """Labelled figures, ``columns`` pairs to a row: label, value, label, value …"""
    value_w = 28 * mm
    label_w = width / columns - value_w
    rows: list[list[Any]] = []
    for i in range(0, len(pairs), columns):
        row: list[Any] = []
        for label, value in pairs[i : i + columns]:
            row += [para(label, styles.cell), value]
        rows.append(row + [""] * (2 * columns - len(row)))
    table = Table(rows, colWidths=[label_w, value_w] * columns)
    commands: list[Any] = [
        ("FONT", (0, 0), (-1, -1), styles.font.name, 10),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for c in range(columns):
        commands += [("BACKGROUND", (2 * c, 0), (2 * c, -1), SHADE),
                     ("ALIGN", (2 * c + 1, 0), (2 * c + 1, -1), "RIGHT")]
    table.setStyle(TableStyle(commands))
    return table


def township_story(dash: Dashboard, form: FormDefinition, styles: Styles, lang: str, *,
                   township: str, as_of: dt.date) -> list[Flowable]:
    width, _ = frame_size(landscape_a4(), FOOTER_SMALL)
    types = form.choice_labels(REG_TYPE_LIST, lang)
    header = [render("print.stats.type", lang), render("print.stats.total_orgs", lang),
              render("print.stats.visited", lang),
              *(render(f"print.stats.status.{s}", lang) for s in STATUSES)]
    rows: list[list[str]] = []
    order = [t for t in types if t in dash.by_type] + sorted(set(dash.by_type) - set(types))
    for code in order:
        counts = dash.by_type[code]
        label = types.get(code) or (code or render("print.stats.type_unknown", lang))
        rows.append(_type_row(label, counts))
    rows.append(_type_row(render("print.stats.total", lang), dash.by_status))
    month = dash.month
    summary = [
        (render("print.stats.registered", lang), str(month.registered)),
        (render("print.stats.census", lang), rate_text(*month.rate_parts("census"))),
        (render("print.stats.operating", lang), str(dash.operating)),
        (render("print.stats.with_union", lang), str(dash.with_union)),
        (render("print.stats.coverage", lang), rate_text(dash.with_union, dash.operating)),
        (render("print.stats.target", lang, target=target_text(dash.target)),
         str(dash.unions_to_target)),
        (render("print.stats.staff", lang), str(dash.staff)),
        (render("print.stats.members", lang), str(dash.members)),
        (render("print.stats.membership", lang), rate_text(dash.members, dash.staff)),
        (render("print.stats.new_unions", lang), str(dash.new_unions_this_month)),
        (render("print.stats.overdue", lang), str(dash.overdue)),
        *((render(f"print.stats.form.{f}", lang), str(dash.by_union_form.get(f, 0)))
          for f in UNION_FORMS),
    ]
    return [
        para(render("print.stats.title", lang), styles.title),
        para(render("print.stats.subtitle", lang, township=township,
                    date=as_of.isoformat()), styles.subtitle),
        para(render("print.stats.by_type", lang), styles.heading),
        figures_table(header, rows, styles, width),
        para(render("print.stats.campaign", lang), styles.heading),
        pairs_table(summary, styles, width),
        Spacer(1, 4 * mm),
        para(rules_text(lang, form.campaign_start), styles.small),
    ]


def _type_row(label: str, counts: Mapping[Status, int]) -> list[str]:
    total = sum(counts.values())
    visited = total - counts.get("unvisited", 0)
    return [label, str(total), str(visited), *(str(counts.get(s, 0)) for s in STATUSES)]


def write_township_table(db: Database, form: FormDefinition, out_path: Path, *,
                         township_code: str | None, township: str, today: dt.date,
                         lang: str = "zh") -> int:
    """The dashboard's figures for ``township_code`` (all when None) as a landscape PDF;
    returns the number of pages."""
    with db.transaction() as session:
        board = load_dashboard(session, form, township_code, today)
    return write_dashboard_table(board, form, out_path, township=township,
                                 as_of=today, lang=lang)


def write_dashboard_table(dash: Dashboard, form: FormDefinition, out_path: Path, *,
                          township: str, as_of: dt.date, lang: str = "zh") -> int:
    styles = make_styles()
    decor = PageNumberDecor(styles.font, lang, header=render("print.stats.title", lang))
    story = township_story(dash, form, styles, lang, township=township, as_of=as_of)
    return build_pdf(out_path, parts_story([(decor, story)], 1),
                     title=render("print.stats.title", lang), pagesize=landscape_a4(),
                     footer=FOOTER_SMALL)
