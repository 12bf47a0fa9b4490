"""The office's profile: who merges here (a county or a city federation) and where.

It lives in the office database, so every member of staff sharing a PostgreSQL
database sees the same unit. Which database a data folder uses is a local
choice, kept in the folder's ``office.json`` (see :func:`office_target`).
"""

from __future__ import annotations

import dataclasses
import getpass
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from fieldsurvey.atomic import write_file_atomically
from fieldsurvey.county.models import OfficeSetting
from fieldsurvey.domain.division import normalize_division_code, validate_division_code
from fieldsurvey.domain.findings import has_errors
from fieldsurvey.identity.keys import IdentityError, identity_exists, load_public
from fieldsurvey.messages import LANGUAGES, Message
from fieldsurvey.paths import DataPaths

OfficeRole = Literal["county", "city"]
#: The role of the signers whose bundles an office merges.
CHILD_ROLE: dict[str, str] = {"county": "officer", "city": "county"}
_PREFIX = "office."
SEQUENCE_KEY = "last_bundle_sequence"


@dataclass(frozen=True)
class OfficeProfile:
    role: OfficeRole
    unit_code: str  # 6 digits: the county's, or the city's
    unit_name: str
    language: str = "zh"

    @property
    def area_digits(self) -> int:
        """How many digits of a township code name a row of this office's table."""
        return 9 if self.role == "county" else 6

    def area_of(self, township_code: str) -> str:
        return township_code[: self.area_digits]


def check_office_profile(profile: OfficeProfile) -> dict[str, Message]:
    """The first problem per field; empty when it can be saved."""
    problems: dict[str, Message] = {}
    if profile.role not in CHILD_ROLE:
        problems["role"] = Message("office.bad_role", {"role": profile.role})
    code = normalize_division_code(profile.unit_code)
    findings = validate_division_code(code, "county" if profile.role == "county" else "city")
    if not code:
        problems["unit_code"] = Message("profile.required")
    elif has_errors(findings):
        problems["unit_code"] = findings[0].message
    if not profile.unit_name.strip():
        problems["unit_name"] = Message("profile.required")
    if profile.language not in LANGUAGES:
        problems["language"] = Message("profile.bad_language", {"language": profile.language})
    return problems


def _get(session: Session, key: str) -> str | None:
    row = session.get(OfficeSetting, key)
    return row.value if row is not None else None


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(OfficeSetting, key)
    if row is None:
        session.add(OfficeSetting(key=key, value=value))
    else:
        row.value = value


def load_office_profile(session: Session) -> OfficeProfile | None:
    values = {f.name: _get(session, _PREFIX + f.name) for f in dataclasses.fields(OfficeProfile)}
    if any(v is None for v in values.values()):
        return None
    return OfficeProfile(**{k: str(v) for k, v in values.items()})  # type: ignore[arg-type]


def save_office_profile(session: Session, profile: OfficeProfile) -> OfficeProfile:
    """Store a checked profile; ``ValueError`` if it has problems."""
    problems = check_office_profile(profile)
    if problems:
        raise ValueError(f"office profile has problems: {sorted(problems)}")
    tidy = dataclasses.replace(profile, unit_code=normalize_division_code(profile.unit_code),
                               unit_name=profile.unit_name.strip())
    for key, value in dataclasses.asdict(tidy).items():
        _set(session, _PREFIX + key, value)
    return tidy


def next_office_sequence(session: Session) -> int:
    """The next number of the office's own bundles; it only ever increases."""
    number = int(_get(session, SEQUENCE_KEY) or 0) + 1
    _set(session, SEQUENCE_KEY, str(number))
    return number


# -- which database this data folder's office uses ------------------------------------

def _config_file(paths: DataPaths) -> Path:
    return paths.root / "office.json"


def office_target(paths: DataPaths, override: str | None = None) -> str | None:
    """The office database of this data folder: ``override`` (``--db``), else the URL or
    file saved by :func:`set_office_target`; ``None`` when the folder is an officer's."""
    if override:
        return override
    try:
        saved = json.loads(_config_file(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = saved.get("db") if isinstance(saved, dict) else None
    return str(value) if value else None


def default_office_file(paths: DataPaths) -> Path:
    return paths.root / "office.sqlite3"


def set_office_target(paths: DataPaths, target: str) -> None:
    """Make this data folder an office's, using ``target`` (a file or a database URL)."""
    data = json.dumps({"db": target}, ensure_ascii=False, indent=2).encode("utf-8")
    write_file_atomically(_config_file(paths), data)


def staff_name(paths: DataPaths) -> str:
    """Who works at this PC: the name on the office key, else the operating-system user."""
    if identity_exists(paths.keys):
        try:
            return load_public(paths.keys).name
        except IdentityError:
            pass
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "-"
