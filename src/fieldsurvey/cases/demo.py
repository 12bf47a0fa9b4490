"""A realistic demo register with finalized visits, for screenshots, tests and benchmarks.

:func:`populate_demo` fills a store with one township's register and its visits
for the shipped form (``so_union_visit``): every case status, every union form,
revisits due and overdue, refusals, organizations that are gone, unvisited ones,
new unions this month and one reopened visit. The same ``seed`` and ``today``
always give the same data (ids and timestamps excepted).

It must build 50,000 organizations in seconds, so it does not go through
:func:`fieldsurvey.store.visits.finalize` (about 3 ms a visit for the form
checks). Instead:

- answers are written directly in their finalized shape (only relevant
  questions, the calculated ``obstruction_flag`` filled in), valid as of the
  visit day, which is when the officer would have finalized them;
- the statistics columns come from :func:`fieldsurvey.forms.stats.extract_facts`,
  the very function ``finalize`` uses, and ``answers_json`` from
  :func:`fieldsurvey.canonical.canonical_json`;
- rows go in with SQLAlchemy Core ``executemany`` inserts.

``tests/cases/test_demo.py`` checks that every generated visit passes the form's
checks and matches what ``finalize`` stores for the same answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

from pypinyin import Style, lazy_pinyin
from sqlalchemy import Table, insert

from fieldsurvey.canonical import canonical_json
from fieldsurvey.domain.uscc import org_code_check_char, uscc_check_char
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.stats import VisitFacts, extract_facts
from fieldsurvey.store.db import Database
from fieldsurvey.store.models import Organization, Visit, VisitRevision, new_id

#: The questions the generated answers use; a form without them cannot be demoed.
REQUIRED_QUESTIONS = (
    "visit_date", "visit_kind", "visit_result", "org_name", "reg_type", "uscc",
    "operating_status", "staff_total", "union_status", "union_setup_date",
    "union_members", "no_union_reasons", "obstruction_flag", "planned_form",
    "target_date", "next_visit_date", "leaders",
)  # fmt: skip

# -- the register ------------------------------------------------------------------------
# Names are built from parts, and the pinyin search key from the parts' keys: pypinyin
# costs ~135 us a name, a third of the whole budget at 50,000 organizations. The parts
# avoid characters whose reading depends on the neighbouring characters (长, 行, 乐, 重),
# so the joined key equals ``search_key(name)``; the tests check it on every demo name.
PLACES = (
    "温泉", "浮山", "永安", "向阳", "桂花", "凤凰", "金桂", "双溪", "马桥", "贺胜",
    "汀泗", "横沟", "官埠", "高桥", "大幕", "青山", "东湖", "西河", "南岭", "银泉",
    "潜山", "淦河", "月亮湾", "三元", "古田", "太乙", "星星", "柏墩", "白岩", "桃花",
)  # fmt: skip
SOCIAL_THEMES = (
    "茶叶", "书画", "摄影", "老年体育", "个体劳动者", "餐饮", "物流", "家政服务",
    "电子商务", "楠竹", "桂花产业", "养蜂", "钓鱼", "太极拳", "诗词", "收藏",
    "企业家", "青年创业", "建筑业", "汽车维修", "旅游", "农机", "水产", "花卉",
    "中医药", "文学艺术", "篮球", "羽毛球", "乒乓球", "健身气功", "围棋", "象棋",
    "舞蹈", "合唱", "民俗文化", "志愿者", "退役军人", "家庭教育", "心理健康", "保安",
)  # fmt: skip
SOCIAL_KINDS = ("协会", "商会", "促进会", "研究会", "联合会", "学会")
BRANDS = (
    "阳光", "童心", "康宁", "博雅", "启航", "明德", "睿智", "春晖", "爱心", "安康",
    "福寿", "颐康", "慧心", "新星", "彩虹", "蓝天", "晨曦", "育才", "和美", "仁爱",
    "金色年华", "小树苗", "向日葵", "同心", "恒信", "正道", "诚信", "泰和", "嘉禾", "德润",
)  # fmt: skip
SERVICE_KINDS = (
    "幼儿园", "养老院", "职业培训学校", "社会工作服务中心", "康复中心", "托育中心",
    "艺术培训中心", "心理咨询服务中心", "居家养老服务中心", "青少年活动中心",
)  # fmt: skip
FOUNDATION_KINDS = ("慈善基金会", "教育基金会", "助学基金会", "乡村振兴基金会")
INTERMEDIARY_KINDS = (
    "评估中心", "咨询服务中心", "人才交流服务中心", "人民调解中心", "职业介绍服务中心",
)  # fmt: skip
VILLAGES = (
    "东风", "红旗", "幸福", "和平", "新华", "光明", "建设", "团结", "胜利", "前进",
    "友谊", "民主", "繁荣", "兴旺", "花园", "湖滨", "滨江", "金港", "石桥", "松柏",
)  # fmt: skip
COMMUNITY_KINDS = (
    "社区舞蹈队", "社区志愿服务队", "社区合唱团", "社区老年协会", "社区读书会",
    "社区邻里互助会", "村腰鼓队", "村红白理事会",
)  # fmt: skip
BRANCHES = ("东区", "西区", "南区", "北区", "城区", "新区", "一分部", "二分部", "三分部")

# Registration type -> (share of the register, how a name is made, field of activity).
# Shares follow Changchun's published breakdown (DOMAIN.md), with law and accounting firms.
TYPES: dict[str, float] = {
    "social_group": 0.22, "private_non_enterprise": 0.50, "foundation": 0.03,
    "intermediary": 0.09, "community": 0.11, "law_firm": 0.03, "accounting_firm": 0.02,
}  # fmt: skip
USCC_PREFIX = {
    "social_group": "51", "private_non_enterprise": "52", "foundation": "53",
    "intermediary": "52", "community": "51", "law_firm": "31", "accounting_firm": "91",
}  # fmt: skip
SUPERVISORS = ("区民政局", "区教育局", "区文化和旅游局", "区卫生健康局", "区工商联",
               "区科学技术协会", "无")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = (
    "芳", "伟", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "志强", "玉兰", "国庆", "海燕",
)  # fmt: skip
WOMEN_GIVEN = frozenset({"芳", "敏", "静", "丽", "艳", "娟", "秀英", "霞", "桂英", "玉兰", "海燕"})


@dataclass(frozen=True)
class DemoOrganization:
    """One organization of the demo register (its true registration type included)."""

    id: str
    name: str
    reg_type: str
    org_field: str
    uscc: str | None
    supervisor: str | None
    address: str
    legal_rep: str
    phone: str | None
    # The register does not always say (the officer finds out at the door).
    type_in_register: bool = True
    search_key: str = ""
    division: str = "421202"  # the county's code, characters 3-8 of every USCC here


@dataclass(frozen=True)
class VisitPlan:
    """What one visit found; :func:`visit_answers` turns it into the form's answers."""

    visit_date: dt.date
    result: str  # completed / refused / revisit / gone
    union_status: str = ""  # for completed visits: none / own / joint / federation / individual
    operating: str = "operating"
    next_visit: dt.date | None = None
    setup_date: dt.date | None = None  # when a union exists; random before the visit if None
    kind: str = "census"
    staff: int | None = None  # random by registration type if None
    members: int | None = None  # random share of the staff if None
    reasons: tuple[str, ...] = ()  # no-union reasons; random if empty


