"""The officer's side of a correction: reopen a finalized visit, change it, finalize."""

from __future__ import annotations

import json
from pathlib import Path

from office_helpers import Township

from fieldsurvey.cli import main
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.state import FormState
from fieldsurvey.forms.validation import check, warnings
from fieldsurvey.identity.enrollment import write_enrollment_card
from fieldsurvey.store import visits as store_visits
from fieldsurvey.store.models import Visit


def cli_county_with_township(tmp_path: Path, form: FormDefinition) -> Township:
    """Through the command line: a county office (key, database) that trusts one
    township and has merged its bundle (``FIELDSURVEY_PASSPHRASE`` set by the caller)."""
    assert main(["identity", "create", "--role", "county", "--name", "李主席",
                 "--unit-code", "421202", "--unit-name", "咸安区总工会"]) == 0
    assert main(["office", "init", "--role", "county", "--unit-code", "421202",
                 "--unit-name", "咸安区总工会"]) == 0
    town = Township(tmp_path / "a", "421202001", "温泉街道", form).populate(6, 2)
    card = tmp_path / "wangfang.fsid.json"
    write_enrollment_card(town.signer.public, card)
    assert main(["trust", "add", str(card)]) == 0
    assert main(["merge", str(town.export())]) == 0
    return town


def revise(township: Township, visit_id: str, form: FormDefinition, note: str) -> None:
    """A new revision of the visit whose notes say ``note`` (every warning explained)."""
    with township.db.transaction() as s:
        visit = s.get(Visit, visit_id)
        assert visit is not None
        answers = {**json.loads(visit.answers_json), "notes": note}
        reasons = {store_visits.ref_key(i.ref): "已核实"
                   for i in warnings(check(FormState(form, answers)))}
        store_visits.reopen(s, visit_id)
        store_visits.finalize(s, visit_id, form, answers, reasons)
