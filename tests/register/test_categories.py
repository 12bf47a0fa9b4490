"""Register words for registration type and field become the form's choice codes."""

from __future__ import annotations

import pytest

from fieldsurvey.domain.registration import REGISTRATION_TYPES
from fieldsurvey.forms.loader import load_form
from fieldsurvey.register.categories import (
    FIELD_WORDS,
    REG_TYPE_WORDS,
    field_code,
    reg_type_code,
)
from fieldsurvey.resources import forms_dir


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("社会团体", "social_group"), ("社团", "social_group"),
        ("民办非企业单位", "private_non_enterprise"), ("民非", "private_non_enterprise"),
        ("社会服务机构", "private_non_enterprise"),
        ("民办非企业单位（社会服务机构）", "private_non_enterprise"),
        ("基金会", "foundation"), ("非公募基金会", "foundation"),
        ("社会中介组织", "intermediary"),
        ("城乡社区社会组织", "community"), ("城市社区社会组织", "community"),
        ("律师事务所", "law_firm"), ("会计师事务所", "accounting_firm"),
        ("其它", "other"), ("Social group", "social_group"),
    ],
)
def test_registration_type_words(word: str, code: str) -> None:
    assert reg_type_code(word) == code


@pytest.mark.parametrize("word", ["民办学校", "社会团体分支机构", "事业单位", ""])
def test_unknown_registration_types_are_none(word: str) -> None:
    assert reg_type_code(word) is None


@pytest.mark.parametrize(
    ("word", "code"),
    [("经济服务类", "economic"), ("行业协会", "economic"), ("公益慈善类", "charity"),
     ("教育", "social_service"), ("社会管理", "social_management"), ("其他", "other")],
)
def test_field_words(word: str, code: str) -> None:
    assert field_code(word) == code


def test_the_codes_are_the_shipped_forms_choices() -> None:
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    assert [c.name for c in form.choices["reg_type"]] == list(REG_TYPE_WORDS)
    assert list(REG_TYPE_WORDS) == list(REGISTRATION_TYPES)
    assert [c.name for c in form.choices["org_field"]] == list(FIELD_WORDS)


def test_the_forms_own_labels_are_recognized() -> None:
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    for list_name, lookup in (("reg_type", reg_type_code), ("org_field", field_code)):
        for choice in form.choices[list_name]:
            for label in choice.labels.values():
                assert lookup(label) == choice.name, label
