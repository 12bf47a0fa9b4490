"""Build the shipped survey form ``forms/so_union_visit.xlsx`` from the lists below.

The workbook is an XLSForm (ODK) read by pyxform and by fieldsurvey's loader.
A binary workbook is hard to review in git, so this script is the source: edit
the lists here, run ``python scripts/build_form.py``, commit both files.
``tests/test_shipped_form_source.py`` fails if they drift apart.

    python scripts/build_form.py            # write forms/so_union_visit.xlsx
    python scripts/build_form.py --check    # only check the expressions and pyxform

Conventions (see also forms/README.md):
- one row per call of ``q()``, ``begin()``, ``end()``; labels, hints and messages
  are ``(中文, English)`` pairs;
- ``T`` holds the relevance conditions used in several places, so the skip
  logic reads as words;
- expressions use only the subset fieldsurvey evaluates (``ALLOWED_FUNCTIONS``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "forms" / "so_union_visit.xlsx"

ZH = "中文 (zh)"
EN = "English (en)"

FORM_ID = "so_union_visit"
# 2026120501: dates are checked against the visit date, not the day of keying
# (a paper form keyed weeks later is normal); a visit over 60 days back warns.
# 2026120502: 亮牌子 (双亮: the union's plaque and its chair's name on show), the first
# version to follow another mid-campaign; checked with
# `fieldsurvey form check forms/so_union_visit.xlsx --against <2026120501>`.
VERSION = "2026120502"
TITLE = "社会组织建会情况走访记录"

SURVEY_COLUMNS = [
    "type", "name", f"label::{ZH}", f"label::{EN}", f"hint::{ZH}", f"hint::{EN}",
    "required", f"required_message::{ZH}", f"required_message::{EN}",
    "constraint", f"constraint_message::{ZH}", f"constraint_message::{EN}",
    "relevant", "default", "calculation", "choice_filter", "read_only", "appearance",
    "fs_warning", f"fs_warning_message::{ZH}", f"fs_warning_message::{EN}",
    "fs_prefill", "fs_stat",
]  # fmt: skip
CHOICE_COLUMNS = ["list_name", "name", f"label::{ZH}", f"label::{EN}"]
SETTINGS_COLUMNS = ["form_id", "version", "form_title", "default_language",
                    "fs_campaign_start"]

Text = tuple[str, str]  # (中文, English)
Row = dict[str, str]


def q(
    type_: str,
    name: str,
    label: Text,
    *,
    hint: Text | None = None,
    required: str = "",
    required_message: Text | None = None,
    constraint: str = "",
    constraint_message: Text | None = None,
    relevant: str = "",
    default: str = "",
    calculation: str = "",
    read_only: str = "",
    appearance: str = "",
    warning: str = "",
    warning_message: Text | None = None,
    prefill: str = "",
    stat: str = "",
) -> Row:
    """One survey row."""
    row: Row = {"type": type_, "name": name}

    def pair(column: str, text: Text | None) -> None:
        if text:
            row[f"{column}::{ZH}"], row[f"{column}::{EN}"] = text

    pair("label", label)
    pair("hint", hint)
    pair("required_message", required_message)
    pair("constraint_message", constraint_message)
    pair("fs_warning_message", warning_message)
    row.update(
        {
            "required": required,
            "constraint": constraint,
            "relevant": relevant,
            "default": default,
            "calculation": calculation,
            "read_only": read_only,
            "appearance": appearance,
            "fs_warning": warning,
            "fs_prefill": prefill,
            "fs_stat": stat,
        }
    )
    return {k: v for k, v in row.items() if v}


def begin(
    name: str, label: Text, *, relevant: str = "", appearance: str = "", repeat: bool = False
) -> Row:
    kind = "begin_repeat" if repeat else "begin_group"
    return q(kind, name, label, relevant=relevant, appearance=appearance)


def end(name: str, *, repeat: bool = False) -> Row:
    # The name is not an XLSForm column value pyxform needs here; it is kept
    # out of the sheet and only documents which group is being closed.
    del name
    return {"type": "end_repeat" if repeat else "end_group"}


def any_of(field: str, *values: str) -> str:
    """``${field} = 'a' or ${field} = 'b'``."""
    return " or ".join(f"${{{field}}} = '{v}'" for v in values)


def not_empty_nor(field: str, value: str) -> str:
    return f"${{{field}}} != '' and ${{{field}}} != '{value}'"


# -- skip logic in words ------------------------------------------------------------
class T:
    """Relevance conditions used in more than one place."""

    interviewed = "${visit_result} = 'completed'"
    not_gone = "${visit_result} != 'gone'"
    not_completed = not_empty_nor("visit_result", "completed")
    # A union of the organization's own (单独/联合) or a federation covering it.
    union_exists = any_of("union_status", "own", "joint", "federation")
    # Any union membership, including staff who joined a township/community union
    # individually (单体入会).
    has_members = not_empty_nor("union_status", "none")
    # Reasons, plan and target date: asked when the organization has no union of
    # its own, i.e. none at all or only individual membership.
    no_own_union = any_of("union_status", "none", "individual")
    roster = any_of("union_status", "own", "joint")


YES = "yes"
REQ: Text = ("此项必填。", "This question is required.")
NOT_NEGATIVE: Text = ("人数不能为负数。", "A number of people cannot be negative.")
NOT_FUTURE: Text = ("日期不能晚于今天。", "The date cannot be later than today.")
# How far back a visit date may lie before the officer is asked to confirm it.
LATE_KEYING_DAYS = 60
# "No visit date yet" must not turn a date rule into an error of its own: the
# visit date's own "required" already says what is missing.
VISIT_DATE_UNSET = "${visit_date} = ''"
PERSONAL: Text = (
    "个人信息，仅用于工会工作联系，请妥善保管，不得外传。",
    "Personal data: for union work contacts only; keep it safe and do not pass it on.",
)
USCC_HINT: Text = (
    "18位，以登记证书、执业许可证或营业执照为准。",
    "18 characters, as printed on the registration certificate, practising licence or "
    "business licence.",
)
USCC_INVALID: Text = (
    "统一社会信用代码不正确（位数、字符或校验位有误），请逐位与证书核对。",
    "The unified social credit code is wrong (length, characters or check character); "
    "compare it with the certificate character by character.",
)
PHONE_INVALID: Text = (
    "电话号码格式不对：手机号码为11位；固定电话请加区号，如 0715-8123456。",
    "Not a valid phone number: mobiles have 11 digits; landlines need the area code, "
    "e.g. 0715-8123456.",
)


SURVEY: list[Row] = [
    # ---------------------------------------------------------------- 1. the visit
    begin("visit", ("走访基本情况", "The visit"), appearance="field-list"),
    q("date", "visit_date", ("走访日期", "Visit date"),
      hint=("实际上门走访的日期。", "The day you actually visited."),
      required=YES, required_message=REQ, default="today()",
      constraint=". <= today()", constraint_message=NOT_FUTURE,
      warning=f". >= today() - {LATE_KEYING_DAYS}",
      warning_message=(f"走访日期在{LATE_KEYING_DAYS}天以前。补录纸质记录的，请核对日期无误后确认。",
                       f"The visit date is more than {LATE_KEYING_DAYS} days ago. If you are "
                       "keying a paper form, check the date and confirm it."),
      stat="visit_date"),
    q("select_one visit_kind", "visit_kind", ("走访类型", "Kind of visit"),
      hint=("第一次上门选“摸底排查”。", "Choose “census” for the first visit."),
      required=YES, required_message=REQ),
    # The result is asked first, not last: at the door the officer already knows
    # whether the organization refuses, whether the responsible person is away or
    # whether the organization is gone, and should then not be led through the
    # interview. An interview broken off half-way is recorded as "revisit".
    q("select_one visit_result", "visit_result", ("走访结果", "Result of the visit"),
      hint=("请先选定结果。选择“拒访”“负责人不在，需回访”或“已注销或查无此单位”的，"
            "跳过访谈内容，只需核对单位信息并填写走访小结。访谈中途无法继续的，选“需回访”。",
            "Decide the result first. For “refused”, “revisit” or “gone” the interview "
            "is skipped: you only confirm the organization's details and fill in the "
            "wrap-up. If the interview breaks off half-way, choose “revisit”."),
      required=YES, required_message=REQ, stat="visit_result"),
    q("note", "result_note",
      ("本次未完成访谈：访谈内容将跳过。请核对单位信息，并在“走访小结”中写明情况和下次走访安排。",
       "No interview this time: the interview sections are skipped. Confirm the "
       "organization's details and record what happened and the next visit in the wrap-up."),
      relevant=T.not_completed),
    end("visit"),
    # ---------------------------------------------------------------- 2. respondent
    begin("respondent", ("受访人", "Respondent"), relevant=T.not_gone,
          appearance="field-list"),
    q("text", "respondent_name", ("受访人姓名", "Respondent's name"),
      hint=PERSONAL, required=T.interviewed, required_message=REQ),
    q("text", "respondent_post", ("受访人职务", "Respondent's post"),
      hint=("如：会长、秘书长、理事长、院长、主任、负责人、办公室工作人员。",
            "E.g. president, secretary-general, chair of the board, director, "
            "person in charge, office staff."),
      required=T.interviewed, required_message=REQ),
    q("text", "respondent_phone", ("受访人联系电话", "Respondent's phone"),
      hint=PERSONAL, constraint="phone-valid(.)", constraint_message=PHONE_INVALID),
    end("respondent"),
    # ---------------------------------------------------------------- 3. organization
    begin("organization", ("单位基本情况", "The organization"), appearance="field-list"),
    q("note", "organization_note",
      ("以下信息已按社会组织名录预填，请向受访人核对，有变化的直接修改。",
       "These details are prefilled from the register; check them with the respondent "
       "and correct what has changed.")),
    q("text", "org_name", ("单位名称", "Name of the organization"),
      hint=("以登记证书上的名称为准。", "As on the registration certificate."),
      required=YES, required_message=REQ, prefill="register.name"),
    q("select_one reg_type", "reg_type", ("登记类型", "Registration type"),
      hint=("以登记机关的登记（备案）为准。", "As registered (or filed) with the authority."),
      required=YES, required_message=REQ, appearance="minimal",
      prefill="register.reg_type", stat="reg_type"),
    q("text", "uscc", ("统一社会信用代码", "Unified social credit code"),
      hint=(USCC_HINT[0] + "城乡社区社会组织多为备案，没有代码的可不填。",
            USCC_HINT[1] + " Community organizations are often only filed and may have "
            "no code; leave it empty then."),
      required=f"{T.interviewed} and ${{reg_type}} != 'community'",
      required_message=REQ,
      constraint="uscc-valid(.)", constraint_message=USCC_INVALID,
      warning="uscc-type-matches(., ${reg_type})",
      warning_message=(
          "代码前两位与所选登记类型不符（如社会团体以51开头、民办非企业单位以52开头、"
          "基金会以53开头、律师事务所以31开头），请核对登记类型或代码。",
          "The first two characters do not match the registration type (social groups "
          "start with 51, private non-enterprise units 52, foundations 53, law firms 31); "
          "check the type or the code."),
      prefill="register.uscc"),
    q("select_one org_field", "org_field", ("所属类别", "Field of activity"),
      hint=("经济服务类：行业协会、商会、农民专业合作组织等；公益慈善类：志愿者协会、慈善组织等；"
            "社会服务类：教育、文化、卫生、体育、社会福利、居民生活服务等；"
            "社会管理类：矛盾纠纷调解等。",
            "Economic services: trade associations, chambers of commerce, farmers' "
            "cooperatives; charity: volunteer and charitable organizations; social "
            "services: education, culture, health, sport, welfare, residents' services; "
            "social management: mediation and the like."),
      required=T.interviewed, required_message=REQ, relevant=T.not_gone,
      prefill="previous"),
    q("text", "supervisor", ("业务主管单位", "Supervising body"),
      hint=("已与行政机关脱钩或直接登记、没有业务主管单位的，填“无”。",
            "Write “none” if the organization has been decoupled from government or "
            "registered directly and has no supervising body."),
      relevant=T.not_gone, prefill="register.supervisor"),
    q("text", "address", ("住所（办公地址）", "Address (office)"),
      required=T.interviewed, required_message=REQ, relevant=T.not_gone,
      prefill="register.address"),
    q("text", "legal_rep", ("法定代表人（负责人）", "Legal representative (person in charge)"),
      hint=PERSONAL, required=T.interviewed, required_message=REQ, relevant=T.not_gone,
      prefill="register.legal_rep"),
    q("text", "org_phone", ("单位联系电话", "Organization's phone"),
      relevant=T.not_gone, constraint="phone-valid(.)", constraint_message=PHONE_INVALID,
      prefill="register.phone"),
    q("select_one operating_status", "operating_status", ("运营状态", "Operating status"),
      hint=("“停止活动”指未注销但已不开展业务活动。",
            "“Dormant” means not deregistered but no longer active."),
      required=YES, required_message=REQ,
      constraint=(f"if({T.not_gone}, . = 'operating' or . = 'dormant', "
                  ". = 'deregistered' or . = 'not_found')"),
      constraint_message=(
          "运营状态与走访结果不一致：走访结果为“已注销或查无此单位”的，运营状态应为“已注销”或"
          "“查无此单位”；其他走访结果，运营状态应为“正常运营”或“停止活动”。",
          "The status does not fit the result of the visit: for “gone” choose "
          "“deregistered” or “cannot be found”; otherwise “operating” or “dormant”."),
      stat="operating_status"),
    end("organization"),
    # ---------------------------------------------------------------- 4. staff and party
    begin("staff", ("职工和党组织情况", "Staff and Party organization"),
          relevant=T.interviewed, appearance="field-list"),
    q("integer", "staff_total", ("职工总人数", "Total staff"),
      hint=("在本单位工作的全部人员，包括专职人员和兼职、退休返聘、劳务派遣人员；"
            "不包括社会团体的会员（会员单位）、理事和志愿者。",
            "Everyone who works for the organization: full-time staff plus part-time, "
            "re-employed retired and agency workers. Do not count a social group's "
            "members (member units), board members or volunteers."),
      required=YES, required_message=REQ,
      constraint=". >= 0", constraint_message=NOT_NEGATIVE, stat="staff_total",
      prefill="previous"),
    q("integer", "staff_women", ("其中：女职工人数", "Of whom women"),
      required=YES, required_message=REQ,
      constraint=". >= 0 and (${staff_total} = '' or . <= ${staff_total})",
      constraint_message=("女职工人数不能为负数，也不能多于职工总人数。",
                          "Women cannot be negative or more than the total staff."),
      stat="staff_women", prefill="previous"),
    q("integer", "staff_fulltime", ("其中：专职人员", "Of whom full-time"),
      required=YES, required_message=REQ,
      constraint=". >= 0 and (${staff_total} = '' or . <= ${staff_total})",
      constraint_message=("专职人员不能为负数，也不能多于职工总人数。",
                          "Full-time staff cannot be negative or more than the total."),
      prefill="previous"),
    q("integer", "staff_parttime",
      ("其中：兼职和退休返聘人员", "Of whom part-time or re-employed retired"),
      hint=("社区社会组织多为兼职和退休人员，请如实填写。",
            "Community organizations are often run by part-time and retired people; "
            "record them here."),
      required=YES, required_message=REQ,
      constraint=(". >= 0 and (${staff_total} = '' or ${staff_fulltime} = '' or "
                  ". + ${staff_fulltime} <= ${staff_total})"),
      constraint_message=("专职人员与兼职、退休返聘人员之和不能多于职工总人数。",
                          "Full-time plus part-time/retired cannot exceed the total staff."),
      prefill="previous"),
    q("select_one yes_no", "party_org", ("是否建立党组织", "Is there a Party organization?"),
      hint=("包括单独建立或联合建立的党组织。有党组织的单位应推动同步建立工会（党工共建）。",
            "Its own or a joint Party organization. Where there is a Party "
            "organization there should be a union too (党工共建)."),
      required=YES, required_message=REQ, prefill="previous"),
    end("staff"),
    # ---------------------------------------------------------------- 5. the union
    begin("union", ("工会情况", "Trade union"), relevant=T.interviewed),
    q("select_one union_status", "union_status", ("工会组建情况", "Union status"),
      hint=("单独建：本单位单独建立工会委员会。联合建：与行业相近、地域相邻的社会组织联合建立工会。"
            "兜底建：纳入乡镇（街道）、社区或行业工会联合会。"
            "单体入会：本单位未建工会，职工个人就近加入乡镇（街道）、社区工会。",
            "Own union: a union committee of its own. Joint union: set up together with "
            "similar or neighbouring organizations. Federation (兜底建): covered by a "
            "township, community or sector union federation. Individual: no union here, "
            "the staff joined a township or community union individually."),
      required=YES, required_message=REQ, prefill="previous", stat="union_status"),
    # Individual membership (单体入会): the staff are union members but the
    # organization has no union of its own and none covers it as a unit. So the
    # union's own details (date, code, chair, committees, dues) and the roster
    # are not asked; the members are (they count for the membership rate), and
    # so are the reasons for not setting up a union and the plan (it is still
    # an organization to bring into a union).
    begin("union_org", ("工会组织", "The union"), relevant=T.union_exists,
          appearance="field-list"),
    q("date", "union_setup_date", ("工会成立日期", "Date the union was set up"),
      hint=("兜底建的，填纳入工会联合会的日期。",
            "For a federation, the date the organization was brought in."),
      required=YES, required_message=REQ,
      # A union the officer found cannot have been set up after the visit.
      constraint=f". <= today() and ({VISIT_DATE_UNSET} or . <= ${{visit_date}})",
      constraint_message=("工会成立日期不能晚于走访日期。",
                          "The union cannot have been set up after the visit date."),
      prefill="previous", stat="union_setup_date"),
    q("text", "union_uscc", ("工会统一社会信用代码", "Union's unified social credit code"),
      hint=("见工会法人资格证书，第1位为8。兜底建的，填所在工会联合会的代码；尚未取得的可不填。",
            "On the union's legal-person certificate; it starts with 8. For a federation, "
            "the federation's code. Leave empty if there is none yet."),
      constraint="uscc-valid(.)", constraint_message=USCC_INVALID,
      warning="uscc-type-matches(., 'union')",
      warning_message=("基层工会的统一社会信用代码一般以81开头，请核对。",
                       "A grassroots union's code normally starts with 81; please check."),
      prefill="previous"),
    q("text", "union_chair", ("工会主席姓名", "Name of the union chair"),
      hint=(PERSONAL[0] + "兜底建的，填工会联合会主席。",
            PERSONAL[1] + " For a federation, its chair."),
      required=YES, required_message=REQ, prefill="previous"),
    q("select_one yes_no", "chair_elected",
      ("工会主席是否经民主选举产生", "Was the chair democratically elected?"),
      required=YES, required_message=REQ, prefill="previous"),
    end("union_org"),
    begin("membership", ("会员情况", "Members"), relevant=T.has_members,
          appearance="field-list"),
    q("integer", "union_members", ("工会会员人数", "Union members"),
      hint=("本单位职工中已加入工会的人数；单体入会的，填已加入乡镇（街道）、社区工会的本单位职工人数。",
            "Staff of this organization who are union members; for individual "
            "membership, those who joined a township or community union."),
      required=YES, required_message=REQ,
      constraint=". >= 0 and . <= ${staff_total}",
      constraint_message=("会员人数不能为负数，也不能多于职工总人数。",
                          "Members cannot be negative or more than the total staff."),
      stat="union_members", prefill="previous"),
    q("integer", "union_members_women", ("其中：女会员人数", "Of whom women"),
      required=YES, required_message=REQ,
      constraint=(". >= 0 and . <= ${staff_women} and "
                  "(${union_members} = '' or . <= ${union_members})"),
      constraint_message=("女会员人数不能多于会员人数，也不能多于女职工人数。",
                          "Women members cannot exceed the members or the women staff."),
      stat="union_members_women", prefill="previous"),
    end("membership"),
    begin("union_work", ("工会规范化建设", "How the union works"), relevant=T.union_exists,
          appearance="field-list"),
    q("select_multiple committees", "committees",
      ("已建立的委员会（可多选）", "Committees in place (all that apply)"),
      hint=("工会委员会、经费审查委员会、女职工委员会应同步健全。都没有的选“均未建立”。",
            "The union committee, funds audit committee and women workers' committee "
            "should all be in place. If none is, choose “none yet”."),
      required=YES, required_message=REQ,
      constraint="not(selected(., 'none') and count-selected(.) > 1)",
      constraint_message=("选了“均未建立”就不能再选其他委员会。",
                          "“None yet” cannot be combined with a committee."),
      prefill="previous", stat="committees"),
    q("select_one yes_no", "members_congress",
      ("是否召开过会员（代表）大会", "Has a members' (representatives') congress been held?"),
      required=YES, required_message=REQ),
    q("select_one yes_no", "workers_congress",
      ("是否建立职工代表大会（职工大会）制度", "Is there a workers' congress?"),
      required=YES, required_message=REQ),
    q("select_one yes_no", "collective_bargaining",
      ("是否开展集体协商（签订集体合同）",
       "Is there collective bargaining (a collective contract)?"),
      required=YES, required_message=REQ),
    q("select_one yes_no", "workers_home",
      ("是否建成职工之家", "Has a workers' home been set up?"),
      required=YES, required_message=REQ),
    q("select_one yes_no", "dues_paid",
      ("是否足额按时拨缴工会经费", "Are union dues paid in full and on time?"),
      hint=("工会经费按全部职工工资总额的2%拨缴。兜底建的，指是否向工会联合会足额按时拨缴。",
            "Union funds are 2% of the total payroll. For a federation: paid in full "
            "and on time to the federation."),
      required=YES, required_message=REQ, stat="dues_paid"),
    q("select_one shuangliang", "plaque_displayed",
      ("是否“亮牌子”（工会牌子和工会主席姓名公开展示，即“双亮”）",
       "Are the union's plaque and its chair's name on display (“双亮”)?"),
      hint=("在单位办公场所看得到的地方挂出工会牌子、公示工会主席姓名和联系方式。",
            "The union's plaque hangs, and its chair's name and contact are posted, "
            "where staff can see them at the workplace."),
      required=YES, required_message=REQ),
    end("union_work"),
    begin("leaders", ("工会领导班子成员", "Union leadership"), relevant=T.roster,
          repeat=True),
    q("note", "leaders_note",
      ("请逐人填写工会主席、副主席、委员和经审、女职委负责人。" + PERSONAL[0],
       "One entry per chair, vice-chair, committee member, audit head and women's "
       "committee head. " + PERSONAL[1])),
    q("text", "leader_name", ("姓名", "Name"), hint=PERSONAL,
      required=YES, required_message=REQ),
    q("select_one sex", "leader_sex", ("性别", "Sex"), required=YES, required_message=REQ),
    q("select_one leader_post", "leader_post", ("职务", "Post"),
      required=YES, required_message=REQ,
      warning=". != 'women_head' or ${leader_sex} != 'male'",
      warning_message=("女职委主任一般由女性担任，请核对性别或职务。",
                       "The women workers' committee is normally headed by a woman; "
                       "check the sex or the post.")),
    q("select_one tenure", "leader_tenure", ("专职或兼职", "Full- or part-time"),
      required=YES, required_message=REQ),
    q("text", "leader_phone", ("联系电话", "Phone"), hint=PERSONAL,
      constraint="phone-valid(.)", constraint_message=PHONE_INVALID),
    end("leaders", repeat=True),
    begin("no_union", ("未建会情况", "No union of its own"), relevant=T.no_own_union,
          appearance="field-list"),
    q("select_multiple no_union_reasons", "no_union_reasons",
      ("未单独建立工会的原因（可多选）", "Why is there no union (all that apply)?"),
      hint=("请认真了解、如实记录，以便逐一突破。", "Find out and record every reason."),
      required=YES, required_message=REQ),
    q("text", "no_union_other", ("其他原因（请说明）", "Other reason (please specify)"),
      relevant="selected(${no_union_reasons}, 'other')",
      required=YES, required_message=REQ),
    q("note", "obstruction_note",
      ("注意：选择了“负责人抵触或阻挠建会”。本记录将被标记并报上级工会协调处理，"
       "请在“走访小结—情况说明”中写明具体情况。",
       "Note: “management resists or obstructs” is selected. This record will be "
       "flagged and escalated to the higher-level union; describe what happened in the "
       "wrap-up notes."),
      relevant="selected(${no_union_reasons}, 'obstructs')"),
    q("calculate", "obstruction_flag", ("阻挠建会标记", "Obstruction flag"),
      calculation="if(selected(${no_union_reasons}, 'obstructs'), 1, 0)"),
    q("select_one planned_form", "planned_form", ("拟建会形式", "Planned form"),
      hint=("职工较多、规模较大、管理规范的可单独建；规模较小、行业相近的可联合建；"
            "区域分散、职工流动性大的可兜底建。",
            "Larger, well-run organizations: own union; small ones in similar lines of "
            "work: joint union; scattered ones with high staff turnover: federation."),
      required=YES, required_message=REQ),
    q("date", "target_date", ("计划完成建会时间", "Target date"),
      hint=("明确目标时限，应在走访日期之后。", "Set a deadline after the visit date."),
      relevant=(any_of("planned_form", "own", "joint", "federation")
                + " or (${planned_form} = 'individual' and ${union_status} = 'none')"),
      required=YES, required_message=REQ,
      # After the visit, not after the day of keying: a paper form keyed late keeps
      # the deadline agreed at the door.
      constraint=f"{VISIT_DATE_UNSET} or . > ${{visit_date}}",
      constraint_message=("目标时间应在走访日期之后。",
                          "The target date must be after the visit date.")),
    end("no_union"),
    q("select_multiple services", "services",
      ("工会为本单位职工开展的服务（可多选，选填）",
       "Services the union has delivered to the staff (all that apply, optional)"),
      relevant=T.has_members),
    end("union"),
    # ---------------------------------------------------------------- 6. wrap-up
    begin("wrap_up", ("走访小结", "Wrap-up"), appearance="field-list"),
    q("date", "next_visit_date", ("下次走访日期", "Next visit date"),
      hint=("需回访的必须填写；尚未建会的建议一并约定。",
            "Required for a revisit; also advisable where there is no union yet."),
      required="${visit_result} = 'revisit'",
      required_message=("负责人不在需回访的，请填写下次走访日期。",
                        "A revisit needs the date of the next visit."),
      # After the visit it was agreed at. It may already have passed when a paper
      # form is keyed late; the case list then shows the revisit as overdue.
      constraint=f"{VISIT_DATE_UNSET} or . > ${{visit_date}}",
      constraint_message=("下次走访日期应在走访日期之后。",
                          "The next visit date must be after the visit date."),
      stat="next_visit_date"),
    q("text", "notes", ("情况说明", "Notes"),
      hint=("拒访的，写明拒访经过；阻挠建会的，写明具体情况；其他需要说明的情况。",
            "For a refusal, what happened; for obstruction, the details; anything "
            "else worth recording."),
      required="${visit_result} = 'refused' or ${obstruction_flag} = 1",
      required_message=("拒访或阻挠建会的，请写明具体情况。",
                        "Describe the refusal or the obstruction."),
      appearance="multiline"),
    q("text", "next_step", ("下一步工作", "Next step"),
      hint=("如：送达建会政策材料、指导召开会员大会、报县总工会协调等。",
            "E.g. bring the policy documents, help hold the members' congress, ask the "
            "county federation to step in."),
      appearance="multiline"),
    end("wrap_up"),
]  # fmt: skip


CHOICES: dict[str, list[tuple[str, str, str]]] = {
    "visit_kind": [
        ("census", "摸底排查", "Census"),
        ("follow_up", "跟进回访", "Follow-up"),
        ("guidance", "建会指导", "Guidance on setting up a union"),
        ("verification", "核查", "Verification"),
    ],
    "visit_result": [
        ("completed", "完成", "Completed"),
        ("refused", "拒访", "Refused"),
        ("revisit", "负责人不在，需回访", "Person in charge absent, revisit needed"),
        ("gone", "已注销或查无此单位", "Deregistered or cannot be found"),
    ],
    # Codes shared with fieldsurvey.domain.registration (USCC cross-check).
    "reg_type": [
        ("social_group", "社会团体", "Social group"),
        ("private_non_enterprise", "民办非企业单位（社会服务机构）",
         "Private non-enterprise unit (social service institution)"),
        ("foundation", "基金会", "Foundation"),
        ("intermediary", "社会中介组织", "Intermediary organization"),
        ("community", "城乡社区社会组织", "Urban or rural community organization"),
        ("law_firm", "律师事务所", "Law firm"),
        ("accounting_firm", "会计师事务所", "Accounting firm"),
        ("other", "其他", "Other"),
    ],
    "org_field": [
        ("economic", "经济服务类", "Economic services"),
        ("charity", "公益慈善类", "Public welfare and charity"),
        ("social_service", "社会服务类", "Social services"),
        ("social_management", "社会管理类", "Social management"),
        ("other", "其他", "Other"),
    ],
    "operating_status": [
        ("operating", "正常运营", "Operating"),
        ("dormant", "停止活动", "Dormant"),
        ("deregistered", "已注销", "Deregistered"),
        ("not_found", "查无此单位", "Cannot be found"),
    ],
    "yes_no": [
        ("yes", "是", "Yes"),
        ("no", "否", "No"),
    ],
    "shuangliang": [
        ("both", "双亮（牌子和主席姓名都已公开）", "Both plaque and chair's name"),
        ("plaque_only", "只挂了工会牌子", "Only the plaque"),
        ("name_only", "只公示了主席姓名", "Only the chair's name"),
        ("neither", "都没有", "Neither"),
    ],
    "union_status": [
        ("none", "未建会", "No union"),
        ("own", "单独建会", "Own union"),
        ("joint", "联合建会", "Joint union with other organizations"),
        ("federation", "兜底建会（纳入工会联合会）", "Covered by a union federation"),
        ("individual", "职工单体入会", "Staff joined individually"),
    ],
    "committees": [
        ("union_committee", "工会委员会", "Union committee"),
        ("audit_committee", "经费审查委员会", "Funds audit committee"),
        ("women_committee", "女职工委员会", "Women workers' committee"),
        ("none", "均未建立", "None yet"),
    ],
    "sex": [
        ("male", "男", "Male"),
        ("female", "女", "Female"),
    ],
    "leader_post": [
        ("chair", "主席", "Chair"),
        ("vice_chair", "副主席", "Vice-chair"),
        ("member", "委员", "Committee member"),
        ("audit_head", "经审主任", "Head of the funds audit committee"),
        ("women_head", "女职委主任", "Head of the women workers' committee"),
    ],
    "tenure": [
        ("full_time", "专职", "Full-time"),
        ("part_time", "兼职", "Part-time"),
    ],
    "no_union_reasons": [
        ("few_staff", "职工人数少", "Too few staff"),
        ("part_time_retired", "多为兼职或退休人员", "Mostly part-time or retired staff"),
        ("unaware", "负责人不了解建会政策", "Management unaware of the policy"),
        ("obstructs", "负责人抵触或阻挠建会", "Management resists or obstructs"),
        ("financial", "经费困难", "Financial difficulty"),
        ("deregistering", "即将注销", "About to deregister"),
        ("other", "其他", "Other"),
    ],
    "planned_form": [
        ("own", "单独建会", "Own union"),
        ("joint", "联合建会", "Joint union"),
        ("federation", "兜底建会（纳入工会联合会）", "Join a union federation"),
        ("individual", "职工单体入会", "Staff join individually"),
        ("undecided", "尚未确定", "Undecided"),
    ],
    "services": [
        ("legal_aid", "法律援助", "Legal aid"),
        ("hardship_relief", "困难帮扶（送温暖）", "Hardship relief (送温暖)"),
        ("school_aid", "金秋助学", "School aid (金秋助学)"),
        ("training", "职工培训", "Training"),
        ("activities", "文体活动", "Cultural and sports activities"),
    ],
}  # fmt: skip

SETTINGS = {
    "form_id": FORM_ID,
    "version": VERSION,
    "form_title": TITLE,
    "default_language": ZH,
    # Organizations with no known registration date count from here; a union set up
    # earlier is never "new" in a month's table.
    "fs_campaign_start": "2026-01-01",
}


# -- checks ------------------------------------------------------------------------------
ALLOWED_FUNCTIONS = frozenset(
    {
        "selected", "count-selected", "string-length", "regex", "concat", "if",
        "coalesce", "int", "number", "round", "today", "now", "date",
        "decimal-date-time", "count", "sum", "not", "true", "false",
        "uscc-valid", "uscc-type-matches", "phone-valid", "division-code-valid",
    }
)  # fmt: skip
ALLOWED_TYPES = frozenset(
    {
        "text", "integer", "decimal", "date", "datetime", "time", "select_one",
        "select_multiple", "note", "calculate", "acknowledge", "hidden",
        "begin_group", "end_group", "begin_repeat", "end_repeat",
    }
)  # fmt: skip
EXPRESSION_COLUMNS = (
    "required", "constraint", "relevant", "calculation", "choice_filter", "read_only",
    "fs_warning", "default",
)  # fmt: skip
STAT_KEYS = (
    "visit_date", "visit_result", "operating_status", "reg_type", "staff_total",
    "staff_women", "union_status", "union_setup_date", "union_members",
    "union_members_women", "committees", "dues_paid", "next_visit_date",
)  # fmt: skip
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'[^']*'|"[^"]*")
      | (?P<ref>\$\{(?P<refname>[A-Za-z_][A-Za-z0-9_]*)\})
      | (?P<number>\d+(?:\.\d+)?)
      | (?P<name>[A-Za-z][A-Za-z0-9_-]*)
      | (?P<op>!=|<=|>=|[=<>+*()\-,.])
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "div", "mod"}


def expression_problems(text: str, names: set[str]) -> list[str]:
    """What is wrong with ``text``: unbalanced parentheses, unknown functions or fields,
    bare names (paths), anything the subset does not have. Empty when fine."""
    problems: list[str] = []
    tokens: list[tuple[str, str]] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if not match or match.end() == pos:
            problems.append(f"unexpected {stripped[pos:].strip()[:20]!r}")
            break
        kind = match.lastgroup or ""
        if kind == "refname":
            kind = "ref"
        value = match.group("refname") if kind == "ref" else match.group(kind)
        tokens.append((kind, value))
        pos = match.end()
    depth = 0
    for i, (kind, value) in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if kind == "op" and value == "(":
            depth += 1
        elif kind == "op" and value == ")":
            depth -= 1
            if depth < 0:
                problems.append("')' without '('")
                depth = 0
        elif kind == "ref" and value not in names:
            problems.append(f"unknown field ${{{value}}}")
        elif kind == "name" and value not in _KEYWORDS:
            if following == ("op", "("):
                if value not in ALLOWED_FUNCTIONS:
                    problems.append(f"function {value}() not allowed")
            else:
                problems.append(f"bare name {value!r} (paths are not allowed)")
    if depth:
        problems.append("unbalanced parentheses")
    return problems


def check_form(survey: Sequence[Row] = SURVEY) -> list[str]:
    """Every problem the builder can see without the app: types, lists, names,
    expressions, fs_stat keys, translations."""
    problems: list[str] = []
    names = [r["name"] for r in survey if "name" in r]
    for name, n in Counter(names).items():
        if n > 1:
            problems.append(f"name {name} used {n} times")
    known = set(names)
    depth = 0
    for row in survey:
        where = row.get("name", row["type"])
        words = row["type"].split()
        if words[0] not in ALLOWED_TYPES:
            problems.append(f"{where}: type {row['type']!r} not allowed")
        if words[0] in ("select_one", "select_multiple") and (
            len(words) != 2 or words[1] not in CHOICES
        ):
            problems.append(f"{where}: unknown choice list in {row['type']!r}")
        depth += words[0].startswith("begin_") - words[0].startswith("end_")
        for column in EXPRESSION_COLUMNS:
            text = row.get(column, "")
            if not text or text == YES:
                continue
            problems += [f"{where}.{column}: {p}" for p in expression_problems(text, known)]
        for base in ("label", "hint", "required_message", "constraint_message",
                     "fs_warning_message"):  # fmt: skip
            if bool(row.get(f"{base}::{ZH}")) != bool(row.get(f"{base}::{EN}")):
                problems.append(f"{where}: {base} not in both languages")
        if row.get("fs_warning") and not row.get(f"fs_warning_message::{ZH}"):
            problems.append(f"{where}: fs_warning without a message")
        if row.get("constraint") and not row.get(f"constraint_message::{ZH}"):
            problems.append(f"{where}: constraint without a message")
    if depth:
        problems.append("groups not balanced")
    stats = Counter(r["fs_stat"] for r in survey if r.get("fs_stat"))
    for key in STAT_KEYS:
        if stats[key] != 1:
            problems.append(f"fs_stat {key} used {stats[key]} times")
    problems += [f"unknown fs_stat {k}" for k in stats if k not in STAT_KEYS]
    problems += _check_registration_types()
    return problems


def _check_registration_types() -> list[str]:
    """The reg_type choices must be the codes the USCC cross-check knows."""
    try:
        from fieldsurvey.domain.registration import REGISTRATION_TYPES
    except ImportError:  # the package is not installed: nothing to compare with
        return []
    ours = [name for name, _, _ in CHOICES["reg_type"]]
    if ours != list(REGISTRATION_TYPES):
        return [f"reg_type choices {ours} differ from domain {list(REGISTRATION_TYPES)}"]
    return []


# -- the workbook -------------------------------------------------------------------------
def sheet_rows() -> dict[str, list[list[Any]]]:
    """Each sheet as rows of cell values, header first (``None`` for an empty cell)."""
    survey = [SURVEY_COLUMNS] + [[row.get(c) or None for c in SURVEY_COLUMNS] for row in SURVEY]
    choices: list[list[Any]] = [CHOICE_COLUMNS]
    for list_name, items in CHOICES.items():
        choices += [[list_name, name, zh, en] for name, zh, en in items]
    settings = [SETTINGS_COLUMNS, [SETTINGS[c] for c in SETTINGS_COLUMNS]]
    return {"survey": survey, "choices": choices, "settings": settings}


_WIDTHS = {"type": 34, "name": 22, "label": 40, "hint": 40, "constraint": 36,
           "relevant": 36, "required": 24, "fs_warning": 30}  # fmt: skip


def build_workbook() -> Workbook:
    workbook = Workbook()  # comes with one empty sheet: it becomes "survey"
    for index, (title, rows) in enumerate(sheet_rows().items()):
        sheet = workbook.worksheets[0] if index == 0 else workbook.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            base = str(cell.value).split("::")[0]
            width = _WIDTHS.get(base, 16)
            sheet.column_dimensions[cell.column_letter].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "C2" if title == "survey" else "A2"
    return workbook


def pyxform_check(path: Path) -> None:
    """Raise if pyxform refuses the workbook."""
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    workbook_to_json(get_xlsform(str(path)), form_name=FORM_ID, warnings=[])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build forms/so_union_visit.xlsx.")
    parser.add_argument("--check", action="store_true", help="check only, write nothing")
    parser.add_argument("output", nargs="?", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    problems = check_form()
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if args.check:
        pyxform_check(args.output)
        print(f"{args.output}: source checks and pyxform passed")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    build_workbook().save(args.output)
    pyxform_check(args.output)
    print(f"wrote {args.output} ({len(SURVEY)} survey rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