@dataclass(frozen=True)
class DemoSummary:
    organizations: int
    visits: int
    reopened_visit_id: str | None
    #: The organizations, in insertion order (the benchmark and tests look them up).
    organization_ids: tuple[str, ...] = field(repr=False, default=())


@cache
def _part_key(part: str) -> tuple[str, str]:
    initials = "".join(lazy_pinyin(part, style=Style.FIRST_LETTER, errors="default"))
    return initials.lower(), "".join(lazy_pinyin(part, errors="default")).lower()


def _key(parts: Sequence[str]) -> str:
    keys = [_part_key(p) for p in parts]
    return "".join(k[0] for k in keys) + " " + "".join(k[1] for k in keys)


def _person(rng: random.Random) -> tuple[str, str]:
    """A name and its sex (``male``/``female``), guessed the way the given name reads."""
    given = rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given, "female" if given in WOMEN_GIVEN else "male"


def _mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "186", "133", "177")) + f"{rng.randrange(10**8):08d}"


def _uscc(rng: random.Random, prefix: str, division: str) -> str:
    # Organization code body without the letters I, O, S, V, Z, which a USCC never holds.
    body = f"{rng.randrange(10**8):08d}"
    first17 = prefix + division + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _name_parts(rng: random.Random, reg_type: str) -> list[str]:
    place = rng.choice(PLACES)
    if reg_type == "social_group":
        return ["咸安区", place, rng.choice(SOCIAL_THEMES), rng.choice(SOCIAL_KINDS)]
    if reg_type == "private_non_enterprise":
        return [place, rng.choice(BRANDS), rng.choice(SERVICE_KINDS)]
    if reg_type == "foundation":
        return ["咸宁市", place, rng.choice(BRANDS), rng.choice(FOUNDATION_KINDS)]
    if reg_type == "intermediary":
        return [place, rng.choice(BRANDS), rng.choice(INTERMEDIARY_KINDS)]
    if reg_type == "community":
        return [place, rng.choice(VILLAGES), rng.choice(COMMUNITY_KINDS)]
    kind = "律师事务所" if reg_type == "law_firm" else "会计师事务所"
    return ["湖北", *rng.sample(BRANDS, 2), kind]


