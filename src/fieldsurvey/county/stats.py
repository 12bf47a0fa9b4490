"""The office's monthly table: the campaign's figures per area and registration type.

Figures are as of the month's last day (inclusive), from the merged database
(DOMAIN.md, "Numbers the county reports"):

- an *organization* is a ``merged_organization`` row not marked ``duplicate_of``;
  the visits of one marked as a duplicate count for the one it duplicates;
- *counted visits*: final, not deleted, ``visit_date`` on or before the month's end;
- *registered*: created (UTC date) by the month's end, or visited by then;
- *visited*: it has a counted visit;
- *operating*: the latest counted completed visit found it operating, and its status
  (``cases.status.derive_status``) is not ``gone``;
- *with a union*: status ``union``, operating, and the union set up by the month's end
  (or its date unknown), split by form; coverage rate 建会率 = unions ÷ operating;
- *new unions*: with a union at this month's end but not at the previous month's end;
- *staff*: staff of the operating organizations; *members*: members of the counted
  unions; membership rate 入会率 = members ÷ staff;
- *committees*: counted unions with all three committees; *dues*: counted unions paying
  dues in full.

Rows are areas: townships (9 digits) at a county office, counties (6 digits) at a
city office. Two streamed queries (organizations, visits) in portable SQLAlchemy Core
feed one fold in Python; the table and :func:`explain_cell` both come from that fold,
so a cell's count is always the length of its explanation.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fieldsurvey.cases.status import COVERED_UNION_STATUSES, Status, derive_status
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.models import MergedOrganization, MergedVisit, Unit
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.messages import render

#: Union forms in the order of the table's columns.
UNION_FORMS = ("own", "joint", "federation", "individual")
#: The committees a union should all have (choice names of the form's ``committees`` list).
THREE_COMMITTEES = frozenset({"union_committee", "audit_committee", "women_committee"})
#: The ``dues_paid`` answer meaning "paid in full and on time" (the form's ``yes_no`` list).
DUES_IN_FULL = "yes"
#: The registration type of an organization whose type nobody recorded.
UNKNOWN_TYPE = ""
#: The form's list of registration types, and the form its labels come from.
REG_TYPE_LIST = "reg_type"
SHIPPED_FORM = "so_union_visit.xlsx"

#: Every figure, in the table's column order (rates excluded). All but ``staff`` and
#: ``members`` count organizations; those two sum people over the organizations listed.
FIGURES: tuple[str, ...] = (
    "registered", "visited", "operating", "unions",
    *(f"union_{form}" for form in UNION_FORMS),
    "new_unions", "staff", "members", "committees_full", "dues_full",
)
#: Rates: numerator and denominator figures.
RATES: dict[str, tuple[str, str]] = {"coverage": ("unions", "operating"),
                                     "membership": ("members", "staff")}
#: The table's column groups, each figure or rate once, in order.
COLUMN_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("orgs", ("registered", "visited", "operating")),
    ("unions", ("unions", *(f"union_{form}" for form in UNION_FORMS), "coverage",
                "new_unions")),
    ("members", ("staff", "members", "membership")),
    ("work", ("committees_full", "dues_full")),
)
COLUMNS: tuple[str, ...] = tuple(key for _, keys in COLUMN_GROUPS for key in keys)
_INDEX = {key: i for i, key in enumerate(FIGURES)}


class StatsError(ValueError):
    """A figure key that is not one of :data:`FIGURES`, or a month that does not exist."""


@dataclass(frozen=True)
class Figures:
    """One cell's figures (fields in :data:`FIGURES` order)."""

    registered: int = 0
    visited: int = 0
    operating: int = 0
    unions: int = 0
    union_own: int = 0
    union_joint: int = 0
    union_federation: int = 0
    union_individual: int = 0
    new_unions: int = 0
    staff: int = 0
    members: int = 0
    committees_full: int = 0
    dues_full: int = 0

    @property
    def coverage(self) -> float | None:
        """建会率, or ``None`` when nothing operates."""
        return self.unions / self.operating if self.operating else None

    @property
    def membership(self) -> float | None:
        """入会率, or ``None`` when no staff are counted."""
        return self.members / self.staff if self.staff else None

    def value(self, key: str) -> int | float | None:
        """A figure or a rate by key."""
        if key in RATES:
            return self.coverage if key == "coverage" else self.membership
        if key not in _INDEX:
            raise StatsError(f"unknown figure {key!r}")
        return int(getattr(self, key))

    def rate_parts(self, key: str) -> tuple[int, int]:
        """Numerator and denominator of a rate."""
        part, whole = RATES[key]
        return int(getattr(self, part)), int(getattr(self, whole))

    def as_dict(self) -> dict[str, int | float | None]:
        out: dict[str, int | float | None] = dataclasses.asdict(self)
        out["coverage"], out["membership"] = self.coverage, self.membership
        return out


