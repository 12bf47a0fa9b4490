"""What a county package holds, independent of how it is written down.

A package carries the county's whole current view of one township, not a delta:
the register as the county holds it, and every visit the county ever returned,
with its state and whole thread. Receiving the newest package alone then gives
the same store as receiving every earlier one first, so an older or repeated
package can simply be refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from fieldsurvey.bundles.records import OrganizationRecord


@dataclass(frozen=True)
class Entry:
    """One entry of a visit's review thread, as the package carries it."""

    number: int  # 1, 2, … within the visit's thread
    revision: int
    action: str  # revised | approved | returned | replied
    state: str  # the state after it
    comment: str
    questions: dict[str, str]
    by: str
    at: dt.datetime
    reply_id: str = ""


@dataclass(frozen=True)
class ReturnedVisit:
    """A visit the county returned at some point: where it stands now and how it got
    there. ``state`` "returned" is the one the officer has to act on."""

    visit_id: str
    organization_id: str
    organization_name: str
    visit_date: dt.date | None
    revision: int  # the county's current revision of the visit
    state: str
    thread: tuple[Entry, ...]

    @property
    def open_return(self) -> Entry | None:
        """The latest return, while the visit is still returned."""
        if self.state != "returned":
            return None
        return next((e for e in reversed(self.thread) if e.action == "returned"), None)


@dataclass(frozen=True)
class PackageForm:
    """A checked form version the county sends, as the very file it published: the
    officer's store keeps form versions as their source bytes (store.form_versions),
    and one version must have one content everywhere."""

    form_id: str
    version: str
    name: str  # the file's name; its suffix tells the loader the format
    source: bytes

    @property
    def part(self) -> str:
        """The package's zip part that carries it (hashed by the signed manifest)."""
        suffix = PurePosixPath(self.name).suffix.lower()
        return f"fieldsurvey/form{suffix if suffix in FORM_SUFFIXES else ''}"


FORM_SUFFIXES = frozenset({".xlsx", ".xls", ".md", ".csv"})


@dataclass(frozen=True)
class PackageContents:
    township_code: str
    township_name: str
    returns: tuple[ReturnedVisit, ...]
    register: tuple[OrganizationRecord, ...]
    # organization id -> operating status the county's latest visit found (only those
    # found deregistered, gone or dormant: the officer may hear it from elsewhere first).
    status: dict[str, str] = field(default_factory=dict)
    notice: str = ""
    # The newest form version the county published, carried by every later package
    # (like the rest, the county's whole current view: a missed package loses nothing).
    form: PackageForm | None = None

    @property
    def open_returns(self) -> int:
        return sum(1 for r in self.returns if r.state == "returned")
