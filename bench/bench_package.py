"""County packages: build one per township for a whole county, and receive one.

Run: ``.venv/bin/python bench/bench_package.py`` (40 townships x 500 organizations;
``--townships``/``--orgs`` to change it).

The office database (SQLite, in a temporary folder) is filled directly with bulk
inserts in the shape a merge leaves: one finalized visit per organization, every
visit in review, and 5% of them returned with a comment on the visit and one on a
question (so each township's package carries some 25 threads). Filling it is not
timed: what is timed is

- ``plan_packages`` + ``build_packages`` for every township (read the office
  database, lay out and sign 40 workbooks, write them atomically): target < 10 s;
- ``receive_package`` of one township's package into an officer's store that holds
  only its profile and the county's key (all 500 organizations added), and then
  of the next package into the same store (all unchanged, the usual month):
  target < 1 s each. Receiving includes the file gate, the signature and every
  part's hash, reading the sheets and the one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fieldsurvey import clock
from fieldsurvey.county.db import OfficeDatabase, open_office
from fieldsurvey.county.models import (
    MergedOrganization,
    MergedVisit,
    ReviewEvent,
    Unit,
    VisitReview,
)
from fieldsurvey.county.office import OfficeProfile, save_office_profile
from fieldsurvey.county.package import build_packages, plan_packages
from fieldsurvey.identity.records import PublicIdentity
from fieldsurvey.packages.receive import receive_package
from fieldsurvey.store.county import trust_county
from fieldsurvey.store.migrate import open_database
from fieldsurvey.store.profile import OfficerProfile, save_profile

COUNTY = OfficeProfile("county", "421202", "咸安区总工会")
NOW = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC)
TYPES = ("social_group", "private_non_enterprise", "foundation")


class CountyKey:
    """The office's signing key (a real Ed25519 key, as the app's unlocked identity)."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        raw = self.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = PublicIdentity.for_key(raw, role="county", name="李主席",
                                             unit_code="421202", unit_name="咸安区总工会")

    def sign(self, data: bytes) -> bytes:
        return self.key.sign(data)


def fill_office(db: OfficeDatabase, townships: int, orgs: int) -> None:
    with db.transaction() as s:
        save_office_profile(s, COUNTY)
        for t in range(1, townships + 1):
            code = f"421202{t:03d}"
            s.add(Unit(code=code, name=f"第{t}街道"))
            org_rows, visit_rows, review_rows, event_rows = [], [], [], []
            for n in range(orgs):
                org_id, visit_id = str(uuid.uuid4()), str(uuid.uuid4())
                made = NOW - dt.timedelta(days=30, minutes=n)
                org_rows.append({
                    "id": org_id, "name": f"第{t}街道社会组织{n:04d}号协会", "uscc": None,
                    "reg_type": TYPES[n % 3], "field": None, "supervisor": "区民政局",
                    "address": f"咸安区温泉路{n}号", "legal_rep": "张三",
                    "phone": f"139071{t:02d}{n:03d}", "township_code": code,
                    "registered_on": dt.date(2020, 1, 1), "created_at": made,
                    "updated_at": made, "content_hash": uuid.uuid4().hex,
                    "name_key": f"{t}-{n}", "duplicate_of": None, "source_bundle": "b",
                    "source_key": "k", "imported_at": made})
                visit_rows.append({
                    "id": visit_id, "organization_id": org_id, "township_code": code,
                    "revision": 1, "status": "final", "form_id": "so_union_visit",
                    "form_version": "2026120501", "officer": "王芳", "created_at": made,
                    "updated_at": made, "answers_json": json.dumps({"notes": "走访"}),
                    "content_hash": uuid.uuid4().hex, "pinned": False, "source_bundle": "b",
                    "source_key": "k", "imported_at": made,
                    "visit_date": dt.date(2026, 11, 1 + n % 28),
                    "operating_status": "not_found" if n % 50 == 7 else "operating"})
                returned = n % 20 == 3
                review_rows.append({"visit_id": visit_id, "township_code": code,
                                    "state": "returned" if returned else "pending",
                                    "revision": 1, "changed_at": made, "changed_by": "张审核"})
                event_rows.append({"visit_id": visit_id, "revision": 1, "action": "revised",
                                   "state": "pending", "by": "王芳", "at": made})
                if returned:
                    event_rows.append({
                        "visit_id": visit_id, "revision": 1, "action": "returned",
                        "state": "returned", "comment": "职工人数与上月相差太大，请核实",
                        "questions_json": json.dumps({"staff_total": "请按社保名单核实"}),
                        "by": "张审核", "at": made + dt.timedelta(days=1)})
            for model, rows in ((MergedOrganization, org_rows), (MergedVisit, visit_rows),
                                (VisitReview, review_rows), (ReviewEvent, event_rows)):
                s.bulk_insert_mappings(model, rows)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--townships", type=int, default=40)
    parser.add_argument("--orgs", type=int, default=500)
    args = parser.parse_args()
    clock.pin(NOW.isoformat())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        office = open_office(root / "office.sqlite3")
        fill_office(office, args.townships, args.orgs)
        key = CountyKey()
        out = root / "packages"
        out.mkdir()
        start = time.perf_counter()
        built = build_packages(office, plan_packages(office, COUNTY, None), key, out)
        build_s = time.perf_counter() - start
        first = built[0]
        [second] = build_packages(office, plan_packages(office, COUNTY, [first.township_code]),
                                  key, out)
        store = open_database(root / "officer.sqlite3")
        with store.transaction() as s:
            save_profile(s, OfficerProfile("王芳", "13907150001", first.township_code,
                                           "第1街道", "421202", "咸安区"))
            trust_county(s, key.public)
        start = time.perf_counter()
        added = receive_package(store, first.path)
        receive_new_s = time.perf_counter() - start
        start = time.perf_counter()
        same = receive_package(store, second.path)
        receive_again_s = time.perf_counter() - start
        store.close()
        office.close()
        size = sum(p.path.stat().st_size for p in built) / len(built) / 1024
    print(f"{args.townships} townships x {args.orgs} organizations")
    print(f"build all packages: {build_s:.2f} s ({build_s / len(built) * 1000:.0f} ms each, "
          f"{size:.0f} KiB each; target < 10 s)")
    print(f"receive one (register new, {added.added} added, {added.returned} returned): "
          f"{receive_new_s:.2f} s (target < 1 s)")
    print(f"receive the next ({same.unchanged} unchanged): {receive_again_s:.2f} s "
          f"(target < 1 s)")
    ok = build_s < 10 and receive_new_s < 1 and receive_again_s < 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
