"""The one accessor for shipped files (forms, translations, icons, fonts).

Three layouts exist and only this module knows them:
- a frozen build (PyInstaller sets ``sys._MEIPASS``), data under ``_shipped/``;
- an installed wheel, data force-included as ``fieldsurvey/_shipped/``;
- a source checkout or editable install, data at the repository root.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def shipped_root() -> Path:
    """The folder that holds ``forms/`` and ``resources/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    candidates = []
    if frozen:
        candidates.append(Path(frozen) / "fieldsurvey" / "_shipped")
    candidates += [_PACKAGE_DIR / "_shipped", _PACKAGE_DIR.parent.parent]
    for root in candidates:
        if (root / "forms").is_dir() and (root / "resources").is_dir():
            return root
    raise FileNotFoundError(f"shipped data not found in any of {candidates}")


def resource(*parts: str) -> Path:
    """Path of a file under ``resources/``."""
    return shipped_root().joinpath("resources", *parts)


def forms_dir() -> Path:
    """The folder of shipped XLSForm definitions."""
    return shipped_root() / "forms"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))
