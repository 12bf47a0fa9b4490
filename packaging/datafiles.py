"""What the frozen build ships besides code, and its version: one list for two readers.

``fieldsurvey.spec`` passes :func:`datas` to PyInstaller, and
``tests/test_packaging.py`` checks it against the tree, so a file added under
``forms/`` or ``resources/`` cannot silently go missing from the installer.

Layout inside the bundle (``sys._MEIPASS``):

- ``forms/`` and ``resources/`` go to ``fieldsurvey/_shipped/``, the place
  ``fieldsurvey.resources.shipped_root()`` looks in a frozen build (the same
  layout as the wheel's force-include);
- package data keeps its place inside the package: the expression grammar
  (``forms/expr/grammar.lark``, read with ``importlib.resources``, which
  PyInstaller serves from the bundle's folders) and the Alembic scripts in
  ``store/migrations/`` and ``county/migrations/``, *including* their ``.py``
  files: Alembic loads them by path from beside ``store/migrate.py`` and
  ``county/db.py`` (whose ``__file__`` a frozen build keeps), not by import, so
  PyInstaller would never find them itself.

Plain Python with no imports from the project: the spec runs it inside PyInstaller.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED = Path("fieldsurvey", "_shipped")
SHIPPED_TREES = ("forms", "resources")
PACKAGE = Path("src", "fieldsurvey")
MIGRATIONS = (PACKAGE / "store" / "migrations", PACKAGE / "county" / "migrations")
# Marks the package as typed for mypy; nothing reads it at run time.
_NOT_PACKAGE_DATA = {"py.typed"}
# Never shipped: compiled caches, editor and OS litter, Excel's lock files ("~$x.xlsx").
_JUNK_DIRS = {"__pycache__", ".mypy_cache", ".ruff_cache"}
_JUNK_NAMES = re.compile(r"^(~\$.*|\.DS_Store|Thumbs\.db|desktop\.ini|.*~|.*\.sw[op]|.*\.pyc)$")


def _wanted(path: Path, top: Path) -> bool:
    parts = path.relative_to(top).parts
    return path.is_file() and not _JUNK_DIRS & set(parts) and not _JUNK_NAMES.match(path.name)


def shipped_files(repo: Path = REPO) -> list[tuple[Path, Path]]:
    """(file in the checkout, folder in the bundle) for every file the build ships."""
    entries: list[tuple[Path, Path]] = []
    for tree in SHIPPED_TREES:
        top = repo / tree
        entries += [(f, SHIPPED / f.parent.relative_to(repo))
                    for f in sorted(top.rglob("*")) if _wanted(f, top)]
    package = repo / PACKAGE
    migrations = [repo / m for m in MIGRATIONS]
    entries += [(f, Path("fieldsurvey") / f.parent.relative_to(package))
                for f in sorted(package.rglob("*")) if _wanted(f, package)
                and (f.suffix != ".py" or any(f.is_relative_to(m) for m in migrations))
                and f.name not in _NOT_PACKAGE_DATA]
    return entries


#: Qt's own translations the app loads (``fieldsurvey.ui.qt_language``), kept where
#: that module looks in a frozen build: beside PySide6, as in the wheel.
QT_TRANSLATIONS = ("qtbase_zh_CN.qm",)
QT_TRANSLATIONS_FOLDER = Path("PySide6", "Qt", "translations")


def qt_translation_files() -> list[tuple[str, str]]:
    """Qt's translation files, ``(source, destination folder)``, from the installed PySide6.

    Found without importing Qt: the spec runs inside PyInstaller's process."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("PySide6 is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "translations"
    missing = [name for name in QT_TRANSLATIONS if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{folder}: no {', '.join(missing)}")
    return [(str(folder / name), str(QT_TRANSLATIONS_FOLDER)) for name in QT_TRANSLATIONS]


def datas(repo: Path = REPO) -> list[tuple[str, str]]:
    """:func:`shipped_files` in the ``(source, destination folder)`` form PyInstaller takes."""
    return [(str(source), str(folder)) for source, folder in shipped_files(repo)]


def app_version(repo: Path = REPO) -> str:
    """``fieldsurvey.__version__``, read without importing the package."""
    tree = ast.parse((repo / "src" / "fieldsurvey" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__version__" for t in node.targets):
            value = ast.literal_eval(node.value)
            if isinstance(value, str):
                return value
    raise ValueError("fieldsurvey/__init__.py has no __version__ string")


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` -> ``(0, 1, 0, 0)`` for the Windows version resource (numbers only)."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+", maxsplit=1)[0])[:4]]
    numbers += [0] * (4 - len(numbers))
    return numbers[0], numbers[1], numbers[2], numbers[3]


if __name__ == "__main__":
    # The build scripts name their archives with it: `python packaging/datafiles.py`.
    print(app_version())
