"""The core is Qt-free: it imports and its tests pass with PySide6 unavailable."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import fieldsurvey

BLOCKER = Path(__file__).with_name("qt_blocker.py")
REPO = Path(__file__).resolve().parent.parent
CORE_TESTS = ["tests/forms", "tests/store", "tests/domain", "tests/identity", "tests/bundles",
              "tests/register", "tests/cases", "tests/printing", "tests/county", "tests/test_cli.py",
              "tests/test_cli_bundle.py", "tests/test_selfcheck.py", "tests/test_packaging.py",
              "tests/test_foundation.py"]


def core_modules() -> list[str]:
    return sorted(
        m.name for m in pkgutil.walk_packages(fieldsurvey.__path__, "fieldsurvey.")
        if not m.name.startswith("fieldsurvey.ui") and m.name != "fieldsurvey.__main__"
    )


def run_blocked(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, str(BLOCKER), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def test_the_blocker_really_blocks_qt() -> None:
    result = run_blocked("-c", "import PySide6")
    assert result.returncode != 0 and "blocked" in result.stderr


def test_every_core_module_imports_without_qt() -> None:
    modules = core_modules()
    assert "fieldsurvey.store.visits" in modules and "fieldsurvey.forms.loader" in modules
    code = "import importlib\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    result = run_blocked("-c", code)
    assert result.returncode == 0, result.stderr


def test_the_core_test_suite_passes_without_qt() -> None:
    # pytest-qt imports Qt when it loads, so it is switched off here; the slow
    # crash test runs in the main suite.
    result = run_blocked("-m", "pytest", "-p", "no:pytest-qt", "-m", "not slow", "-q",
                         "-o", "addopts=", "-p", "no:cacheprovider", *CORE_TESTS)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_the_import_contract_covers_every_core_package() -> None:
    """A new core package must be added to the import-linter contract too."""
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = config["tool"]["importlinter"]["contracts"]
    covered = set(contract["source_modules"])
    top_level = {".".join(m.split(".")[:2]) for m in core_modules()} - {"fieldsurvey.__init__"}
    assert top_level - covered == set()
