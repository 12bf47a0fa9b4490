"""``fieldsurvey identity / export / verify`` from the command line, on real files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.commands.bundle import month_bounds
from fieldsurvey.forms.loader import load_form
from fieldsurvey.paths import data_paths
from fieldsurvey.resources import forms_dir
from fieldsurvey.store import open_store
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize

PASSPHRASE = "correct-horse-9"  # noqa: S105 - a test passphrase


@pytest.fixture
def officer(monkeypatch: pytest.MonkeyPatch, fresh_data_dir: Path,
            capsys: pytest.CaptureFixture[str]) -> Path:
    """An officer with a key and two finalized visits."""
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASSPHRASE)
    assert main(["identity", "create", "--name", "王芳", "--unit-code", "421202001",
                 "--unit-name", "温泉街道"]) == 0
    form = load_form(forms_dir() / "so_union_visit.xlsx")
    db = open_store(data_paths())
    answers = {"visit_date": "2026-11-02", "visit_kind": "census", "visit_result": "revisit",
               "org_name": "咸宁市茶叶协会", "reg_type": "social_group",
               "operating_status": "operating", "next_visit_date": "2099-01-05"}
    with db.transaction() as s:
        org = add_organization(s, name="咸宁市茶叶协会", township_code="421202001").id
        for _ in range(2):
            visit = create_visit(s, organization_id=org, form=form, officer="王芳",
                                 answers=answers)
            finalize(s, visit.id, form, answers)
    db.close()
    capsys.readouterr()
    return fresh_data_dir


def test_export_writes_a_bundle_that_verify_accepts(officer: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--month", "2026-11"]) == 0
    [bundle] = (officer / "exports").glob("*.xlsx")
    assert bundle.name == "421202001-202611-0001.xlsx"
    assert "走访 2 条" in capsys.readouterr().out
    assert main(["verify", str(bundle)]) == 0
    assert "valid" in capsys.readouterr().out


def test_an_unwritable_target_is_a_clear_error(officer: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    assert main(["export", "--out", str(blocker / "x.xlsx")]) == 2  # refused before signing
    err = capsys.readouterr().err
    assert "无法写入" in err and "Traceback" not in err
    assert blocker.read_text() == "a file where a folder should be"


def test_the_sequence_number_only_increases(officer: Path) -> None:
    assert main(["export"]) == 0
    assert main(["export"]) == 0
    assert sorted(p.name[-9:-5] for p in (officer / "exports").glob("*.xlsx")) == ["0001", "0002"]


def test_verify_json_and_exit_code_with_a_trusted_card_and_a_bad_file(
    officer: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "wang.fsid.json"
    assert main(["identity", "card", str(card)]) == 0
    out = tmp_path / "b.xlsx"
    assert main(["export", "--out", str(out)]) == 0
    not_bundle = tmp_path / "notes.txt"
    not_bundle.write_text("hello", encoding="utf-8")
    capsys.readouterr()
    assert main(["--lang", "en", "verify", "--json", "--trust", str(card), str(out),
                 str(not_bundle)]) == 1
    results = json.loads(capsys.readouterr().out)
    assert [(r["verdict"], r["valid"]) for r in results] == [("valid", True),
                                                            ("not_a_bundle", False)]
    assert results[0]["producer"]["name"] == "王芳" and results[0]["counts"]["visits"] == 2


def test_verify_names_a_tampered_part(officer: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "b.xlsx"
    assert main(["export", "--out", str(out)]) == 0
    tampered = tmp_path / "t.xlsx"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace("咸宁市茶叶协会".encode(), "咸宁市茶叶商会".encode())
            dst.writestr(item, data)
    capsys.readouterr()
    assert main(["verify", str(tampered)]) == 1
    assert "tampered" in capsys.readouterr().out


def test_a_wrong_passphrase_exports_nothing(officer: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", "wrong-passphrase")
    assert main(["export"]) == 1
    assert "口令" in capsys.readouterr().err
    assert not list((officer / "exports").glob("*.xlsx"))


def test_identity_show_prints_the_fingerprint(officer: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["identity", "show"]) == 0
    out = capsys.readouterr().out
    assert "王芳" in out and "密钥指纹" in out


def test_month_bounds() -> None:
    import datetime as dt

    assert month_bounds("2024-02", dt.date(2026, 1, 1)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert month_bounds(None, dt.date(2026, 11, 21)) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # Early in a month the default is the month that just ended.
    assert month_bounds(None, dt.date(2026, 12, 3)) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
