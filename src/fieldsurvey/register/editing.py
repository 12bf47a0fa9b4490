"""Adding and editing one organization by hand: the checks and the save.

The dialog (``fieldsurvey.ui.org_dialog``) only shows what these functions
find. Values are cleaned exactly as an imported cell is
(:func:`~fieldsurvey.register.cells.clean_text`), so a name typed by hand
and the same name read from a list match on the next import.

Unlike an import, a bad phone number is an error here: the officer is at
the keyboard and can fix it now (the survey form refuses it the same way).

A code an import set aside as pending (待核实) shows in the code field; left as
it is, it stays pending (a warning, so the rest of the organization can still
be edited). A corrected code must pass its check, and clears the pending one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldsurvey.domain.findings import Finding, error, has_errors, warning
from fieldsurvey.domain.phone import normalize_phone, validate_phone
from fieldsurvey.domain.uscc import normalize_uscc, validate_uscc
from fieldsurvey.messages import Message
from fieldsurvey.register.cells import clean_text
from fieldsurvey.register.dates import parse_registration_date, registration_problem
from fieldsurvey.register.errors import RegisterError
from fieldsurvey.register.plan import MAX_LENGTH
from fieldsurvey.store.db import Database
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import EDITABLE, add_organization, update_organization


@dataclass(frozen=True)
class OrganizationCheck:
    """The values as they would be saved, and what is wrong with them, by field."""

    values: Mapping[str, str | None]
    findings: Mapping[str, tuple[Finding, ...]]
    pending: str | None = None  # the code still awaiting verification, kept as it is

    @property
    def can_save(self) -> bool:
        return not any(has_errors(f) for f in self.findings.values())

    def first_error(self) -> Finding | None:
        for name in EDITABLE:
            for finding in self.findings.get(name, ()):
                if finding.is_error:
                    return finding
        return None


def tidy_values(values: Mapping[str, str | None]) -> dict[str, str | None]:
    """Clean text, the canonical code and phone spelling; ``None`` for blanks."""
    out: dict[str, str | None] = {}
    for name in EDITABLE:
        text = clean_text(values.get(name) or "")
        if name == "uscc":
            text = normalize_uscc(text)
        elif name == "phone" and text:
            text = normalize_phone(text)
        elif name == "registered_on" and text:
            day = parse_registration_date(text)
            text = day.isoformat() if day is not None else text
        out[name] = text or None
    return out


def check_organization(session: Session, values: Mapping[str, str | None], township_code: str,
                       org_id: str | None = None) -> OrganizationCheck:
    """Findings for an organization about to be saved (``org_id`` when editing one)."""
    tidy = tidy_values(values)
    found: dict[str, list[Finding]] = {name: [] for name in EDITABLE}
    name, uscc = tidy["name"], tidy["uscc"]
    if not name:
        found["name"].append(error("register.name_required"))
    stored_pending = session.scalar(select(Organization.uscc_pending).where(
        Organization.id == org_id)) if org_id else None
    pending = None
    if uscc and stored_pending and uscc == normalize_uscc(stored_pending):
        pending, uscc = stored_pending, None
        tidy["uscc"] = None
        found["uscc"].append(warning("register.uscc_still_pending", value=stored_pending))
    if uscc:
        found["uscc"] += validate_uscc(uscc, tidy["reg_type"])
        if not has_errors(found["uscc"]):
            other = session.execute(
                select(Organization.name).where(Organization.uscc == uscc,
                                                Organization.id != (org_id or ""))).first()
            if other is not None:
                found["uscc"].append(error("register.uscc_taken", name=other[0]))
    if name:
        same = session.execute(
            select(Organization.id).where(Organization.name == name,
                                          Organization.township_code == township_code,
                                          Organization.id != (org_id or ""))).first()
        if same is not None:
            found["name"].append(warning("register.name_taken", name=name))
    if tidy["phone"]:
        found["phone"] += validate_phone(tidy["phone"])
    if tidy["registered_on"]:
        _, problem = registration_problem(tidy["registered_on"])
        if problem is not None:  # typed by the officer: ask for a real date
            found["registered_on"].append(Finding("error", problem))
    for field, value in tidy.items():
        limit = MAX_LENGTH.get(field)
        if value and limit and len(value) > limit:
            found[field].append(error("register.too_long", length=len(value), limit=limit))
    return OrganizationCheck(tidy, {k: tuple(v) for k, v in found.items() if v}, pending)


def save_organization(db: Database, values: Mapping[str, str | None], township_code: str,
                      org_id: str | None = None) -> str:
    """Add (``org_id`` None) or update one organization in a transaction; its id.

    Checks again inside the transaction, so a code saved meanwhile elsewhere
    is still caught. Raises :class:`RegisterError` with the first error, or
    when the organization to edit no longer exists.
    """
    with db.transaction() as session:
        check = check_organization(session, values, township_code, org_id)
        problem = check.first_error()
        if problem is not None:
            raise RegisterError(problem.message)
        tidy = dict(check.values)
        if org_id is None:
            name = str(tidy.pop("name"))
            return add_organization(session, name=name, township_code=township_code,
                                    **tidy).id
        org = session.get(Organization, org_id)
        if org is None:
            raise RegisterError(Message("register.organization_gone"))
        update_organization(session, org, **tidy)
        org.uscc_pending = check.pending
        return org.id