assert tuple(f.name for f in dataclasses.fields(Figures)) == FIGURES


def floored_rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded *down* to 0.1% (as ``printing.stats_table.rate_text``
    shows it: 84.96% is not the 85% target), or ``None`` when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (part * 1000 // whole) / 1000


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class CountedOrganization:
    """One organization as the month's table counts it."""

    id: str
    name: str
    uscc: str
    township_code: str
    area: str
    reg_type: str  # "" when unknown
    status: Status
    union_status: str  # the latest completed visit's answer ("" without one)
    staff: int | None
    members: int | None
    last_visit: dt.date | None  # the latest counted visit's date
    figures: frozenset[str]  # the figure keys this organization counts in


@dataclass(frozen=True)
class MonthlyTable:
    year: int
    month: int
    month_end: dt.date
    profile: OfficeProfile
    areas: tuple[Area, ...]  # in code order, including known units with nothing counted
    types: tuple[str, ...]  # registration types counted anywhere, in the form's order
    cells: Mapping[tuple[str, str], Figures]  # (area, type) -> figures; only non-empty cells
    area_totals: Mapping[str, Figures]
    type_totals: Mapping[str, Figures]
    total: Figures

    def types_in(self, area: str) -> list[str]:
        """The registration types with a cell in ``area``, in the table's order."""
        return [t for t in self.types if (area, t) in self.cells]

    def cell(self, area: str | None, reg_type: str | None) -> Figures:
        """The figures of one cell; ``None`` totals across areas or types."""
        if area is None and reg_type is None:
            return self.total
        if area is None:
            return self.type_totals.get(str(reg_type), Figures())
        if reg_type is None:
            return self.area_totals.get(area, Figures())
        return self.cells.get((area, reg_type), Figures())

    def area_name(self, code: str) -> str:
        return next((a.name for a in self.areas if a.code == code), code)


# -- the fold ---------------------------------------------------------------------------

def month_end(year: int, month: int) -> dt.date:
    """The month's last day; :class:`StatsError` for a month that does not exist."""
    try:
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise StatsError(f"no such month {year}-{month}") from exc


def previous_month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1) - dt.timedelta(days=1)


_V = MergedVisit.__table__.c
_O = MergedOrganization.__table__.c
# Core columns (no ORM row loading). The visits arrive oldest first (date, then last
# update, then id), so the later of two rows is always the more recent visit.
_VISIT_COLUMNS = (_V.organization_id, _V.visit_date, _V.visit_result, _V.operating_status,
                  _V.reg_type, _V.staff_total, _V.union_status, _V.union_setup_date,
                  _V.union_members, _V.committees, _V.dues_paid)
_VISIT_ORDER = (_V.visit_date, _V.updated_at, _V.id)
# Positions in a visit row.
_DATE, _RESULT, _OPERATING, _REG, _STAFF, _UNION, _SETUP, _MEMBERS, _COMMITTEES, \
    _DUES = range(1, 11)
_BATCH = 5000


def _stream(session: Session, statement: Select[Any]) -> Iterator[Any]:
    """The rows of ``statement``, fetched a batch at a time (a server-side cursor on
    PostgreSQL), never all in memory at once."""
    result = session.execute(statement, execution_options={"yield_per": _BATCH})
    for batch in result.partitions(_BATCH):
        yield from batch


