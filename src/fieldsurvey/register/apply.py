"""Writing an import plan to the register, all of it or nothing.

The good rows of a plan are written in one transaction: a cancel, a crash or
a full disk leaves the register exactly as it was. Rows are written with
bulk statements rather than :func:`~fieldsurvey.store.organizations.add_organization`
(one ORM object and one flush per row): for 50,000 rows that is seconds
instead of about a minute (``bench/bench_register_import.py``). The search
key is computed by the same :func:`~fieldsurvey.domain.search.search_key`
those functions use, so imported and hand-added organizations search alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update

from fieldsurvey.domain.search import search_key
from fieldsurvey.messages import Message
from fieldsurvey.progress import NullProgress, Progress, check_cancelled
from fieldsurvey.register.errors import RegisterError
from fieldsurvey.register.plan import STORED, Action, ImportPlan, register_state
from fieldsurvey.store.db import Database
from fieldsurvey.store.models import Organization, new_id, utcnow

#: Rows per statement and per progress report: small enough for a lively
#: progress bar and a quick reaction to cancel, large enough to stay fast.
BATCH = 500


@dataclass(frozen=True)
class ImportResult:
    """What an import changed."""

    new: int
    updated: int
    unchanged: int
    skipped: int
    # Organizations added or changed, for screens that refresh only those.
    changed_ids: tuple[str, ...] = ()
    # Of those, the ones whose credit code awaits verification (待核实).
    pending: int = 0


def _new_row(values: dict[str, str | None], township_code: str, now: Any) -> dict[str, Any]:
    # Every row has the same keys: one executemany for the whole batch.
    row: dict[str, Any] = dict.fromkeys(STORED)
    row.update(values)
    name = str(row["name"])
    row.update(id=new_id(), township_code=township_code, search_key=search_key(name),
               created_at=now, updated_at=now)
    return row


def _update_row(org_id: str, changes: dict[str, str | None], now: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"id": org_id, **changes, "updated_at": now}
    if changes.get("name"):
        row["search_key"] = search_key(str(changes["name"]))
    return row


def _flush(session: Any, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    if inserts:
        session.execute(insert(Organization), inserts)
        inserts.clear()
    if updates:
        # ORM bulk UPDATE by primary key: rows with the same changed columns
        # are grouped into one executemany.
        session.execute(update(Organization), updates)
        updates.clear()


def apply_plan(db: Database, plan: ImportPlan, progress: Progress | None = None) -> ImportResult:
    """Add the plan's new organizations and update the matched ones, in one transaction.

    Raises :class:`RegisterError` when the register changed after planning
    (plan again), and :class:`~fieldsurvey.progress.Cancelled` when the
    officer cancels; either way nothing is written.
    """
    progress = progress or NullProgress()
    work = [e for e in plan.entries if e.action in (Action.NEW, Action.UPDATE)]
    stage = Message("register.stage.importing")
    changed: list[str] = []
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    with db.transaction() as session:
        if register_state(session) != plan.register_state:
            raise RegisterError(Message("register.changed_since_check", {"file": plan.file}))
        now = utcnow()
        for done, entry in enumerate(work):
            if done % BATCH == 0:
                _flush(session, inserts, updates)
                check_cancelled(progress)
                progress.report(done, len(work), stage)
            if entry.action is Action.NEW:
                row = _new_row(dict(entry.values), plan.township_code, now)
                inserts.append(row)
                changed.append(row["id"])
            else:
                assert entry.organization_id is not None
                updates.append(_update_row(entry.organization_id, dict(entry.changes), now))
                changed.append(entry.organization_id)
        _flush(session, inserts, updates)
        # The last chance to cancel: after this the commit is on its way.
        check_cancelled(progress)
        progress.report(len(work), len(work), stage)
    counts = plan.counts()
    return ImportResult(new=counts.new, updated=counts.update, unchanged=counts.unchanged,
                        skipped=counts.skipped, changed_ids=tuple(changed),
                        pending=plan.pending())

