"""No traceback from any command: every subcommand, given what a clumsy or hostile user
gives it, ends with one line in the user's language naming the problem, and a
non-zero exit. Outputs are checked before any work is done or number spent."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.store import open_database
from fieldsurvey.store.db import integrity_check
from fieldsurvey.store.settings import SEQUENCE_KEY, get_setting

PASSPHRASE = "correct-horse-9"  # noqa: S105 - a test passphrase
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class World:
    tmp: Path
    officer: Path  # an officer's data folder, with a key and a store
    county: Path  # a county's data folder, with a key and an office database
    bundle: Path  # a signed bundle of the officer's
    card: Path  # the officer's enrollment card
    locked: Path  # a folder nothing can be written to (immutable)
    folder: Path  # an ordinary folder, where a file is expected

    @property
    def store_db(self) -> Path:
        return self.officer / "fieldsurvey.sqlite3"

    @property
    def office_db(self) -> Path:
        return self.county / "office.sqlite3"


def chattr(flag: str, path: Path) -> None:
    subprocess.run(["chattr", flag, str(path)], check=True)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("clumsy")
    officer, county = tmp / "officer", tmp / "county"
    patch = pytest.MonkeyPatch()
    patch.setenv("FIELDSURVEY_PASSPHRASE", PASSPHRASE)
    patch.delenv("FIELDSURVEY_DATA_DIR", raising=False)
    try:
        assert main(["--data-dir", str(officer), "identity", "create", "--name", "王芳",
                     "--unit-code", "421202001", "--unit-name", "温泉街道"]) == 0
        assert main(["--data-dir", str(officer), "identity", "card",
                     str(tmp / "wang.fsid.json")]) == 0
        assert main(["--data-dir", str(officer), "export", "--month", "2026-11",
                     "--out", str(tmp / "bundle.xlsx")]) == 0
        assert main(["--data-dir", str(county), "identity", "create", "--role", "county",
                     "--name", "李主席", "--unit-code", "421202",
                     "--unit-name", "咸安区总工会"]) == 0
        assert main(["--data-dir", str(county), "office", "init", "--role", "county",
                     "--unit-code", "421202", "--unit-name", "咸安区总工会"]) == 0
        assert main(["--data-dir", str(county), "trust", "add",
                     str(tmp / "wang.fsid.json")]) == 0
        locked, folder = tmp / "locked", tmp / "folder"
        locked.mkdir()
        folder.mkdir()
        chattr("+i", locked)
        # Prove the lock holds for root too, or the cases below would prove nothing.
        with pytest.raises(PermissionError):
            (locked / "probe").write_bytes(b"")
        yield World(tmp, officer, county, tmp / "bundle.xlsx", tmp / "wang.fsid.json",
                    locked, folder)
    finally:
        patch.undo()
        if (tmp / "locked").exists():
            chattr("-i", tmp / "locked")


def office_state(office: Path) -> list[tuple[str, str]]:
    """The office's settings (its bundle sequence among them), read behind its back."""
    with sqlite3.connect(office) as conn:
        rows = conn.execute("SELECT key, value FROM office_setting ORDER BY key").fetchall()
    conn.close()
    return rows


def sequence_of(store: Path) -> str | None:
    db = open_database(store)
    try:
        with db.transaction() as session:
            return get_setting(session, SEQUENCE_KEY)
    finally:
        db.close()


