"""The shipped form is exactly what scripts/build_form.py builds, and it is well-formed."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openpyxl import load_workbook

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "build_form.py"
FORM = REPO / "forms" / "so_union_visit.xlsx"

STAT_KEYS = (
    "visit_date", "visit_result", "operating_status", "reg_type", "staff_total",
    "staff_women", "union_status", "union_setup_date", "union_members",
    "union_members_women", "committees", "dues_paid", "next_visit_date",
)  # fmt: skip


@pytest.fixture(scope="module")
def build_form() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_form", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_form", module)
    spec.loader.exec_module(module)
    return module


def _trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows without trailing empty cells, and without trailing empty rows."""
    out = []
    for row in rows:
        cells = ["" if v is None else v for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def _committed() -> dict[str, list[list[Any]]]:
    workbook = load_workbook(FORM, read_only=True)
    try:
        return {
            sheet.title: _trimmed([list(row) for row in sheet.iter_rows(values_only=True)])
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def test_committed_form_equals_built_form(build_form: ModuleType) -> None:
    built = {name: _trimmed(rows) for name, rows in build_form.sheet_rows().items()}
    committed = _committed()
    assert list(committed) == list(built) == ["survey", "choices", "settings"]
    for sheet, rows in built.items():
        assert committed[sheet] == rows, (
            f"sheet {sheet!r} differs: run `python scripts/build_form.py` and commit the result"
        )


def test_every_stat_key_exactly_once() -> None:
    survey = _committed()["survey"]
    header = survey[0]
    column = header.index("fs_stat")
    used = Counter(row[column] for row in survey[1:] if len(row) > column and row[column])
    assert sorted(used) == sorted(STAT_KEYS)
    assert set(used.values()) == {1}


def test_source_checks_pass(build_form: ModuleType) -> None:
    assert build_form.check_form() == []


def test_expression_checker_catches_mistakes(build_form: ModuleType) -> None:
    names = {"a", "b"}
    problems = build_form.expression_problems
    assert problems("${a} > 0 and (${b} = '' or . <= ${b})", names) == []
    assert problems("if(selected(${a}, 'x'), 1, 0)", names) == []
    assert problems("((${a})", names) == ["unbalanced parentheses"]
    assert problems("${a})", names) == ["')' without '('"]
    assert problems("pulldata('x', 'y')", names) == ["function pulldata() not allowed"]
    assert problems("${c} = 1", names) == ["unknown field ${c}"]
    assert problems("../a = 1", names)  # paths are refused
    assert problems("name = 'x'", names) == ["bare name 'name' (paths are not allowed)"]


def test_settings(build_form: ModuleType) -> None:
    header, values = _committed()["settings"]
    settings = dict(zip(header, values, strict=True))
    assert settings["form_id"] == "so_union_visit"
    assert settings["default_language"] == "中文 (zh)"
    assert str(settings["version"]).isdigit()
    assert settings["form_title"]


def test_headers_are_the_agreed_spellings(build_form: ModuleType) -> None:
    survey_header = _committed()["survey"][0]
    for column in (
        "type", "name", "label::中文 (zh)", "label::English (en)", "hint::中文 (zh)",
        "hint::English (en)", "required", "required_message::中文 (zh)",
        "required_message::English (en)", "constraint", "constraint_message::中文 (zh)",
        "constraint_message::English (en)", "relevant", "default", "calculation",
        "choice_filter", "read_only", "appearance", "fs_warning",
        "fs_warning_message::中文 (zh)", "fs_warning_message::English (en)", "fs_prefill",
        "fs_stat",
    ):  # fmt: skip
        assert column in survey_header
    assert _committed()["choices"][0] == [
        "list_name", "name", "label::中文 (zh)", "label::English (en)",
    ]  # fmt: skip


def test_reg_type_choices_are_the_domain_codes() -> None:
    from fieldsurvey.domain.registration import REGISTRATION_TYPES

    choices = _committed()["choices"]
    reg_types = [row[1] for row in choices[1:] if row[0] == "reg_type"]
    assert reg_types == list(REGISTRATION_TYPES)


def test_pyxform_accepts_the_form() -> None:
    from pyxform.xls2json import workbook_to_json
    from pyxform.xls2json_backends import get_xlsform

    warnings: list[str] = []
    workbook_to_json(get_xlsform(str(FORM)), form_name="so_union_visit", warnings=warnings)
    assert warnings == []


def test_fieldsurvey_loader_accepts_the_form() -> None:
    loader = pytest.importorskip("fieldsurvey.forms.loader")
    form = loader.load_form(FORM)
    assert form.form_id == "so_union_visit"
