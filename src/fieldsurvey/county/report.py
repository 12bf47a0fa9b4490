"""The report of an import batch: what became of every file, on screen and in Excel.

It is read back from the database (``batch_file``), so a batch imported by a
colleague on another PC, or last month, shows exactly as it did then.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fieldsurvey.atomic import write_atomically
from fieldsurvey.cellwriter import CellWriter
from fieldsurvey.county.merge import OUTCOMES
from fieldsurvey.county.models import BatchFile, ImportBatch
from fieldsurvey.messages import render


@dataclass(frozen=True)
class BatchLine:
    position: int
    file_name: str
    outcome: str  # "imported" | "already" (imported before, unchanged) | "rejected"
    reason: dict[str, str] | None  # language -> words
    details: list[str]
    bundle_id: str | None
    producer_name: str | None
    unit_code: str | None
    unit_name: str | None
    sequence: int | None
    new: int
    updated: int
    unchanged: int
    superseded: int
    conflict: int

    def reason_in(self, lang: str) -> str:
        return (self.reason or {}).get(lang, "") or next(iter((self.reason or {}).values()), "")


@dataclass(frozen=True)
class BatchSummary:
    batch_id: str
    started_at: dt.datetime
    imported_by: str
    files: int
    imported: int
    rejected: int


def batch_lines(session: Session, batch_id: str) -> list[BatchLine]:
    rows = session.scalars(select(BatchFile).where(BatchFile.batch_id == batch_id)
                           .order_by(BatchFile.position, BatchFile.id))
    return [BatchLine(
        r.position, r.file_name, r.outcome,
        json.loads(r.reason_json) if r.reason_json else None, json.loads(r.details_json),
        r.bundle_id, r.producer_name, r.unit_code, r.unit_name, r.sequence,
        r.new, r.updated, r.unchanged, r.superseded, r.conflict) for r in rows]


def recent_batches(session: Session, limit: int = 20) -> list[BatchSummary]:
    # A file already in counts with the imported ones: it is in the database.
    rejected = func.sum(case((BatchFile.outcome == "rejected", 1), else_=0))
    stmt = (select(ImportBatch.id, ImportBatch.started_at, ImportBatch.imported_by,
                   func.count(BatchFile.id), rejected)
            .join(BatchFile, BatchFile.batch_id == ImportBatch.id)
            .group_by(ImportBatch.id, ImportBatch.started_at, ImportBatch.imported_by)
            .order_by(ImportBatch.started_at.desc()).limit(limit))
    return [BatchSummary(b, started, by, int(n), int(n) - int(bad or 0), int(bad or 0))
            for b, started, by, n, bad in session.execute(stmt)]


def totals(lines: Sequence[BatchLine]) -> dict[str, int]:
    out: dict[str, int] = {k: sum(getattr(line, k) for line in lines) for k in OUTCOMES}
    out["rejected"] = sum(line.outcome == "rejected" for line in lines)
    out["already"] = sum(line.outcome == "already" for line in lines)
    return out


_COLUMNS = ("file", "unit", "producer", "sequence", "outcome", *OUTCOMES, "reason")


def write_batch_report(lines: Sequence[BatchLine], path: Path, lang: str) -> None:
    """The batch as one worksheet (a header, a line per file, a totals line), atomically.

    File, unit and officer names come from the files themselves: every value goes
    through the cell writer, so ``=1+1.xlsx`` stays text.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    cells = CellWriter(sheet)
    sheet.title = render("office.report.sheet", lang)
    sheet.append(cells.row([render("office.report.title", lang)]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(cells.row([render(f"office.report.col.{c}", lang) for c in _COLUMNS]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in lines:
        unit = f"{line.unit_name or ''}（{line.unit_code}）" if line.unit_code else ""
        sheet.append(cells.row([
            Path(line.file_name).name, unit, line.producer_name or "", line.sequence,
            render(f"office.report.{line.outcome}", lang),
            *(getattr(line, k) for k in OUTCOMES),
            "\n".join([line.reason_in(lang), *line.details]).strip()]))
    sum_line = totals(lines)
    sheet.append(cells.row([
        render("office.report.total", lang), "", "", None,
        render("office.report.rejected_count", lang, count=sum_line["rejected"]),
        *(sum_line[k] for k in OUTCOMES), ""]))
    for row in sheet.iter_rows(min_row=3):
        row[-1].alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGHIJK", (34, 28, 10, 6, 8, 8, 8, 8, 10, 8, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    write_atomically(path, book.save)
