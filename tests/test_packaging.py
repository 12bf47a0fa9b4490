"""The packaging definitions stay in step with the tree (no build is run here)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from types import ModuleType

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from fieldsurvey import __version__

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"


def load_datafiles() -> ModuleType:
    # Loaded by path: the folder is named like the "packaging" library imported above.
    spec = importlib.util.spec_from_file_location("datafiles", PACKAGING / "datafiles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


datafiles = load_datafiles()


def bundled() -> dict[Path, Path]:
    """Each shipped file -> its path inside the bundle (relative to sys._MEIPASS)."""
    return {source: folder / source.name for source, folder in datafiles.shipped_files()}


def test_every_file_under_forms_and_resources_is_shipped_where_resources_looks() -> None:
    shipped = bundled()
    for tree in ("forms", "resources"):
        for path in (REPO / tree).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert shipped.get(path) == Path("fieldsurvey", "_shipped") \
                    / path.relative_to(REPO), path


def test_package_data_and_migration_scripts_keep_their_place_in_the_package() -> None:
    shipped = bundled()
    package = REPO / "src" / "fieldsurvey"
    wanted = [p for p in package.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")
              and p.name != "py.typed" and "__pycache__" not in p.parts]
    wanted += [p for p in (package / "store" / "migrations").rglob("*.py")
               if "__pycache__" not in p.parts]
    assert any(p.name == "grammar.lark" for p in wanted)
    for path in wanted:
        assert shipped.get(path) == Path("fieldsurvey") / path.relative_to(package), path


def test_litter_is_never_shipped(tmp_path: Path) -> None:
    (tmp_path / "forms").mkdir()
    (tmp_path / "resources" / "__pycache__").mkdir(parents=True)
    (tmp_path / "src" / "fieldsurvey" / "store" / "migrations").mkdir(parents=True)
    for name in ("forms/so_union_visit.xlsx", "forms/~$so_union_visit.xlsx",
                 "forms/.DS_Store", "resources/__pycache__/x.pyc", "resources/a.toml~"):
        (tmp_path / name).write_bytes(b"")
    assert [s.name for s, _ in datafiles.shipped_files(tmp_path)] == ["so_union_visit.xlsx"]


def test_the_build_is_stamped_with_the_package_version() -> None:
    assert datafiles.app_version() == __version__
    assert datafiles.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert datafiles.version_tuple("2.10.3rc1") == (2, 10, 3, 1)


def test_the_spec_takes_its_data_files_and_version_from_the_helper() -> None:
    spec = (PACKAGING / "fieldsurvey.spec").read_text(encoding="utf-8")
    assert "datafiles.datas(REPO)" in spec and "datafiles.app_version(REPO)" in spec
    assert "datafiles.qt_translation_files()" in spec
    assert "_MEIPASS" not in spec


def frozen_pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in (PACKAGING / "requirements-frozen.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{line} is not pinned with =="
            pins[canonicalize_name(name)] = version
    return pins


def test_every_runtime_dependency_is_pinned_exactly_within_its_range() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = frozen_pins()
    for spec in project["dependencies"]:
        req = Requirement(spec)
        pinned = pins.get(canonicalize_name(req.name))
        assert pinned is not None, f"{req.name} is not in requirements-frozen.txt"
        assert req.specifier.contains(pinned, prereleases=True), f"{req.name}=={pinned}"


def test_the_frozen_build_uses_the_qt_the_app_is_tested_with() -> None:
    assert frozen_pins()["pyside6-essentials"] == "6.11.3"


def test_the_build_tools_are_pinned() -> None:
    text = (PACKAGING / "requirements-build.txt").read_text(encoding="utf-8")
    assert re.search(r"^pyinstaller==\d", text, re.MULTILINE)
    assert re.search(r"^pyinstaller-hooks-contrib==\d", text, re.MULTILINE)


def test_the_windows_installer_is_per_user_and_keeps_the_data_folder() -> None:
    iss = (PACKAGING / "windows" / "fieldsurvey.iss").read_text(encoding="utf-8-sig")
    directives = {m[0].lower(): m[1].strip() for m in
                  re.findall(r"^(\w+)=(.*)$", iss, re.MULTILINE)}
    assert directives["privilegesrequired"] == "lowest"
    assert directives["defaultdirname"].startswith("{autopf}")
    code = "\n".join(line for line in iss.splitlines() if not line.lstrip().startswith(";"))
    assert not re.search(r"^\s*\[UninstallDelete\]", code, re.IGNORECASE | re.MULTILINE)
    # Nothing in the script may name the data folder (%LOCALAPPDATA%\fieldsurvey).
    assert not re.search(r"\{localappdata\}\\fieldsurvey", code, re.IGNORECASE)
    assert not re.search(r"\{(?:user)?appdata\}", code, re.IGNORECASE)
    assert "chinesesimplified" in iss and "english" in iss
    assert "{autoprograms}" in iss


def test_the_linux_menu_entry_names_the_app_in_both_languages() -> None:
    entry = (PACKAGING / "linux" / "fieldsurvey.desktop").read_text(encoding="utf-8")
    for key in ("Name=", "Name[zh_CN]=", "Comment=", "Exec=", "Icon=", "Categories=Office;"):
        assert f"\n{key}" in entry, key


def test_the_linux_menu_entry_validates() -> None:
    # scripts/bootstrap.sh installs the validator (desktop-file-utils) for the test run.
    validator = shutil.which("desktop-file-validate")
    assert validator, "desktop-file-validate is missing: install desktop-file-utils"
    result = subprocess.run([validator,
                             str(PACKAGING / "linux" / "fieldsurvey.desktop")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_icon_the_definitions_name_exists() -> None:
    icons = PACKAGING / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256):
        assert (icons / "png" / f"fieldsurvey-{size}.png").is_file()
    assert (icons / "fieldsurvey.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (icons / "fieldsurvey.icns").read_bytes()[:4] == b"icns"


def test_resources_are_located_in_one_module_only() -> None:
    """A frozen build is recognised in fieldsurvey.resources and nowhere else."""
    src = REPO / "src" / "fieldsurvey"
    offenders = [str(p.relative_to(REPO)) for p in src.rglob("*.py")
                 if p.name != "resources.py"
                 and re.search(r"_MEIPASS|sys\.frozen|\"frozen\"", p.read_text(encoding="utf-8"))]
    assert offenders == []
