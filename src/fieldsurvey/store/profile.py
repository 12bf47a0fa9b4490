"""The officer's profile, asked once at first run and kept with the data.

It lives in the ``app_setting`` table, so it travels with the database and a
backup restores it together with the visits it describes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldsurvey.domain.division import Level, normalize_division_code, validate_division_code
from fieldsurvey.domain.findings import has_errors
from fieldsurvey.domain.phone import normalize_phone, validate_phone
from fieldsurvey.messages import LANGUAGES, Message
from fieldsurvey.store.settings import get_setting, set_setting

_PREFIX = "profile."


@dataclass(frozen=True)
class OfficerProfile:
    name: str
    phone: str
    township_code: str  # 9 digits
    township_name: str
    county_code: str  # 6 digits
    county_name: str
    language: str = "zh"

    def tidied(self) -> OfficerProfile:
        """Spaces trimmed, codes and phone in their canonical spelling."""
        return OfficerProfile(
            name=self.name.strip(), phone=normalize_phone(self.phone.strip()),
            township_code=normalize_division_code(self.township_code),
            township_name=self.township_name.strip(),
            county_code=normalize_division_code(self.county_code),
            county_name=self.county_name.strip(), language=self.language,
        )


def check_profile(profile: OfficerProfile) -> dict[str, Message]:
    """The first problem per field (field name -> message); empty when it can be saved."""
    p = profile.tidied()
    problems: dict[str, Message] = {}
    for field in ("name", "phone", "township_code", "township_name", "county_code",
                  "county_name"):
        if not getattr(p, field):
            problems[field] = Message("profile.required")
    levels: tuple[tuple[str, Level], ...] = (("township_code", "township"),
                                             ("county_code", "county"))
    for field, level in levels:
        findings = validate_division_code(getattr(p, field), level)
        if field not in problems and has_errors(findings):
            problems[field] = findings[0].message
    phone_findings = validate_phone(p.phone)
    if "phone" not in problems and has_errors(phone_findings):
        problems["phone"] = phone_findings[0].message
    if not problems.keys() & {"township_code", "county_code"} and \
            not p.township_code.startswith(p.county_code):
        problems["township_code"] = Message(
            "profile.township_outside_county",
            {"township": p.township_code, "county": p.county_code})
    if p.language not in LANGUAGES:
        problems["language"] = Message("profile.bad_language", {"language": p.language})
    return problems


def load_profile(session: Session) -> OfficerProfile | None:
    """The saved profile, or ``None`` before setup has been completed."""
    values = {f.name: get_setting(session, _PREFIX + f.name)
              for f in dataclasses.fields(OfficerProfile)}
    if any(v is None for v in values.values()):
        return None
    return OfficerProfile(**{k: str(v) for k, v in values.items()})


def save_profile(session: Session, profile: OfficerProfile) -> OfficerProfile:
    """Store a checked profile (tidied); raises ``ValueError`` if it has problems."""
    problems = check_profile(profile)
    if problems:
        raise ValueError(f"profile has problems: {sorted(problems)}")
    tidy = profile.tidied()
    for key, value in dataclasses.asdict(tidy).items():
        set_setting(session, _PREFIX + key, value)
    return tidy
