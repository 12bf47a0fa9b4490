"""The words registers use for registration type and field, as the form's choice codes.

Registration types (``reg_type``) use the codes of the shipped form's
``reg_type`` list (and of :mod:`fieldsurvey.domain.registration`); fields
(``field``) those of its ``org_field`` list. Lists say the same thing many
ways (社团, 社会团体, 社会团体法人; 民非, 民办非企业单位（社会服务机构）), so a word
is looked up exactly, then by its ending (非公募基金会 is a foundation).

What an unrecognized word becomes differs on purpose (see
:func:`fieldsurvey.register.plan.plan_import`): a registration type becomes
``other`` with a warning, so that every organization on the register counts
in one line of the per-type statistics; a field stays empty with a warning,
because the census visit asks it anyway and ``other`` would claim a choice
nobody made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from fieldsurvey.register.cells import clean_text

REG_TYPE_WORDS: Mapping[str, tuple[str, ...]] = {
    "social_group": ("社会团体", "社团", "社会团体法人", "social group", "social_group"),
    "private_non_enterprise": (
        "民办非企业单位", "民办非企业", "民非", "社会服务机构", "民办非企业单位社会服务机构",
        "民办非企业单位法人", "private non-enterprise unit", "private_non_enterprise",
        "private non-enterprise unit social service institution",
    ),
    "foundation": ("基金会", "基金会法人", "foundation"),
    "intermediary": ("社会中介组织", "中介组织", "中介机构", "社会中介机构",
                     "intermediary organization", "intermediary"),
    "community": ("城乡社区社会组织", "社区社会组织", "社区组织", "城市社区社会组织",
                  "农村社区社会组织", "urban or rural community organization", "community"),
    "law_firm": ("律师事务所", "律所", "律师所", "law firm", "law_firm"),
    "accounting_firm": ("会计师事务所", "会计所", "accounting firm", "accounting_firm"),
    "other": ("其他", "其它", "other"),
}

FIELD_WORDS: Mapping[str, tuple[str, ...]] = {
    "economic": ("经济服务类", "经济服务", "经济类", "行业协会", "商会", "行业协会商会",
                 "农民专业合作组织", "工商业服务", "农业及农村发展", "economic services",
                 "economic"),
    "charity": ("公益慈善类", "公益慈善", "公益类", "慈善类", "公益", "慈善", "志愿服务",
                "public welfare and charity", "charity"),
    "social_service": ("社会服务类", "社会服务", "教育", "文化", "卫生", "体育", "社会福利",
                       "居民服务", "养老服务", "social services", "social_service"),
    "social_management": ("社会管理类", "社会管理", "调解", "矛盾纠纷调解", "social management",
                          "social_management"),
    "other": ("其他", "其它", "other"),
}

# Words long enough to be recognized at the end of a longer one.
_MIN_SUFFIX = 3
_DROP = re.compile(r"[\s()\[\]【】、,，]+")


def _key(text: str) -> str:
    """Lower case without spaces, brackets or list punctuation: 民办非企业单位（社会服务机构）
    and 民办非企业单位社会服务机构 are the same word."""
    return _DROP.sub("", clean_text(text).lower())


def _index(words: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(word): code for code, ws in words.items() for word in ws}


_REG_TYPES = _index(REG_TYPE_WORDS)
_FIELDS = _index(FIELD_WORDS)


def _lookup(index: Mapping[str, str], text: str) -> str | None:
    key = _key(text)
    if not key:
        return None
    found = index.get(key)
    if found:
        return found
    endings = [(len(w), code) for w, code in index.items()
               if len(w) >= _MIN_SUFFIX and not w.isascii() and key.endswith(w)]
    return max(endings)[1] if endings else None


def reg_type_code(text: str) -> str | None:
    """The ``reg_type`` code a register word stands for, or ``None`` if unknown."""
    return _lookup(_REG_TYPES, text)


def field_code(text: str) -> str | None:
    """The ``org_field`` code a register word stands for, or ``None`` if unknown."""
    return _lookup(_FIELDS, text)
