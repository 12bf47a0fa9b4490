"""Fixtures: the long test form, the shipped form, a real store, finalized visits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pdf_helpers import TOWNSHIP, long_form_markdown

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize


@pytest.fixture(scope="session")
def long_form() -> FormDefinition:
    return load_form_markdown(long_form_markdown())




@pytest.fixture
def add_final_visit(db: Database) -> Callable[..., str]:
    """A finalized visit to a new organization; returns the visit id."""
    def add(form: FormDefinition, answers: dict[str, Any], org_name: str = "温泉茶叶协会",
            ) -> str:
        with db.transaction() as session:
            org = add_organization(session, name=org_name, township_code=TOWNSHIP,
                                   uscc="51421202MJH123456X", address="咸安区温泉路1号")
            visit = create_visit(session, organization_id=org.id, form=form, officer="王芳",
                                 answers=answers)
            finalize(session, visit.id, form, answers)
            return visit.id
    return add
