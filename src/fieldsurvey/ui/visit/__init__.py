"""Visit entry: the form rendered as sections, with autosave, finalize and revisions."""

from fieldsurvey.ui.visit.editor import VisitEditor

__all__ = ["VisitEditor"]
