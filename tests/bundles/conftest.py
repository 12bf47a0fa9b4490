"""Bundle tests: a store with visits, Ed25519 signers made directly, trust lists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from bundle_helpers import OVERRIDES, PERIOD, SHIPPED_ANSWERS, FakeSigner

from fieldsurvey.bundles import ExportSummary, export_bundle
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, delete, finalize, reopen


@pytest.fixture
def signer() -> FakeSigner:
    return FakeSigner()


@pytest.fixture
def populated(db: Database, shipped_form: FormDefinition) -> Database:
    """Finalized, reopened (draft over a finalized revision), draft-only and deleted visits."""
    with db.transaction() as s:
        org = add_organization(s, name="咸宁市茶叶协会", township_code="421202001",
                               uscc="91330100799655058B", reg_type="social_group", phone="")
        add_organization(s, name="=cmd|' /C calc'!A0", township_code="421202001")
        ids = [create_visit(s, organization_id=org.id, form=shipped_form, officer="王芳",
                            answers=SHIPPED_ANSWERS).id for _ in range(3)]
        create_visit(s, organization_id=org.id, form=shipped_form, officer="王芳",
                     answers={"visit_date": "2026-11-03"})
    with db.transaction() as s:
        for visit_id in ids:
            finalize(s, visit_id, shipped_form, SHIPPED_ANSWERS, OVERRIDES)
    with db.transaction() as s:
        reopen(s, ids[1])  # now a draft: its finalized revision 1 travels
        delete(s, ids[2], "重复录入")
    return db


@pytest.fixture
def make_bundle(tmp_path: Path, shipped_form: FormDefinition,
                signer: FakeSigner) -> Callable[..., ExportSummary]:
    def make(database: Database, name: str = "bundle.xlsx", **kwargs: object) -> ExportSummary:
        options: dict[str, object] = {"period_start": PERIOD[0], "period_end": PERIOD[1],
                                      "sequence": 1, **kwargs}
        form = options.pop("form", shipped_form)
        who = options.pop("signer", signer)
        return export_bundle(database, form, who, tmp_path / name, **options)  # type: ignore[arg-type]

    return make
