"""A small form with every statistics fact, a real store, and a way to add visits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize

CASES_FORM_MD = """
| survey |
| | type | name | label | relevant | required | fs_stat |
| | date | visit_date | Date | | yes | visit_date |
| | select_one result | result | Result | | yes | visit_result |
| | select_one reg | reg_type | Type | | | reg_type |
| | select_one operating | operating | Operating | ${result} = 'completed' | | operating_status |
| | integer | staff | Staff | ${result} = 'completed' | | staff_total |
| | select_one union | union_status | Union | ${result} = 'completed' | | union_status |
| | date | setup | Set up | ${union_status} != 'none' | | union_setup_date |
| | integer | members | Members | ${union_status} != 'none' | | union_members |
| | date | next_visit | Next visit | | | next_visit_date |
| choices |
| | list_name | name | label |
| | result | completed | Completed |
| | result | refused | Refused |
| | result | revisit | Revisit |
| | result | gone | Gone |
| | reg | social_group | Social group |
| | reg | foundation | Foundation |
| | operating | operating | Operating |
| | operating | dormant | Dormant |
| | union | none | None |
| | union | own | Own |
| | union | joint | Joint |
| | union | individual | Individual |
| settings |
| | form_id | version |
| | cases_test | 1 |
"""

TOWNSHIP = "330106001"


@pytest.fixture
def form() -> FormDefinition:
    return load_form_markdown(CASES_FORM_MD)



@pytest.fixture
def add_org(db: Database) -> Callable[..., str]:
    def add(name: str, **attrs: str | None) -> str:
        with db.transaction() as session:
            return add_organization(session, name=name, township_code=TOWNSHIP, **attrs).id
    return add


@pytest.fixture
def add_visit(db: Database, form: FormDefinition) -> Callable[..., str]:
    """A finalized visit (or a draft with ``final=False``) with the given answers."""
    def add(org_id: str, *, final: bool = True, **answers: Any) -> str:
        answers = {k: v.isoformat() if isinstance(v, dt.date) else v
                   for k, v in answers.items()}
        with db.transaction() as session:
            visit = create_visit(session, organization_id=org_id, form=form, officer="王芳",
                                 answers=answers)
            if final:
                finalize(session, visit.id, form, answers)
            return visit.id
    return add
