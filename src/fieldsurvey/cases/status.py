"""An organization's status in the campaign, from its finalized visits.

The rules, in order (the first that applies wins):

1. 已注销或查无 ``gone``: the latest finalized visit's result is ``gone``.
2. 已建会 ``union``: the latest *completed* visit found a union in one of the
   covered forms (own, joint, federation, individual). A later visit that only
   found the head absent does not undo a union that exists.
3. 需回访 ``revisit``: the latest finalized visit was ``revisit`` or ``refused``
   (a refusal is followed up, not closed).
4. 未建会 ``no_union``: the latest completed visit found no union.
5. 未走访 ``unvisited``: nothing finalized yet (drafts do not count).

A revisit is overdue when its due date (``next_visit_date`` of the latest
finalized visit) is before today and the organization is ``revisit`` or
``no_union``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Status = Literal["unvisited", "union", "no_union", "revisit", "gone"]
STATUSES: tuple[Status, ...] = ("unvisited", "union", "no_union", "revisit", "gone")

#: Union forms that count as "has a union" (建会) for the list and the coverage rate.
#: 单体入会 (staff joined a union individually) counts: the campaign articles report it
#: as one of the forms of 建会; change it here if a federation decides otherwise.
COVERED_UNION_STATUSES = frozenset({"own", "joint", "federation", "individual"})

#: Visit results after which the organization must be visited again.
FOLLOW_UP_RESULTS = frozenset({"revisit", "refused"})


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """The facts of one finalized, not deleted visit that the status needs."""

    visit_date: dt.date | None
    result: str | None
    union_status: str | None
    next_visit_date: dt.date | None


def derive_status(latest: VisitFacts | None, latest_completed: VisitFacts | None) -> Status:
    """The status from the latest finalized visit and the latest completed one."""
    if latest is None:
        return "unvisited"
    if latest.result == "gone":
        return "gone"
    if latest_completed is not None and latest_completed.union_status in COVERED_UNION_STATUSES:
        return "union"
    if latest.result in FOLLOW_UP_RESULTS:
        return "revisit"
    if latest_completed is not None:
        return "no_union"
    return "unvisited"


def is_overdue(status: Status, due: dt.date | None, today: dt.date) -> bool:
    return due is not None and due < today and status in ("revisit", "no_union")
