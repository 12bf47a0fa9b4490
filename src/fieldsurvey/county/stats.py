"""The office's monthly table: the campaign's figures per area and registration type.

Every figure is counted by :func:`fieldsurvey.cases.month_end.fold_month`, the one
definition the officer's dashboard uses too (its module doc states the rules, and
the table's footnotes repeat them). Here the merged database feeds it:

- an *organization* is a ``merged_organization`` row; the visits of one marked
  ``duplicate_of`` count for the one it duplicates;
- the *visits* are the merged finalized, not deleted ones, streamed oldest first.

Rows are areas: townships (9 digits) at a county office, counties (6 digits) at a
city office. Two streamed queries (organizations, visits) in portable SQLAlchemy Core
feed one fold in Python; the table and :func:`explain_cell` both come from that fold,
so a cell's count is always the length of its explanation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.cases.month_end import (
    FIGURES,
    UNION_FORMS,
    UNKNOWN_TYPE,
    CountedOrganization,
    FigureError,
    Figures,
    FigureSum,
    OrganizationFacts,
    fold_month,
    month_end,
    rules_text,
)
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.models import MergedOrganization, MergedVisit, ReceivedBundle, Unit
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.county.review import approved_visit_ids
from fieldsurvey.messages import render

#: The form's list of registration types, and the form its labels come from.
REG_TYPE_LIST = "reg_type"
SHIPPED_FORM = "so_union_visit.xlsx"

#: The table's column groups, each figure or rate once, in order.
COLUMN_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("orgs", ("registered", "visited", "census", "operating")),
    ("unions", ("unions", *(f"union_{form}" for form in UNION_FORMS), "coverage",
                "new_unions")),
    ("members", ("staff", "members", "membership")),
    ("work", ("committees_full", "dues_full")),
)
COLUMNS: tuple[str, ...] = tuple(key for _, keys in COLUMN_GROUPS for key in keys)
#: An unknown figure or a month that does not exist (the core's error, under the name
#: the office's callers know).
StatsError = FigureError
Basis = Literal["all", "approved"]
BASES: tuple[Basis, ...] = ("all", "approved")


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class Provenance:
    """When a table was made and from what: tables are rebuilt as late bundles arrive."""

    generated_at: dt.datetime  # aware
    bundles: int  # bundles merged into the database so far
    latest_bundle: dt.datetime | None  # the newest merged bundle's creation time


@dataclass(frozen=True)
class MonthlyTable:
    year: int
    month: int
    month_end: dt.date
    profile: OfficeProfile
    provenance: Provenance
    areas: tuple[Area, ...]  # in code order, including known units with nothing counted
    types: tuple[str, ...]  # registration types counted anywhere, in the form's order
    cells: Mapping[tuple[str, str], Figures]  # (area, type) -> figures; only non-empty cells
    area_totals: Mapping[str, Figures]
    type_totals: Mapping[str, Figures]
    total: Figures
    # "all" merged visits (the default) or only those "approved" in review: the table
    # says which, in its notes and its JSON.
    basis: Basis = "all"

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

_V = MergedVisit.__table__.c
_O = MergedOrganization.__table__.c
# Core columns (no ORM row loading), oldest first: date, then last update, then id.
_VISIT_COLUMNS = (_V.organization_id, _V.visit_date, _V.visit_result, _V.operating_status,
                  _V.reg_type, _V.staff_total, _V.union_status, _V.union_setup_date,
                  _V.union_members, _V.committees, _V.dues_paid)
_VISIT_ORDER = (_V.visit_date, _V.updated_at, _V.id)
_BATCH = 5000


def _stream(session: Session, statement: Select[Any]) -> Iterator[Any]:
    """The rows of ``statement``, fetched a batch at a time (a server-side cursor on
    PostgreSQL), never all in memory at once."""
    result = session.execute(statement, execution_options={"yield_per": _BATCH})
    for batch in result.partitions(_BATCH):
        yield from batch


def campaign_start() -> dt.date | None:
    """The campaign's start, as the shipped form states it (``fs_campaign_start``)."""
    start: dt.date | None = shipped_form().campaign_start
    return start


def _fold(session: Session, year: int, month: int, profile: OfficeProfile,
          basis: Basis = "all") -> Iterator[CountedOrganization]:
    """Every organization on the register at the month's end, with what it counts in."""
    end = month_end(year, month)
    organizations: list[OrganizationFacts] = []
    duplicate_of: dict[str, str] = {}
    query = select(_O.id, _O.name, _O.uscc, _O.reg_type, _O.township_code, _O.registered_on,
                   _O.duplicate_of)
    for org_id, name, uscc, reg_type, township, registered, dup in _stream(session, query):
        if dup is not None:
            duplicate_of[org_id] = dup
        else:
            organizations.append(OrganizationFacts(org_id, name, uscc or "", reg_type or "",
                                                   township, registered))
    visits = (select(*_VISIT_COLUMNS)
              .where(_V.deleted_at.is_(None), _V.status == "final", _V.visit_date <= end)
              .order_by(*_VISIT_ORDER))
    if basis == "approved":  # the same counting rule over the visits approved in review
        visits = visits.where(_V.id.in_(approved_visit_ids()))
    yield from fold_month(organizations, _stream(session, visits), year, month,
                          campaign_start=campaign_start(), area_of=profile.area_of,
                          duplicate_of=duplicate_of)