def _field_for(reg_type: str, parts: Sequence[str]) -> str:
    last = parts[-1]
    if reg_type in ("law_firm", "accounting_firm", "intermediary"):
        return "social_management" if "调解" in last else "economic"
    if reg_type == "foundation":
        return "charity"
    if reg_type == "social_group":
        return "economic" if last == "商会" or parts[-2] in ("茶叶", "物流", "餐饮") \
            else "social_service"
    if "志愿" in last:
        return "charity"
    return "social_service"


def make_organization(rng: random.Random, township_code: str, used: set[str],
                      reg_type: str | None = None) -> DemoOrganization:
    """A plausible organization with a valid USCC, a name not in ``used`` (updated)."""
    if reg_type is None:
        reg_type = rng.choices(list(TYPES), weights=list(TYPES.values()))[0]
    parts = _unused_name(rng, reg_type, used)
    name = "".join(parts)
    used.add(name)
    # Community organizations are mostly filed, not registered: often no code at all.
    has_code = reg_type != "community" or rng.random() < 0.3
    legal_rep, _ = _person(rng)
    division = township_code[:6]
    return DemoOrganization(
        id=new_id(), name=name, reg_type=reg_type, org_field=_field_for(reg_type, parts),
        uscc=_uscc(rng, USCC_PREFIX[reg_type], division) if has_code else None,
        supervisor=rng.choice(SUPERVISORS) if reg_type in ("social_group", "foundation")
        else None,
        address=f"咸安区{rng.choice(PLACES)}大道{rng.randint(1, 300)}号",
        legal_rep=legal_rep,
        phone=_mobile(rng) if rng.random() < 0.8 else None,
        type_in_register=rng.random() > 0.02,
        search_key=_key(parts),
        division=division,
    )


