"""``fieldsurvey review`` and ``stats --approved-only`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_helpers import cli_county_with_township

from fieldsurvey.cli import main
from fieldsurvey.forms.model import FormDefinition

PASSPHRASE = "correct-horse-9"  # noqa: S105 - a test passphrase


@pytest.fixture
def merged(fresh_data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
           shipped_form: FormDefinition, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """A county office with one township's bundle merged; the visits' ids."""
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASSPHRASE)
    cli_county_with_township(tmp_path, shipped_form)
    capsys.readouterr()
    assert main(["review", "list", "--json"]) == 0
    return [item["visit_id"] for item in json.loads(capsys.readouterr().out)]


def test_review_from_the_command_line(merged: list[str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    first, *rest = merged
    assert main(["review", "return", first, "--comment", "人数对不上",
                 "--question", "staff_total=请核实"]) == 0
    assert "已退回修改" in capsys.readouterr().out
    assert main(["review", "approve", "--all-pending"]) == 0
    assert f"已通过 {len(rest)} 条走访" in capsys.readouterr().out
    assert main(["review", "list", "--state", "returned", "--json"]) == 0
    assert [i["visit_id"] for i in json.loads(capsys.readouterr().out)] == [first]
    assert main(["review", "show", first, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "returned"
    assert shown["thread"][-1]["questions"] == {"staff_total": "请核实"}
    assert main(["--lang", "en", "review", "show", first]) == 0
    assert "Returned for correction" in capsys.readouterr().out


def test_review_mistakes_are_one_line(merged: list[str],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "return", merged[0], "--comment", "x", "--question", "oops"]) == 2
    assert main(["review", "return", merged[0], "--comment", "x",
                 "--question", "nope=x"]) == 1
    assert main(["review", "approve", "not-a-visit"]) == 1
    assert main(["review", "list", "--month", "26-11"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and "Traceback" not in "".join(err)


def test_stats_can_count_only_approved_visits(merged: list[str],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--month", "2026-11", "--approved-only", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert table["basis"] == "approved" and table["total"]["visited"] == 0
    assert main(["stats", "--month", "2026-11", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["basis"] == "all"


def test_package_shows_then_writes(merged: list[str], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "return", merged[0], "--comment", "请补拍照片"]) == 0
    out = tmp_path / "out"
    out.mkdir()
    capsys.readouterr()
    assert main(["package", "--all", "--out", str(out), "--dry-run"]) == 0
    assert "下发包第 1 号，退回待改 1 条" in capsys.readouterr().out
    assert list(out.iterdir()) == []
    assert main(["package", "--township", "421202001", "--out", str(out),
                 "--notice", "请月底前改完"]) == 0
    assert "已写出下发包" in capsys.readouterr().out
    [written] = list(out.iterdir())
    assert written.name == "421202001-温泉街道-下发包-001.xlsx"
    assert main(["package", "--township", "421202009", "--out", str(out)]) == 1
    assert main(["package", "--all", "--out", str(tmp_path / "missing")]) == 2
    assert main(["verify", str(written)]) == 1  # not a bundle, and said so in one line
    err = capsys.readouterr()
    assert "Traceback" not in err.err + err.out
