"""The shipped form's next version as the county would publish it: 2026120503 renames
the statistics question ``staff_total`` (fs_stat staff_total) to ``staff_count``,
declared in ``fs_previous_name``, so a visit's facts can only be right if they are
read with its own version."""

from __future__ import annotations

from pathlib import Path

import openpyxl  # type: ignore[import-untyped]

from fieldsurvey.resources import forms_dir

SHIPPED = forms_dir() / "so_union_visit.xlsx"
V3 = "2026120503"
OLD, NEW = "staff_total", "staff_count"


def next_shipped_form(folder: Path) -> Path:
    """Write the new version into ``folder`` (a test fixture, not the app's writer)."""
    book = openpyxl.load_workbook(SHIPPED)
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    name_col, previous_col = header.index("name") + 1, len(header) + 1
    survey.cell(1, previous_col, "fs_previous_name")
    for row in survey.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and "${" + OLD + "}" in cell.value:
                cell.value = cell.value.replace("${" + OLD + "}", "${" + NEW + "}")
        if row[name_col - 1].value == OLD:
            row[name_col - 1].value = NEW
            survey.cell(row[0].row, previous_col, OLD)
    settings = book["settings"]
    version_col = [c.value for c in settings[1]].index("version") + 1
    settings.cell(2, version_col, V3)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"so_union_visit-{V3}.xlsx"
    book.save(path)
    return path
