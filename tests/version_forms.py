"""Small versioned forms for the form-version tests (issue 17).

``V1``..``v3()``: three versions of one form, each step one kind of change.

v1 -> v2: ``chair_nm`` renamed to ``chair_name``; ``contact`` moved into a group.
v2 -> v3: the choice ``parttime`` split into ``parttime_staff`` and ``retired``;
``old_remark`` (which has answers) removed; a new required question ``plaque``.

``stat_form_md(version)``: a form whose v2 renames the statistics question ``staff``
(fs_stat staff_total) to ``staff_count``, declared in ``fs_previous_name``.
"""

from __future__ import annotations

V1 = """
| survey |
| | type | name | label | required | fs_stat |
| | date | visit_date | Date | yes | visit_date |
| | select_one status | union_status | Union | | union_status |
| | integer | staff | Staff | | staff_total |
| | text | chair_nm | Chair | | |
| | text | contact | Contact | | |
| | select_multiple reason | reasons | Reasons | | |
| | text | old_remark | Remark | | |
| | begin repeat | leaders | Leaders | | |
| | text | leader | Name | | |
| | end repeat | | | | |
| choices |
| | list_name | name | label |
| | status | none | None |
| | status | own | Own |
| | reason | few | Few staff |
| | reason | parttime | Part-time |
| | reason | unaware | Unaware |
| settings |
| | form_id | version |
| | vt | 1 |
"""

V2 = """
| survey |
| | type | name | label | required | fs_stat | fs_previous_name |
| | date | visit_date | Date | yes | visit_date | |
| | select_one status | union_status | Union | | union_status | |
| | integer | staff | Staff | | staff_total | |
| | text | chair_name | Chair's name | | | chair_nm |
| | begin group | contact_g | Contact | | | |
| | text | contact | Contact | | | |
| | end group | | | | | |
| | select_multiple reason | reasons | Reasons | | | |
| | text | old_remark | Remark | | | |
| | begin repeat | leaders | Leaders | | | |
| | text | leader | Name | | | |
| | end repeat | | | | | |
| choices |
| | list_name | name | label |
| | status | none | None |
| | status | own | Own |
| | reason | few | Few staff |
| | reason | parttime | Part-time |
| | reason | unaware | Unaware |
| settings |
| | form_id | version |
| | vt | 2 |
"""

_V3_SURVEY = """
| survey |
| | type | name | label | required | fs_stat | fs_removed |
| | date | visit_date | Date | yes | visit_date | |
| | select_one status | union_status | Union | | union_status | |
| | integer | staff | Staff | | staff_total | |
| | text | chair_name | Chair's name | | | |
| | begin group | contact_g | Contact | | | |
| | text | contact | Contact | | | |
| | end group | | | | | |
| | select_multiple reason | reasons | Reasons | | | |
| | text | old_remark | Remark | | | {removed} |
| | begin repeat | leaders | Leaders | | | |
| | text | leader | Name | | | |
| | end repeat | | | | | |
| | select_one yn | plaque | Plaque displayed? | yes | | |
"""

_V3_CHOICES = """
| choices |
| | list_name | name | label | fs_previous_value |
| | status | none | None | |
| | status | own | Own | |
| | reason | few | Few staff | |
| | reason | parttime_staff | Part-time staff | {split} |
| | reason | retired | Retired staff | {split} |
| | reason | unaware | Unaware | |
| | yn | yes | Yes | |
| | yn | no | No | |
| settings |
| | form_id | version |
| | vt | 3 |
"""


def v3(*, removed: str = "yes", split: str = "parttime") -> str:
    """Version 3; ``removed=""`` or ``split=""`` leaves out that declaration."""
    survey = _V3_SURVEY.format(removed=removed)
    if not removed:  # an undeclared removal: the row is simply gone
        survey = "\n".join(line for line in survey.splitlines() if "old_remark" not in line)
    return survey + _V3_CHOICES.format(split=split)


STAT_ROWS = [
    ("date", "visit_date", "", "yes", "visit_date"),
    ("select_one result", "result", "", "yes", "visit_result"),
    ("integer", "staff", "", "", "staff_total"),
    ("select_one union", "union_status", "", "", "union_status"),
    ("integer", "members", "${union_status} != 'none'", "", "union_members"),
]
STAT_TAIL = """
| choices |
| | list_name | name | label |
| | result | completed | Completed |
| | result | revisit | Revisit |
| | union | none | None |
| | union | own | Own |
| settings |
| | form_id | version |
| | st | {version} |
"""


def stat_form_md(version: int, *, drop_members: bool = False) -> str:
    """Version ``version`` of the statistics form (from 2 on ``staff`` is
    ``staff_count``; ``drop_members`` leaves that question out)."""
    lines = ["| survey |",
             "| | type | name | label | relevant | required | fs_stat | fs_previous_name |"]
    for kind, old_name, relevant, required, stat in STAT_ROWS:
        name, previous = old_name, ""
        if version >= 2 and old_name == "staff":
            name, previous = "staff_count", "staff" if version == 2 else ""
        if drop_members and old_name == "members":
            continue
        lines.append(f"| | {kind} | {name} | {name} | {relevant} | {required} | {stat} "
                     f"| {previous} |")
    return "\n".join(lines) + STAT_TAIL.format(version=version)
