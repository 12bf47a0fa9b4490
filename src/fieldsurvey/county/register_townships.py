"""Which township each row of the county's register belongs to.

The county's civil-affairs list covers every township, so each row must say
its own: a column headed 乡镇, 街道, 所属乡镇, 乡镇（街道）... holding a 9-digit
division code or a township's name. Names are matched against the township
units the office knows (``unit``: every township that sent a bundle, or was
named when setting up). A row whose township cannot be told is a problem
named by row and column, never a guess: a wrong township would send the
organization to the wrong officer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.county.models import Unit
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.messages import Message
from fieldsurvey.register.cells import clean_text
from fieldsurvey.register.headers import header_key

#: Header words of the township column (as :func:`header_key` leaves them:
#: ``乡镇（街道）`` loses its bracket and reads 乡镇).
TOWNSHIP_HEADERS = frozenset({"乡镇", "街道", "所属乡镇", "所属街道", "乡镇街道", "乡镇/街道",
                              "所属乡镇街道", "所属乡镇/街道", "乡镇名称", "街道名称",
                              "所在乡镇", "所在街道", "乡镇(街道)"})
TOWNSHIP_DIGITS = 9
# What names add or drop: 温泉街道办事处 / 温泉街道 / 温泉 are one township.
_SUFFIX = re.compile(r"(街道办事处|办事处|街道|乡|镇)$")
_DIGITS = re.compile(r"^\d+$")


def township_column(header: Sequence[str]) -> int | None:
    """The column of the header row that names each row's township, or ``None``."""
    for column, text in enumerate(header):
        key = header_key(text)
        if key in TOWNSHIP_HEADERS or key.replace("/", "") in TOWNSHIP_HEADERS:
            return column
    return None


def _short(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    return _SUFFIX.sub("", name) or name


@dataclass(frozen=True)
class Townships:
    """The townships of the office's area: code -> name, and names to codes."""

    area: str  # the county's 6 digits
    names: Mapping[str, str]
    _by_name: Mapping[str, tuple[str, ...]]

    def resolve(self, text: str) -> str | Message:
        """The 9-digit code a cell names, or why it names none."""
        value = clean_text(text).strip()
        if not value:
            return Message("register_county.township_missing")
        if _DIGITS.match(value):
            # A 12-digit statistical code ends in 000 for a township: its first 9 digits.
            code = value[:TOWNSHIP_DIGITS] if len(value) == 12 and value.endswith("000") \
                else value
            if len(code) != TOWNSHIP_DIGITS:
                return Message("register_county.township_bad_code", {"value": value})
            if not code.startswith(self.area):
                return Message("register_county.township_outside", {
                    "value": value, "area": self.area})
            return code
        codes = self._by_name.get(value) or self._by_name.get(_short(value), ())
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            return Message("register_county.township_ambiguous", {
                "value": value, "codes": "、".join(codes)})
        return Message("register_county.township_unknown", {"value": value})


def load_townships(session: Session, profile: OfficeProfile) -> Townships:
    names = {code: name for code, name in session.execute(select(Unit.code, Unit.name))
             if len(code) == TOWNSHIP_DIGITS and code.startswith(profile.unit_code)}
    by_name: dict[str, list[str]] = {}
    for code, name in names.items():
        for key in {name.strip(), _short(name)}:
            if key:
                by_name.setdefault(key, []).append(code)
    return Townships(profile.unit_code, names,
                     {k: tuple(sorted(set(v))) for k, v in by_name.items()})
