"""Nothing reported as saved is ever lost: SIGKILL, a full disk, a bad file."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.db import integrity_check
from fieldsurvey.store.models import Visit
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 50


def committed_ids(output: str) -> list[str]:
    """Ids of complete ``committed <id>`` lines; a kill may cut the last line short."""
    complete = output[: output.rfind("\n") + 1]
    return [line.split()[1] for line in complete.splitlines() if line.startswith("committed ")]


@pytest.mark.slow
def test_visits_reported_committed_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    """The acceptance case: 50 kills, every reported commit present, integrity ok."""
    db_path = tmp_path / "crash.sqlite3"
    rng = random.Random(20261121)
    reported: set[str] = set()
    for attempt in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(db_path), str(attempt)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert child.stdout is not None
        # Some kills land while the database is being opened or migrated, most
        # in the middle of the write loop.
        if rng.random() > 0.2:
            assert child.stdout.readline().strip() == "ready"
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err
        reported.update(committed_ids(out))

        with sqlite3.connect(db_path) as conn:
            if conn.execute("SELECT count(*) FROM sqlite_master WHERE name='visit'").fetchone()[0]:
                stored = {row[0] for row in conn.execute("SELECT id FROM visit")}
                missing = reported - stored
                assert not missing, f"kill {attempt}: {len(missing)} committed visit(s) lost"
        conn.close()
    assert len(reported) > KILLS  # the kills really landed during writes
    assert integrity_check(db_path) == "ok"


def test_a_full_disk_rolls_back_the_write_and_keeps_earlier_data(
    db: Database, form: FormDefinition
) -> None:
    with db.transaction() as s:
        org = add_organization(s, name="甲协会", township_code="421202001").id
        create_visit(s, organization_id=org, form=form, officer="王芳", answers={"staff": 1})
    with db.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    # SQLite reports SQLITE_FULL exactly as for a full disk once max_page_count is hit.
    with pytest.raises(OperationalError, match="full"), db.transaction() as s:
        s.connection().exec_driver_sql(f"PRAGMA max_page_count={pages}")
        for _ in range(200):
            create_visit(s, organization_id=org, form=form, officer="王芳",
                         answers={"notes": "满" * 5000})
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 1
    assert integrity_check(db.path) == "ok"