def counted_organizations(db: OfficeDatabase, year: int, month: int,
                          profile: OfficeProfile) -> list[CountedOrganization]:
    """Every organization on the register at the month's end, as the table counts it."""
    with db.sessions() as session:  # a read: a merge going on meanwhile is not held up
        return list(_fold(session, year, month, profile))


# -- the table ---------------------------------------------------------------------------

@cache
def shipped_form() -> Any:
    """The shipped form: its registration type labels and the campaign's start."""
    from fieldsurvey.forms.loader import load_form
    from fieldsurvey.resources import forms_dir

    return load_form(forms_dir() / SHIPPED_FORM)


@cache
def type_labels(lang: str) -> dict[str, str]:
    """Registration type code -> label, in the shipped form's order."""
    labels: dict[str, str] = shipped_form().choice_labels(REG_TYPE_LIST, lang)
    return labels


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


def _provenance(session: Session) -> Provenance:
    count, latest = session.execute(
        select(func.count(), func.max(ReceivedBundle.created_at))).one()
    if isinstance(latest, dt.datetime) and latest.tzinfo is None:
        latest = latest.replace(tzinfo=dt.UTC)  # max() bypasses the column's UTC type
    return Provenance(clock.now(), int(count), latest)


def monthly_table(db: OfficeDatabase, year: int, month: int,
                  profile: OfficeProfile, *, basis: Basis = "all") -> MonthlyTable:
    """The figures as of the month's last day, per area and registration type, from all
    merged visits or (``basis="approved"``) only those approved in review."""
    if basis not in BASES:
        raise StatsError(f"unknown basis {basis!r}; one of {', '.join(BASES)}")
    end = month_end(year, month)
    cells: dict[tuple[str, str], FigureSum] = {}
    by_area: dict[str, FigureSum] = {}
    by_type: dict[str, FigureSum] = {}
    total = FigureSum()
    with db.sessions() as session:
        for org in _fold(session, year, month, profile, basis):
            cell = cells.get((org.area, org.reg_type))
            if cell is None:
                cell = cells[(org.area, org.reg_type)] = FigureSum()
            cell.add(org)
        units: dict[str, str] = dict(session.execute(select(Unit.code, Unit.name)).all())
        provenance = _provenance(session)
    # Totals are sums of the cells: every organization is in exactly one cell.
    for (area, reg_type), cell in cells.items():
        by_area.setdefault(area, FigureSum()).merge(cell)
        by_type.setdefault(reg_type, FigureSum()).merge(cell)
        total.merge(cell)
    # Every unit of this office's area is a row, even with nothing counted yet.
    digits = profile.area_digits
    codes = set(by_area) | {code for code in units
                            if len(code) == digits and code.startswith(profile.unit_code)}
    areas = tuple(Area(code, units.get(code) or code) for code in sorted(codes))
    return MonthlyTable(
        year=year, month=month, month_end=end, profile=profile, provenance=provenance,
        areas=areas,
        types=_type_order(by_type),
        cells={k: v.figures() for k, v in cells.items()},
        area_totals={a.code: by_area[a.code].figures() if a.code in by_area else Figures()
                     for a in areas},
        type_totals={k: v.figures() for k, v in by_type.items()},
        total=total.figures(),
        basis=basis,
    )


def explain_cell(db: OfficeDatabase, year: int, month: int, profile: OfficeProfile,
                 area: str | None, reg_type: str | None,
                 figure: str) -> list[CountedOrganization]:
    """The organizations one cell of the table counts (``None``: across all areas or
    types), by township and name. For ``staff`` and ``members`` they are the
    organizations whose people are summed."""
    if figure not in FIGURES:
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


def _moment_text(moment: dt.datetime | None, lang: str) -> str:
    if moment is None:
        return render("office_stats.no_bundles", lang)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def provenance_text(table: MonthlyTable, lang: str) -> str:
    """When and from which bundles the table was made: the same month's table changes
    as late visits arrive, so every copy says which it is."""
    made = table.provenance
    return render("office_stats.provenance", lang,
                  generated=_moment_text(made.generated_at, lang), bundles=made.bundles,
                  latest=_moment_text(made.latest_bundle, lang))


def footnotes(table: MonthlyTable, lang: str) -> str:
    """Every counting rule in words, which visits the table counts, then its provenance."""
    return " ".join((rules_text(lang, campaign_start()),
                     render(f"review.basis.{table.basis}", lang),
                     provenance_text(table, lang)))


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
        "basis": table.basis,
        "generated_at": table.provenance.generated_at.isoformat(),
        "bundles": {"count": table.provenance.bundles,
                    "latest_created_at": (table.provenance.latest_bundle.isoformat()
                                          if table.provenance.latest_bundle else None)},
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
