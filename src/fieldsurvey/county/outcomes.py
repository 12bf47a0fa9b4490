"""What became of each file of a merge: imported, already in, or refused and why."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from fieldsurvey.messages import Message

Outcome = Literal["new", "updated", "unchanged", "superseded", "conflict"]
OUTCOMES: tuple[Outcome, ...] = ("new", "updated", "unchanged", "superseded", "conflict")


@dataclass
class FileReport:
    """What became of one file: ``imported``, ``already`` in (unchanged), or neither
    (rejected, ``reason`` says why). ``counts`` adds up ``organizations`` and
    ``visits``, each counted by outcome."""

    path: Path
    imported: bool
    already: bool = False
    reason: Message | None = None
    details: list[str] = field(default_factory=list)
    bundle_id: str | None = None
    producer_name: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None
    sequence: int | None = None
    counts: Counter[str] = field(default_factory=Counter)
    organizations: Counter[str] = field(default_factory=Counter)
    visits: Counter[str] = field(default_factory=Counter)

    @property
    def outcome(self) -> str:
        return "imported" if self.imported else "already" if self.already else "rejected"


@dataclass
class BatchReport:
    batch_id: str
    by: str
    started_at: dt.datetime
    files: list[FileReport]

    @property
    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(f.counts)
        total["rejected"] = sum(f.outcome == "rejected" for f in self.files)
        total["already"] = sum(f.already for f in self.files)
        return total


class Rejected(Exception):
    def __init__(self, message: Message, details: Sequence[str] = (), *,
                 already: bool = False) -> None:
        super().__init__(message.code)
        self.message = message
        self.details = list(details)
        self.already = already  # not refused: in the database already, unchanged


def already(path: Path, bundle: str) -> Rejected:
    return Rejected(Message("office.already", {"file": path.name, "bundle": bundle}),
                     already=True)
