"""The officer's side of a correction: reopen a finalized visit, change it, finalize."""

from __future__ import annotations

import json

from office_helpers import Township

from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.state import FormState
from fieldsurvey.forms.validation import check, warnings
from fieldsurvey.store import visits as store_visits
from fieldsurvey.store.models import Visit


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
