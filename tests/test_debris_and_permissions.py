"""Crash debris and permissions: a start clears our own stale unfinished writes, and
every database, WAL/SHM file, backup, report and export is owner-only (0600), inside
the data folder or out of it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from fieldsurvey.county.db import open_office
from fieldsurvey.paths import DataPaths
from fieldsurvey.store import open_database
from fieldsurvey.store.db import sqlite_engine
from fieldsurvey.store.migrate import MIGRATIONS, alembic_config

PASSPHRASE = "correct-horse-9"  # noqa: S105 - a test passphrase
HOUR = 3600


def fieldsurvey(*args: str) -> subprocess.CompletedProcess[str]:
    """A real process with the loosest usual umask (files would be 0644 by default)."""
    env = {**os.environ, "FIELDSURVEY_PASSPHRASE": PASSPHRASE, "LANG": "C.UTF-8"}
    env.pop("FIELDSURVEY_DATA_DIR", None)
    result = subprocess.run([sys.executable, "-m", "fieldsurvey", "--lang", "en", *args],
                            capture_output=True, text=True, env=env, timeout=300, check=False,
                            preexec_fn=lambda: os.umask(0o022))
    assert "Traceback" not in result.stderr, result.stderr
    return result


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def aged(path: Path, seconds: float) -> Path:
    path.write_bytes(b"half of a file")
    moment = path.stat().st_mtime - seconds
    os.utime(path, (moment, moment))
    return path


def test_a_start_removes_only_our_own_stale_unfinished_writes(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "data").ensure()
    stale = [aged(paths.exports / ".421202001-2026-11-0003.xlsx.k2j3h4.partial", 2 * HOUR),
             aged(paths.backups / "fieldsurvey-20261201T080000Z-0001.partial", 30 * 24 * HOUR),
             aged(paths.root / ".office.json.a8b7c6.partial", 5 * 60)]
    kept = [aged(paths.exports / ".live-write.xlsx.q1w2e3.partial", 0),  # someone's live write
            aged(paths.exports / "notes.partial.txt", 2 * HOUR),  # not our suffix
            aged(paths.root / "report.partialx", 2 * HOUR),
            aged(tmp_path / ".outside.partial", 2 * HOUR)]  # not in the data folder
    (paths.exports / "folder.partial").mkdir()

    assert fieldsurvey("--data-dir", str(paths.root), "identity", "show").returncode == 1

    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
    assert (paths.exports / "folder.partial").is_dir()


def test_databases_backups_reports_and_exports_are_owner_only(tmp_path: Path) -> None:
    data, county, outside = tmp_path / "officer", tmp_path / "county", tmp_path / "shared"
    outside.mkdir()
    outside.chmod(0o755)
    # An officer's store from an older version: opening it takes a backup first.
    data.mkdir()
    engine = sqlite_engine(data / "fieldsurvey.sqlite3")
    config = alembic_config(MIGRATIONS)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        from alembic import command

        command.upgrade(config, "0001")
    engine.dispose()
    os.chmod(data / "fieldsurvey.sqlite3", 0o644)  # as an earlier version left it

    assert fieldsurvey("--data-dir", str(data), "identity", "create", "--name", "王芳",
                       "--unit-code", "421202001", "--unit-name", "温泉街道").returncode == 0
    assert fieldsurvey("--data-dir", str(data), "identity", "card",
                       str(outside / "card.fsid.json")).returncode == 0
    bundle = outside / "bundle.xlsx"
    assert fieldsurvey("--data-dir", str(data), "export", "--month", "2026-11",
                       "--out", str(bundle)).returncode == 0
    assert fieldsurvey("--data-dir", str(data), "export", "--month", "2026-11").returncode == 0
    office = outside / "office.sqlite3"
    assert fieldsurvey("--data-dir", str(county), "identity", "create", "--role", "county",
                       "--name", "李主席", "--unit-code", "421202",
                       "--unit-name", "咸安区总工会").returncode == 0
    assert fieldsurvey("--data-dir", str(county), "office", "init", "--role", "county",
                       "--unit-code", "421202", "--unit-name", "咸安区总工会",
                       "--db", str(office)).returncode == 0
    assert fieldsurvey("--data-dir", str(county), "trust", "add",
                       str(outside / "card.fsid.json")).returncode == 0
    report = outside / "report.xlsx"
    assert fieldsurvey("--data-dir", str(county), "merge", str(bundle), "--report",
                       str(report)).returncode == 0

    made = [data / "fieldsurvey.sqlite3", *sorted((data / "backups").iterdir()),
            *sorted((data / "exports").iterdir()), bundle, report, office]
    assert any(p.parent.name == "backups" for p in made)
    assert len(made) == 6
    # The WAL and SHM files live while a connection is open (the last close removes them).
    modes = {p.name: oct(mode(p)) for p in made}
    previous = os.umask(0o022)
    try:
        for database in (office, data / "fieldsurvey.sqlite3"):
            db = open_office(database) if database == office else open_database(database)
            try:
                with db.transaction() as session:
                    session.execute(text("CREATE TABLE IF NOT EXISTS probe (x)"))
                for suffix in ("-wal", "-shm"):
                    made.append(database.with_name(database.name + suffix))
                    modes[made[-1].name] = oct(mode(made[-1]))
            finally:
                db.close()
    finally:
        os.umask(previous)
    assert modes == {p.name: oct(0o600) for p in made}