# (case id, argv with {placeholders} of World, a word the message must contain)
CASES: list[tuple[str, list[str], str]] = [
    ("form-missing", ["form", "check", "{tmp}/nope.xlsx"], "nope.xlsx"),
    ("form-folder", ["form", "check", "{folder}"], "folder"),
    ("card-locked", ["--data-dir", "{officer}", "identity", "card", "{locked}/c.json"], "locked"),
    ("card-folder", ["--data-dir", "{officer}", "identity", "card", "{folder}"], "folder"),
    ("card-no-folder", ["--data-dir", "{officer}", "identity", "card", "{tmp}/no/c.json"],
     "no"),
    ("export-short-year", ["--data-dir", "{officer}", "export", "--month", "26-11"], "26-11"),
    ("export-month-13", ["--data-dir", "{officer}", "export", "--month", "2026-13"], "2026-13"),
    ("export-locked", ["--data-dir", "{officer}", "export", "--out", "{locked}/b.xlsx"],
     "locked"),
    ("export-folder", ["--data-dir", "{officer}", "export", "--out", "{folder}"], "folder"),
    ("export-no-folder", ["--data-dir", "{officer}", "export", "--out", "{tmp}/no/b.xlsx"],
     "no"),
    ("export-office-db", ["--data-dir", "{officer}", "export", "--db", "{office_db}",
                          "--out", "{tmp}/x.xlsx"], "office.sqlite3"),
    ("export-office-db-first", ["--data-dir", "{officer}", "--db", "{office_db}", "export",
                                "--out", "{tmp}/x.xlsx"], "office.sqlite3"),
    ("verify-missing", ["verify", "{tmp}/nope.xlsx"], "nope.xlsx"),
    ("verify-folder", ["verify", "{folder}"], "folder"),
    ("verify-trust-missing", ["verify", "{bundle}", "--trust", "{tmp}/nope.fsid.json"],
     "nope.fsid.json"),
    ("verify-trust-folder", ["verify", "{bundle}", "--trust", "{folder}"], "folder"),
    ("verify-trust-wrong", ["verify", "{bundle}", "--trust", "{bundle}"], "bundle.xlsx"),
    ("merge-missing", ["--data-dir", "{county}", "merge", "{tmp}/nope.xlsx"], "nope.xlsx"),
    ("merge-folder", ["--data-dir", "{county}", "merge", "{folder}"], "folder"),
    ("merge-store-db", ["--data-dir", "{county}", "merge", "--db", "{store_db}", "{bundle}"],
     "fieldsurvey.sqlite3"),
    ("merge-store-db-first", ["--data-dir", "{county}", "--db", "{store_db}", "merge",
                              "{bundle}"], "fieldsurvey.sqlite3"),
    ("merge-new-db", ["--data-dir", "{county}", "merge", "--db", "{tmp}/new.sqlite3",
                      "{bundle}"], "new.sqlite3"),
    ("merge-db-folder", ["--data-dir", "{county}", "merge", "--db", "{folder}", "{bundle}"],
     "folder"),
    ("merge-bad-url", ["--data-dir", "{county}", "merge", "--db", "postgresql://[::1", "{bundle}"],
     "postgresql"),
    ("merge-unknown-scheme", ["--data-dir", "{county}", "merge", "--db", "nosuch://x/y",
                              "{bundle}"], "nosuch"),
    ("merge-unreachable", ["--data-dir", "{county}", "merge", "--db",
                           "postgresql://u@127.0.0.1:1/x", "{bundle}"], "127.0.0.1"),
    ("merge-report-locked", ["--data-dir", "{county}", "merge", "{bundle}", "--report",
                             "{locked}/r.xlsx"], "locked"),
    ("merge-report-folder", ["--data-dir", "{county}", "merge", "{bundle}", "--report",
                             "{folder}"], "folder"),
    ("revoke-yesterday", ["--data-dir", "{county}", "trust", "revoke", "abc", "--from",
                          "yesterday", "--reason", "x"], "yesterday"),
    ("trust-import-missing", ["--data-dir", "{county}", "trust", "import", "{tmp}/nope.json"],
     "nope.json"),
    ("trust-import-folder", ["--data-dir", "{county}", "trust", "import", "{folder}"],
     "folder"),
    ("trust-import-wrong", ["--data-dir", "{county}", "trust", "import", "{bundle}"],
     "bundle.xlsx"),
    ("trust-import-card", ["--data-dir", "{county}", "trust", "import", "{card}"],
     "wang.fsid.json"),
    ("trust-export-locked", ["--data-dir", "{county}", "trust", "export", "{locked}/t.json"],
     "locked"),
    ("trust-export-folder", ["--data-dir", "{county}", "trust", "export", "{folder}"],
     "folder"),
    ("trust-add-missing", ["--data-dir", "{county}", "trust", "add", "{tmp}/nope.json"],
     "nope.json"),
    ("trust-list-store-db", ["--data-dir", "{county}", "trust", "list", "--db", "{store_db}"],
     "fieldsurvey.sqlite3"),
    ("conflicts-store-db", ["--data-dir", "{county}", "conflicts", "show", "1", "--db",
                            "{store_db}"], "fieldsurvey.sqlite3"),
    ("conflicts-missing", ["--data-dir", "{county}", "conflicts", "show", "999"], "999"),
    ("stats-short-year", ["--data-dir", "{county}", "stats", "--month", "26-11"], "26-11"),
    ("stats-month-13", ["--data-dir", "{county}", "stats", "--month", "2026-13"], "2026-13"),
    ("stats-xlsx-locked", ["--data-dir", "{county}", "stats", "--month", "2026-11", "--xlsx",
                           "{locked}/s.xlsx"], "locked"),
    ("stats-pdf-folder", ["--data-dir", "{county}", "stats", "--month", "2026-11", "--pdf",
                          "{folder}"], "folder"),
    ("stats-store-db", ["--data-dir", "{county}", "stats", "--month", "2026-11", "--db",
                        "{store_db}"], "fieldsurvey.sqlite3"),
    ("rollup-month-13", ["--data-dir", "{county}", "rollup", "--month", "2026-13"], "2026-13"),
    ("rollup-locked", ["--data-dir", "{county}", "rollup", "--month", "2026-11", "--out",
                       "{locked}/r.xlsx"], "locked"),
    ("rollup-folder", ["--data-dir", "{county}", "rollup", "--month", "2026-11", "--out",
                       "{folder}"], "folder"),
    ("init-store-db", ["--data-dir", "{county}", "office", "init", "--role", "county",
                       "--unit-code", "421202", "--unit-name", "咸安", "--db", "{store_db}"],
     "fieldsurvey.sqlite3"),
    ("init-db-folder", ["--data-dir", "{county}", "office", "init", "--role", "county",
                        "--unit-code", "421202", "--unit-name", "咸安", "--db", "{folder}"],
     "folder"),
    ("register-missing", ["--data-dir", "{officer}", "register", "import", "{tmp}/nope.xlsx"],
     "nope.xlsx"),
    ("register-folder", ["--data-dir", "{officer}", "register", "import", "{folder}"],
     "folder"),
    ("register-no-profile", ["--data-dir", "{officer}", "register", "import", "{bundle}"],
     "officer"),
    ("register-office-missing", ["--data-dir", "{county}", "register", "import",
                                 "{tmp}/nope.xlsx"], "nope.xlsx"),
    ("register-office-not-a-list", ["--data-dir", "{county}", "register", "import",
                                    "{card}"], "wang.fsid.json"),
    ("register-office-no-sheet", ["--data-dir", "{county}", "register", "import", "{bundle}",
                                  "--sheet", "NOSHEET"], "NOSHEET"),
    ("register-store-db", ["--data-dir", "{county}", "register", "import", "{bundle}", "--db",
                           "{store_db}"], "fieldsurvey.sqlite3"),
    ("package-form-missing", ["--data-dir", "{county}", "package", "--all", "--form",
                              "{tmp}/nope.xlsx"], "nope.xlsx"),
    ("package-form-folder", ["--data-dir", "{county}", "package", "--all", "--form",
                             "{folder}"], "folder"),
    ("data-dir-is-a-file", ["--data-dir", "{bundle}", "identity", "show"], "bundle.xlsx"),
    ("data-dir-locked", ["--data-dir", "{locked}/data", "identity", "show"], "locked"),
    ("missing-argument", ["merge"], "merge"),
    ("not-a-number", ["conflicts", "show", "abc"], "abc"),
    ("unknown-option", ["merge", "--zz", "{bundle}"], "--zz"),
    ("bad-choice", ["office", "init", "--role", "village", "--unit-code", "1",
                    "--unit-name", "x"], "village"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("argv", "word"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_command_ends_in_one_line_naming_the_problem(
        world: World, capsys: pytest.CaptureFixture[str], argv: list[str], word: str,
        lang: str) -> None:
    fields = {k: str(getattr(world, k)) for k in ("tmp", "officer", "county", "bundle", "card",
                                                  "locked", "folder", "store_db", "office_db")}
    args = ["--lang", lang, *(a.format(**fields) for a in argv)]
    sequence, office = sequence_of(world.store_db), office_state(world.office_db)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own exit
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert code not in (0, None), lines
    assert "Traceback" not in out + err
    assert len(lines) == 1, lines
    assert word in lines[0], lines
    words = lines[0].replace(word, "")
    for value in fields.values():
        words = words.replace(value, "")
    assert bool(CJK.search(words)) == (lang == "zh"), lines
    # Nothing was spent or left behind.
    assert sequence_of(world.store_db) == sequence
    assert office_state(world.office_db) == office
    assert not (world.tmp / "new.sqlite3").exists()
    assert sorted(p.name for p in world.folder.iterdir()) == []


def test_a_refused_report_leaves_the_office_database_unchanged(world: World) -> None:
    from sqlalchemy import func, select

    from fieldsurvey.county.db import open_office
    from fieldsurvey.county.models import ImportBatch

    main(["--data-dir", str(world.county), "merge", str(world.bundle), "--report",
          str(world.folder)])
    db = open_office(world.office_db)
    try:
        with db.transaction() as session:
            assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    finally:
        db.close()
    assert integrity_check(world.office_db) == "ok"


def test_a_read_only_data_folder_is_said_so_in_one_line(world: World, tmp_path: Path) -> None:
    mount = tmp_path / "ro"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)],
                   check=True)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "fieldsurvey", "--lang", "en", "--data-dir",
             str(mount / "data"), "export"], capture_output=True, text=True, timeout=120,
            check=False)
    finally:
        subprocess.run(["umount", str(mount)], check=True)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "Read-only file system" in line and str(mount) in line


