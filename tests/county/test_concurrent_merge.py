"""Two ``merge`` processes on one SQLite office database take turns: both finish, and
the database holds what one sequential merge gives."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from office_helpers import COUNTY, NOW, KeyHolder, Township, make_office

from fieldsurvey.county.db import open_office
from fieldsurvey.county.digest import content_digest
from fieldsurvey.county.merge import MERGE_LOCK, merge_bundles
from fieldsurvey.forms.model import FormDefinition

TOWNSHIPS = (("421202001", "温泉街道"), ("421202002", "浮山街道"), ("421202003", "永安街道"),
             ("421202100", "汀泗桥镇"))


def merge_process(data: Path, office: Path | str, files: list[Path]) -> subprocess.Popen[str]:
    env = {**os.environ, "FIELDSURVEY_DATA_DIR": str(data), "LANG": "C.UTF-8"}
    return subprocess.Popen(
        [sys.executable, "-m", "fieldsurvey", "--lang", "en", "merge", "--db", str(office),
         "--json", *map(str, files)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env)


def has_open(process: subprocess.Popen[str], path: Path) -> bool:
    """Whether ``process`` has the file at ``path`` open (Linux: its /proc fd links)."""
    assert process.poll() is None, process.communicate()
    target = str(path.resolve())
    for fd in Path(f"/proc/{process.pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed while we looked
            if fd.readlink().as_posix() == target:
                return True
    return False


def wait_until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Poll ``condition`` (cheap: a few syscalls) until it holds; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


@dataclass
class Scene:
    files: list[Path]
    expected: str  # the digest of one sequential merge of every file
    shared: Path  # an office database with the signers trusted, nothing merged
    signers: tuple[KeyHolder, ...]


@pytest.fixture
def scene(tmp_path: Path, shipped_form: FormDefinition) -> Scene:
    towns = [Township(tmp_path / code, code, name, shipped_form).populate(60, n)
             for n, (code, name) in enumerate(TOWNSHIPS, 1)]
    files = [town.export() for town in towns] + [town.export() for town in towns]
    signers = tuple(town.signer for town in towns)
    sequential = make_office(open_office(tmp_path / "sequential.sqlite3"), trusted=signers)
    report = merge_bundles(sequential, files, form=shipped_form, profile=COUNTY, by="李",
                           now=NOW)
    assert all(f.imported for f in report.files)
    expected = content_digest(sequential)
    sequential.close()
    shared = tmp_path / "shared.sqlite3"
    make_office(open_office(shared), trusted=signers).close()
    return Scene(files, expected, shared, signers)


def test_two_merge_processes_on_one_sqlite_file_give_the_sequential_result(
        scene: Scene, tmp_path: Path) -> None:
    files, shared = scene.files, scene.shared
    # The test holds the write lock until both processes have the database open, so
    # neither can have written anything before the other contends for the lock: they
    # run at the same time (with a deferred BEGIN this test fails with "database is
    # locked"). Which one writes first, and how they take turns, is SQLite's to choose.
    lock = sqlite3.connect(shared, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    # Each process is given every file, in opposite orders: they meet in the middle and
    # each file is merged by one of them, found already in by the other.
    first = merge_process(tmp_path / "pc1", shared, files)
    second = merge_process(tmp_path / "pc2", shared, files[::-1])
    try:
        wait_until(lambda: all(has_open(p, shared) for p in (first, second)))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    outputs = [p.communicate(timeout=300) for p in (first, second)]

    for process, (_, err) in zip((first, second), outputs, strict=True):
        assert "Traceback" not in err and "locked" not in err, err
        assert process.returncode == 0, err
    db = open_office(shared)
    try:
        assert content_digest(db) == scene.expected
    finally:
        db.close()
    # Each says what became of every file: merged by it, or found already in.
    for out, _ in outputs:
        assert {f["outcome"] for f in json.loads(out)["files"]} <= {"imported", "already"}


def test_the_office_app_and_a_command_line_merge_at_once(
        scene: Scene, tmp_path: Path, shipped_form: FormDefinition) -> None:
    """The office app merges in its own process through the same ``merge_bundles``."""
    files, shared = scene.files, scene.shared
    app = open_office(shared)
    lock = sqlite3.connect(shared, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    cli = merge_process(tmp_path / "pc1", shared, files)
    try:
        wait_until(lambda: has_open(cli, shared))
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    try:
        report = merge_bundles(app, files[::-1], form=shipped_form, profile=COUNTY,
                               by="县总工会")
        _, err = cli.communicate(timeout=300)
        assert cli.returncode == 0 and "Traceback" not in err, err
        assert {f.outcome for f in report.files} <= {"imported", "already"}
        assert content_digest(app) == scene.expected
    finally:
        app.close()


def test_two_merge_processes_on_postgresql_give_the_sequential_result(
        scene: Scene, tmp_path: Path, pg_db_url: str) -> None:
    make_office(open_office(pg_db_url), trusted=scene.signers).close()
    with psycopg.connect(pg_db_url, autocommit=True) as holder:
        # Held until both processes wait for it: they contend from their first bundle.
        holder.execute("SELECT pg_advisory_lock(%s)", (MERGE_LOCK,))
        first = merge_process(tmp_path / "pc1", pg_db_url, scene.files)
        second = merge_process(tmp_path / "pc2", pg_db_url, scene.files[::-1])

        def both_wait() -> bool:
            assert first.poll() is None and second.poll() is None
            waiting = holder.execute("SELECT count(*) FROM pg_locks WHERE locktype = "
                                     "'advisory' AND NOT granted").fetchone()
            return waiting is not None and waiting[0] >= 2

        try:
            wait_until(both_wait)
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (MERGE_LOCK,))
    for process in (first, second):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0 and "Traceback" not in err, err
        assert {f["outcome"] for f in json.loads(out)["files"]} <= {"imported", "already"}
    db = open_office(pg_db_url)
    try:
        assert content_digest(db) == scene.expected
    finally:
        db.close()


def test_a_writer_that_has_to_give_up_says_so_in_one_line(tmp_path: Path) -> None:
    """An officer's export waits for the write lock with the busy timeout (10 s), then
    says in one line that another program is writing; it never half-runs."""
    data = tmp_path / "officer"
    env = {**os.environ, "FIELDSURVEY_DATA_DIR": str(data), "LANG": "C.UTF-8",
           "FIELDSURVEY_PASSPHRASE": "correct-horse-9"}
    command = [sys.executable, "-m", "fieldsurvey", "--lang", "en"]
    subprocess.run([*command, "identity", "create", "--name", "王芳", "--unit-code",
                    "421202001", "--unit-name", "温泉街道"], env=env, check=True,
                   capture_output=True)
    store = data / "fieldsurvey.sqlite3"
    subprocess.run([*command, "export"], env=env, check=True, capture_output=True)
    lock = sqlite3.connect(store, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        result = subprocess.run([*command, "export"], env=env, capture_output=True, text=True,
                                timeout=120, check=False)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "being written by another program" in line and str(store) in line
    assert len(list((data / "exports").glob("*.xlsx"))) == 1  # the first export only