@dataclass(slots=True)
class _Org:
    id: str
    name: str
    uscc: str
    reg_type: str
    township_code: str
    created_by_end: bool  # created (UTC) on or before the month's last day
    # Latest counted visit and latest counted completed visit (rows), at this month's end
    # and at the previous month's.
    last: Any = None
    done: Any = None
    prev_last: Any = None
    prev_done: Any = None


def _resolve(org_id: str, duplicate_of: Mapping[str, str]) -> str:
    """The organization ``org_id`` stands for: follows ``duplicate_of`` to its end."""
    seen = {org_id}
    while org_id in duplicate_of:
        org_id = duplicate_of[org_id]
        if org_id in seen:  # a cycle: nothing stands for it
            return ""
        seen.add(org_id)
    return org_id


@dataclass(frozen=True, slots=True)
class _State:
    status: Status
    operating: bool
    union: bool


def _evaluate(last: Any, done: Any, cutoff: dt.date) -> _State:
    """The organization's state at ``cutoff`` from its latest counted visit and latest
    counted completed visit then (both the same rule for this month and the last)."""
    status = derive_status(last[_RESULT] if last is not None else None,
                           done[_UNION] if done is not None else None,
                           visited=last is not None, completed=done is not None)
    operating = done is not None and done[_OPERATING] == "operating" and status != "gone"
    setup = done[_SETUP] if done is not None else None
    union = status == "union" and operating and (setup is None or setup <= cutoff)
    return _State(status, operating, union)


def _counted(org: _Org, end: dt.date, prev_end: dt.date,
             area_of: Callable[[str], str]) -> CountedOrganization | None:
    """What ``org`` counts in as of ``end``; ``None`` when not on the register yet."""
    last, done = org.last, org.done
    if last is None and not org.created_by_end:
        return None
    now = _evaluate(last, done, end)
    keys = ["registered"]
    if last is not None:
        keys.append("visited")
    staff = done[_STAFF] if done is not None else None
    members = done[_MEMBERS] if done is not None else None
    union_status = (done[_UNION] or "") if done is not None else ""
    if now.operating:
        keys += ["operating", "staff"]
    if now.union:
        keys += ["unions", "members"]
        if union_status in COVERED_UNION_STATUSES:
            keys.append(f"union_{union_status}")
        if not _evaluate(org.prev_last, org.prev_done, prev_end).union:
            keys.append("new_unions")
        if set((done[_COMMITTEES] or "").split()) >= THREE_COMMITTEES:
            keys.append("committees_full")
        if done[_DUES] == DUES_IN_FULL:
            keys.append("dues_full")
    reg_type = org.reg_type or (done[_REG] if done is not None else None) or UNKNOWN_TYPE
    return CountedOrganization(
        id=org.id, name=org.name, uscc=org.uscc, township_code=org.township_code,
        area=area_of(org.township_code), reg_type=reg_type, status=now.status,
        union_status=union_status, staff=staff, members=members,
        last_visit=last[_DATE] if last is not None else None, figures=frozenset(keys))


def _fold(session: Session, year: int, month: int,
          profile: OfficeProfile) -> Iterator[CountedOrganization]:
    """Every organization on the register at the month's end, with what it counts in."""
    end = month_end(year, month)
    prev_end = previous_month_end(year, month)
    orgs: dict[str, _Org] = {}
    duplicate_of: dict[str, str] = {}
    # Compared in SQL: no datetime is built per organization.
    next_day = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
    created = (_O.created_at < next_day).label("created_by_end")
    organizations = select(_O.id, _O.name, _O.uscc, _O.reg_type, _O.township_code, created,
                           _O.duplicate_of)
    for org_id, name, uscc, reg_type, township, early, dup in _stream(session, organizations):
        if dup is not None:
            duplicate_of[org_id] = dup
        else:
            orgs[org_id] = _Org(org_id, name, uscc or "", reg_type or "", township,
                                bool(early))
    visits = (select(*_VISIT_COLUMNS)
              .where(_V.deleted_at.is_(None), _V.status == "final", _V.visit_date <= end)
              .order_by(*_VISIT_ORDER))
    row: Any
    for row in _stream(session, visits):
        owner = row[0]
        org = orgs.get(owner) or orgs.get(_resolve(owner, duplicate_of))
        if org is None:  # not on any register this office holds
            continue
        completed = row[_RESULT] == "completed"
        org.last = row
        if completed:
            org.done = row
        if row[_DATE] <= prev_end:
            org.prev_last = row
            if completed:
                org.prev_done = row
    area_of = profile.area_of
    for org in orgs.values():
        counted = _counted(org, end, prev_end, area_of)
        if counted is not None:
            yield counted


