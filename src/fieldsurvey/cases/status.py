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
from typing import Literal

Status = Literal["unvisited", "union", "no_union", "revisit", "gone"]
STATUSES: tuple[Status, ...] = ("unvisited", "union", "no_union", "revisit", "gone")

#: Union forms that count as "has a union" (建会) for the list and the coverage rate.
#: 单体入会 (staff joined a union individually) counts: the campaign articles report it
#: as one of the forms of 建会; change it here if a federation decides otherwise.
COVERED_UNION_STATUSES = frozenset({"own", "joint", "federation", "individual"})

#: Visit results after which the organization must be visited again.
FOLLOW_UP_RESULTS = frozenset({"revisit", "refused"})


def derive_status(latest_result: str | None, completed_union: str | None, *,
                  visited: bool, completed: bool) -> Status:
    """The status from the latest finalized visit's result and the latest completed visit.

    ``visited``: there is a finalized visit; ``completed``: one of them was completed,
    and ``completed_union`` is the union status the latest completed one found.
    """
    if not visited:
        return "unvisited"
    if latest_result == "gone":
        return "gone"
    if completed and completed_union in COVERED_UNION_STATUSES:
        return "union"
    if latest_result in FOLLOW_UP_RESULTS:
        return "revisit"
    if completed:
        return "no_union"
    return "unvisited"


def is_overdue(status: Status, due: dt.date | None, today: dt.date) -> bool:
    return due is not None and due < today and status in ("revisit", "no_union")
