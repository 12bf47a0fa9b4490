"""Planning an import: per row the action and every problem, by file, sheet, row and field."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from register_workbooks import (
    BAD,
    CALLIGRAPHY,
    FOUNDATION,
    SCHOOL,
    TEA,
    TOWNSHIP,
    make_uscc,
    messy_register,
)

from fieldsurvey.progress import Cancelled
from fieldsurvey.register import (
    Action,
    ImportPlan,
    RegisterError,
    RegisterSheet,
    apply_plan,
    find_header,
    plan_import,
    read_register,
)
from fieldsurvey.store import Database
from fieldsurvey.store.organizations import add_organization

HEADER = ("单位名称", "统一社会信用代码", "登记类型", "联系电话", "住所")


def sheet_of(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> RegisterSheet:
    """A sheet as read_register would return it, header on Excel row 1."""
    width = len(header)
    body = [tuple(header)] + [tuple(r) + ("",) * (width - len(r)) for r in rows]
    return RegisterSheet(Path("名录.xlsx"), "名录", ("名录",), tuple(body))


def plan(db: Database, sheet: RegisterSheet) -> ImportPlan:
    guess = find_header(sheet)
    with db.sessions() as session:
        return plan_import(sheet, guess.row, guess.mapping, session, TOWNSHIP)


def outcome(result: ImportPlan) -> list[tuple[int, Action, list[tuple[str, str, str]]]]:
    return [(e.row, e.action, [(p.field, p.severity, p.message.code) for p in e.problems])
            for e in result.entries]


def test_the_messy_register_plan(db: Database, tmp_path: Path) -> None:
    result = plan(db, read_register(messy_register(tmp_path / "名录.xlsx")))
    assert outcome(result) == [
        (4, Action.NEW, []),
        (5, Action.NEW, []),
        (6, Action.NEW, []),
        (7, Action.NEW, []),
        (8, Action.NEW, [("uscc", "warning", "register.uscc_pending")]),
        (9, Action.SKIPPED, [("uscc", "error", "register.duplicate_uscc")]),
        (10, Action.SKIPPED, [("name", "error", "register.missing_name")]),
        (11, Action.NEW, [("phone", "warning", "phone.mobile_length")]),
        (13, Action.SKIPPED, [("name", "warning", "register.note_row")]),
    ]
    counts = result.counts()
    assert (counts.new, counts.update, counts.unchanged, counts.skipped) == (6, 0, 0, 3)
    assert result.pending() == 1
    first = result.entries[0].values
    assert first == {"name": "西湖区茶叶协会", "uscc": TEA, "reg_type": "social_group",
                     "supervisor": "区农业农村局", "address": "西湖区 文三路 1号",
                     "legal_rep": "张三", "phone": "13800138000"}
    assert result.entries[1].values["phone"] == "0571-88881234"
    assert result.entries[2].values["name"] == "ABC培训学校"
    assert result.entries[2].values["reg_type"] == "private_non_enterprise"
    assert result.entries[3].values["uscc"] is None
    assert result.entries[3].values["reg_type"] == "community"


def test_each_problem_names_file_sheet_row_column_and_field(db: Database, tmp_path: Path) -> None:
    result = plan(db, read_register(messy_register(tmp_path / "名录.xlsx")))
    words = [p.located().render("zh") for _, p in result.problems()]
    assert words[0].startswith(
        "文件“名录.xlsx”，工作表“名录”，第8行C列（统一社会信用代码），单位“坏代码协会”：")
    assert words[1] == ("文件“名录.xlsx”，工作表“名录”，第9行C列（统一社会信用代码），"
                        "单位“西湖区茶叶协会(重复)”："
                        "统一社会信用代码与第4行相同，是同一单位，以第4行为准。")
    assert words[2] == "文件“名录.xlsx”，工作表“名录”，第10行B列（单位名称）：没有填写单位名称。"
    english = [p.located().render("en") for _, p in result.problems()]
    assert english[2] == ("File “名录.xlsx”, sheet “名录”, row 10, column B (Name): "
                          "The name of the organization is missing.")


def test_same_name_without_a_code_is_a_duplicate_within_the_file(db: Database) -> None:
    result = plan(db, sheet_of([
        ["翠苑社区老年协会", "", "社区社会组织"],
        ["翠苑社区老年协会", "", "社区社会组织"],
        ["西湖区茶叶协会", TEA],
        ["西湖区茶叶协会"],  # the earlier row has a code, this one none: the same
        ["西湖区茶叶协会", CALLIGRAPHY],  # two codes: two organizations
    ]))
    assert outcome(result) == [
        (2, Action.NEW, []),
        (3, Action.SKIPPED, [("name", "error", "register.duplicate_name")]),
        (4, Action.NEW, []),
        (5, Action.SKIPPED, [("name", "error", "register.duplicate_name")]),
        (6, Action.NEW, []),
    ]
    assert result.entries[1].problems[0].message.params == {"first_row": 2}


def test_blank_rows_and_placeholder_cells_are_no_data(db: Database) -> None:
    result = plan(db, sheet_of([["", "", "", ""], ["甲协会", "无", "/", "—"], ["", "/"]]))
    assert [(e.row, e.action) for e in result.entries] == [(3, Action.NEW)]
    assert result.entries[0].values == {"name": "甲协会", "uscc": None, "reg_type": None,
                                        "phone": None, "address": None}


def test_a_code_excel_rounded_is_an_error_never_a_guess(db: Database) -> None:
    sheet = sheet_of([["甲协会", "914403001922038000"]])
    sheet = RegisterSheet(sheet.path, sheet.sheet, sheet.sheets, sheet.rows,
                          lost_digits=frozenset({(1, 1)}))
    result = plan(db, sheet)
    # Kept, never guessed: the organization is imported with the code awaiting checking.
    assert outcome(result) == [(2, Action.NEW, [("uscc", "warning", "register.uscc_pending")])]
    assert result.entries[0].values["uscc"] is None
    assert result.entries[0].values["uscc_pending"] == "914403001922038000"
    assert "15位" in result.entries[0].problems[0].message.render("zh")


def test_warnings_are_imported(db: Database) -> None:
    result = plan(db, sheet_of([
        ["甲协会", SCHOOL, "社会团体"],  # a 52 code is no social group
        ["乙协会", "", "民办学校", "8123456"],
    ]))
    assert outcome(result) == [
        (2, Action.NEW, [("uscc", "warning", "uscc.type_mismatch")]),
        (3, Action.NEW, [("reg_type", "warning", "register.unknown_reg_type"),
                         ("phone", "warning", "phone.missing_area_code")]),
    ]
    assert result.entries[1].values["reg_type"] == "other"
    assert result.entries[1].values["phone"] == "8123456"


def test_an_unknown_field_is_left_empty(db: Database) -> None:
    result = plan(db, sheet_of([["甲协会", "科研"], ["乙协会", "教育"]],
                               header=("单位名称", "所属领域")))
    assert outcome(result) == [
        (2, Action.NEW, [("field", "warning", "register.unknown_field")]),
        (3, Action.NEW, []),
    ]
    assert [e.values["field"] for e in result.entries] == [None, "social_service"]


def test_too_long_values_are_refused(db: Database) -> None:
    result = plan(db, sheet_of([["协" * 201], ["乙协会", "", "", "", "路" * 301]]))
    assert outcome(result) == [
        (2, Action.SKIPPED, [("name", "error", "register.too_long")]),
        (3, Action.SKIPPED, [("address", "error", "register.too_long")]),
    ]


def test_reimport_updates_by_code_and_by_name(db: Database) -> None:
    with db.transaction() as session:
        tea = add_organization(session, name="茶叶协会", township_code=TOWNSHIP, uscc=TEA,
                               phone="13800138000", legal_rep="张三").id
        old = add_organization(session, name="翠苑社区老年协会", township_code=TOWNSHIP,
                               address="翠苑一区").id
        same = add_organization(session, name="西湖区慈善基金会", township_code=TOWNSHIP,
                                uscc=FOUNDATION, reg_type="foundation").id
    result = plan(db, sheet_of([
        ["西湖区茶叶协会", TEA, "", "13900139000"],  # renamed, new phone; blanks keep values
        ["翠苑社区老年协会", "", "", "", "翠苑二区"],
        ["西湖区慈善基金会", FOUNDATION, "基金会"],
        ["新协会", CALLIGRAPHY],
    ]))
    assert [(e.action, e.organization_id, dict(e.changes)) for e in result.entries] == [
        (Action.UPDATE, tea, {"name": "西湖区茶叶协会", "phone": "13900139000"}),
        (Action.UPDATE, old, {"address": "翠苑二区"}),
        (Action.UNCHANGED, same, {}),
        (Action.NEW, None, {}),
    ]


def test_doubtful_values_never_replace_stored_ones(db: Database) -> None:
    with db.transaction() as session:
        add_organization(session, name="甲协会", township_code=TOWNSHIP, uscc=TEA,
                         reg_type="social_group", phone="13800138000")
    result = plan(db, sheet_of([["甲协会", TEA, "社团法人组织", "1380013800"]]))
    entry = result.entries[0]
    assert entry.action is Action.UNCHANGED
    assert [p.message.code for p in entry.problems] == ["register.unknown_reg_type",
                                                        "phone.mobile_length"]


def test_a_name_held_under_another_code_is_reported(db: Database) -> None:
    with db.transaction() as session:
        add_organization(session, name="甲协会", township_code=TOWNSHIP, uscc=TEA)
        add_organization(session, name="乙协会", township_code=TOWNSHIP)
        add_organization(session, name="丙协会", township_code=TOWNSHIP)
        add_organization(session, name="丙协会", township_code=TOWNSHIP)
        add_organization(session, name="丁协会", township_code="330106002")
    result = plan(db, sheet_of([
        ["甲协会", CALLIGRAPHY],
        ["乙协会", SCHOOL, "民办非企业单位"],  # the stored one has no code: fill it in
        ["丙协会"],
        ["丁协会"],  # another township's: a new one here
    ]))
    assert outcome(result) == [
        (2, Action.SKIPPED, [("uscc", "error", "register.name_has_other_uscc")]),
        (3, Action.UPDATE, []),
        (4, Action.SKIPPED, [("name", "error", "register.ambiguous_name")]),
        (5, Action.NEW, []),
    ]
    assert result.entries[0].problems[0].message.render("zh") == (
        f"名录中已有单位“甲协会”，统一社会信用代码为 {TEA}，与本行的 {CALLIGRAPHY} 不同。"
        "请核对是否为同一单位。")
    assert result.entries[1].changes == {"uscc": SCHOOL, "reg_type": "private_non_enterprise"}


def test_two_rows_for_one_stored_organization_update_it_once(db: Database) -> None:
    with db.transaction() as session:
        add_organization(session, name="甲协会", township_code=TOWNSHIP)  # no code yet
    result = plan(db, sheet_of([["甲协会", TEA], ["甲协会", CALLIGRAPHY]]))
    assert outcome(result) == [
        (2, Action.UPDATE, []),
        (3, Action.SKIPPED, [("name", "error", "register.same_organization")]),
    ]


def test_a_name_the_list_renames_away_is_free_for_another_code(db: Database) -> None:
    with db.transaction() as session:
        tea = add_organization(session, name="甲协会", township_code=TOWNSHIP, uscc=TEA).id
    result = plan(db, sheet_of([["甲协会", CALLIGRAPHY], ["乙协会", TEA]]))
    assert [(e.action, e.organization_id) for e in result.entries] == [
        (Action.NEW, None), (Action.UPDATE, tea)]


def test_a_mapping_that_cannot_work_is_refused(db: Database) -> None:
    sheet = sheet_of([["甲协会", TEA]])
    with db.sessions() as session:
        with pytest.raises(RegisterError) as no_name:
            plan_import(sheet, 0, {"uscc": 1}, session, TOWNSHIP)
        assert no_name.value.message.code == "register.name_not_mapped"
        with pytest.raises(RegisterError) as twice:
            plan_import(sheet, 0, {"name": 0, "uscc": 0}, session, TOWNSHIP)
        assert twice.value.message.render("zh") == (
            "文件“名录.xlsx”工作表“名录”的A列同时被指定为“单位名称”和“统一社会信用代码”，请只保留一个。")
        with pytest.raises(RegisterError) as outside:
            plan_import(sheet, 0, {"name": 9}, session, TOWNSHIP)
        assert outside.value.message.params["column"] == "J"
        with pytest.raises(RegisterError):
            plan_import(sheet, 5, {"name": 0}, session, TOWNSHIP)


def test_planning_can_be_cancelled(db: Database) -> None:
    class CancelAtOnce:
        def report(self, done: int, total: int | None = None, stage: object = None) -> None:
            pass

        def cancelled(self) -> bool:
            return True

    with db.sessions() as session, pytest.raises(Cancelled):
        plan_import(sheet_of([["甲协会"]]), 0, {"name": 0}, session, TOWNSHIP, CancelAtOnce())


def test_a_corrected_mapping_changes_the_plan(db: Database) -> None:
    """The officer maps a column the header words did not give away."""
    sheet = sheet_of([["甲协会", "李四"]], header=("单位名称", "负责同志"))
    guess = find_header(sheet)
    assert guess.mapping == {"name": 0}
    with db.sessions() as session:
        corrected = plan_import(sheet, 0, {"name": 0, "legal_rep": 1}, session, TOWNSHIP)
    assert corrected.entries[0].values == {"name": "甲协会", "legal_rep": "李四"}


def test_the_bad_code_in_the_messy_file_is_the_one_reported(db: Database, tmp_path: Path) -> None:
    result = plan(db, read_register(messy_register(tmp_path / "名录.xlsx")))
    pending = result.entries[4]
    assert pending.values["uscc"] is None and pending.values["uscc_pending"] == BAD
    assert pending.problems[0].message.params["detail"].params == {
        "expected": make_uscc("51", 5)[17], "actual": BAD[17]}


def test_the_plan_is_what_apply_writes(db: Database, tmp_path: Path) -> None:
    """Planning again after an import finds every good row unchanged."""
    sheet = read_register(messy_register(tmp_path / "名录.xlsx"))
    apply_plan(db, plan(db, sheet))
    again = plan(db, sheet)
    assert [(e.row, e.action) for e in again.entries if e.action is not Action.SKIPPED] == [
        (4, Action.UNCHANGED), (5, Action.UNCHANGED), (6, Action.UNCHANGED),
        (7, Action.UNCHANGED), (8, Action.UNCHANGED), (11, Action.UNCHANGED)]


def test_a_bad_code_is_kept_pending_and_a_correction_replaces_it(db: Database) -> None:
    rows = [["甲协会", BAD, "社会团体"], ["乙协会", TEA, "社会团体"]]
    result = plan(db, sheet_of(rows))
    assert outcome(result)[0] == (2, Action.NEW, [("uscc", "warning", "register.uscc_pending")])
    assert result.entries[0].values["uscc_pending"] == BAD
    words = result.entries[0].problems[0].located().render("zh")
    assert "第2行B列（统一社会信用代码），单位“甲协会”：" in words and "待核实" in words
    sheet = sheet_of(rows)
    guess = find_header(sheet)
    with db.sessions() as session:
        fixed = plan_import(sheet, guess.row, guess.mapping, session, TOWNSHIP,
                            corrections={2: make_uscc("51", 5)})
    assert outcome(fixed)[0] == (2, Action.NEW, [])
    assert fixed.entries[0].values["uscc"] == make_uscc("51", 5)
    assert "uscc_pending" not in fixed.entries[0].values
    assert fixed.pending() == 0


def test_totals_and_sign_off_rows_are_skipped_with_one_line_each(db: Database) -> None:
    result = plan(db, sheet_of([
        ["甲协会", TEA, "社会团体"],
        ["合计", "12", "3"],
        ["备注：本表由街道填报", "", ""],
        ["填表人：王芳", "制表：李四", "2024-05-01"],
        ["说明", "", "以上单位均已年检"],
    ]))
    assert outcome(result) == [
        (2, Action.NEW, []),
        (3, Action.SKIPPED, [("name", "warning", "register.note_row")]),
        (4, Action.SKIPPED, [("name", "warning", "register.note_row")]),
        (5, Action.SKIPPED, [("name", "warning", "register.note_row")]),
        (6, Action.SKIPPED, [("name", "warning", "register.note_row")]),
    ]
    assert result.entries[1].problems[0].message.render("zh") == (
        "“合计”是表格下方的合计、落款或说明，不是单位，已跳过。")