def counted_organizations(db: OfficeDatabase, year: int, month: int,
                          profile: OfficeProfile) -> list[CountedOrganization]:
    """Every organization on the register at the month's end, as the table counts it."""
    with db.transaction() as session:
        return list(_fold(session, year, month, profile))


# -- the table ---------------------------------------------------------------------------

@dataclass
class _Sum:
    values: list[int] = field(default_factory=lambda: [0] * len(FIGURES))

    def add(self, org: CountedOrganization) -> None:
        values = self.values
        for key in org.figures:
            if key == "staff":
                values[_INDEX[key]] += org.staff or 0
            elif key == "members":
                values[_INDEX[key]] += org.members or 0
            else:
                values[_INDEX[key]] += 1

    def merge(self, other: _Sum) -> None:
        self.values = [a + b for a, b in zip(self.values, other.values, strict=True)]

    def figures(self) -> Figures:
        return Figures(*self.values)


@cache
def type_labels(lang: str) -> dict[str, str]:
    """Registration type code -> label, in the shipped form's order."""
    from fieldsurvey.forms.loader import load_form
    from fieldsurvey.resources import forms_dir

    return load_form(forms_dir() / SHIPPED_FORM).choice_labels(REG_TYPE_LIST, lang)


def type_label(code: str, lang: str) -> str:
    if code == UNKNOWN_TYPE:
        return render("office_stats.type_unknown", lang)
    return type_labels(lang).get(code, code)


def area_header(profile: OfficeProfile, lang: str) -> str:
    """The area column's heading: townships at a county, counties at a city."""
    if profile.role == "city":
        return render("office_stats.col.area_city", lang)
    return render("office_stats.col.area_county", lang)


def _type_order(types: Iterable[str]) -> tuple[str, ...]:
    known = list(type_labels("zh"))
    present = set(types)
    return (tuple(t for t in known if t in present)
            + tuple(sorted(present - set(known) - {UNKNOWN_TYPE}))
            + ((UNKNOWN_TYPE,) if UNKNOWN_TYPE in present else ()))


def monthly_table(db: OfficeDatabase, year: int, month: int,
                  profile: OfficeProfile) -> MonthlyTable:
    """The figures as of the month's last day, per area and registration type."""
    end = month_end(year, month)
    cells: dict[tuple[str, str], _Sum] = {}
    by_area: dict[str, _Sum] = {}
    by_type: dict[str, _Sum] = {}
    total = _Sum()
    with db.transaction() as session:
        for org in _fold(session, year, month, profile):
            cell = cells.get((org.area, org.reg_type))
            if cell is None:
                cell = cells[(org.area, org.reg_type)] = _Sum()
            cell.add(org)
        units: dict[str, str] = dict(session.execute(select(Unit.code, Unit.name)).all())
    # Totals are sums of the cells: every organization is in exactly one cell.
    for (area, reg_type), cell in cells.items():
        by_area.setdefault(area, _Sum()).merge(cell)
        by_type.setdefault(reg_type, _Sum()).merge(cell)
        total.merge(cell)
    # Every unit of this office's area is a row, even with nothing counted yet.
    digits = profile.area_digits
    codes = set(by_area) | {code for code in units
                            if len(code) == digits and code.startswith(profile.unit_code)}
    areas = tuple(Area(code, units.get(code) or code) for code in sorted(codes))
    return MonthlyTable(
        year=year, month=month, month_end=end, profile=profile, areas=areas,
        types=_type_order(by_type),
        cells={k: v.figures() for k, v in cells.items()},
        area_totals={a.code: by_area[a.code].figures() if a.code in by_area else Figures()
                     for a in areas},
        type_totals={k: v.figures() for k, v in by_type.items()},
        total=total.figures(),
    )


