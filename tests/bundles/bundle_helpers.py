"""Bundle test helpers: a signer made directly with cryptography, sample data, zip surgery."""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldsurvey.bundles import TrustedKey, trust_list

PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))

SHEET_PARTS = {"封面": "xl/worksheets/sheet1.xml", "走访记录": "xl/worksheets/sheet2.xml",
               "工会领导班子成员": "xl/worksheets/sheet3.xml", "名录": "xl/worksheets/sheet4.xml",
               "代码表": "xl/worksheets/sheet5.xml"}


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def rewrite(source: Path, target: Path, *,
            change: Mapping[str, Callable[[bytes], bytes]] | None = None,
            add: Mapping[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """A copy of the zip with some parts changed, added or dropped."""
    change = change or {}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info.filename)
            if info.filename in change:
                data = change[info.filename](data)
            out.writestr(info.filename, data)
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return target


def rows_of(xml: bytes) -> list[bytes]:
    return re.findall(rb"<row\b[^>]*?(?:/>|>.*?</row>)", xml, re.S)


def cells_of(xml: bytes) -> list[bytes]:
    return re.findall(rb"<c\b[^>]*?(?:/>|>.*?</c>)", xml, re.S)


@dataclass(frozen=True)
class FakeIdentity:
    key_id: str
    name: str
    unit_code: str
    unit_name: str
    role: str
    public_key: bytes


@dataclass
class FakeSigner:
    """Stands in for identity.keys.UnlockedIdentity: same shape, key made here."""

    name: str = "王芳"
    unit_code: str = "421202001"
    unit_name: str = "咸安区温泉街道"
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    key_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])

    @property
    def public(self) -> FakeIdentity:
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return FakeIdentity(self.key_id, self.name, self.unit_code, self.unit_name,
                            "township", raw)

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)

    def trust(self, revoked_from: dt.datetime | None = None) -> dict[str, TrustedKey]:
        revoked = {self.key_id: revoked_from} if revoked_from else None
        return trust_list([self.public], revoked)


SHIPPED_ANSWERS = {
    "visit_date": "2026-11-02", "visit_kind": "census", "visit_result": "completed",
    "respondent_name": "李明", "respondent_post": "秘书长", "respondent_phone": "13800138000",
    "org_name": "咸宁市茶叶协会", "reg_type": "social_group", "uscc": "91330100799655058B",
    "org_field": "economic", "address": "咸宁市咸安区温泉路 1 号", "legal_rep": "赵六",
    "operating_status": "operating", "staff_total": 25, "staff_women": 12,
    "staff_fulltime": 20, "staff_parttime": 5, "party_org": "yes",
    "union_status": "own", "union_setup_date": "2020-05-01", "union_chair": "张三",
    "chair_elected": "yes", "union_members": 20, "union_members_women": 10,
    "committees": ["union_committee", "audit_committee"], "members_congress": "yes",
    "workers_congress": "no", "collective_bargaining": "no", "workers_home": "yes",
    "dues_paid": "yes", "plaque_displayed": "both",
    "leaders": [
        {"leader_name": "张三", "leader_sex": "male", "leader_post": "chair",
         "leader_tenure": "part_time"},
        {"leader_name": '=HYPERLINK("http://x")', "leader_sex": "female",
         "leader_post": "member", "leader_tenure": "part_time"},
    ],
    "notes": "第一行\r\n第二行 🎉 =1+1 ＝SUM(A1) 0012 _x0041_",
}
# The sample code is a real one of a market-regulated company: the type check warns.
OVERRIDES = {"uscc": "证书如此"}
