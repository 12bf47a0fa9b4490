"""Finding the header row of a register and proposing which column is which field.

Registers put a title, a date line or a note above the header, and word
their headers differently (单位名称 / 名称 / 社会组织名称 ...). Each of the
first rows is scored against the synonyms below; the officer sees the
proposal and can correct it.

A header cell matches a field, from strongest to weakest:

1. exactly one of the field's synonyms (after dropping spaces, ``*`` marks,
   colons and bracketed notes such as ``（盖章）``);
2. *ending* in a synonym: Chinese headers are head-final, so the last word
   says what the column holds (负责人电话 is a phone, 单位地址 an address);
3. *containing* a synonym of three or more characters (社会组织统一社会信用代码
   情况). Two-character synonyms are too short for this: 法人 is in
   法人登记证号, which is no legal representative.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fieldsurvey.messages import Message
from fieldsurvey.register.cells import clean_text
from fieldsurvey.register.errors import RegisterError
from fieldsurvey.register.workbook import RegisterSheet
from fieldsurvey.store.organizations import EDITABLE

#: How many rows from the top may hold the header.
HEADER_SCAN_ROWS = 20

#: Header words for each field (cleaned text, no spaces). Columns such as
#: 序号, 备注, 联系人 or 登记证号 match nothing and are left out.
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "name": ("单位名称", "名称", "社会组织名称", "组织名称", "机构名称", "社团名称", "单位全称",
             "社会组织全称", "社会组织", "单位"),
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码", "社会统一信用代码",
             "统一代码", "统一社会信用代码证号", "USCC"),
    "reg_type": ("登记类型", "类型", "单位类型", "组织类型", "社会组织类型", "登记类别",
                 "组织类别", "单位类别", "单位性质", "组织性质", "性质"),
    "field": ("领域", "行业类别", "所属领域", "所属行业", "行业", "所属类别", "活动领域",
              "服务领域", "行业分类", "领域类别"),
    "supervisor": ("业务主管单位", "主管单位", "业务主管部门", "主管部门", "业务指导单位",
                   "业务主管单位名称", "主管单位名称"),
    "address": ("住所", "地址", "办公地址", "住所地址", "单位地址", "注册地址", "详细地址",
                "联系地址", "通讯地址", "办公地点", "住址", "所在地"),
    "legal_rep": ("法定代表人", "负责人", "法人代表", "法人", "主要负责人", "法定代表人姓名",
                  "负责人姓名", "法人代表姓名"),
    "phone": ("联系电话", "电话", "联系方式", "手机", "手机号码", "手机号", "办公电话",
              "电话号码", "联系电话号码", "固定电话"),
    "registered_on": ("成立登记日期", "登记日期", "成立日期", "成立时间", "登记时间",
                      "批准登记日期", "登记成立日期", "注册日期", "核准日期"),
}

_EXACT, _SUFFIX, _CONTAINS = 3, 2, 1
_MIN_CONTAINED = 3
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕")
_NOISE = re.compile(r"[\s*:：、.。]+")
_BY_SYNONYM = {word.upper(): field for field, words in SYNONYMS.items() for word in words}


@dataclass(frozen=True)
class HeaderGuess:
    """The header row (0-based index into the sheet's rows) and field -> column."""

    row: int
    mapping: Mapping[str, int]


def header_key(text: str) -> str:
    """A header cell as compared with :data:`SYNONYMS`: ``*单位名称（盖章）`` -> ``单位名称``."""
    text = clean_text(text)
    key = _NOISE.sub("", _BRACKETED.sub("", text)).upper()
    return key or _NOISE.sub("", re.sub(r"[()\[\]【】〔〕]", "", text)).upper()


def match_header(text: str) -> tuple[str, tuple[int, int]] | None:
    """The field a header cell names and how strongly, or ``None``."""
    key = header_key(text)
    if not key:
        return None
    exact = _BY_SYNONYM.get(key)
    if exact:
        return exact, (_EXACT, len(key))
    best: tuple[str, tuple[int, int]] | None = None
    for word, field in _BY_SYNONYM.items():
        if key.endswith(word):
            strength = (_SUFFIX, len(word))
        elif len(word) >= _MIN_CONTAINED and word in key:
            strength = (_CONTAINS, len(word))
        else:
            continue
        if best is None or strength > best[1]:
            best = (field, strength)
    return best


def propose_mapping(cells: Sequence[str]) -> dict[str, int]:
    """Field -> column index for a header row; each column used at most once.

    A field whose header appears twice takes the stronger match, then the
    leftmost column (a merged title filled across the row names one field).
    """
    best: dict[str, tuple[tuple[int, int], int]] = {}
    for column, text in enumerate(cells):
        found = match_header(text)
        if found is None:
            continue
        field, strength = found
        # Negative column: among equal strengths, the leftmost wins.
        if field not in best or (strength, -column) > (best[field][0], -best[field][1]):
            best[field] = (strength, column)
    return {field: best[field][1] for field in EDITABLE if field in best}


def _row_score(cells: Sequence[str]) -> tuple[int, int, int]:
    mapping = propose_mapping(cells)
    exact = sum(1 for column in mapping.values()
                if (m := match_header(cells[column])) and m[1][0] == _EXACT)
    return ("name" in mapping, len(mapping), exact)


def detect_header(rows: Sequence[Sequence[str]],
                  scan: int = HEADER_SCAN_ROWS) -> HeaderGuess | None:
    """The likeliest header among the first ``scan`` rows, or ``None``.

    A header must name the organization's name column. Among those, the row
    naming the most fields wins, then the one with more exact matches, then
    the topmost (a title above the header shares at most a word with it).
    """
    best: tuple[tuple[int, int, int], int] | None = None
    for index, cells in enumerate(rows[:scan]):
        score = _row_score(cells)
        if score[0] and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        return None
    index = best[1]
    return HeaderGuess(index, propose_mapping(rows[index]))


def find_header(sheet: RegisterSheet) -> HeaderGuess:
    """:func:`detect_header` for a sheet; :class:`RegisterError` when there is none."""
    guess = detect_header(sheet.rows)
    if guess is None:
        raise RegisterError(Message("register.no_header", {
            "file": sheet.file_name, "sheet": sheet.sheet, "rows": HEADER_SCAN_ROWS}))
    return guess