def _unused_name(rng: random.Random, reg_type: str, used: set[str]) -> list[str]:
    """Name parts not yet in ``used``: a branch is added before a name repeats."""
    base: list[str] = []
    for _ in range(8):
        base = _name_parts(rng, reg_type)
        for parts in (base, *([*base[:-1], b, base[-1]] for b in BRANCHES)):
            if "".join(parts) not in used:
                return list(parts)
    # Only a register far larger than any township gets here: number the branch.
    return [*base[:-1], f"第{len(used)}分部", base[-1]]


# -- the answers ---------------------------------------------------------------------------
STAFF_RANGE = {
    "social_group": (2, 30), "private_non_enterprise": (4, 90), "foundation": (3, 20),
    "intermediary": (3, 40), "community": (2, 12), "law_firm": (5, 60),
    "accounting_firm": (5, 40),
}  # fmt: skip
REASONS = ("few_staff", "part_time_retired", "unaware", "obstructs", "financial",
           "deregistering", "other")
REASON_WEIGHTS = (30, 20, 25, 4, 10, 3, 8)
SERVICES = ("legal_aid", "hardship_relief", "school_aid", "training", "activities")
COMMITTEES = ("union_committee", "audit_committee", "women_committee")
UNION_EXISTS = frozenset({"own", "joint", "federation"})
ROSTER = frozenset({"own", "joint"})
POSTS = ("秘书长", "会长", "理事长", "院长", "主任", "负责人", "办公室工作人员")


def _yes(rng: random.Random, p: float) -> str:
    return "yes" if rng.random() < p else "no"


