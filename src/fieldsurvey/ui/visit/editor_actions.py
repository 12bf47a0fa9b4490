"""What can happen to a visit as a whole: finalize, reopen, history, delete.

Each action saves the draft first, asks the store, and on success tells the
editor to re-show itself in its new mode and emits the editor's signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from fieldsurvey import clock
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.db import StoreError
from fieldsurvey.store.form_versions import open_draft, reopen_on_newest
from fieldsurvey.store.models import Visit
from fieldsurvey.store.prefill import set_pending_prefill
from fieldsurvey.store.visits import VisitError, answers_of, delete, finalize, reopen
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.visit.delete_dialog import DeleteDialog
from fieldsurvey.ui.visit.editor_checks import problems
from fieldsurvey.ui.visit.finalize_dialog import FinalizeDialog
from fieldsurvey.ui.visit.history_dialog import HistoryDialog

if TYPE_CHECKING:
    from fieldsurvey.ui.visit.editor import VisitEditor

SAVE_ERRORS = (VisitError, StoreError, SQLAlchemyError, OSError)


def error_text(ctx: AppContext, exc: Exception) -> str:
    """The officer's words for a failed save: the store's own message, else the error."""
    message = exc.message if isinstance(exc, (VisitError, StoreError)) else None
    return ctx.word(message) if message else str(exc)


def moved_to_newest(session: Session, visit: Visit, form: FormDefinition) -> set[str]:
    """A draft of an older form version moves to ``form`` as it is opened; the questions
    new or changed on the way (marked in the section navigator)."""
    if (visit.status != "draft" or visit.deleted_at is not None
            or visit.form_id != form.form_id or visit.form_version == form.version):
        return set()
    try:
        moved = open_draft(session, visit.id, form)
    except VisitError:
        return set()  # its version was never recorded: it opens as before
    return (moved.added | moved.changed) if moved is not None else set()


class VisitActions:
    """Finalize, reopen, history and delete for one editor."""

    def __init__(self, editor: VisitEditor) -> None:
        self.editor = editor

    def request_finalize(self) -> None:
        """Ctrl+Enter / 完成并提交: save, check, and open the finalize dialog."""
        editor = self.editor
        if editor.read_only or not editor.save_now():
            return
        editor.show_all = True
        editor.refresh()
        found_errors, found_warnings = problems(editor)
        dialog = FinalizeDialog(editor.ctx.lang, found_errors, found_warnings,
                                len(editor.pending), editor)
        dialog.jump_requested.connect(editor.go_to)
        dialog.finalize_requested.connect(self._finalize)
        editor.finalize_dialog = dialog
        dialog.open()

    def _finalize(self, overrides: dict[str, str]) -> None:
        editor, ctx = self.editor, self.editor.ctx
        officer = ctx.profile.name if ctx.profile is not None else None
        try:
            with ctx.db.transaction() as session:
                visit = finalize(session, editor.visit_id, editor.form, editor.state.answers,
                                 overrides, officer=officer)
                set_pending_prefill(session, editor.visit_id, [])
                editor.officer = visit.officer
                final_answers = answers_of(visit)
        except SAVE_ERRORS as exc:
            editor.save_status.setStyleSheet("color: #c62828;")
            editor.save_status.setText(ctx.tr("ui.visit.finalize_failed",
                                              detail=error_text(ctx, exc)))
            return
        editor.status = "final"
        editor.pending.clear()
        editor.previous_reasons = dict(overrides)
        editor.mark_saved()
        # The stored revision is the pruned submission; show exactly that.
        editor.bind_state(final_answers)
        editor.apply_mode()
        editor.refresh()
        editor.save_status.setStyleSheet("color: #2e7d32;")
        editor.save_status.setText(ctx.tr("ui.visit.finalized_at",
                                          time=clock.local_now().strftime("%H:%M:%S")))
        editor.window().activateWindow()
        editor.navigator.setFocus(Qt.FocusReason.OtherFocusReason)
        editor.finalized.emit(editor.visit_id)

    def reopen(self) -> None:
        """Start the next revision of a finalized visit; the finalized one stays frozen."""
        editor = self.editor
        if editor.status != "final" or editor.is_deleted:
            return
        moved = None
        try:
            try:  # the next revision starts on the newest form version
                with editor.ctx.db.transaction() as session:
                    moved = reopen_on_newest(session, editor.visit_id, editor.form)
            except VisitError as exc:
                if exc.message.code != "formver.unknown_version":
                    raise
                with editor.ctx.db.transaction() as session:  # an unrecorded old version
                    reopen(session, editor.visit_id)
            with editor.ctx.db.transaction() as session:
                visit = session.get_one(Visit, editor.visit_id)
                editor.revision = visit.revision
                answers = answers_of(visit)
        except SAVE_ERRORS as exc:
            editor.save_status.setText(error_text(editor.ctx, exc))
            return
        editor.status = "draft"
        editor.show_all = False
        if moved is not None:
            editor.bind_state(answers)
            editor.version_changes = moved.added | moved.changed
            self.mark_version_changes()
        editor.apply_mode()
        editor.refresh()
        editor.reopened.emit(editor.visit_id)
        editor.focus.focus_first()

    def mark_version_changes(self) -> None:
        editor = self.editor
        pages = {editor.page_of[name] for name in editor.version_changes
                 if name in editor.page_of}
        editor.navigator.mark_changed(pages, editor.ctx.tr("formver.section_changed"))

    def show_history(self) -> None:
        editor = self.editor
        draft = (editor.revision, editor.state.answers) if editor.status == "draft" else None
        editor.history_dialog = HistoryDialog(editor.ctx, editor.visit_id, draft, editor)
        editor.history_dialog.open()

    def request_delete(self) -> None:
        editor = self.editor
        if editor.is_deleted:
            return
        editor.delete_dialog = DeleteDialog(editor.ctx.lang, editor.organization, editor)
        editor.delete_dialog.reason_given.connect(self._delete)
        editor.delete_dialog.open()

    def _delete(self, reason: str) -> None:
        editor = self.editor
        editor.save_now()  # the tombstone keeps the latest draft
        try:
            with editor.ctx.db.transaction() as session:
                visit = delete(session, editor.visit_id, reason)
                editor.is_deleted = True
                editor.deleted_reason = visit.deleted_reason or reason
        except SAVE_ERRORS as exc:
            editor.save_status.setText(error_text(editor.ctx, exc))
            return
        editor.apply_mode()
        editor.refresh()
        editor.deleted.emit(editor.visit_id)
