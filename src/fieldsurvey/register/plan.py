"""Deciding, row by row, what importing a register sheet would do.

:func:`plan_import` reads nothing from disk and writes nothing: it turns the
sheet's rows, the header row and the (possibly corrected) column mapping into
one :class:`PlanEntry` per data row, each with its action and its problems.
The officer sees the plan before anything is written; :func:`apply_plan
<fieldsurvey.register.apply.apply_plan>` then carries it out.

Rules:

- A row with every mapped cell blank is no data row and is passed over.
- Errors skip the row: no name, a value too long to store, a duplicate.
  Warnings are reported and the row is imported: a USCC whose type
  disagrees, an unknown registration type or field, a phone number that
  cannot be dialled.
- A USCC that fails its check (or whose digits Excel already rounded away)
  does not cost the organization its place: the row is imported with the code
  kept aside as *pending* (``uscc_pending``, 待核实) and ``uscc`` empty, so a
  mistyped code is never matched or sent on. The officer may correct it on the
  check page (``corrections``) or later on the organization.
- Totals, sign-off and note lines under the list (合计, 填表人, 备注, 说明 ...)
  are recognised by their first cell and skipped with one line each.
- Duplicates within the file: the same USCC, or the same name where either
  row has no USCC; the later row is skipped and names the earlier one.
- Against the register: the same USCC is the same organization; a row
  without a USCC matches an organization of the township with exactly its
  name. A row with a USCC whose name belongs to an organization holding a
  *different* USCC is reported and skipped; one whose name belongs to an
  organization without a USCC fills that code in. A name the same file takes
  away from an organization (renamed, matched by its USCC) is free.
- An update changes only what the file says and differs. A blank cell never
  erases a stored value, and a doubtful value (a warning above) never
  replaces a stored one: nothing already known is lost to a messy list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import String, func, select
from sqlalchemy.orm import Session

from fieldsurvey.domain.findings import Severity
from fieldsurvey.domain.phone import normalize_phone, validate_phone
from fieldsurvey.domain.uscc import normalize_uscc, validate_uscc
from fieldsurvey.messages import Message
from fieldsurvey.progress import NullProgress, Progress, check_cancelled
from fieldsurvey.register.categories import field_code, reg_type_code
from fieldsurvey.register.dates import registration_problem
from fieldsurvey.register.errors import RegisterError
from fieldsurvey.register.workbook import RegisterSheet
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import EDITABLE

#: Message codes of the field names, as the officer reads them.
FIELD_LABELS: Mapping[str, str] = {
    "name": "register.field.name",
    "uscc": "register.field.uscc",
    "reg_type": "register.field.reg_type",
    "field": "register.field.field",
    "supervisor": "register.field.supervisor",
    "address": "register.field.address",
    "legal_rep": "register.field.legal_rep",
    "phone": "register.field.phone",
    "registered_on": "register.field.registered_on",
}

#: The longest text each register column takes (from the schema).
MAX_LENGTH: Mapping[str, int] = {
    name: length
    for name in (*EDITABLE, "uscc_pending")
    if isinstance(col_type := Organization.__table__.c[name].type, String)
    and (length := col_type.length) is not None
}
#: The columns planning reads and writes: the register's, and the code awaiting checking.
STORED = (*EDITABLE, "uscc_pending")

_REPORT_EVERY = 1000
# Cells of nothing but dashes or slashes are how lists write "not applicable".
_NOTHING = re.compile(r"^[\s/\\\-_—–－─.。、]*$")
# In the code column, words meaning "no code" (community organizations).
_NO_CODE = frozenset({"无", "暂无", "未取得", "无代码", "无统一社会信用代码", "未办理", "none",
                      "n/a"})
# The totals and sign-off lines under a list, which are not organizations.
_NOTE = re.compile(r"^(?:合\s*计|总\s*计|小\s*计|共\s*计|总数|填表|制表|审核|填报|报送|备注|说明"
                   r"|注[:：]|注释|数据来源|统计时间|以上)")


class Action(StrEnum):
    """What importing does with one row."""

    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``: columns as Excel names them."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    """One problem in one cell: an error skips the row, a warning is imported."""

    file: str
    sheet: str
    row: int  # as Excel numbers it, 1-based
    column: str  # Excel letter
    field: str  # one of EDITABLE
    severity: Severity
    message: Message
    organization: str = ""  # the row's name as the list has it; "" where it has none

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def located(self) -> Message:
        """The message with file, sheet, row, column and organization in front of it."""
        where = {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                 "field": Message(FIELD_LABELS[self.field]), "detail": self.message}
        if self.organization:
            return Message("register.problem_at_org", {**where, "name": self.organization})
        return Message("register.problem_at", where)


@dataclass(frozen=True)
class PlanEntry:
    """One data row: its cleaned values, what importing does, and why."""

    row: int  # as Excel numbers it, 1-based
    values: Mapping[str, str | None]  # every mapped field; None where blank
    action: Action
    problems: tuple[Problem, ...] = ()
    organization_id: str | None = None  # the matched organization (update, unchanged)
    changes: Mapping[str, str | None] = field(default_factory=dict)  # what an update sets


@dataclass(frozen=True)
class PlanCounts:
    new: int = 0
    update: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.new + self.update + self.unchanged + self.skipped


@dataclass(frozen=True)
class ImportPlan:
    """What importing one sheet would do; :func:`apply_plan` carries it out."""

    file: str
    sheet: str
    header_row: int  # 0-based index into the sheet's rows
    mapping: Mapping[str, int]
    township_code: str
    entries: tuple[PlanEntry, ...]
    # The register as it was when planned; applying refuses if it has changed since.
    register_state: tuple[Any, ...]

    def counts(self) -> PlanCounts:
        tally = dict.fromkeys(Action, 0)
        for entry in self.entries:
            tally[entry.action] += 1
        return PlanCounts(new=tally[Action.NEW], update=tally[Action.UPDATE],
                          unchanged=tally[Action.UNCHANGED], skipped=tally[Action.SKIPPED])

    def pending(self) -> int:
        """Organizations imported with a code awaiting verification."""
        return sum(1 for e in self.entries if e.action in (Action.NEW, Action.UPDATE)
                   and e.values.get("uscc_pending"))

    def problems(self) -> Iterator[tuple[PlanEntry, Problem]]:
        """Every problem with its row, in row order."""
        for entry in self.entries:
            for problem in entry.problems:
                yield entry, problem


@dataclass(frozen=True, slots=True)
class _Known:
    """An organization already in the register, as planning needs it."""

    id: str
    values: Mapping[str, str | None]


@dataclass
class _Register:
    by_uscc: dict[str, _Known]
    by_name: dict[str, list[_Known]]  # organizations of the township only


# The names other registers (the county's) build and hand to plan_against.
Known = _Known
KnownRegister = _Register


def register_state(session: Session) -> tuple[Any, ...]:
    """A cheap fingerprint of the register: changes whenever an organization does."""
    row = session.execute(select(func.count(), func.max(Organization.updated_at),
                                 func.max(Organization.created_at))).one()
    return tuple(row)


def _load_register(session: Session, township_code: str) -> _Register:
    columns = [getattr(Organization, name) for name in STORED]
    query = select(Organization.id, Organization.township_code, *columns)
    reg = _Register({}, {})
    for org_id, township, *values in session.execute(query):
        known = _Known(org_id, dict(zip(STORED, values, strict=True)))
        uscc = known.values["uscc"]
        if uscc:
            reg.by_uscc[uscc] = known
        if township == township_code and known.values["name"]:
            reg.by_name.setdefault(str(known.values["name"]), []).append(known)
    return reg


def _check_mapping(sheet: RegisterSheet, header_row: int, mapping: Mapping[str, int]) -> None:
    where = {"file": sheet.file_name, "sheet": sheet.sheet}
    if not 0 <= header_row < len(sheet.rows):
        raise RegisterError(Message("register.bad_header_row", {**where, "row": header_row + 1}))
    unknown = sorted(set(mapping) - set(EDITABLE))
    if unknown:
        raise ValueError(f"unknown register fields: {unknown}")
    if "name" not in mapping:
        raise RegisterError(Message("register.name_not_mapped", where))
    seen: dict[int, str] = {}
    for name in EDITABLE:
        column = mapping.get(name)
        if column is None:
            continue
        if not 0 <= column < sheet.width:
            raise RegisterError(Message("register.no_such_column", {
                **where, "column": column_letter(column)}))
        if column in seen:
            raise RegisterError(Message("register.column_twice", {
                **where, "column": column_letter(column),
                "first": Message(FIELD_LABELS[seen[column]]),
                "second": Message(FIELD_LABELS[name])}))
        seen[column] = name


class _RowChecker:
    """Cleans and checks the values of one row, collecting problems."""

    def __init__(self, sheet: RegisterSheet, index: int, mapping: Mapping[str, int],
                 corrected: bool = False) -> None:
        self.sheet = sheet
        self.index = index
        self.mapping = mapping
        self.corrected = corrected  # the code was typed on the check page, not read
        self.organization = ""
        self.problems: list[Problem] = []
        # Fields whose value is doubtful: stored for a new organization, but
        # never put in place of a value the register already holds.
        self.doubtful: set[str] = set()

    def report(self, name: str, severity: Severity, message: Message) -> None:
        self.problems.append(Problem(
            self.sheet.file_name, self.sheet.sheet, self.index + 1,
            column_letter(self.mapping[name]), name, severity, message, self.organization))

    @property
    def skipped(self) -> bool:
        return any(p.is_error for p in self.problems)

    def values(self, cells: Mapping[str, str]) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for name, text in cells.items():
            out[name] = None if _NOTHING.match(text) else text
        self.organization = out.get("name") or ""
        self._name(out)
        self._reg_type(out)
        self._field(out)
        self._uscc(out)
        self._phone(out)
        self._registered_on(out)
        for name, value in out.items():
            limit = MAX_LENGTH.get(name)
            if value is not None and limit is not None and len(value) > limit:
                self.report(name, "error", Message("register.too_long", {
                    "length": len(value), "limit": limit}))
        return out

    def _name(self, out: dict[str, str | None]) -> None:
        name = out.get("name")
        if name is None:
            self.report("name", "error", Message("register.missing_name"))

    def _reg_type(self, out: dict[str, str | None]) -> None:
        text = out.get("reg_type")
        if text is None:
            return
        code = reg_type_code(text)
        if code is None:
            self.report("reg_type", "warning",
                        Message("register.unknown_reg_type", {"value": text}))
            self.doubtful.add("reg_type")
            code = "other"
        out["reg_type"] = code

    def _field(self, out: dict[str, str | None]) -> None:
        text = out.get("field")
        if text is None:
            return
        code = field_code(text)
        if code is None:
            self.report("field", "warning", Message("register.unknown_field", {"value": text}))
        out["field"] = code

    def _uscc(self, out: dict[str, str | None]) -> None:
        if "uscc" not in out:
            return
        text = out["uscc"]
        if text is None or text.lower() in _NO_CODE:
            out["uscc"] = None
            return
        if not self.corrected and (self.index, self.mapping["uscc"]) in self.sheet.lost_digits:
            self._pending(out, text, Message("register.lost_digits", {"value": text}))
            return
        code = normalize_uscc(text)
        registration = None if "reg_type" in self.doubtful else out.get("reg_type")
        findings = validate_uscc(code, registration)
        wrong = [f for f in findings if f.is_error]
        if wrong:
            self._pending(out, code, wrong[0].message)
            return
        out["uscc"] = code
        for finding in findings:
            self.report("uscc", finding.severity, finding.message)

    def _pending(self, out: dict[str, str | None], code: str, why: Message) -> None:
        """Keep the organization; set the code aside as awaiting verification."""
        out["uscc"] = None
        limit = MAX_LENGTH["uscc_pending"]
        if len(code) > limit:
            self.report("uscc", "error", Message("register.too_long", {
                "length": len(code), "limit": limit}))
            return
        out["uscc_pending"] = code
        self.report("uscc", "warning", Message("register.uscc_pending", {
            "value": code, "detail": why}))

    def _registered_on(self, out: dict[str, str | None]) -> None:
        text = out.get("registered_on")
        if text is None:
            return
        day, problem = registration_problem(text)
        if problem is not None:
            self.report("registered_on", "warning", problem)
            self.doubtful.add("registered_on")
        out["registered_on"] = day

    def _phone(self, out: dict[str, str | None]) -> None:
        text = out.get("phone")
        if text is None:
            return
        findings = validate_phone(text)
        for finding in findings:
            # A wrong number is still a lead for the visit; it is kept, not refused.
            self.report("phone", "warning", finding.message)
        if findings:
            self.doubtful.add("phone")
        out["phone"] = normalize_phone(text)


@dataclass
class _Seen:
    """Rows already planned, for duplicates within the file."""

    by_uscc: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)

    def duplicate_of(self, name: str, uscc: str | None) -> tuple[str, int] | None:
        """(field, earlier row) when an earlier row is the same organization."""
        if uscc and uscc in self.by_uscc:
            return "uscc", self.by_uscc[uscc]
        for row, other in self.by_name.get(name, ()):
            if not uscc or not other:
                return "name", row
        return None

    def add(self, row: int, name: str, uscc: str | None) -> None:
        if uscc:
            self.by_uscc.setdefault(uscc, row)
        self.by_name.setdefault(name, []).append((row, uscc))


def _match(reg: _Register, name: str, uscc: str | None) -> _Known | Message | None:
    """The organization the row updates, a reason to skip it, or ``None`` (new)."""
    if uscc and uscc in reg.by_uscc:
        return reg.by_uscc[uscc]
    same_name = reg.by_name.get(name, [])
    coded = [k for k in same_name if k.values["uscc"]]
    if uscc and coded:
        return Message("register.name_has_other_uscc", {
            "name": name, "existing": coded[0].values["uscc"], "uscc": uscc})
    candidates = same_name if not uscc else [k for k in same_name if not k.values["uscc"]]
    if len(candidates) > 1:
        return Message("register.ambiguous_name", {"name": name, "count": len(candidates)})
    return candidates[0] if candidates else None


def _changes(known: _Known, values: Mapping[str, str | None],
             doubtful: set[str]) -> dict[str, str | None]:
    changes: dict[str, str | None] = {}
    for name, value in values.items():
        stored = known.values.get(name)
        if value is None or value == stored or (name in doubtful and stored):
            continue
        if name == "uscc_pending" and known.values.get("uscc"):
            continue  # a code awaiting verification never displaces a valid one
        changes[name] = value
    if values.get("uscc") and known.values.get("uscc_pending"):
        changes["uscc_pending"] = None  # the list now has the code right
    return changes


@dataclass
class _Checked:
    """A data row after the first pass: clean values, problems, in-file duplicates."""

    row: int  # as Excel numbers it
    values: dict[str, str | None]
    checker: _RowChecker

    @property
    def name(self) -> str | None:
        return self.values.get("name")

    @property
    def uscc(self) -> str | None:
        return self.values.get("uscc")

    def entry(self, action: Action, known: _Known | None = None) -> PlanEntry:
        if known is None:
            return PlanEntry(self.row, self.values, action, tuple(self.checker.problems))
        changes = _changes(known, self.values, self.checker.doubtful)
        action = Action.UPDATE if changes else Action.UNCHANGED
        return PlanEntry(self.row, self.values, action, tuple(self.checker.problems), known.id,
                         changes)


def note_row(sheet: RegisterSheet, index: int, mapping: Mapping[str, int]) -> bool:
    """Whether row ``index`` is blank in every mapped cell or a totals/note line."""
    row = sheet.rows[index]
    if all(_NOTHING.match(row[column]) for column in mapping.values()):
        return True
    return _note(sheet, index, mapping) is not None


def _note(sheet: RegisterSheet, index: int, mapping: Mapping[str, int]) -> PlanEntry | None:
    """One skipped entry with one line for a totals, sign-off or note row, else None.

    Such a row is known by its first filled cell (合计 often sits in the 序号
    column, outside the mapping) or by its name cell.
    """
    row = sheet.rows[index]
    first = next((j for j, text in enumerate(row) if text.strip()), None)
    name_column = mapping["name"]
    for column in (first, name_column):
        if column is not None and _NOTE.match(row[column].strip()):
            text = row[column].strip()
            problem = Problem(sheet.file_name, sheet.sheet, index + 1, column_letter(column),
                              "name", "warning", Message("register.note_row", {"text": text}))
            return PlanEntry(index + 1, {}, Action.SKIPPED, (problem,))
    return None


def _check_row(sheet: RegisterSheet, index: int, mapping: Mapping[str, int],
               seen: _Seen, corrections: Mapping[int, str]) -> _Checked | PlanEntry | None:
    row = sheet.rows[index]
    cells = {name: row[column] for name, column in mapping.items()}
    if all(_NOTHING.match(text) for text in cells.values()):
        return None
    note = _note(sheet, index, mapping)
    if note is not None:
        return note
    corrected = "uscc" in cells and index + 1 in corrections
    if corrected:
        cells["uscc"] = corrections[index + 1]
    checker = _RowChecker(sheet, index, mapping, corrected)
    checked = _Checked(index + 1, checker.values(cells), checker)
    name, uscc = checked.name, checked.uscc
    if name is not None:
        duplicate = seen.duplicate_of(name, uscc)
        if duplicate is None:
            # Only first occurrences: a third copy names the first row, not the second.
            seen.add(checked.row, name, uscc)
        else:
            what, first_row = duplicate
            code = "register.duplicate_uscc" if what == "uscc" else "register.duplicate_name"
            checker.report(what, "error", Message(code, {"first_row": first_row}))
    return checked


def _release_renamed(reg: _Register, rows: list[_Checked]) -> None:
    """Names the file takes away from organizations it renames, matched by their code.

    The list may rename 甲协会 (code A) to 乙协会 and list a new 甲协会 with code
    B: that 甲协会 is then no clash with the stored one. Without this the
    second row would be refused now and added on the next import.
    """
    for checked in rows:
        if checked.checker.skipped or not checked.uscc or checked.uscc not in reg.by_uscc:
            continue
        known = reg.by_uscc[checked.uscc]
        old_name = str(known.values["name"])
        if checked.name != old_name and known in reg.by_name.get(old_name, ()):
            reg.by_name[old_name].remove(known)


def _decide(checked: _Checked, reg: _Register, targets: dict[str, int]) -> PlanEntry:
    name = checked.name
    if checked.checker.skipped or name is None:
        return checked.entry(Action.SKIPPED)
    found = _match(reg, name, checked.uscc)
    if isinstance(found, Message):
        checked.checker.report("uscc" if checked.uscc else "name", "error", found)
        return checked.entry(Action.SKIPPED)
    if found is None:
        return checked.entry(Action.NEW)
    earlier = targets.setdefault(found.id, checked.row)
    if earlier != checked.row:
        checked.checker.report("name", "error", Message("register.same_organization", {
            "first_row": earlier, "name": found.values["name"]}))
        return checked.entry(Action.SKIPPED)
    return checked.entry(Action.UPDATE, found)


def plan_import(sheet: RegisterSheet, header_row: int, mapping: Mapping[str, int],
                session: Session, township_code: str,
                progress: Progress | None = None,
                corrections: Mapping[int, str] | None = None) -> ImportPlan:
    """What importing ``sheet`` with this header row and mapping would do.

    ``header_row`` is a 0-based index into ``sheet.rows``; ``mapping`` is
    field -> 0-based column, and must map ``name``. ``corrections`` maps an
    Excel row number to the credit code the officer typed in place of the
    file's (the file itself is never changed). Raises
    :class:`RegisterError` for a mapping that cannot work, and
    :class:`~fieldsurvey.progress.Cancelled` when the officer cancels.
    """
    _check_mapping(sheet, header_row, mapping)
    return plan_against(sheet, header_row, mapping, _load_register(session, township_code),
                        township_code, register_state(session), progress, corrections)


def plan_against(sheet: RegisterSheet, header_row: int, mapping: Mapping[str, int],
                 reg: KnownRegister, township_code: str, state: tuple[Any, ...],
                 progress: Progress | None = None,
                 corrections: Mapping[int, str] | None = None,
                 only: Sequence[int] | None = None) -> ImportPlan:
    """:func:`plan_import` against a register loaded by the caller.

    ``only`` (0-based row indices, in order) limits planning to those rows: the
    county plans each township's rows of one sheet, and row numbers stay the file's.

    The county's import (:mod:`fieldsurvey.county.register_import`) loads its
    own register (``merged_organization``) and plans each township with the
    very same cleaning, checking and matching rules as the officer's.
    """
    progress = progress or NullProgress()
    _check_mapping(sheet, header_row, mapping)
    seen = _Seen()
    rows: list[_Checked | PlanEntry] = []
    indices = range(header_row + 1, len(sheet.rows)) if only is None else only
    total = len(indices)
    stage = Message("register.stage.checking")
    for done, index in enumerate(indices):
        if done % _REPORT_EVERY == 0:
            check_cancelled(progress)
            progress.report(done, total, stage)
        checked = _check_row(sheet, index, mapping, seen, corrections or {})
        if checked is not None:
            rows.append(checked)
    _release_renamed(reg, [c for c in rows if isinstance(c, _Checked)])
    targets: dict[str, int] = {}  # organization id -> the row that updates it
    entries = tuple(c if isinstance(c, PlanEntry) else _decide(c, reg, targets) for c in rows)
    progress.report(total, total, stage)
    return ImportPlan(sheet.file_name, sheet.sheet, header_row, dict(mapping), township_code,
                      entries, state)

