"""``fieldsurvey selfcheck``: does this installation work, end to end?

Support staff run it on an officer's laptop, and the Linux build runs it as the
smoke test of the frozen artefact, so it exercises the same code the app uses:
the shipped form loads; a store opens and migrates; an organization and a visit
are created, saved as a draft and finalized; the visit's record prints to PDF;
a signed bundle is exported, verifies as valid and merges into a county database
(read by the merge's worker process, which in the frozen app is the program
started again). One line per step, then a verdict; the exit code is 0 only if
every step passed.

It never touches the officer's data. By default it works in a new temporary
folder, removed afterwards unless ``keep``. ``--data-dir`` names another place
(the temporary folder's disk may be full, or support wants the files), but only
an empty or missing folder is accepted: on a real data folder the check would
add a visit and use up a bundle sequence number. ``FIELDSURVEY_DATA_DIR`` is
ignored for the same reason: it points at real data. The signing key is a
throw-away one with scrypt's minimum cost, made inside that folder.

Qt is not imported here (the core stays Qt-free). The composition root passes
the GUI probe in as ``qt_probe``, and it is reported as one more step.

Each step imports the libraries it exercises itself (PLC0415 is allowed): in a
frozen build a module the bundler left out then fails *its* step, with the
module's name, instead of stopping the whole check before its first line.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldsurvey import __version__, clock
from fieldsurvey.messages import Message, render
from fieldsurvey.paths import DataPaths
from fieldsurvey.resources import forms_dir, is_frozen, shipped_root

if TYPE_CHECKING:
    from fieldsurvey.bundles.export import ExportSummary
    from fieldsurvey.forms.model import FormDefinition
    from fieldsurvey.identity.keys import UnlockedIdentity
    from fieldsurvey.store import Database

SHIPPED_FORM = "so_union_visit.xlsx"
#: The made-up officer and township the check signs and prints as. Data, not UI text.
OFFICER = {"name": "自检", "phone": "13912345678", "township_code": "421202001",
           "township_name": "温泉街道", "county_code": "421202", "county_name": "咸安区"}
#: Fixed, so a failure seen in the field can be reproduced with the same answers.
SEED = 20261121
RECORD_PDF = "selfcheck-record.pdf"
OFFICE_DB = "selfcheck-office.sqlite3"

# Steps in order, each with the steps whose results it needs: a step whose inputs
# failed is reported as skipped, so the first ✗ is the one to look at.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("form", ()),
    ("store", ()),
    ("identity", ()),
    ("draft", ("form", "store")),
    ("finalize", ("draft",)),
    ("print", ("finalize",)),
    ("export", ("finalize", "identity")),
    ("verify", ("export",)),
    ("merge", ("verify",)),
)


@dataclass
class _Check:
    """The state one run carries from step to step."""

    paths: DataPaths
    lang: str
    today: dt.date
    form: FormDefinition | None = None
    db: Database | None = None
    signer: UnlockedIdentity | None = None
    visit_id: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    bundle: ExportSummary | None = None

    # Each step returns the detail shown after ✓, or raises.
    def step_form(self) -> Message:
        from fieldsurvey.forms.loader import load_form

        self.form = load_form(forms_dir() / SHIPPED_FORM)
        return Message("selfcheck.form_ok", {
            "form_id": self.form.form_id, "version": self.form.version,
            "questions": sum(1 for _ in self.form.questions())})

    def step_store(self) -> Message:
        from fieldsurvey.store import open_store
        from fieldsurvey.store.migrate import head_revision
        from fieldsurvey.store.profile import OfficerProfile, save_profile

        self.db = open_store(self.paths)
        with self.db.transaction() as session:
            save_profile(session, OfficerProfile(**OFFICER))
        return Message("selfcheck.store_ok", {"revision": head_revision()})

    def step_identity(self) -> Message:
        from fieldsurvey.identity.keys import MIN_SCRYPT_N, create_identity

        # The passphrase is never shown or kept: nobody needs this key after the run.
        self.signer = create_identity(
            self.paths.keys, secrets.token_urlsafe(24), role="officer", name=OFFICER["name"],
            unit_code=OFFICER["township_code"], unit_name=OFFICER["township_name"],
            phone=OFFICER["phone"], scrypt_n=MIN_SCRYPT_N)
        return Message("selfcheck.identity_ok", {"fingerprint": self.signer.public.fingerprint})

    def step_draft(self) -> Message:
        from fieldsurvey.cases.demo import VisitPlan, make_organization, visit_answers
        from fieldsurvey.store.organizations import add_organization
        from fieldsurvey.store.visits import create_visit, save_draft

        assert self.form is not None and self.db is not None
        rng = random.Random(SEED)  # noqa: S311 - sample data, deterministic by design
        org = make_organization(rng, OFFICER["township_code"], set(), reg_type="social_group")
        # A union with a roster: the record then prints a repeat table too.
        self.answers = visit_answers(org, VisitPlan(self.today, "completed", "own"), rng)
        with self.db.transaction() as session:
            added = add_organization(
                session, name=org.name, township_code=OFFICER["township_code"], uscc=org.uscc,
                reg_type=org.reg_type, field=org.org_field, supervisor=org.supervisor,
                address=org.address, legal_rep=org.legal_rep, phone=org.phone)
            visit = create_visit(session, organization_id=added.id, form=self.form,
                                 officer=OFFICER["name"])
            save_draft(session, visit.id, self.form, self.answers)
            self.visit_id = visit.id
        return Message("selfcheck.draft_ok", {"organization": org.name})

    def step_finalize(self) -> Message:
        from fieldsurvey.store.visits import finalize

        assert self.form is not None and self.db is not None and self.visit_id is not None
        with self.db.transaction() as session:
            visit = finalize(session, self.visit_id, self.form, self.answers)
            revision = visit.revision
        return Message("selfcheck.finalize_ok", {"revision": revision})

    def step_print(self) -> Message:
        from fieldsurvey.printing import visit_record

        assert self.form is not None and self.db is not None and self.visit_id is not None
        out = self.paths.root / RECORD_PDF
        result = visit_record.write_visit_record(self.db, self.form, self.visit_id, out,
                                                 lang=self.lang)
        with out.open("rb") as fh:
            head = fh.read(5)
        if head != b"%PDF-":
            raise SelfCheckFailed(Message("selfcheck.not_pdf", {"path": str(out)}))
        if result.pages < 1:
            raise SelfCheckFailed(Message("selfcheck.no_pages", {"path": str(out)}))
        return Message("selfcheck.print_ok", {"pages": result.pages, "font": result.font,
                                              "size": out.stat().st_size})

    def step_export(self) -> Message:
        from fieldsurvey.bundles.monthly import export_month, month_span

        assert self.form is not None and self.db is not None and self.signer is not None
        start, end = month_span(self.today.year, self.today.month)
        self.bundle = export_month(self.db, self.form, self.signer, self.paths.exports,
                                   start, end)
        if self.bundle.visits != 1:
            raise SelfCheckFailed(Message("selfcheck.wrong_count",
                                          {"expected": 1, "found": self.bundle.visits}))
        return Message("selfcheck.export_ok", {"file": self.bundle.path.name,
                                               "size": self.bundle.path.stat().st_size})

    def step_verify(self) -> Message:
        from fieldsurvey.bundles import trust_list, verify_bundle

        assert self.bundle is not None and self.signer is not None
        verdict = verify_bundle(self.bundle.path, trust_list([self.signer.public]))
        if not verdict.ok:
            raise SelfCheckFailed(Message("selfcheck.not_valid", {
                "kind": verdict.kind, "message": verdict.message,
                "details": "; ".join(verdict.details[:3])}))
        return Message("selfcheck.verify_ok", {"message": verdict.message})

    def step_merge(self) -> Message:
        import os

        from fieldsurvey.county.db import open_office
        from fieldsurvey.county.intake import taken_in
        from fieldsurvey.county.merge import merge_bundles
        from fieldsurvey.county.office import OfficeProfile, save_office_profile
        from fieldsurvey.county.trust import add_identity, trust_mapping

        assert self.bundle is not None and self.signer is not None and self.form is not None
        profile = OfficeProfile("county", OFFICER["county_code"], OFFICER["county_name"])
        office = open_office(self.paths.root / OFFICE_DB)
        try:
            with office.transaction() as session:
                save_office_profile(session, profile)
                add_identity(session, self.signer.public, by=OFFICER["name"])
                trust = trust_mapping(session)
            # A large merge reads the bundles in a worker process, and in the frozen app
            # that is this program started again: it must work there too.
            [intake] = taken_in([self.bundle.path], trust, self.form, worker=True)
            if intake.taken_by == os.getpid():
                raise SelfCheckFailed(Message("selfcheck.no_worker"))
            report = merge_bundles(office, [self.bundle.path], form=self.form,
                                   profile=profile, by=OFFICER["name"])
        finally:
            office.close()
        [merged] = report.files
        if not merged.imported:
            raise SelfCheckFailed(Message("selfcheck.not_merged", {
                "reason": merged.reason or "-"}))
        return Message("selfcheck.merge_ok", {"new": merged.counts["new"]})


class SelfCheckFailed(Exception):
    """A step ran but its result is wrong; ``message`` says how."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def failure_text(exc: BaseException, lang: str) -> str:
    """What went wrong, in words: the core's own message when it has one."""
    problems = getattr(exc, "problems", None)  # a refused form lists every reason
    if isinstance(problems, list) and problems:
        return render("selfcheck.form_refused", lang, count=len(problems),
                      first=problems[0].render(lang))
    message = getattr(exc, "message", None)
    if isinstance(message, Message):
        return message.render(lang)
    return render("selfcheck.error", lang, kind=type(exc).__name__, detail=str(exc))


