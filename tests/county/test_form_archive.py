"""The county's archive of form versions (issue 17): every version it published or
received; a bundle of a version it does not know is refused, naming the version;
a bundle holding visits of several versions is counted with each visit's own.

The versioned form is inline markdown: v2 renames the statistics question
``staff`` (fs_stat staff_total) to ``staff_count``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from office_helpers import COUNTY, Township, make_office
from sqlalchemy import select, text

from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.digest import content_digest
from fieldsurvey.county.form_archive import (
    ArchiveError,
    archive_source,
    publish,
    seed_shipped,
    versions_of,
)
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.models import ArchivedForm, MergedVisit
from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.form_versions import remember_source
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize
from version_forms import stat_form_md

V1, V2 = stat_form_md(1), stat_form_md(2)


def answers(form: FormDefinition, staff: int, members: int) -> dict[str, object]:
    staff_name = "staff" if form.version == "1" else "staff_count"
    return {"visit_date": "2026-11-03", "result": "completed", staff_name: staff,
            "union_status": "own", "members": members}


def township(tmp_path: Path, name: str, form: FormDefinition, code: str = "421202001",
             visits: tuple[tuple[FormDefinition, int, int], ...] = ()) -> Township:
    """A real store whose visits were finalized on the versions given."""
    town = Township(tmp_path / name, code, name, form)
    with town.db.transaction() as s:
        for version, text in (("1", V1), ("2", V2)):
            if int(version) <= int(form.version):
                remember_source(s, text.encode("utf-8"), "st.md")
        for n, (on, staff, members) in enumerate(visits):
            org = add_organization(s, name=f"{name}{n}号协会", township_code=code)
            given = answers(on, staff, members)
            visit = create_visit(s, organization_id=org.id, form=on, officer="王芳",
                                 answers=given)
            finalize(s, visit.id, on, given)
    return town


def staff_of(office: OfficeDatabase) -> list[tuple[str, int | None, int | None]]:
    with office.sessions() as s:
        rows = s.execute(select(MergedVisit.form_version, MergedVisit.staff_total,
                                MergedVisit.union_members)
                         .order_by(MergedVisit.staff_total))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_the_shipped_versions_are_archived_once(office: OfficeDatabase) -> None:
    for _ in range(2):
        with office.transaction() as s:
            shipped = seed_shipped(s)
    with office.sessions() as s:
        assert versions_of(s, shipped.form_id) == ["2026120501", "2026120502"]
        assert {r.origin for r in s.scalars(select(ArchivedForm))} == {"shipped"}


def test_one_version_number_cannot_have_two_contents(office: OfficeDatabase) -> None:
    with office.transaction() as s:
        archive_source(s, V1.encode(), "st.md", "published")
    try:
        with office.transaction() as s:
            archive_source(s, V1.replace("Completed", "Done").encode(), "st.md", "published")
    except ArchiveError as exc:
        assert exc.message.code == "form_archive.version_differs"
    else:
        raise AssertionError("a second content of version 1 was archived")


def test_a_bundle_of_visits_of_two_versions_counts_each_with_its_own(
        office: OfficeDatabase, tmp_path: Path) -> None:
    v1, v2 = load_form_markdown(V1), load_form_markdown(V2)
    town = township(tmp_path, "温泉", v2, visits=((v1, 12, 9), (v2, 7, 5)))
    make_office(office, COUNTY, (town.signer,))
    with office.transaction() as s:
        archive_source(s, V1.encode(), "st.md", "published")
    report = merge_bundles(office, [town.export()], form=v2, profile=COUNTY, by="李主席")
    assert [f.imported for f in report.files] == [True], [f.reason for f in report.files]
    # The v1 visit's staff is read from "staff", the v2 visit's from "staff_count".
    assert staff_of(office) == [("2", 7, 5), ("1", 12, 9)]


def test_a_bundle_of_a_version_the_county_does_not_know_is_refused_naming_it(
        office: OfficeDatabase, tmp_path: Path) -> None:
    v1, v2 = load_form_markdown(V1), load_form_markdown(V2)
    town = township(tmp_path, "温泉", v2, visits=((v1, 12, 9), (v2, 7, 5)))
    make_office(office, COUNTY, (town.signer,))
    before = content_digest(office)
    # The office knows v2 only: the v1 visit cannot be counted.
    report = merge_bundles(office, [town.export()], form=v2, profile=COUNTY, by="李主席")
    [file] = report.files
    assert not file.imported and file.reason is not None
    assert file.reason.code == "form_archive.unknown_version"
    assert file.reason.params["version"] == "1"
    assert "1" in file.reason.render("zh") and "st" in file.reason.render("en")
    assert content_digest(office) == before and staff_of(office) == []


def test_a_bundle_exported_with_an_unknown_version_is_refused(
        office: OfficeDatabase, tmp_path: Path, shipped_form: FormDefinition) -> None:
    future = dataclasses.replace(shipped_form, version="2099010101")
    town = Township(tmp_path / "温泉", "421202001", "温泉", future).populate(3, seed=1)
    make_office(office, COUNTY, (town.signer,))
    before = content_digest(office)
    [file] = merge_bundles(office, [town.export()], form=shipped_form, profile=COUNTY,
                           by="李主席").files
    assert file.reason is not None and file.reason.code == "form_archive.unknown_version"
    assert "2099010101" in file.reason.render("zh")
    assert content_digest(office) == before


def test_publishing_follows_the_newest_archived_version(office: OfficeDatabase) -> None:
    with office.transaction() as s:
        archive_source(s, V1.encode(), "st.md", "published")
        assert publish(s, V2.encode(), "st.md").version == "2"
        assert publish(s, V2.encode(), "st.md").version == "2"  # again: nothing new
    # v3 drops "members", which has answers, without declaring it: refused.
    try:
        with office.transaction() as s:
            publish(s, stat_form_md(3, drop_members=True).encode(), "st3.md")
    except ArchiveError as exc:
        assert exc.message.code == "form_archive.publish_refused"
        assert any("members" in line for line in exc.details("en"))
    else:
        raise AssertionError("a form losing answers was published")
    with office.sessions() as s:
        assert versions_of(s, "st") == ["1", "2"]


def test_review_lines_up_a_revision_of_an_older_version_through_the_mapping(
        office: OfficeDatabase, tmp_path: Path) -> None:
    from fieldsurvey.county.review import changed_answers
    from fieldsurvey.store.form_versions import reopen_on_newest
    from fieldsurvey.store.visits import answers_of, live_draft

    v1, v2 = load_form_markdown(V1), load_form_markdown(V2)
    town = township(tmp_path, "温泉", v2, visits=((v1, 12, 9),))
    make_office(office, COUNTY, (town.signer,))
    with office.transaction() as s:
        archive_source(s, V1.encode(), "st.md", "published")
        archive_source(s, V2.encode(), "st.md", "published")
    assert all(f.imported for f in merge_bundles(office, [town.export()], form=v2,
                                                 profile=COUNTY, by="李主席").files)
    with office.sessions() as s:
        [visit_id] = s.scalars(select(MergedVisit.id))
    # The officer reopens it onto v2 ("staff" becomes "staff_count") and corrects members.
    with town.db.transaction() as s:
        reopen_on_newest(s, visit_id, v2)
        answers = answers_of(live_draft(s, visit_id))
        assert answers["staff_count"] == 12
        answers["members"] = 10
        finalize(s, visit_id, v2, answers)
    assert all(f.imported for f in merge_bundles(office, [town.export()], form=v2,
                                                 profile=COUNTY, by="李主席").files)
    with office.sessions() as s:
        assert changed_answers(s, visit_id) == [("members", 9, 10)]


def test_a_conflict_between_copies_of_two_form_versions_lines_up(
        office: OfficeDatabase, tmp_path: Path) -> None:
    """One laptop moved the visit to v2 (the county's new form), its copy stayed on v1."""
    from fieldsurvey.county.conflicts import comparison_rows, list_conflicts
    from fieldsurvey.county.form_archive import conflict_lined_up
    from fieldsurvey.store.form_versions import reopen_on_newest
    from fieldsurvey.store.visits import answers_of, live_draft

    v1, v2 = load_form_markdown(V1), load_form_markdown(V2)
    town = township(tmp_path, "温泉", v2, visits=((v1, 12, 9),))
    twin = town.copy_to(tmp_path / "twin")
    for laptop, newest, members in ((town, v2, 10), (twin, v1, 11)):
        with laptop.db.transaction() as s:
            visit_id = s.execute(text("SELECT id FROM visit")).scalar_one()
            reopen_on_newest(s, visit_id, newest)
            answers = answers_of(live_draft(s, visit_id))
            answers["members"] = members
            finalize(s, visit_id, newest, answers)
    make_office(office, COUNTY, (town.signer,))
    with office.transaction() as s:
        archive_source(s, V1.encode(), "st.md", "published")
        archive_source(s, V2.encode(), "st.md", "published")
    files = [town.export(), twin.export("twin.xlsx", sequence=7)]
    assert all(f.imported for f in merge_bundles(office, files, form=v2, profile=COUNTY,
                                                 by="李主席").files)
    with office.sessions() as s:
        [view] = list_conflicts(s)
        lined, newer = conflict_lined_up(s, view)
    assert newer is not None and newer.version == "2"
    rows = {r.label: r for r in comparison_rows(lined, newer, "zh")}
    assert "staff" not in rows and not rows["staff_count"].differs
    assert rows["staff_count"].values == ["12", "12"] and rows["members"].differs