def test_db_before_or_after_the_action_is_the_same(world: World,
                                                   capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    office = tmp_path / "copy.sqlite3"
    shutil.copy(world.office_db, office)
    runs = [["--db", str(office), "trust", "list", "--json"],
            ["trust", "--db", str(office), "list", "--json"],
            ["trust", "list", "--json", "--db", str(office)],
            ["--db", str(office), "conflicts", "list", "--json"],
            ["conflicts", "list", "--json", "--db", str(office)]]
    outputs = []
    for run in runs:
        assert main(["--data-dir", str(tmp_path / "elsewhere"), *run]) == 0, run
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2] and "王芳" in outputs[0]
    assert outputs[3] == outputs[4]


@pytest.mark.parametrize("content", [b'{"a": 1}', b"garbage", None])
def test_trust_import_of_the_wrong_file_says_what_it_is_in_words(
        world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        content: bytes | None) -> None:
    wrong = tmp_path / "wrong.fstrust.json"
    if content is None:
        shutil.copy(world.card, wrong)  # an enrollment card is not a trust list
    else:
        wrong.write_bytes(content)
    assert main(["--lang", "en", "--data-dir", str(world.county), "trust", "import",
                 str(wrong)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "wrong.fstrust.json" in line
    assert not re.search(r"\((format|signature|identity\.[a-z_]+)\)", line), line
    if content is None:
        assert "trust add" in line


def test_one_difference_is_not_1_differences() -> None:
    from fieldsurvey.messages import Message

    words = Message("bundle.verdict.tampered", {"count": 1}).render("en")
    assert "1 differences" not in words and "differences found: 1" in words