def explain_cell(db: OfficeDatabase, year: int, month: int, profile: OfficeProfile,
                 area: str | None, reg_type: str | None,
                 figure: str) -> list[CountedOrganization]:
    """The organizations one cell of the table counts (``None``: across all areas or
    types), by township and name. For ``staff`` and ``members`` they are the
    organizations whose people are summed."""
    if figure not in _INDEX:
        raise StatsError(f"unknown figure {figure!r}; one of {', '.join(FIGURES)}")
    found = [org for org in counted_organizations(db, year, month, profile)
             if figure in org.figures and (area is None or org.area == area)
             and (reg_type is None or org.reg_type == reg_type)]
    return sorted(found, key=lambda o: (o.township_code, o.name, o.id))


# -- the layout every export shares ----------------------------------------------------

RowKind = Literal["type", "subtotal", "type_total", "grand_total"]


@dataclass(frozen=True)
class TableRow:
    """One printed row: a block (an area, or the totals) lists its types then a total."""

    kind: RowKind
    area: str | None  # the area's code; None in the totals block
    reg_type: str | None  # None on a subtotal and the grand total
    figures: Figures
    block_start: bool  # the first row of its block
    block_size: int  # rows in its block (on the first row; the area cell spans them)


def table_rows(table: MonthlyTable) -> list[TableRow]:
    """Each area's types and its subtotal, then each type's total and the grand total."""
    rows: list[TableRow] = []

    def block(area: str | None, types: list[str], total: Figures,
              kinds: tuple[RowKind, RowKind]) -> None:
        size = len(types) + 1
        for i, reg_type in enumerate(types):
            rows.append(TableRow(kinds[0], area, reg_type, table.cell(area, reg_type),
                                 i == 0, size))
        rows.append(TableRow(kinds[1], area, None, total, not types, size))

    for area in table.areas:
        block(area.code, table.types_in(area.code), table.area_totals[area.code],
              ("type", "subtotal"))
    block(None, list(table.types), table.total, ("type_total", "grand_total"))
    return rows


def row_labels(row: TableRow, table: MonthlyTable, lang: str) -> tuple[str, str]:
    """The area and type cells of a printed row."""
    area = (table.area_name(row.area) if row.area is not None
            else render("office_stats.total", lang))
    if row.kind == "subtotal":
        return area, render("office_stats.subtotal", lang)
    if row.kind == "grand_total":
        return area, render("office_stats.grand_total", lang)
    return area, type_label(row.reg_type or UNKNOWN_TYPE, lang)


def title(table: MonthlyTable, lang: str) -> str:
    return render("office_stats.title", lang, year=table.year, month=table.month)


def heading_parts(table: MonthlyTable, lang: str, filled_on: dt.date) -> tuple[str, str, str]:
    """The line under the title: 填报单位 (left), the as-of date (centre), 填报日期 and the
    units (right)."""
    return (render("office_stats.unit_line", lang, unit=table.profile.unit_name),
            render("office_stats.as_of_line", lang, date=table.month_end.isoformat()),
            render("office_stats.date_line", lang, date=filled_on.isoformat()) + "\u00a0" * 4
            + render("office_stats.units_note", lang))


def signature_labels(lang: str) -> tuple[str, str, str]:
    """单位负责人, 审核人, 填表人: the line under the notes."""
    return (render("office_stats.sign.head", lang), render("office_stats.sign.checker", lang),
            render("office_stats.sign.filler", lang))


# -- JSON --------------------------------------------------------------------------------

def table_json(table: MonthlyTable) -> dict[str, Any]:
    """The table for ``--json``: codes, not labels; rates as exact fractions or null."""
    return {
        "year": table.year,
        "month": table.month,
        "as_of": table.month_end.isoformat(),
        "office": {"role": table.profile.role, "unit_code": table.profile.unit_code,
                   "unit_name": table.profile.unit_name},
        "figures": list(FIGURES),
        "types": list(table.types),
        "areas": [{"code": area.code, "name": area.name,
                   "total": table.area_totals[area.code].as_dict(),
                   "by_type": {t: table.cells[(area.code, t)].as_dict()
                               for t in table.types_in(area.code)}}
                  for area in table.areas],
        "by_type": {t: table.type_totals[t].as_dict() for t in table.types},
        "total": table.total.as_dict(),
    }
