"""Export the office's own signed bundle for the level above (county -> city).

The officer's Export screen (:class:`fieldsurvey.ui.export_dialog.BundleExportDialog`:
form, progress with Cancel, result, the worker thread) with the office's words
(``ui.rollup.*``), file name and export. The work is
:func:`fieldsurvey.county.rollup.export_office_bundle`, which takes the office's
next bundle number itself; the key is unlocked first, so a mistyped passphrase
never uses a number up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from fieldsurvey.bundles import BundleError, ExportSummary
from fieldsurvey.bundles.monthly import bundle_file_name
from fieldsurvey.bundles.trust import Signer
from fieldsurvey.county.models import OfficeSetting
from fieldsurvey.county.office import SEQUENCE_KEY
from fieldsurvey.county.rollup import export_office_bundle
from fieldsurvey.progress import Progress
from fieldsurvey.store import StoreError
from fieldsurvey.ui.export_dialog import BundleExportDialog, QtProgress
from fieldsurvey.ui.office.context import OfficeContext
from fieldsurvey.ui.office.trust_page import fingerprint_font


def peek_office_sequence(ctx: OfficeContext) -> int:
    """The number the next office bundle will take (for the file name shown)."""
    with ctx.db.transaction() as session:
        row = session.get(OfficeSetting, SEQUENCE_KEY)
        return int(row.value if row is not None and row.value.isdigit() else 0) + 1


def rollup_job(ctx: OfficeContext, signer: Signer, out_path: Path, start: dt.date,
               end: dt.date, progress: Progress) -> Callable[[], ExportSummary]:
    """The export, with a database problem reported as a bundle problem (one message)."""
    def job() -> ExportSummary:
        try:
            return export_office_bundle(ctx.db, ctx.form, signer, out_path, period_start=start,
                                        period_end=end, progress=progress)
        except StoreError as exc:
            raise BundleError(exc.message) from exc
    return job


class RollupDialog(BundleExportDialog[OfficeContext]):
    """``RollupDialog(ctx, parent)``: month, folder, passphrase -> the signed bundle."""

    PREFIX = "ui.rollup"
    MIN_WIDTH = 640

    def intro_text(self) -> str:
        return self.msg("intro", unit=self.ctx.profile.unit_name)

    def file_name(self, start: dt.date) -> str:
        return bundle_file_name(self.ctx.profile.unit_code, start, peek_office_sequence(self.ctx))

    def export_job(self, signer: Signer, start: dt.date, end: dt.date,
                   progress: QtProgress) -> Callable[[], ExportSummary]:
        return rollup_job(self.ctx, signer, self.folder / self.file_name(start), start, end,
                          progress)

    def new_progress(self) -> QtProgress:
        return QtProgress()  # this module's name, so a test can stand in for it

    def _build_done(self) -> QWidget:
        page = super()._build_done()
        self.done_labels["fingerprint"].setFont(fingerprint_font(1.15))
        return page
