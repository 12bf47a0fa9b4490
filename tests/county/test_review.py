"""Review at the office: states, threads, the merge's part in them, the table's basis."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_helpers import COUNTY, KeyHolder, Township, make_office
from review_helpers import revise
from sqlalchemy import select, text

from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.models import ReviewEvent
from fieldsurvey.county.review import (
    ReviewError,
    approve,
    changed_answers,
    return_visit,
    review_list,
    state_of,
    thread,
)
from fieldsurvey.county.stats import footnotes, monthly_table, table_json
from fieldsurvey.forms.model import FormDefinition


@pytest.fixture
def wenquan(tmp_path: Path, shipped_form: FormDefinition) -> Township:
    return Township(tmp_path / "wenquan", "421202001", "温泉街道", shipped_form).populate(20, 3)


def merge(db: OfficeDatabase, form: FormDefinition, *files: Path) -> None:
    report = merge_bundles(db, list(files), form=form, profile=COUNTY, by="李主席")
    assert all(f.imported or f.already for f in report.files), report.files


def test_merged_visits_enter_pending_with_a_thread(office: OfficeDatabase, wenquan: Township,
                                                   shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        items = review_list(s)
        assert items and {i.state for i in items} == {"pending"}
        first = thread(s, items[0].visit_id)
    assert [(e.action, e.state, e.by) for e in first] == [("revised", "pending", "王芳")]


def test_approve_in_bulk_and_return_with_question_comments(
        office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        ids = [i.visit_id for i in review_list(s)]
        return_visit(s, ids[0], "工会统一社会信用代码缺失", by="张审核",
                     questions={"union_uscc": "请补填"})
        assert approve(s, ids[1:], by="张审核") == len(ids) - 1
        assert approve(s, ids[1:], by="张审核") == 0  # approving again records nothing
    with office.transaction() as s:
        assert state_of(s, ids[0]) == "returned"
        assert {i.state for i in review_list(s, state="approved")} == {"approved"}
        [_, back] = thread(s, ids[0])
        assert (back.action, back.comment, back.questions, back.by) == (
            "returned", "工会统一社会信用代码缺失", {"union_uscc": "请补填"}, "张审核")
        assert len(review_list(s, state="approved")) == len(ids) - 1
        assert review_list(s, township="421202002") == []


def test_a_return_needs_a_comment_and_known_questions(
        office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        visit = review_list(s)[0].visit_id
        with pytest.raises(ReviewError) as blank:
            return_visit(s, visit, "  ", by="张审核")
        assert blank.value.message.code == "review.comment_required"
        with pytest.raises(ReviewError) as unknown:
            return_visit(s, visit, "看看", by="张审核", questions={"nope": "x"},
                         known_questions=["notes"])
        assert unknown.value.message.code == "review.unknown_question"
        with pytest.raises(ReviewError):
            approve(s, ["no-such-visit"], by="张审核")


def test_a_fixed_revision_of_a_returned_visit_is_fixed_pending(
        office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        [returned, approved, *_] = [i.visit_id for i in review_list(s)]
        return_visit(s, returned, "请核实人数", by="张审核")
        approve(s, [approved], by="张审核")
    revise(wenquan, returned, shipped_form, "已核实")
    revise(wenquan, approved, shipped_form, "补记")
    second = wenquan.export()
    merge(office, shipped_form, second)
    merge(office, shipped_form, second)  # already in: the thread does not grow
    with office.transaction() as s:
        assert changed_answers(s, returned) == [("notes", None, "已核实")] or [
            c[0] for c in changed_answers(s, returned)] == ["notes"]
        assert state_of(s, returned) == "fixed_pending"
        assert state_of(s, approved) == "pending"  # a changed approved visit is checked again
        assert [e.action for e in thread(s, returned)] == ["revised", "returned", "revised"]
        assert len(s.scalars(select(ReviewEvent.id)).all()) == s.execute(text(
            "SELECT count(*) FROM merged_visit")).scalar_one() + 4


def test_the_table_counts_all_visits_or_only_approved_ones_and_says_which(
        office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    everything = monthly_table(office, 2026, 11, COUNTY)
    none_yet = monthly_table(office, 2026, 11, COUNTY, basis="approved")
    assert everything.total.visited > 0 and none_yet.total.visited == 0
    assert "全部" in footnotes(everything, "zh") and "审核已通过" in footnotes(none_yet, "zh")
    assert table_json(none_yet)["basis"] == "approved"
    with office.transaction() as s:
        approve(s, [i.visit_id for i in review_list(s)], by="张审核")
    assert monthly_table(office, 2026, 11, COUNTY, basis="approved").total == everything.total


def test_an_unknown_signer_changes_no_review(office: OfficeDatabase, wenquan: Township,
                                             shipped_form: FormDefinition) -> None:
    make_office(office, trusted=(KeyHolder("officer", "别人", "421202001", "温泉街道"),))
    merge_bundles(office, [wenquan.export()], form=shipped_form, profile=COUNTY, by="李主席")
    with office.transaction() as s:
        assert review_list(s) == []


def test_other_content_for_the_same_revision_is_reviewed_again(
        office: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition,
        tmp_path: Path) -> None:
    """Two laptops of one township change the same visit differently: while the later
    one stands (a conflict until a person decides), the visit is pending again."""
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        visit = review_list(s)[0].visit_id
    twin = wenquan.copy_to(tmp_path / "twin")
    revise(wenquan, visit, shipped_form, "甲电脑的说明")
    revise(twin, visit, shipped_form, "乙电脑的说明")
    merge(office, shipped_form, wenquan.export())
    with office.transaction() as s:
        approve(s, [visit], by="张审核")
    merge(office, shipped_form, twin.export(sequence=wenquan.sequence + 1))
    with office.transaction() as s:
        assert state_of(s, visit) == "pending"
        assert [e.action for e in thread(s, visit)] == ["revised", "revised", "approved",
                                                        "revised"]
