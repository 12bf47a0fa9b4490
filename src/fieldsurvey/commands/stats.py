"""``fieldsurvey stats``: the office's monthly table, printed and optionally saved.

The text shows each area's subtotal and each registration type's total (the Excel
and PDF files have the full area × type table); ``--json`` prints every cell.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from fieldsurvey.cases.month_end import RATES, Figures, month_end
from fieldsurvey.county.stats import (
    COLUMNS,
    MonthlyTable,
    StatsError,
    area_header,
    footnotes,
    monthly_table,
    table_json,
    title,
    type_label,
)
from fieldsurvey.messages import render
from fieldsurvey.progress import Cancelled

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def parse_month(text: str) -> tuple[int, int] | None:
    """``2026-11`` -> (2026, 11); ``None`` unless it names a real month."""
    match = _MONTH.fullmatch(text.strip())
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    try:
        month_end(year, month)
    except StatsError:
        return None
    return year, month


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, *, right: bool) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _figure_text(figures: Figures, key: str) -> str:
    if key in RATES:
        from fieldsurvey.cases.rates import rate_text

        return rate_text(*figures.rate_parts(key))
    return str(figures.value(key))


def _grid(first: str, rows: Sequence[tuple[str, Figures]], lang: str) -> list[str]:
    header = [first, *(render(f"office_stats.figure.{key}", lang) for key in COLUMNS)]
    body = [[label, *(_figure_text(figures, key) for key in COLUMNS)]
            for label, figures in rows]
    widths = [max(_width(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, widths[i], right=i > 0) for i, cell in enumerate(line)).rstrip()
             for line in [header, *body]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def table_text(table: MonthlyTable, lang: str) -> str:
    """The table as plain text: by area, then by registration type."""
    total = render("office_stats.total", lang)
    by_area = [(area.name, table.area_totals[area.code]) for area in table.areas]
    by_type = [(type_label(t, lang), table.type_totals[t]) for t in table.types]
    area = area_header(table.profile, lang)
    lines = [
        title(table, lang),
        render("cli_stats.heading", lang, unit=table.profile.unit_name,
               date=table.month_end.isoformat()),
        "",
        render("cli_stats.by_area", lang, area=area),
        *_grid(area, [*by_area, (total, table.total)], lang),
        "",
        render("cli_stats.by_type", lang),
        *_grid(render("office_stats.col.type", lang), [*by_type, (total, table.total)], lang),
        "",
        footnotes(table, lang),
    ]
    return "\n".join(lines)


def stats_command(target: str, lang: str, month: str, xlsx: str | None, pdf: str | None,
                  as_json: bool, approved_only: bool = False) -> int:
    """Print the month's table of the office database ``target`` (a file or a URL) and
    write the files asked for. 0 on success, 1 when something failed, 2 for a bad month."""
    parsed = parse_month(month)
    if parsed is None:
        print(render("cli_stats.bad_month", lang, month=month), file=sys.stderr)
        return 2
    if "://" not in target and not Path(target).expanduser().is_file():
        # Opening would create an empty office database at a mistyped path.
        print(render("cli_stats.no_database", lang, path=target), file=sys.stderr)
        return 1
    from fieldsurvey.county.db import open_office
    from fieldsurvey.county.office import load_office_profile
    from fieldsurvey.store.db import StoreError

    try:
        db = open_office(target)
    except StoreError as exc:
        print(exc.message.render(lang), file=sys.stderr)
        return 1
    try:
        with db.transaction() as session:
            profile = load_office_profile(session)
        if profile is None:
            print(render("cli_stats.no_profile", lang, url=db.url), file=sys.stderr)
            return 1
        table = monthly_table(db, *parsed, profile,
                              basis="approved" if approved_only else "all")
    finally:
        db.close()
    if as_json:
        print(json.dumps(table_json(table), ensure_ascii=False, indent=2))
    else:
        print(table_text(table, lang))
    return _write_files(table, lang, xlsx, pdf, quiet=as_json)


def _write_files(table: MonthlyTable, lang: str, xlsx: str | None, pdf: str | None, *,
                 quiet: bool) -> int:
    done = sys.stderr if quiet else sys.stdout  # JSON output stays pure JSON
    if xlsx:
        from fieldsurvey.county.stats_xlsx import write_table_xlsx

        try:
            write_table_xlsx(table, Path(xlsx), lang)
        except (OSError, Cancelled) as exc:
            detail = getattr(exc, "strerror", None) or type(exc).__name__
            print(render("cli_stats.write_failed", lang, path=xlsx, detail=detail),
                  file=sys.stderr)
            return 1
        print(render("cli_stats.written", lang, path=xlsx), file=done)
    if pdf:
        from fieldsurvey.printing.county_table import write_county_table
        from fieldsurvey.printing.errors import PrintError

        try:
            write_county_table(table, Path(pdf), lang)
        except (PrintError, Cancelled) as exc:
            message = getattr(exc, "message", None)
            print(message.render(lang) if message is not None
                  else render("cli_stats.write_failed", lang, path=pdf,
                              detail=type(exc).__name__), file=sys.stderr)
            return 1
        print(render("cli_stats.written", lang, path=pdf), file=done)
    return 0
