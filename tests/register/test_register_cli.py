"""``fieldsurvey register import FILE`` on an officer's data folder, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from register_workbooks import TOWNSHIP, messy_register
from sqlalchemy import func, select

from fieldsurvey.paths import DataPaths
from fieldsurvey.store import open_store
from fieldsurvey.store.models import Organization
from fieldsurvey.store.profile import OfficerProfile, save_profile


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FIELDSURVEY_DATA_DIR"}
    return subprocess.run([sys.executable, "-m", "fieldsurvey", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def test_the_officer_imports_its_own_list(tmp_path: Path) -> None:
    folder = tmp_path / "officer"
    db = open_store(DataPaths(folder).ensure())
    with db.transaction() as session:
        save_profile(session, OfficerProfile("王芳", "13800138000", TOWNSHIP, "北山街道",
                                             TOWNSHIP[:6], "西湖区"))
    db.close()
    path = messy_register(tmp_path / "名录.xlsx")
    dry = run("--data-dir", str(folder), "register", "import", str(path), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert lines[0].startswith("“名录.xlsx”工作表") and "新增 6" in lines[0]
    assert any("第8行C列" in line and "坏代码协会" in line for line in lines)
    assert "试运行" in lines[-1]
    done = run("--data-dir", str(folder), "--lang", "en", "register", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "Imported: 6 new, 0 updated."
    db = open_store(DataPaths(folder))
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Organization)) == 6
    db.close()
    again = run("--data-dir", str(folder), "register", "import", str(path))
    assert "不变 6" in again.stdout.splitlines()[0]
    missing = run("--data-dir", str(folder), "register", "import", str(path), "--sheet", "无")
    assert missing.returncode == 1
    assert missing.stderr.strip().count("\n") == 0 and "无" in missing.stderr
