"""The campaign's figures as of a month's end: one definition for every table.

The officer's dashboard, the county's and the city's monthly tables, their cell
explanations, Excel, PDF and ``stats --json`` all count through :func:`fold_month`,
so the same township gives the same numbers everywhere. Each rule below is stated
once more, in words, in the tables' footnotes (``office_stats.notes``).

As of a month's last day (``end``):

- *counted visits*: finalized, not deleted, dated on or before ``end`` — by the
  visit's date, not the day it was keyed or merged, so a visit keyed a month late
  counts in its own month's table from then on;
- *on the register*: from the organization's registration date if known, else from
  the campaign's start (never from the day it was typed or imported), or once a
  counted visit found it; until a counted visit found it deregistered or gone;
- *visited*: on the register with a counted visit; census progress = visited ÷
  registered;
- *operating*: on the register and not found dormant by its latest counted
  completed visit — an organization not yet visited counts as operating, so the
  coverage rate is measured against the whole register from the first day;
- *with a union*: operating, its status (:func:`~fieldsurvey.cases.status.derive_status`)
  is ``union``, and the union was set up by ``end`` (or its date is unknown);
- *new unions this month*: with a union whose set-up date falls in the month, and
  not before the campaign's start (a union found by the census is never new);
- *staff* of the operating organizations and *members* of the counted unions, from
  the latest counted completed visit; *committees* and *dues* among counted unions.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from fieldsurvey.cases.rates import census_share_text, rate_value, target_text
from fieldsurvey.cases.status import COVERED_UNION_STATUSES, Status, derive_status
from fieldsurvey.messages import render

#: Union forms in the order of the tables' columns.
UNION_FORMS = ("own", "joint", "federation", "individual")
#: The committees a union should all have (choice names of the form's ``committees`` list).
THREE_COMMITTEES = frozenset({"union_committee", "audit_committee", "women_committee"})
#: The ``dues_paid`` answer meaning "paid in full and on time" (the form's ``yes_no`` list).
DUES_IN_FULL = "yes"
#: Operating statuses that take an organization off the register.
OFF_REGISTER = frozenset({"deregistered", "not_found"})
#: The registration type of an organization whose type nobody recorded.
UNKNOWN_TYPE = ""

#: Every figure, in the tables' column order (rates excluded). All but ``staff`` and
#: ``members`` count organizations; those two sum people over the organizations listed.
FIGURES: tuple[str, ...] = (
    "registered", "visited", "operating", "unions",
    *(f"union_{form}" for form in UNION_FORMS),
    "new_unions", "staff", "members", "committees_full", "dues_full",
)
#: Rates: numerator and denominator figures. ``census`` is the census progress.
RATES: dict[str, tuple[str, str]] = {"coverage": ("unions", "operating"),
                                     "membership": ("members", "staff"),
                                     "census": ("visited", "registered")}
_INDEX = {key: i for i, key in enumerate(FIGURES)}


class FigureError(ValueError):
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
        """建会率 as the exact ratio, or ``None`` when nothing operates."""
        return rate_value(self.unions, self.operating)

    @property
    def membership(self) -> float | None:
        """入会率 as the exact ratio, or ``None`` when no staff are counted."""
        return rate_value(self.members, self.staff)

    @property
    def census(self) -> float | None:
        """Census progress (visited ÷ registered), or ``None`` with an empty register."""
        return rate_value(self.visited, self.registered)

    def value(self, key: str) -> int | float | None:
        """A figure or a rate by key."""
        if key in RATES:
            return rate_value(*self.rate_parts(key))
        if key not in _INDEX:
            raise FigureError(f"unknown figure {key!r}")
        return int(getattr(self, key))

    def rate_parts(self, key: str) -> tuple[int, int]:
        """Numerator and denominator of a rate."""
        part, whole = RATES[key]
        return int(getattr(self, part)), int(getattr(self, whole))

    def as_dict(self) -> dict[str, int | float | None]:
        out: dict[str, int | float | None] = dataclasses.asdict(self)
        for key in RATES:
            out[key] = self.value(key)
        return out


assert tuple(f.name for f in dataclasses.fields(Figures)) == FIGURES


def month_end(year: int, month: int) -> dt.date:
    """The month's last day; :class:`FigureError` for a month that does not exist."""
    try:
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise FigureError(f"no such month {year}-{month}") from exc


class OrganizationFacts(NamedTuple):
    """What the fold needs of a register entry."""

    id: str
    name: str
    uscc: str
    reg_type: str  # "" when unknown
    township_code: str
    registered_on: dt.date | None  # the registration date, when the register gives it


#: The columns of a visit row, in order (both stores have them under these names).
VISIT_FACT_COLUMNS = ("organization_id", "visit_date", "visit_result", "operating_status",
                      "reg_type", "staff_total", "union_status", "union_setup_date",
                      "union_members", "committees", "dues_paid")
_DATE, _RESULT, _OPERATING, _REG, _STAFF, _UNION, _SETUP, _MEMBERS, _COMMITTEES, \
    _DUES = range(1, 11)


