"""Loading every organization with its status in one query.

The case list must paint within 300 ms with 50,000 organizations, so SQLite
does the folding: window functions pick each organization's latest finalized
visit and latest completed visit, and the rows come back as plain DB-API
tuples (no ORM objects, no per-column type processing). Nothing is queried per
row afterwards. The SQL is SQLite's (``json_extract``): the case list belongs to
the officer's local database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from fieldsurvey.cases.status import Status, derive_status, is_overdue
from fieldsurvey.cases.text import searchable_text
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.form_versions import stored_form, stored_versions


@dataclass(slots=True)
class CaseRow:
    """One organization as the case list and the dashboard see it."""

    id: str
    name: str
    uscc: str
    reg_type: str  # choice code; the latest visit's answer, else the register's
    field: str
    status: Status
    union_status: str  # the form of the union when status is "union"
    last_visit: dt.date | None
    next_visit: dt.date | None
    operating_status: str
    staff: int | None
    members: int | None
    union_setup: dt.date | None
    visits: int
    has_draft: bool
    # Lower-case name, code and pinyin, for substring search (see cases.filtering).
    haystack: str
    # Full pinyin of the name, so Chinese names sort the way officers expect.
    sort_name: str
    # ``uscc`` is a code awaiting verification (待核实), not a checked one.
    uscc_pending: bool = False

    def overdue(self, today: dt.date) -> bool:
        return is_overdue(self.status, self.next_visit, today)


# The facts a status needs, as stored in the visit's columns.
_FACTS = ("visit_date", "visit_result", "union_status", "next_visit_date", "operating_status",
          "staff_total", "union_members", "union_setup_date", "reg_type")


def _finalized(form: FormDefinition, where: str,
               older: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Every finalized, not deleted visit's facts (``where`` narrows the visits).

    A reopened visit (a draft of revision n > 1) still counts with the facts of
    its last finalized revision, read from the frozen copy's answers, under the
    names its own form version gave the stat questions (``older``: the stored
    versions whose names differ, bound as ``:ver_i`` and ``:path_<fact>_i``).
    """
    stat_names = form.stat_fields()

    def frozen_fact(fact: str) -> str:
        own = f"json_extract(r.answers_json, :path_{fact})" if fact in stat_names else "NULL"
        cases = [f"WHEN :ver_{i} THEN json_extract(r.answers_json, :path_{fact}_{i})"
                 for i, names in enumerate((older or {}).values())
                 if fact in names and names[fact] != stat_names.get(fact)]
        return f"CASE r.form_version {' '.join(cases)} ELSE {own} END" if cases else own

    frozen = ", ".join(frozen_fact(fact) for fact in _FACTS)
    columns = ", ".join(_FACTS)
    # Only constant SQL is put together here; values travel as bound parameters.
    return f"""
        SELECT organization_id AS org, updated_at AS updated, {columns} FROM visit v
         WHERE status = 'final' AND deleted_at IS NULL AND {where}
        UNION ALL
        SELECT v.organization_id, v.updated_at, {frozen}
          FROM visit v JOIN visit_revision r ON r.visit_id = v.id AND r.revision = v.revision - 1
         WHERE v.status = 'draft' AND v.revision > 1 AND v.deleted_at IS NULL AND {where}"""  # noqa: S608


# SQLite's documented "bare column" rule: with max(), the other columns come from the row
# holding the maximum, so one grouped pass picks each organization's latest visit.
_LATEST = """
    SELECT org, max(coalesce(visit_date, '') || '|' || updated), count(*),
           visit_date, visit_result, next_visit_date, reg_type
      FROM ({fin}) GROUP BY org"""
_LATEST_COMPLETED = """
    SELECT org, max(coalesce(visit_date, '') || '|' || updated),
           union_status, operating_status, staff_total, union_members, union_setup_date, reg_type
      FROM ({fin}) WHERE visit_result = 'completed' GROUP BY org"""
_DRAFTS = """
    SELECT DISTINCT organization_id FROM visit v
     WHERE status = 'draft' AND deleted_at IS NULL AND {where}"""
# In the list's default order, so the rows are built (and lie in memory) in the order
# a search scans them: scanning 50,000 rows out of memory order took ten times longer.
_ORGANIZATIONS = """
    SELECT id, name, uscc, reg_type, field, search_key, uscc_pending
      FROM organization o WHERE {where}
     ORDER BY {sort_key}, id"""


