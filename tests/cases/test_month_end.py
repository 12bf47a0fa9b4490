"""The month-end rules of ``cases.month_end``, one organization at a time."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fieldsurvey.cases.month_end import (
    FigureError,
    OrganizationFacts,
    fold_month,
    month_end,
)

START = dt.date(2026, 1, 1)
D = dt.date.fromisoformat


def org(org_id: str = "o", registered_on: dt.date | None = None) -> OrganizationFacts:
    return OrganizationFacts(org_id, "甲协会", "", "social_group", "421202001", registered_on)


def row(day: str, result: str = "completed", *, operating: str = "operating",
        union: str | None = None, setup: str | None = None, staff: int | None = None,
        members: int | None = None, org_id: str = "o") -> tuple[Any, ...]:
    return (org_id, D(day), result, operating if result == "completed" else None, None,
            staff, union, D(setup) if setup else None, members, None, None)


def figures(visits: list[tuple[Any, ...]], month: tuple[int, int] = (2026, 9),
            facts: OrganizationFacts | None = None,
            campaign_start: dt.date | None = START) -> frozenset[str] | None:
    counted = list(fold_month([facts or org()], visits, *month,
                              campaign_start=campaign_start))
    return counted[0].figures if counted else None


def test_an_unvisited_organization_is_registered_and_operating() -> None:
    assert figures([]) == {"registered", "operating", "staff"}


def test_the_register_counts_from_the_registration_date_else_the_campaigns_start() -> None:
    assert figures([], (2025, 12)) is None  # before the campaign
    assert figures([], (2025, 12), org(registered_on=D("2025-06-01"))) is not None
    assert figures([], (2026, 9), org(registered_on=D("2026-10-02"))) is None
    assert figures([], (2026, 10), org(registered_on=D("2026-10-02"))) is not None
    assert figures([], (1999, 1), campaign_start=None) is not None  # no start: always


def test_a_visit_puts_an_organization_on_the_register_whatever_its_dates() -> None:
    early = org(registered_on=D("2027-01-01"))
    assert figures([row("2026-09-03")], (2026, 9), early) is not None


def test_found_gone_or_deregistered_takes_it_off_the_register() -> None:
    assert figures([row("2026-09-03", "gone")]) is None
    assert figures([row("2026-09-03", operating="deregistered", union="none")]) is None
    assert figures([row("2026-09-03", operating="not_found", union="none")]) is None
    # In the month before it was found gone it still counts.
    assert figures([row("2026-10-03", "gone")], (2026, 9)) is not None


def test_dormant_is_registered_and_visited_but_not_operating() -> None:
    assert figures([row("2026-09-03", operating="dormant", union="none")]) == {
        "registered", "visited"}


def test_a_union_is_new_only_in_the_month_it_was_set_up_within_the_campaign() -> None:
    union = row("2026-09-20", union="own", setup="2026-09-10", staff=5, members=5)
    assert "new_unions" in figures([union])
    assert "new_unions" not in figures([union], (2026, 10))
    old = row("2026-09-20", union="own", setup="2025-12-20")
    assert "new_unions" not in figures([old], (2025, 12), org(registered_on=D("2020-01-01")))
    assert "unions" in figures([old])
    unknown = row("2026-09-20", union="own")
    assert "new_unions" not in figures([unknown]) and "unions" in figures([unknown])


def test_a_union_set_up_after_the_month_does_not_count_yet() -> None:
    later = row("2026-09-20", union="own", setup="2026-10-05")
    assert "unions" not in figures([later]) and "operating" in figures([later])


def test_visits_after_the_month_are_not_counted() -> None:
    assert figures([row("2026-10-01", union="own", setup="2026-09-01")]) == {
        "registered", "operating", "staff"}


def test_a_month_that_does_not_exist_is_refused() -> None:
    with pytest.raises(FigureError):
        month_end(2026, 13)
