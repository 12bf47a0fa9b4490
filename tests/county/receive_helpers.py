"""A county office that reviews and sends packages, and an officer's store that takes them."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from office_helpers import COUNTY, NOW, KeyHolder, Township

from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.merge import merge_bundles
from fieldsurvey.county.package import build_packages, plan_packages
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.county import trust_county
from fieldsurvey.store.db import Database
from fieldsurvey.store.profile import OfficerProfile, save_profile

COUNTY_KEY = KeyHolder("county", "李主席", "421202", "咸安区总工会")


def set_up_officer(db: Database, code: str, name: str,
                   county: KeyHolder | None = COUNTY_KEY) -> None:
    """The officer's profile, and the county's key trusted (fingerprint read by phone)."""
    with db.transaction() as s:
        save_profile(s, OfficerProfile("王芳", "13907150001", code, name, "421202",
                                       "咸安区"))
        if county is not None:
            trust_county(s, county.public)


def merge(office: OfficeDatabase, form: FormDefinition, *files: Path) -> None:
    report = merge_bundles(office, list(files), form=form, profile=COUNTY, by="李主席")
    assert all(f.imported or f.already for f in report.files), [f.reason for f in report.files]


def package(office: OfficeDatabase, town: Township, out: Path, notice: str = "") -> Path:
    """The township's next package, signed by the county key."""
    out.mkdir(parents=True, exist_ok=True)
    [built] = build_packages(office, plan_packages(office, COUNTY, [town.code], notice),
                             COUNTY_KEY, out, now=NOW)
    return built.path


def store_digest(path: Path) -> str:
    """A hash of every row of every table of a SQLite file (its content, not its pages)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    finally:
        con.close()