def _say(line: str) -> None:
    """Print even where the console cannot show ✓ (a GBK console or file on Windows)."""
    try:
        print(line, flush=True)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "ascii"
        print(line.encode(encoding, "replace").decode(encoding), flush=True)


def _prepare_folder(data_dir: str | None) -> tuple[Path, bool] | None:
    """The folder to work in and whether it is ours to remove; ``None`` if refused."""
    if data_dir is None:
        return Path(tempfile.mkdtemp(prefix="fieldsurvey-selfcheck-")), True
    folder = Path(data_dir).expanduser().resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        return None
    return folder, False


def selfcheck(lang: str, data_dir: str | None, *, keep: bool = False,
              qt_probe: Callable[[], str] | None = None) -> int:
    """Run every step (module doc); 0 if all passed, 1 if any failed, 2 if refused.

    ``data_dir`` must be empty or missing (it is kept afterwards); without it a
    temporary folder is used and removed unless ``keep``. ``qt_probe`` returns a
    description of the loaded GUI toolkit, or raises.
    """
    prepared = _prepare_folder(data_dir)
    if prepared is None:
        print(render("selfcheck.not_empty", lang, folder=data_dir), file=sys.stderr)
        return 2
    folder, temporary = prepared
    build = render("selfcheck.frozen" if is_frozen() else "selfcheck.not_frozen", lang)
    _say(render("selfcheck.title", lang, version=__version__, build=build, folder=str(folder)))
    try:
        _say(render("selfcheck.shipped", lang, folder=str(shipped_root())))
    except FileNotFoundError as exc:
        # The form step reports it as a failure; this line only says where we looked.
        _say(render("selfcheck.shipped", lang, folder=str(exc)))
    check = _Check(DataPaths(folder).ensure(), lang, clock.today())
    steps: list[tuple[str, tuple[str, ...], Callable[[], Message]]] = [
        (name, needs, getattr(check, f"step_{name}")) for name, needs in STEPS]
    if qt_probe is not None:
        probe = qt_probe
        steps.append(("qt", (), lambda: Message("selfcheck.qt_ok", {"detail": probe()})))
    failed: list[str] = []
    skipped: list[str] = []
    try:
        for name, needs, run in steps:
            label = render(f"selfcheck.step_{name}", lang)
            if any(n in failed or n in skipped for n in needs):
                skipped.append(name)
                _say(render("selfcheck.line_skipped", lang, step=label))
                continue
            try:
                detail = run().render(lang)
            # Any failure at all is the finding here: report it and go on to the next step.
            except Exception as exc:  # noqa: BLE001
                failed.append(name)
                _say(render("selfcheck.line_failed", lang, step=label,
                            detail=failure_text(exc, lang)))
            else:
                _say(render("selfcheck.line_ok", lang, step=label, detail=detail))
    finally:
        if check.db is not None:
            check.db.close()
        if temporary and not keep:
            shutil.rmtree(folder, ignore_errors=True)
    if failed:
        names = render("selfcheck.separator", lang).join(
            render(f"selfcheck.step_{n}", lang) for n in failed)
        _say(render("selfcheck.failed", lang, count=len(failed), steps=names))
    else:
        _say(render("selfcheck.passed", lang, count=len(steps)))
    if keep or not temporary:
        _say(render("selfcheck.kept", lang, folder=str(folder)))
    return 1 if failed else 0