def _staff(rng: random.Random, org: DemoOrganization, plan: VisitPlan) -> dict[str, int]:
    low, high = STAFF_RANGE.get(org.reg_type, (2, 30))
    total = plan.staff if plan.staff is not None else rng.randint(low, high)
    women = rng.randint(0, total)
    # Community organizations are run mostly by part-time and retired people (Changchun).
    fulltime = rng.randint(0, max(0, total // 4)) if org.reg_type == "community" \
        else rng.randint(total // 2, total)
    return {"staff_total": total, "staff_women": women, "staff_fulltime": fulltime,
            "staff_parttime": total - fulltime}


def _leaders(rng: random.Random, chair: str, chair_sex: str) -> list[dict[str, str]]:
    leaders = [{"leader_name": chair, "leader_sex": chair_sex, "leader_post": "chair",
                "leader_tenure": "part_time"}]
    for post in rng.sample(("vice_chair", "member", "audit_head", "women_head"),
                           rng.randint(0, 2)):
        name, sex = _person(rng)
        if post == "women_head":  # the form warns otherwise (and rightly so)
            sex = "female"
        leader = {"leader_name": name, "leader_sex": sex, "leader_post": post,
                  "leader_tenure": "part_time"}
        if rng.random() < 0.5:
            leader["leader_phone"] = _mobile(rng)
        leaders.append(leader)
    return leaders


def _union_answers(rng: random.Random, org: DemoOrganization, plan: VisitPlan,
                   staff: dict[str, int]) -> dict[str, Any]:
    status = plan.union_status
    a: dict[str, Any] = {"union_status": status}
    day = plan.visit_date
    if status in UNION_EXISTS:
        setup = plan.setup_date or day - dt.timedelta(days=rng.randint(0, 5 * 365))
        chair, chair_sex = _person(rng)
        committees = [c for c in COMMITTEES if rng.random() < 0.7] or ["none"]
        a.update({
            "union_setup_date": setup.isoformat(), "union_chair": chair,
            "chair_elected": _yes(rng, 0.8), "committees": committees,
            "members_congress": _yes(rng, 0.7), "workers_congress": _yes(rng, 0.4),
            "collective_bargaining": _yes(rng, 0.3), "workers_home": _yes(rng, 0.4),
            "dues_paid": _yes(rng, 0.75),
        })
        # Derived rather than drawn, so every later draw (and every demo figure) stays
        # as it was before the question existed (form 2026120502).
        a["plaque_displayed"] = "both" if a["members_congress"] == "yes" else "plaque_only"
        if rng.random() < 0.7:
            a["union_uscc"] = _uscc(rng, "81", org.division)
        if status in ROSTER:
            a["leaders"] = _leaders(rng, chair, chair_sex)
    if status != "none":
        total, women = staff["staff_total"], staff["staff_women"]
        members = plan.members if plan.members is not None else \
            rng.randint((total * 6) // 10, total)
        a["union_members"] = members
        a["union_members_women"] = rng.randint(0, min(women, members))
        if rng.random() < 0.4:
            a["services"] = rng.sample(SERVICES, rng.randint(1, 3))
    if status in ("none", "individual"):
        reasons = list(plan.reasons) or sorted(
            set(rng.choices(REASONS, weights=REASON_WEIGHTS, k=rng.randint(1, 2))),
            key=REASONS.index)
        a["no_union_reasons"] = reasons
        if "other" in reasons:
            a["no_union_other"] = "负责人近期调整，待新负责人到任后再议"
        a["obstruction_flag"] = "1" if "obstructs" in reasons else "0"
        planned = rng.choice(("own", "joint", "federation", "individual", "undecided"))
        a["planned_form"] = planned
        if planned in UNION_EXISTS or (planned == "individual" and status == "none"):
            a["target_date"] = (day + dt.timedelta(days=rng.randint(30, 180))).isoformat()
        if "obstructs" in reasons:
            a["notes"] = "负责人明确表示不同意建会，已向其宣传政策，拟报区总工会协调。"
    return a


def visit_answers(org: DemoOrganization, plan: VisitPlan, rng: random.Random
                  ) -> dict[str, Any]:
    """The finalized answers of a visit to ``org`` as ``plan`` says, for the shipped form.

    Only relevant questions are answered (as ``FormState.submission`` keeps them), and
    every check passes as of the visit day; dates after it (next visit, target date)
    are what the officer set then.
    """
    if plan.next_visit is not None and plan.next_visit <= plan.visit_date:
        raise ValueError("the next visit must be after the visit")
    gone = plan.result == "gone"
    if gone != (plan.operating in ("deregistered", "not_found")):
        raise ValueError(f"operating status {plan.operating!r} contradicts {plan.result!r}")
    a: dict[str, Any] = {
        "visit_date": plan.visit_date.isoformat(), "visit_kind": plan.kind,
        "visit_result": plan.result, "org_name": org.name, "reg_type": org.reg_type,
        "operating_status": plan.operating,
    }
    if org.uscc:
        a["uscc"] = org.uscc
    if not gone:  # prefilled from the register and confirmed at the door
        a["address"] = org.address
        a["legal_rep"] = org.legal_rep
        if org.supervisor:
            a["supervisor"] = org.supervisor
        if org.phone:
            a["org_phone"] = org.phone
    if plan.result == "completed":
        respondent, _ = _person(rng)
        a.update({"respondent_name": respondent, "respondent_post": rng.choice(POSTS),
                  "org_field": org.org_field, "party_org": _yes(rng, 0.3)})
        if rng.random() < 0.7:
            a["respondent_phone"] = _mobile(rng)
        staff = _staff(rng, org, plan)
        a.update(staff)
        a.update(_union_answers(rng, org, plan, staff))
        if rng.random() < 0.5:
            a["next_step"] = "送达建会政策材料，下次走访时指导召开会员大会。"
    elif plan.result == "revisit":
        a["notes"] = "负责人外出，已与办公室约定回访时间。"
    elif plan.result == "refused":
        a["notes"] = "负责人以业务繁忙为由拒绝接受走访，已留下政策宣传材料。"
    if plan.next_visit is not None:
        a["next_visit_date"] = plan.next_visit.isoformat()
    return a


# -- what happened to each organization ---------------------------------------------------
def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


def _month_start(today: dt.date) -> dt.date:
    return today.replace(day=1)


def _scenarios(today: dt.date) -> list[list[VisitPlan]]:
    """One organization for each case the screens must show, whatever the random draw."""
    d = dt.timedelta
    start = _month_start(today)
    return [
        [VisitPlan(today - d(20), "completed", "own")],
        [VisitPlan(today - d(35), "completed", "joint")],
        [VisitPlan(today - d(50), "completed", "federation")],
        [VisitPlan(today - d(12), "completed", "individual")],
        [VisitPlan(today - d(8), "completed", "none", next_visit=today + d(30))],
        [VisitPlan(today - d(70), "completed", "none", next_visit=today - d(30))],
        [VisitPlan(today - d(3), "revisit", next_visit=today + d(7))],
        [VisitPlan(today - d(40), "revisit", next_visit=today - d(20))],
        [VisitPlan(today - d(15), "refused", next_visit=today + d(20))],
        [VisitPlan(today - d(90), "gone", operating="deregistered")],
        [VisitPlan(today - d(60), "gone", operating="not_found")],
        [],
        [VisitPlan(today - d(25), "completed", "none", operating="dormant")],
        [VisitPlan(today, "completed", "own", setup_date=start)],
        [VisitPlan(today - d(45), "revisit", next_visit=today - d(30)),
         VisitPlan(today - d(30), "completed", "own", kind="guidance")],
        [VisitPlan(today - d(10), "completed", "own")],  # reopened (see populate_demo)
    ]


REOPENED_SCENARIO = 15

OUTCOMES = ("unvisited", "completed", "revisit", "refused", "gone")
OUTCOME_WEIGHTS = (14, 72, 7, 3, 4)
UNION_FORMS = ("none", "own", "joint", "federation", "individual")
UNION_WEIGHTS = (44, 27, 10, 13, 6)


def _random_plans(rng: random.Random, today: dt.date) -> list[VisitPlan]:
    outcome = rng.choices(OUTCOMES, weights=OUTCOME_WEIGHTS)[0]
    if outcome == "unvisited":
        return []
    day = today - _days(rng, 0, 240)
    if outcome == "gone":
        return [VisitPlan(day, "gone", operating=rng.choice(("deregistered", "not_found")))]
    if outcome in ("revisit", "refused"):
        # Revisits are recent (older ones have mostly been followed up): about half overdue.
        day = today - _days(rng, 0, 60)
        agreed: dt.date | None = day + _days(rng, 3, 30)
        if outcome == "refused" and rng.random() < 0.3:
            agreed = None  # refused outright: no date agreed
        return [VisitPlan(day, outcome, next_visit=agreed)]
    union = rng.choices(UNION_FORMS, weights=UNION_WEIGHTS)[0]
    operating = "operating" if rng.random() < 0.92 else "dormant"
    setup: dt.date | None = None
    if union in UNION_EXISTS and rng.random() < 0.06:  # set up this month
        start = _month_start(today)
        day = start + _days(rng, 0, (today - start).days)
        setup = start + _days(rng, 0, (day - start).days)
    due = day + _days(rng, 30, 120) if union == "none" and rng.random() < 0.35 else None
    plans = [VisitPlan(day, "completed", union, operating=operating, next_visit=due,
                       setup_date=setup)]
    if rng.random() < 0.2 and setup is None:  # found the head absent the first time
        first = day - _days(rng, 7, 30)
        plans = [VisitPlan(first, "revisit", next_visit=first + _days(rng, 3, 7)),
                 dataclasses.replace(plans[0], kind="follow_up")]
    return plans


def plans_for(n_orgs: int, seed: int, today: dt.date) -> Iterator[list[VisitPlan]]:
    """The visits of each of ``n_orgs`` organizations, oldest first."""
    # A stream of its own: sharing the organizations' would tie the two draws together.
    rng = random.Random(f"{seed}/plans")  # noqa: S311  # demo data, deterministic by design
    scenarios = _scenarios(today)
    for i in range(n_orgs):
        yield scenarios[i] if i < len(scenarios) else _random_plans(rng, today)


# -- writing it ----------------------------------------------------------------------------
def _utc_evening(day: dt.date) -> dt.datetime:
    """When a visit of ``day`` was finalized: that evening, Beijing time, in UTC."""
    return dt.datetime(day.year, day.month, day.day, 10, 30, tzinfo=dt.UTC)


_FACT_NAMES = tuple(f.name for f in dataclasses.fields(VisitFacts))


def _visit_row(form: FormDefinition, org_id: str, answers: dict[str, Any], officer: str,
               when: dt.datetime) -> dict[str, Any]:
    facts_of = extract_facts(form, answers)
    # Not dataclasses.asdict: it deep-copies every value, which these plain values need not.
    facts = {name: getattr(facts_of, name) for name in _FACT_NAMES}
    return {"id": new_id(), "organization_id": org_id, "form_id": form.form_id,
            "form_version": form.version, "revision": 1, "status": "final",
            "answers_json": canonical_json(answers), "officer": officer, "created_at": when,
            "updated_at": when, "deleted_at": None, "deleted_reason": None,
            "overrides_json": "[]", **facts}


def populate_demo(db: Database, form: FormDefinition, township_code: str, n_orgs: int,
                  seed: int, today: dt.date, *, officer: str = "王芳") -> DemoSummary:
    """Add ``n_orgs`` organizations of ``township_code`` and their visits, in one transaction.

    The first sixteen organizations cover every case (see ``_scenarios``); the rest are
    drawn at random with realistic shares. One visit is reopened: a draft of revision 2
    over its frozen, finalized revision 1.
    """
    missing = [q for q in REQUIRED_QUESTIONS if q not in form.nodes]
    if missing:
        raise ValueError(f"form {form.form_id} lacks the demo's questions {missing}")
    rng = random.Random(seed)  # noqa: S311  # demo data, deterministic by design
    used: set[str] = set()
    org_rows: list[dict[str, Any]] = []
    visit_rows: list[dict[str, Any]] = []
    revision_rows: list[dict[str, Any]] = []
    reopened: str | None = None
    for index, plans in enumerate(plans_for(n_orgs, seed, today)):
        org = make_organization(rng, township_code, used)
        when = _utc_evening(plans[0].visit_date if plans else today)
        org_rows.append({
            "id": org.id, "name": org.name, "uscc": org.uscc,
            "reg_type": org.reg_type if org.type_in_register else None,
            "field": org.org_field, "supervisor": org.supervisor, "address": org.address,
            "legal_rep": org.legal_rep, "phone": org.phone, "township_code": township_code,
            "search_key": org.search_key,
            "created_at": when - dt.timedelta(days=400), "updated_at": when,
        })
        for plan in plans:
            answers = visit_answers(org, plan, rng)
            row = _visit_row(form, org.id, answers, officer, _utc_evening(plan.visit_date))
            visit_rows.append(row)
            revision_rows.append({
                "visit_id": row["id"], "revision": 1, "form_version": form.version,
                "answers_json": row["answers_json"], "overrides_json": "[]",
                "officer": officer, "finalized_at": row["updated_at"]})
        if index == REOPENED_SCENARIO:
            # What store.visits.reopen does: the next revision starts as a draft and the
            # finalized one stays frozen in visit_revision.
            row = visit_rows[-1]
            row.update(revision=2, status="draft", updated_at=_utc_evening(today))
            reopened = row["id"]
    # Core inserts on the tables (executemany): no ORM objects for 100,000 rows.
    tables = [cast(Table, model.__table__) for model in (Organization, Visit, VisitRevision)]
    with db.transaction() as session:
        for table, rows in zip(tables, (org_rows, visit_rows, revision_rows), strict=True):
            if rows:
                session.execute(insert(table), rows)
    return DemoSummary(len(org_rows), len(visit_rows), reopened,
                       tuple(r["id"] for r in org_rows))