@dataclass(frozen=True)
class CountedOrganization:
    """One organization as a month's table counts it."""

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


@dataclass(slots=True)
class _Org:
    facts: OrganizationFacts
    last: Any = None  # the latest counted visit row
    done: Any = None  # the latest counted completed visit row


def _counted(org: _Org, start: dt.date, end: dt.date, campaign_start: dt.date | None,
             area_of: Callable[[str], str]) -> CountedOrganization | None:
    """What ``org`` counts in as of ``end``; ``None`` when it is not on the register."""
    facts, last, done = org.facts, org.last, org.done
    listed_from = facts.registered_on or campaign_start
    if last is None and listed_from is not None and listed_from > end:
        return None
    status = derive_status(last[_RESULT] if last is not None else None,
                           done[_UNION] if done is not None else None,
                           visited=last is not None, completed=done is not None)
    found = done[_OPERATING] if done is not None else None
    if status == "gone" or found in OFF_REGISTER:
        return None
    keys = ["registered"]
    if last is not None:
        keys.append("visited")
    staff = done[_STAFF] if done is not None else None
    members = done[_MEMBERS] if done is not None else None
    union_status = (done[_UNION] or "") if done is not None else ""
    operating = found != "dormant"
    if operating:
        keys += ["operating", "staff"]
    setup = done[_SETUP] if done is not None else None
    if operating and status == "union" and (setup is None or setup <= end):
        keys += ["unions", "members"]
        if union_status in COVERED_UNION_STATUSES:
            keys.append(f"union_{union_status}")
        if setup is not None and setup >= start and (campaign_start is None
                                                     or setup >= campaign_start):
            keys.append("new_unions")
        if set((done[_COMMITTEES] or "").split()) >= THREE_COMMITTEES:
            keys.append("committees_full")
        if done[_DUES] == DUES_IN_FULL:
            keys.append("dues_full")
    reg_type = facts.reg_type or (done[_REG] if done is not None else None) or UNKNOWN_TYPE
    return CountedOrganization(
        id=facts.id, name=facts.name, uscc=facts.uscc, township_code=facts.township_code,
        area=area_of(facts.township_code), reg_type=reg_type, status=status,
        union_status=union_status, staff=staff, members=members,
        last_visit=last[_DATE] if last is not None else None, figures=frozenset(keys))


def resolve_duplicate(org_id: str, duplicate_of: Mapping[str, str]) -> str:
    """The organization ``org_id`` stands for: follows ``duplicate_of`` to its end."""
    seen = {org_id}
    while org_id in duplicate_of:
        org_id = duplicate_of[org_id]
        if org_id in seen:  # a cycle: nothing stands for it
            return ""
        seen.add(org_id)
    return org_id


def fold_month(organizations: Iterable[OrganizationFacts], visits: Iterable[Sequence[Any]],
               year: int, month: int, *, campaign_start: dt.date | None,
               area_of: Callable[[str], str] = lambda township: township,
               duplicate_of: Mapping[str, str] | None = None,
               ) -> Iterator[CountedOrganization]:
    """Every organization on the register at the month's end, with what it counts in.

    ``visits`` are finalized, not deleted rows in :data:`VISIT_FACT_COLUMNS` order,
    oldest first (by date, then last update), so the later of two is the more recent
    visit; rows dated after the month are skipped. The visits of an organization
    marked as a duplicate (``duplicate_of``) count for the one it duplicates.
    """
    end = month_end(year, month)
    start = end.replace(day=1)
    orgs = {facts.id: _Org(facts) for facts in organizations}
    duplicates = duplicate_of or {}
    for row in visits:
        if row[_DATE] is None or row[_DATE] > end:
            continue
        org = orgs.get(row[0]) or orgs.get(resolve_duplicate(row[0], duplicates))
        if org is None:  # not on any register held here
            continue
        org.last = row
        if row[_RESULT] == "completed":
            org.done = row
    for org in orgs.values():
        counted = _counted(org, start, end, campaign_start, area_of)
        if counted is not None:
            yield counted


class FigureSum:
    """Figures added up over counted organizations."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values = [0] * len(FIGURES)

    def add(self, org: CountedOrganization) -> None:
        values = self.values
        for key in org.figures:
            if key == "staff":
                values[_INDEX[key]] += org.staff or 0
            elif key == "members":
                values[_INDEX[key]] += org.members or 0
            else:
                values[_INDEX[key]] += 1

    def merge(self, other: FigureSum) -> None:
        self.values = [a + b for a, b in zip(self.values, other.values, strict=True)]

    def figures(self) -> Figures:
        return Figures(*self.values)


def total_figures(counted: Iterable[CountedOrganization]) -> Figures:
    total = FigureSum()
    for org in counted:
        total.add(org)
    return total.figures()


def rules_text(lang: str, campaign_start: dt.date | None) -> str:
    """The counting rules above in words, for the footnote of every table."""
    return render("office_stats.notes", lang,
                  campaign_start=campaign_start.isoformat() if campaign_start else "—",
                  census_share=census_share_text(), target=target_text())