def _older_stat_names(session: Session, form: FormDefinition) -> dict[str, dict[str, str]]:
    """Stat key -> question name of every other stored version of the form."""
    out = {}
    for version in stored_versions(session, form.form_id):
        other = stored_form(session, form.form_id, version)
        if version != form.version and other is not None:
            out[version] = other.stat_fields()
    return out


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def first_organizations(session: Session, township_code: str | None, limit: int) -> list[str]:
    """The ids of the first ``limit`` organizations in the list's default order (pinyin).

    The case list paints these at once and loads the rest behind them.
    """
    where, params = _org_filter(township_code)
    cursor = _cursor(session)
    cursor.execute(f"SELECT id FROM organization o WHERE {where} "  # noqa: S608 - constant
                   f"ORDER BY {_SORT_KEY}, id LIMIT :limit", {**params, "limit": limit})
    return [row[0] for row in cursor.fetchall()]


# The full pinyin half of the search key (see domain.search), as SQL.
_SORT_KEY = "substr(o.search_key, instr(o.search_key, ' ') + 1)"


def _org_filter(township_code: str | None) -> tuple[str, dict[str, Any]]:
    if township_code is None:
        return "1 = 1", {}
    return "o.township_code = :township", {"township": township_code}


def _cursor(session: Session) -> Any:
    # The raw DB-API cursor of the session's own connection (same transaction): at
    # 130,000 rows SQLAlchemy's per-row result wrapping costs more than SQLite does.
    return session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def load_cases(session: Session, form: FormDefinition, township_code: str | None = None,
               organization_ids: Sequence[str] | None = None) -> list[CaseRow]:
    """Every organization of the register (or of one township, or just the ones named),
    with its status."""
    org_clause, params = _org_filter(township_code)
    org_where, visit_where = [org_clause], ["1 = 1"]
    if organization_ids is not None:
        names = [f":id{i}" for i in range(len(organization_ids))]
        org_where.append(f"o.id IN ({', '.join(names)})")
        visit_where.append(f"v.organization_id IN ({', '.join(names)})")
        params |= {name[1:]: org_id for name, org_id in zip(names, organization_ids,
                                                            strict=True)}
    stat_names = form.stat_fields()
    params |= {f"path_{fact}": f'$."{stat_names[fact]}"' for fact in _FACTS if fact in stat_names}
    older = _older_stat_names(session, form)
    for i, (version, roles) in enumerate(older.items()):
        params[f"ver_{i}"] = version
        params |= {f"path_{fact}_{i}": f'$."{roles[fact]}"' for fact in _FACTS if fact in roles}
    fin = _finalized(form, " AND ".join(visit_where), older)
    cursor = _cursor(session)

    def query(sql: str) -> list[tuple[Any, ...]]:
        cursor.execute(sql, params)
        return cursor.fetchall()  # type: ignore[no-any-return]

    latest = {row[0]: row[2:] for row in query(_LATEST.format(fin=fin))}
    completed = {row[0]: row[2:] for row in query(_LATEST_COMPLETED.format(fin=fin))}
    drafts = {row[0] for row in query(_DRAFTS.format(where=" AND ".join(visit_where)))}
    no_latest = (0, None, None, None, None)
    no_completed = (None, None, None, None, None, None)
    rows: list[CaseRow] = []
    append = rows.append
    for org_id, name, uscc, reg_type, field, key, pending in query(
            _ORGANIZATIONS.format(where=" AND ".join(org_where), sort_key=_SORT_KEY)):
        visits, last_date, last_result, next_date, last_reg_type = latest.get(org_id, no_latest)
        union, operating, staff, members, setup, done_reg_type = completed.get(org_id,
                                                                              no_completed)
        status = derive_status(last_result, union, visited=visits > 0,
                               completed=org_id in completed)
        code = uscc or pending or ""
        append(CaseRow(
            org_id, name, code, done_reg_type or last_reg_type or reg_type or "", field or "",
            status, (union or "") if status == "union" else "", _date(last_date),
            _date(next_date), operating or "", _int(staff), _int(members), _date(setup),
            visits, org_id in drafts,
            searchable_text(name, code, key), key.partition(" ")[2] or name,
            not uscc and bool(pending),
        ))
    return rows
