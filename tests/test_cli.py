"""The ``fieldsurvey`` command: version, help in both languages, form check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fieldsurvey import __version__
from fieldsurvey.cli import main

BAD_FORM = """
| survey |
| | type | name | label | relevant |
| | text | a | A | |
| | geopoint | where | Where | |
| | audio | voice | Voice | |
| | integer | b | B | pulldata('x', 'y', 'z', ${a}) |
| | select_one_from_file towns.csv | town | Town | |
"""


def run(*args: str, env_lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "LANG": env_lang, "LC_ALL": env_lang}
    return subprocess.run([sys.executable, "-m", "fieldsurvey", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"fieldsurvey {__version__}"


def test_help_is_chinese_by_default_and_english_on_request() -> None:
    zh = run("--help")
    assert zh.returncode == 0 and "数据文件夹" in zh.stdout and "form" in zh.stdout
    en = run("--lang", "en", "--help")
    assert en.returncode == 0 and "Data folder" in en.stdout


def test_an_english_locale_gives_english() -> None:
    assert "Data folder" in run("--help", env_lang="en_US.UTF-8").stdout


def test_form_check_passes_the_shipped_form() -> None:
    result = run("form", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "通过" in result.stdout and "so_union_visit" in result.stdout


def test_form_check_refuses_a_form_and_names_every_unsupported_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.md"
    path.write_text(BAD_FORM, encoding="utf-8")
    assert main(["--lang", "en", "form", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "REFUSED" in out
    for item in ("geopoint", "audio", "pulldata", "select_one_from_file"):
        assert item in out
    assert "row 3" in out and "row 6" in out


def test_form_check_of_a_missing_file_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form", "check", "/nonexistent/form.xlsx"]) == 1
    assert "/nonexistent/form.xlsx" in capsys.readouterr().err
