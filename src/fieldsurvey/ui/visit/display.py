"""Answers as an officer reads them: choice labels, not codes (no Qt here).

The logic lives in :mod:`fieldsurvey.printing.answer_text` so that the printed
visit record (Qt-free core) and the visit screens word a value the same way;
these names stay importable from here for the screens.
"""

from __future__ import annotations

from fieldsurvey.printing.answer_text import AnswerLine, answer_lines, answer_text, choice_label

__all__ = ["AnswerLine", "answer_lines", "answer_text", "choice_label"]
