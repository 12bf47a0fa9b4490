"""The same hostile files through every other door: verify, merge, trust import, form
check and enrollment cards. Each refusal names the file, changes nothing stored and
never ends in a traceback."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_files import HOSTILE, all_classes, hostile

from fieldsurvey.bundles import BundleError, read_bundle, verify_bundle
from fieldsurvey.cli import main
from fieldsurvey.forms.loader import FormLoadError, load_form
from fieldsurvey.identity.enrollment import read_enrollment_card
from fieldsurvey.identity.records import IdentityError, InvalidRecord

IDS = [f"{c}:{n}" for c, n, _ in HOSTILE]
# The worst of each class, for the slower paths (a child process, an office database).
WORST = [next(iter(files)) for files in all_classes().values()]
PASSPHRASE = "correct-horse-9"  # noqa: S105 - a test passphrase


@pytest.mark.parametrize(("cls", "name", "reason"), HOSTILE, ids=IDS)
def test_verify_and_read_refuse_every_hostile_file(cls: str, name: str, reason: str,
                                                    tmp_path: Path) -> None:
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(hostile(name))
    verdict = verify_bundle(path, {})
    assert verdict.kind in ("not_a_bundle", "corrupt", "tampered"), verdict
    assert verdict.details or verdict.kind == "not_a_bundle"
    with pytest.raises(BundleError):
        read_bundle(path)


@pytest.mark.parametrize(("cls", "name", "reason"), HOSTILE, ids=IDS)
def test_form_check_refuses_every_hostile_workbook(cls: str, name: str, reason: str,
                                                   tmp_path: Path) -> None:
    path = tmp_path / f"表单-{name}.xlsx"
    path.write_bytes(hostile(name))
    with pytest.raises(FormLoadError) as refused:
        load_form(path)
    [problem] = refused.value.problems
    if problem.message.code.startswith("filegate."):
        assert problem.message.code == f"filegate.{reason}"
    assert path.name in problem.render("zh")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fieldsurvey", "--lang", "en", *args],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.slow
def test_the_command_line_refuses_the_worst_of_each_class(tmp_path: Path) -> None:
    """verify and form check in a child process: a message, a non-zero exit, no traceback."""
    files = []
    for name in WORST:
        files.append(tmp_path / f"{name}.xlsx")
        files[-1].write_bytes(hostile(name))
    for command in (["verify"], ["form", "check"]):
        for path in files:
            done = _cli(*command, str(path))
            assert done.returncode != 0, (command, path.name)
            assert "Traceback" not in done.stdout + done.stderr, (command, done.stderr)
            assert path.name in done.stdout + done.stderr, (command, done.stdout)


@pytest.fixture
def county(fresh_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASSPHRASE)
    assert main(["identity", "create", "--role", "county", "--name", "李主席",
                 "--unit-code", "421202", "--unit-name", "咸安区总工会"]) == 0
    assert main(["office", "init", "--role", "county", "--unit-code", "421202",
                 "--unit-name", "咸安区总工会"]) == 0
    return fresh_data_dir


def _stored(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("trusted_key", "received_bundle", "merged_organization",
                          "merged_visit", "conflict")}


def test_merge_rejects_each_hostile_file_and_stores_nothing(
        county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for name in WORST:
        files.append(tmp_path / f"{name}.xlsx")
        files[-1].write_bytes(hostile(name))
    before = _stored(county / "office.sqlite3")
    capsys.readouterr()
    assert main(["merge", "--json", *map(str, files)]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [f["outcome"] for f in result["files"]] == ["rejected"] * len(files)
    assert _stored(county / "office.sqlite3") == before


def test_trust_import_refuses_hostile_json_and_stores_nothing(
        county: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {
        "huge.json": b'{"body": "' + b"x" * (5 * 2**20) + b'"}',
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "bigint.json": b'{"body": ' + b"9" * 60_000 + b"}",
        "workbook.json": hostile("billion_laughs"),
    }
    before = _stored(county / "office.sqlite3")
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        capsys.readouterr()
        assert main(["trust", "import", str(path)]) != 0, name
        out = capsys.readouterr()
        assert "Traceback" not in out.out + out.err
    folder = tmp_path / "a-folder.json"
    folder.mkdir()
    assert main(["trust", "import", str(folder)]) != 0
    assert _stored(county / "office.sqlite3") == before


def test_an_enrollment_card_is_bounded_before_json(tmp_path: Path) -> None:
    card = tmp_path / "王芳.fsid.json"
    card.write_bytes(b'{"name": "' + b"x" * 2**20 + b'"}')
    with pytest.raises((IdentityError, InvalidRecord)):
        read_enrollment_card(card)
    card.unlink()
    card.mkdir()
    with pytest.raises(IdentityError):
        read_enrollment_card(card)
