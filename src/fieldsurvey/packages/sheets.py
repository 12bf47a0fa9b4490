"""The package's workbook: a cover, the returned visits' threads, the register.

Every cell is text written through the one cell writer (no cell can become a
formula, and every reader gives back exactly what was written), so the same
sheets are what a person reads in Excel and what the officer's app reads back:
there is no second copy of the data that could say something else. Codes stand
beside their labels where a person needs the label and the app the code.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from python_calamine import CalamineError, CalamineWorkbook

from fieldsurvey.bundles.manifest import utc_text
from fieldsurvey.bundles.records import OrganizationRecord
from fieldsurvey.cellwriter import CellWriter
from fieldsurvey.messages import LANGUAGES, render
from fieldsurvey.packages.contents import Entry, PackageContents, ReturnedVisit

SHEET_COVER = "封面"
SHEET_RETURNS = "退回修改"
SHEET_REGISTER = "名录"
SIGNATURE_SHEETS = frozenset({SHEET_COVER, SHEET_RETURNS, SHEET_REGISTER})

RETURN_COLUMNS = ("走访编号", "组织编号", "组织名称", "走访日期", "当前版本", "当前状态",
                  "状态代码", "序号", "版本", "动作", "动作代码", "此后状态", "题目", "题目代码",
                  "意见",
                  "经办人", "时间", "回复编号")
REGISTER_COLUMNS = ("组织编号", "名称", "统一社会信用代码", "登记类型", "领域", "业务主管单位",
                    "住所", "法定代表人", "电话", "乡镇代码", "登记日期", "创建时间", "更新时间",
                    "县里所见状态")
_ORG_FIELDS = ("id", "name", "uscc", "reg_type", "field", "supervisor", "address",
               "legal_rep", "phone", "township_code")


class PackageFormatError(ValueError):
    """The sheets are not laid out as a package writes them."""


def _words(code: str, **params: Any) -> str:
    """Chinese first, then English: the township may open it on any computer."""
    return " / ".join(render(code, lang, **params) for lang in LANGUAGES)


def build_workbook(contents: PackageContents, *, sequence: int, created_at: dt.datetime,
                   office: str, labels: Mapping[str, str]) -> Any:
    """The package as a write-only openpyxl workbook (``labels``: question -> label)."""
    book = Workbook(write_only=True)
    cover = book.create_sheet(SHEET_COVER)
    put = CellWriter(cover)
    for key, value in (("office", office),
                       ("township", f"{contents.township_name}（{contents.township_code}）"),
                       ("sequence", str(sequence)), ("created_at", utc_text(created_at)),
                       ("returns", str(contents.open_returns)),
                       ("organizations", str(len(contents.register))),
                       ("notice", contents.notice)):
        cover.append([put.shown(_words(f"package.cover.{key}")), put.shown(value)])
    returns = book.create_sheet(SHEET_RETURNS)
    put = CellWriter(returns)
    returns.append([put.text(c) for c in RETURN_COLUMNS])
    for visit in contents.returns:
        for row in _return_rows(visit, labels):
            returns.append([put.text(v) for v in row])
    register = book.create_sheet(SHEET_REGISTER)
    put = CellWriter(register)
    register.append([put.text(c) for c in REGISTER_COLUMNS])
    for org in contents.register:
        register.append([put.text(v) for v in _register_row(org, contents.status)])
    return book


def _return_rows(visit: ReturnedVisit, labels: Mapping[str, str]) -> Iterator[list[str]]:
    head = [visit.visit_id, visit.organization_id, visit.organization_name,
            visit.visit_date.isoformat() if visit.visit_date else "", str(visit.revision),
            render(f"review.state.{visit.state}", "zh"), visit.state]
    for e in visit.thread:
        entry = [str(e.number), str(e.revision), render(f"review.action.{e.action}", "zh"),
                 e.action, e.state]
        tail = [e.by, utc_text(e.at), e.reply_id]
        yield [*head, *entry, "", "", e.comment, *tail]
        for name, comment in sorted(e.questions.items()):
            yield [*head, *entry, labels.get(name, name), name, comment, *tail]


def _register_row(org: OrganizationRecord, status: Mapping[str, str]) -> list[str]:
    return [*(getattr(org, f) or "" for f in _ORG_FIELDS),
            org.registered_on.isoformat() if org.registered_on else "",
            utc_text(org.created_at), utc_text(org.updated_at), status.get(org.id, "")]


# -- reading back ------------------------------------------------------------------------

def _rows(book: CalamineWorkbook, title: str, columns: Sequence[str]) -> list[list[str]]:
    rows = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    if not rows or tuple(rows[0][:len(columns)]) != tuple(columns):
        raise PackageFormatError(f"sheet {title}: columns differ")
    out: list[list[str]] = []
    for n, row in enumerate(rows[1:], 2):
        cells = [*row, *([""] * (len(columns) - len(row)))]
        if any(not isinstance(c, str) for c in cells) or any(c != "" for c in
                                                             cells[len(columns):]):
            raise PackageFormatError(f"sheet {title} row {n}: not text")
        out.append([str(c) for c in cells[:len(columns)]])
    return out


def _time(text: str, where: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise PackageFormatError(f"{where}: time without zone")
    return moment


def read_sheets(data: bytes, township: tuple[str, str], notice: str) -> PackageContents:
    """The contents of verified package bytes; :class:`PackageFormatError` if malformed."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        returns = _read_returns(_rows(book, SHEET_RETURNS, RETURN_COLUMNS))
        register, status = _read_register(_rows(book, SHEET_REGISTER, REGISTER_COLUMNS))
    except PackageFormatError:
        raise
    except (CalamineError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise PackageFormatError(f"{type(exc).__name__}: {exc}") from exc
    return PackageContents(township[0], township[1], returns, register, status, notice)


def _read_returns(rows: list[list[str]]) -> tuple[ReturnedVisit, ...]:
    heads: dict[str, list[str]] = {}
    entries: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for n, row in enumerate(rows, 2):
        where = f"{SHEET_RETURNS} row {n}"
        visit_id = row[0]
        if heads.setdefault(visit_id, row[:7]) != row[:7]:
            raise PackageFormatError(f"{where}: the visit's columns differ")
        number = int(row[7])
        entry = entries[visit_id].setdefault(number, {
            "number": number, "revision": int(row[8]), "action": row[10],
            "state": row[11], "comment": "", "questions": {}, "by": row[15],
            "at": _time(row[16], where), "reply_id": row[17]})
        if row[13]:
            entry["questions"][row[13]] = row[14]
        else:
            entry["comment"] = row[14]
    out = []
    for visit_id, head in heads.items():
        thread = tuple(Entry(**e) for _, e in sorted(entries[visit_id].items()))
        out.append(ReturnedVisit(visit_id, head[1], head[2],
                                 dt.date.fromisoformat(head[3]) if head[3] else None,
                                 int(head[4]), head[6], thread))
    return tuple(out)


def _read_register(rows: list[list[str]]) -> tuple[tuple[OrganizationRecord, ...],
                                                   dict[str, str]]:
    orgs, status = [], {}
    for n, row in enumerate(rows, 2):
        where = f"{SHEET_REGISTER} row {n}"
        if not row[0] or not row[1] or not row[9]:
            raise PackageFormatError(f"{where}: id, name and township are required")
        optional = {f: row[i] or None for i, f in enumerate(_ORG_FIELDS)
                    if f not in ("id", "name", "township_code")}
        orgs.append(OrganizationRecord(
            id=row[0], name=row[1], township_code=row[9], **optional,
            created_at=_time(row[11], where), updated_at=_time(row[12], where),
            registered_on=dt.date.fromisoformat(row[10]) if row[10] else None))
        if row[13]:
            status[row[0]] = row[13]
    return tuple(orgs), status
