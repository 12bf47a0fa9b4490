"""The township's register of organizations."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fieldsurvey.domain.search import search_key
from fieldsurvey.store.models import Organization, utcnow

EDITABLE = ("name", "uscc", "reg_type", "field", "supervisor", "address", "legal_rep", "phone",
            "registered_on")


def add_organization(session: Session, *, name: str, township_code: str,
                     **attrs: str | None) -> Organization:
    """Add one organization; ``attrs`` are the register columns in :data:`EDITABLE`."""
    unknown = set(attrs) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown organization attributes: {sorted(unknown)}")
    org = Organization(name=name, township_code=township_code, search_key=search_key(name),
                       **attrs)
    session.add(org)
    session.flush()
    return org


def update_organization(session: Session, org: Organization, **attrs: str | None) -> Organization:
    unknown = set(attrs) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown organization attributes: {sorted(unknown)}")
    for key, value in attrs.items():
        setattr(org, key, value)
    name = attrs.get("name")
    if name:
        org.search_key = search_key(name)
    org.updated_at = utcnow()
    return org
