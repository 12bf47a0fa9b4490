"""A small office database for the monthly table, every row written by hand.

The month under test is November 2026 (as of 2026-11-30; the previous month ends
2026-10-31). Two townships of 咸安区 (421202): 温泉街道 421202001 (T1) and 横沟桥镇
421202100 (T2); a third, 421202200, is a known unit with no organization. What each
organization is there to test is said beside it; the expected figures are worked out
by hand in tests/county/test_stats.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.models import MergedOrganization, MergedVisit, Unit
from fieldsurvey.county.office import OfficeProfile, save_office_profile

YEAR, MONTH = 2026, 11
T1, T2, T_EMPTY = "421202001", "421202100", "421202200"
COUNTY = OfficeProfile("county", "421202", "咸安区总工会")
CITY = OfficeProfile("city", "421200", "咸宁市总工会")
ALL_THREE = "audit_committee union_committee women_committee"
UTC = dt.UTC
_ids = itertools.count(1)


def _at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def org(session: Any, org_id: str, township: str, reg_type: str | None, *,
        created: dt.datetime | None = None, duplicate_of: str | None = None) -> None:
    created = created or _at("2026-01-15")
    session.add(MergedOrganization(
        id=org_id, name=f"单位{org_id}", uscc=f"51421202MJ{org_id:>08}"[:18], reg_type=reg_type,
        township_code=township, created_at=created, updated_at=created,
        content_hash="0" * 64, name_key=org_id.lower(), duplicate_of=duplicate_of,
        source_bundle="bundle-1", source_key="key-1", imported_at=created))


def visit(session: Any, org_id: str, township: str, day: str, result: str, *,
          status: str = "final", deleted: bool = False, updated_hour: int = 12,
          **facts: Any) -> str:
    """A visit on ``day`` with ``result``; ``facts`` are the stat columns. Returns its id."""
    number = next(_ids)
    updated = _at(day, updated_hour)
    session.add(MergedVisit(
        id=f"v{number:04d}", organization_id=org_id, township_code=township, revision=1,
        status=status, form_id="so_union_visit", form_version="1", officer="officer",
        created_at=updated, updated_at=updated,
        deleted_at=updated if deleted else None, deleted_reason="mistake" if deleted else None,
        answers_json="{}", content_hash="0" * 64, pinned=False, source_bundle="bundle-1",
        source_key="key-1", imported_at=updated,
        visit_date=dt.date.fromisoformat(day), visit_result=result, **facts))
    return f"v{number:04d}"


def completed(session: Any, org_id: str, township: str, day: str, operating: str,
              union: str, **facts: Any) -> str:
    return visit(session, org_id, township, day, "completed", operating_status=operating,
          union_status=union, **facts)


def build(db: OfficeDatabase, profile: OfficeProfile = COUNTY) -> None:
    with db.transaction() as s:
        save_office_profile(s, profile)
        s.add_all([Unit(code=T1, name="温泉街道"), Unit(code=T2, name="横沟桥镇"),
                   Unit(code=T_EMPTY, name="贺胜桥镇"), Unit(code="421202", name="咸安区")])
        # --- T1 -----------------------------------------------------------------------
        # A1: a union since 2025, already counted at the previous month's end (not new);
        # its visit after the month's end (gone) must not count.
        org(s, "A1", T1, "social_group")
        completed(s, "A1", T1, "2026-10-10", "operating", "own",
                  union_setup_date=dt.date(2025, 5, 1), staff_total=20, union_members=15,
                  committees=ALL_THREE, dues_paid="yes")
        visit(s, "A1", T1, "2026-12-02", "gone")
        # A2: a union set up this month (new); two committees, dues not in full.
        org(s, "A2", T1, "social_group")
        completed(s, "A2", T1, "2026-11-05", "operating", "joint",
                  union_setup_date=dt.date(2026, 11, 1), staff_total=10, union_members=8,
                  committees="union_committee women_committee", dues_paid="no")
        # A3: a union set up after the month's end: operating, not a union yet.
        org(s, "A3", T1, "social_group")
        completed(s, "A3", T1, "2026-11-10", "operating", "own",
                  union_setup_date=dt.date(2026, 12, 15), staff_total=30, union_members=25,
                  committees=ALL_THREE, dues_paid="yes")
        # A4: operating in September, gone in November.
        org(s, "A4", T1, "foundation")
        completed(s, "A4", T1, "2026-09-01", "operating", "none", staff_total=5)
        visit(s, "A4", T1, "2026-11-20", "gone")
        # A5: not operating (dormant).
        org(s, "A5", T1, "foundation")
        completed(s, "A5", T1, "2026-11-02", "dormant", "none", staff_total=3)
        # A6: only a deleted visit and a draft: registered, not visited.
        org(s, "A6", T1, "foundation")
        visit(s, "A6", T1, "2026-11-03", "completed", deleted=True,
              operating_status="operating", union_status="own", staff_total=8)
        visit(s, "A6", T1, "2026-11-06", "completed", status="draft",
              operating_status="operating", union_status="own", staff_total=8)
        # A7: registered and visited only after the month's end: not in the table.
        org(s, "A7", T1, "social_group", created=_at("2026-12-05"))
        completed(s, "A7", T1, "2026-12-03", "operating", "own", staff_total=6)
        # A8: no type on the register, the visit says foundation; a new federation union
        # without a set-up date, all three committees, dues in full.
        org(s, "A8", T1, None)
        completed(s, "A8", T1, "2026-11-03", "operating", "federation", reg_type="foundation",
                  staff_total=4, union_members=4, committees=ALL_THREE, dues_paid="yes")
        # A9: no type anywhere, never visited: the unknown column.
        org(s, "A9", T1, None, created=_at("2026-02-01"))
        # --- T2 -----------------------------------------------------------------------
        # B1: union (individual) set up in October; a later visit found the head absent,
        # which does not undo it. Not new; no committees; dues in full.
        org(s, "B1", T2, "private_non_enterprise", created=_at("2026-03-01"))
        completed(s, "B1", T2, "2026-10-20", "operating", "individual",
                  union_setup_date=dt.date(2026, 10, 15), staff_total=12, union_members=6,
                  committees="none", dues_paid="yes")
        visit(s, "B1", T2, "2026-11-15", "revisit")
        # B2 is kept; B2dup (registered in T1 by mistake) is marked as its duplicate and
        # holds the visit: a new own union counted for B2, in T2.
        org(s, "B2", T2, "private_non_enterprise", created=_at("2026-03-01"))
        org(s, "B2dup", T1, "social_group", created=_at("2026-04-01"), duplicate_of="B2")
        completed(s, "B2dup", T1, "2026-11-08", "operating", "own",
                  union_setup_date=dt.date(2026, 11, 1), staff_total=40, union_members=40,
                  committees=ALL_THREE, dues_paid="yes")
        # B3: operating, no union.
        org(s, "B3", T2, "social_group")
        completed(s, "B3", T2, "2026-11-25", "operating", "none", staff_total=7)
        # B4: refused: visited, not operating.
        org(s, "B4", T2, "social_group")
        visit(s, "B4", T2, "2026-11-12", "refused")
        # B5: created on the month's last day (UTC): registered. B6: the next day: not.
        org(s, "B5", T2, "private_non_enterprise", created=_at("2026-11-30", 20))
        org(s, "B6", T2, "private_non_enterprise", created=_at("2026-12-01", 1))
        # B7: two completed visits the same day; the one updated later (no union) wins.
        org(s, "B7", T2, "private_non_enterprise")
        visit(s, "B7", T2, "2026-11-09", "completed", updated_hour=18,
              operating_status="operating", union_status="none", staff_total=9)
        visit(s, "B7", T2, "2026-11-09", "completed", updated_hour=10,
              operating_status="operating", union_status="own", staff_total=9,
              union_members=9, union_setup_date=dt.date(2026, 11, 1))


def add_other_county(db: OfficeDatabase) -> None:
    """C1 of 嘉鱼县 (421221), for the city office: a new own union this month."""
    with db.transaction() as s:
        org(s, "C1", "421221001", "social_group")
        completed(s, "C1", "421221001", "2026-11-11", "operating", "own",
                  union_setup_date=dt.date(2026, 11, 1), staff_total=5, union_members=5,
                  committees=ALL_THREE, dues_paid="no")
