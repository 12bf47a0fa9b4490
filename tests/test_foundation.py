"""Paths, language choice, the message catalogue and the resource accessor."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from fieldsurvey import paths
from fieldsurvey.i18n import choose_language, language_from_locale
from fieldsurvey.messages import LANGUAGES, Message, catalogue, placeholders, render
from fieldsurvey.resources import forms_dir, resource

SRC = Path(__file__).resolve().parent.parent / "src" / "fieldsurvey"
# A message code is a dotted string whose first part is an area of the catalogue.
AREAS = sorted({code.split(".")[0] for code in catalogue("zh")})
CODE = re.compile(r"""["']((?:""" + "|".join(AREAS) + r""")\.[a-z_]+(?:\.[a-z_]+)*)["']""")
# Strings of the same shape that are not message codes.
NOT_CODES = {"form.md", "visit.id", "identity.json", "identity.key", "office.json"}


def test_data_dir_comes_from_the_environment_in_tests(fresh_data_dir: Path) -> None:
    assert paths.resolve_data_dir() == fresh_data_dir.resolve()


def test_the_command_line_beats_the_environment(tmp_path: Path) -> None:
    assert paths.resolve_data_dir(tmp_path / "usb") == (tmp_path / "usb").resolve()


def test_default_is_the_platform_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.ENV_DATA_DIR)
    assert paths.resolve_data_dir() == paths.default_data_dir()
    assert paths.default_data_dir().name == "fieldsurvey"


def test_data_folders_are_created_owner_only(fresh_data_dir: Path) -> None:
    layout = paths.data_paths()
    for folder in (layout.root, layout.backups, layout.keys, layout.exports, layout.logs):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    ("lang_env", "expected"),
    [("en_US.UTF-8", "en"), ("zh_CN.UTF-8", "zh"), ("fr_FR.UTF-8", "zh"), ("C", "zh"),
     ("C.UTF-8", "zh"), ("", "zh")],
)
def test_language_follows_the_locale_falling_back_to_chinese(
    monkeypatch: pytest.MonkeyPatch, lang_env: str, expected: str
) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(var, lang_env)
    monkeypatch.setattr("locale.getlocale", lambda: ("English_United States", "1252"))
    if not lang_env:  # nothing set: the Windows-style locale name decides
        expected = "en"
    assert language_from_locale() == expected
    assert choose_language("en") == "en"


def test_zh_and_en_catalogues_have_the_same_codes_and_parameters() -> None:
    zh, en = catalogue("zh"), catalogue("en")
    assert set(zh) == set(en)
    for code in zh:
        assert placeholders(zh[code]) == placeholders(en[code]), code


def test_every_message_code_in_the_source_is_in_the_catalogue() -> None:
    used = {m for f in SRC.rglob("*.py") for m in CODE.findall(f.read_text(encoding="utf-8"))}
    assert len(used) > 50
    missing = sorted(code for code in used - NOT_CODES if code not in catalogue("zh")
                     and not any(k.startswith(code + ".") for k in catalogue("zh")))
    assert not missing


def test_render_fills_parameters_and_falls_back_safely() -> None:
    assert render("answer.not_integer", "en", value="x") == '"x" is not a whole number'
    assert render("no.such.code", "zh") == "no.such.code"
    nested = Message("form.bad_expression", {"expression": "1 +", "detail": Message("form.required")})
    assert "An answer is required" in nested.render("en")
    assert set(LANGUAGES) == {"zh", "en"}


def test_resources_are_found_through_the_one_accessor() -> None:
    assert resource("i18n", "zh", "core.toml").is_file()
    assert (forms_dir() / "so_union_visit.xlsx").is_file()
