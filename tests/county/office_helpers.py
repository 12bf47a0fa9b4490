"""Townships that export real signed bundles, and an office that merges them.

Each township is a real officer's store (SQLite file) filled by the demo
generator, with a real Ed25519 key; its bundles come from ``export_bundle``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldsurvey.bundles import export_bundle
from fieldsurvey.cases.demo import populate_demo
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.office import OfficeProfile, save_office_profile
from fieldsurvey.county.trust import add_identity
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.records import PublicIdentity
from fieldsurvey.store import Database
from fieldsurvey.store.migrate import open_database

TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.UTC)
COUNTY = OfficeProfile("county", "421202", "咸安区总工会")
CITY = OfficeProfile("city", "421200", "咸宁市总工会")


@dataclass
class KeyHolder:
    """An unlocked identity made here: a real key pair, the app's public identity."""

    role: str
    name: str
    unit_code: str
    unit_name: str
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)

    @property
    def public(self) -> PublicIdentity:
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicIdentity.for_key(raw, role=self.role, name=self.name,  # type: ignore[arg-type]
                                      unit_code=self.unit_code, unit_name=self.unit_name)

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


@dataclass
class Township:
    """An officer's laptop: a store, a key and a bundle counter."""

    folder: Path
    code: str
    name: str
    form: FormDefinition
    officer: str = "王芳"
    sequence: int = 0
    signer: KeyHolder = field(init=False)
    db: Database = field(init=False)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.signer = KeyHolder("officer", self.officer, self.code, self.name)
        self.db = open_database(self.folder / "fieldsurvey.sqlite3")

    def populate(self, n: int, seed: int) -> Township:
        populate_demo(self.db, self.form, self.code, n, seed, TODAY, officer=self.officer)
        return self

    def export(self, name: str | None = None, *, sequence: int | None = None,
               now: dt.datetime = NOW) -> Path:
        self.sequence = sequence if sequence is not None else self.sequence + 1
        path = self.folder / (name or f"{self.code}-{self.sequence:03d}.xlsx")
        export_bundle(self.db, self.form, self.signer, path, period_start=dt.date(2026, 11, 1),
                      period_end=dt.date(2026, 11, 30), sequence=self.sequence, now=now)
        return path

    def copy_to(self, folder: Path) -> Township:
        """A second laptop with a copy of this database and the same key."""
        self.db.close()
        twin = Township.__new__(Township)
        twin.folder, twin.code, twin.name, twin.form = folder, self.code, self.name, self.form
        twin.officer, twin.sequence, twin.signer = self.officer, self.sequence, self.signer
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.folder / "fieldsurvey.sqlite3", folder / "fieldsurvey.sqlite3")
        twin.db = open_database(folder / "fieldsurvey.sqlite3")
        self.db = open_database(self.folder / "fieldsurvey.sqlite3")
        return twin


def make_office(db: OfficeDatabase, profile: OfficeProfile = COUNTY,
                trusted: tuple[KeyHolder, ...] = ()) -> OfficeDatabase:
    with db.transaction() as session:
        save_office_profile(session, profile)
        for holder in trusted:
            add_identity(session, holder.public, by="测试", now=NOW)
    return db


def tampered(bundle: Path, name: str = "tampered.xlsx") -> Path:
    """A copy of ``bundle`` with one cell of its data changed after signing."""
    target = bundle.with_name(name)
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<v>1</v>", b"<v>2</v>", 1)
            out.writestr(info.filename, data)
    return target
