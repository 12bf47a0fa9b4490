"""The township dashboard's figures.

Two kinds of figure, from two sources:

- *where each case stands today* (counts by status and type, union forms, overdue
  revisits) from the case rows, as the case list shows them;
- *the campaign's figures* (registered, visited, operating, unions, 建会率, 入会率,
  new unions this month) as of the end of the current month, counted by
  :func:`fieldsurvey.cases.month_end.fold_month` exactly as the county's table
  counts the same township from the officer's bundle.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from fieldsurvey.cases import rates
from fieldsurvey.cases.loading import CaseRow, load_cases
from fieldsurvey.cases.month_end import (
    VISIT_FACT_COLUMNS,
    Figures,
    OrganizationFacts,
    fold_month,
    total_figures,
)
from fieldsurvey.cases.status import STATUSES, Status
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.forms.stats import FactError, extract_facts
from fieldsurvey.register.dates import iso_day
from fieldsurvey.store.form_versions import stored_form
from fieldsurvey.store.models import Organization, Visit, VisitRevision


@dataclass(frozen=True)
class Dashboard:
    total: int
    by_status: dict[Status, int]
    by_type: dict[str, dict[Status, int]]  # reg_type code ("" unknown) -> status -> count
    by_union_form: dict[str, int]
    overdue: int
    month: Figures  # the campaign's figures as of the current month's end
    target: Fraction = rates.COVERAGE_TARGET

    @property
    def operating(self) -> int:
        return self.month.operating

    @property
    def with_union(self) -> int:
        return self.month.unions

    @property
    def staff(self) -> int:
        return self.month.staff

    @property
    def members(self) -> int:
        return self.month.members

    @property
    def new_unions_this_month(self) -> int:
        return self.month.new_unions

    @property
    def coverage(self) -> float | None:
        """建会率, or ``None`` while nothing operates."""
        return self.month.coverage

    @property
    def membership(self) -> float | None:
        """入会率, or ``None`` while no staff have been counted."""
        return self.month.membership

    @property
    def unions_to_target(self) -> int:
        """How many more unions reach the target at this month's operating count."""
        return rates.unions_to_target(self.with_union, self.operating, self.target)

    @property
    def target_reached(self) -> bool | None:
        """Judged on the exact ratio once the census allows it; ``None`` before then."""
        return rates.target_reached(self.with_union, self.operating, self.month.visited,
                                    self.month.registered, self.target)


def dashboard(rows: Sequence[CaseRow], month: Figures, today: dt.date) -> Dashboard:
    """Today's standing of each case (``rows``) beside the month's campaign figures."""
    by_status: Counter[Status] = Counter()
    by_type: dict[str, Counter[Status]] = {}
    forms: Counter[str] = Counter()
    overdue = 0
    for row in rows:
        by_status[row.status] += 1
        by_type.setdefault(row.reg_type, Counter())[row.status] += 1
        overdue += row.overdue(today)
        if row.status == "union":
            forms[row.union_status] += 1
    return Dashboard(
        total=len(rows), by_status={s: by_status[s] for s in STATUSES},
        by_type={t: {s: c[s] for s in STATUSES} for t, c in sorted(by_type.items())},
        by_union_form=dict(forms), overdue=overdue, month=month,
    )


def load_dashboard(session: Session, form: FormDefinition, township: str | None,
                   today: dt.date) -> Dashboard:
    """The dashboard of ``township`` (every township when ``None``) as of ``today``."""
    rows = load_cases(session, form, township)
    return dashboard(rows, month_figures(session, form, township, today.year, today.month),
                     today)


def month_figures(session: Session, form: FormDefinition, township: str | None,
                  year: int, month: int) -> Figures:
    """The campaign's figures of the officer's store as of the month's end."""
    orgs = select(Organization.id, Organization.name, Organization.uscc,
                  Organization.reg_type, Organization.township_code, Organization.registered_on)
    if township is not None:
        orgs = orgs.where(Organization.township_code == township)
    facts = [OrganizationFacts(i, n, u or "", r or "", t, iso_day(on))
             for i, n, u, r, t, on in session.execute(orgs)]
    visits = sorted(_visit_facts(session, form), key=lambda v: (v[1], v[-1], v[-2]))
    counted = fold_month(facts, (v[:-2] for v in visits), year, month,
                         campaign_start=form.campaign_start)
    return total_figures(counted)


def _visit_facts(session: Session, form: FormDefinition) -> Iterator[tuple[Any, ...]]:
    """Every visit as the county receives it: finalized ones with their stored facts,
    a reopened one with the facts of its last finalized revision; each row ends with
    its id and last update (for ordering) after the :data:`VISIT_FACT_COLUMNS`."""
    columns = [getattr(Visit, name) for name in VISIT_FACT_COLUMNS]
    final = (select(*columns, Visit.id, Visit.updated_at)
             .where(Visit.status == "final", Visit.deleted_at.is_(None),
                    Visit.visit_date.is_not(None)))
    for row in session.execute(final):
        yield tuple(row)
    latest = (select(VisitRevision.visit_id, func.max(VisitRevision.revision).label("rev"))
              .group_by(VisitRevision.visit_id).subquery())
    frozen = aliased(VisitRevision)
    reopened = (select(Visit.id, Visit.organization_id, frozen.answers_json,
                       frozen.finalized_at, frozen.form_version)
                .join(latest, latest.c.visit_id == Visit.id)
                .join(frozen, and_(frozen.visit_id == Visit.id,
                                   frozen.revision == latest.c.rev))
                .where(Visit.status == "draft", Visit.deleted_at.is_(None)))
    for visit_id, org_id, answers, finalized_at, version in session.execute(reopened):
        # The frozen revision may be of an older form version, whose stat questions
        # may have had other names: read it with that version's fs_stat roles.
        own = form if version == form.version else \
            stored_form(session, form.form_id, version) or form
        try:
            fact = extract_facts(own, json.loads(answers))
        except FactError:
            continue  # an answer that fits no longer: the county refuses it too
        if fact.visit_date is None:
            continue
        yield (org_id, *(getattr(fact, name) for name in VISIT_FACT_COLUMNS[1:]),
               visit_id, finalized_at)
