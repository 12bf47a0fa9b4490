"""The township dashboard's figures, computed from the case rows.

Definitions (DOMAIN.md, "Numbers the county reports"):
- operating: the latest completed visit found the organization operating;
- with a union: status ``union`` (see ``cases.status.COVERED_UNION_STATUSES``)
  among operating organizations;
- coverage rate 建会率 = with a union / operating;
- membership rate 入会率 = union members / staff, both summed over operating
  organizations. Staff of organizations without a union stay in the
  denominator: the campaign's aim is every worker, and leaving them out would
  make a township with few unions look fully enrolled;
- new unions this month: the union's set-up date falls in the current month.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from fieldsurvey.cases.loading import CaseRow
from fieldsurvey.cases.status import STATUSES, Status

#: The campaign's coverage target (Xianning: about 85%).
COVERAGE_TARGET = 0.85


@dataclass(frozen=True)
class Dashboard:
    total: int
    by_status: dict[Status, int]
    by_type: dict[str, dict[Status, int]]  # reg_type code ("" unknown) -> status -> count
    by_union_form: dict[str, int]
    overdue: int
    operating: int
    with_union: int
    staff: int
    members: int
    new_unions_this_month: int
    target: float = COVERAGE_TARGET

    @property
    def coverage(self) -> float | None:
        """建会率, or ``None`` while no organization is known to operate."""
        return self.with_union / self.operating if self.operating else None

    @property
    def membership(self) -> float | None:
        """入会率, or ``None`` while no staff have been counted."""
        return self.members / self.staff if self.staff else None

    @property
    def unions_to_target(self) -> int:
        """How many more unions reach the target at today's operating count."""
        needed = -(-round(self.target * 10000) * self.operating // 10000)  # ceil, exact
        return max(0, needed - self.with_union)


def dashboard(rows: Sequence[CaseRow], today: dt.date) -> Dashboard:
    by_status: Counter[Status] = Counter()
    by_type: dict[str, Counter[Status]] = {}
    forms: Counter[str] = Counter()
    overdue = operating = with_union = staff = members = new = 0
    for row in rows:
        by_status[row.status] += 1
        by_type.setdefault(row.reg_type, Counter())[row.status] += 1
        overdue += row.overdue(today)
        if row.status == "union":
            forms[row.union_status] += 1
            setup = row.union_setup
            new += setup is not None and (setup.year, setup.month) == (today.year, today.month)
        if row.operating_status == "operating" and row.status != "gone":
            operating += 1
            with_union += row.status == "union"
            staff += row.staff or 0
            members += (row.members or 0) if row.status == "union" else 0
    return Dashboard(
        total=len(rows), by_status={s: by_status[s] for s in STATUSES},
        by_type={t: {s: c[s] for s in STATUSES} for t, c in sorted(by_type.items())},
        by_union_form=dict(forms), overdue=overdue, operating=operating,
        with_union=with_union, staff=staff, members=members, new_unions_this_month=new,
    )
