"""Search by name, code or pinyin initials; filters; sorting with empty values last."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fieldsurvey.cases.filtering import CaseFilter, filter_cases, normalize_query, sort_indices
from fieldsurvey.cases.loading import CaseRow
from fieldsurvey.cases.text import searchable_text
from fieldsurvey.domain.search import search_key

TODAY = dt.date(2026, 11, 21)


def row(name: str, uscc: str = "", **changes: object) -> CaseRow:
    key = search_key(name)
    base = CaseRow(
        id=name, name=name, uscc=uscc, reg_type="social_group", field="", status="unvisited",
        union_status="", last_visit=None, next_visit=None, operating_status="", staff=None,
        members=None, union_setup=None, visits=0, has_draft=False,
        haystack=searchable_text(name, uscc, key), sort_name=key.partition(" ")[2])
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


ROWS = [
    row("茶叶协会", "51330100MJ00000018", status="union", union_status="own", staff=30),
    row("长兴县书法家协会", status="no_union", staff=4, next_visit=dt.date(2026, 11, 1)),
    row("阳光助学基金会", "53330100MJ0000002X", reg_type="foundation", status="revisit",
        next_visit=dt.date(2026, 12, 5)),
    row("Green Hands 志愿者协会", status="gone", field="charity"),
]


def names(flt: CaseFilter) -> list[str]:
    return [ROWS[i].name for i in filter_cases(ROWS, flt, TODAY)]


@pytest.mark.parametrize(("text", "expected"), [
    ("cyxh", ["茶叶协会"]),                    # pinyin initials
    ("CYXH", ["茶叶协会"]),
    ("chaye", ["茶叶协会"]),                   # full pinyin
    ("协会", ["茶叶协会", "长兴县书法家协会", "Green Hands 志愿者协会"]),
    ("mj0000002x", ["阳光助学基金会"]),         # code, any case
    ("５１３３", ["茶叶协会"]),                   # full-width digits typed by an input method
    ("green hands", ["Green Hands 志愿者协会"]),  # spaces ignored
    ("zzz", []),
    ("", [r.name for r in ROWS]),
])
def test_search_matches_name_code_and_pinyin(text: str, expected: list[str]) -> None:
    assert names(CaseFilter(text=text)) == expected


def test_filters_combine() -> None:
    assert names(CaseFilter(statuses=frozenset({"union", "revisit"}))) == [
        "茶叶协会", "阳光助学基金会"]
    assert names(CaseFilter(reg_type="foundation")) == ["阳光助学基金会"]
    assert names(CaseFilter(field="charity")) == ["Green Hands 志愿者协会"]
    assert names(CaseFilter(overdue_only=True)) == ["长兴县书法家协会"]
    assert names(CaseFilter(text="xh", statuses=frozenset({"no_union"}))) == ["长兴县书法家协会"]


def test_sorting_puts_empty_values_last_both_ways() -> None:
    all_rows = list(range(len(ROWS)))
    by_staff = [ROWS[i].name for i in sort_indices(ROWS, all_rows, "staff")]
    assert by_staff[:2] == ["长兴县书法家协会", "茶叶协会"]
    by_staff_desc = [ROWS[i].name for i in sort_indices(ROWS, all_rows, "staff", True)]
    assert by_staff_desc[:2] == ["茶叶协会", "长兴县书法家协会"]
    by_name = [ROWS[i].name for i in sort_indices(ROWS, all_rows, "name")]
    # Chinese names sort by pinyin (chang- < chaye < yang-); the Latin name by its letters.
    assert by_name == ["长兴县书法家协会", "茶叶协会", "Green Hands 志愿者协会", "阳光助学基金会"]
    by_status = [ROWS[i].status for i in sort_indices(ROWS, all_rows, "status")]
    assert by_status == ["union", "no_union", "revisit", "gone"]


@given(st.text(max_size=4), st.text(max_size=3))
def test_narrowing_search_scans_only_earlier_matches_and_agrees(first: str, more: str) -> None:
    wide, narrow = CaseFilter(text=first), CaseFilter(text=first + more)
    assert narrow.is_narrowing_of(wide)
    earlier = filter_cases(ROWS, wide, TODAY)
    assert filter_cases(ROWS, narrow, TODAY, within=earlier) == filter_cases(ROWS, narrow, TODAY)


def test_changing_a_filter_other_than_text_is_not_narrowing() -> None:
    assert not CaseFilter(text="xh", reg_type="foundation").is_narrowing_of(CaseFilter(text="x"))
    assert not CaseFilter(text="ab").is_narrowing_of(CaseFilter(text="b c"))
    assert normalize_query(" Ｃｙ ｘｈ ") == "cyxh"
