"""What a domain check reports: findings, each an error or an overridable warning.

An *error* blocks saving the answer (the value is wrong: a USCC whose check
character does not match, a phone number that cannot be dialled). A *warning*
is shown to the officer, who may confirm the value anyway (a USCC whose
registration kind disagrees with the selected registration type).

A check returns a list of findings; an empty list means the value is fine.
The wording lives in ``resources/i18n/<lang>/*.toml``, keyed by the message code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from fieldsurvey.messages import Message

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem found with a value."""

    severity: Severity
    message: Message

    @property
    def code(self) -> str:
        """The message code, e.g. ``uscc.bad_check``."""
        return self.message.code

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def error(code: str, /, **params: Any) -> Finding:
    """An error finding with message ``code`` and its parameters."""
    return Finding("error", Message(code, params))


def warning(code: str, /, **params: Any) -> Finding:
    """A warning finding with message ``code`` and its parameters."""
    return Finding("warning", Message(code, params))


def errors(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that block the value."""
    return [f for f in findings if f.severity == "error"]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings the officer may override."""
    return [f for f in findings if f.severity == "warning"]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


# Chinese input methods often type full-width characters (１２３, ＡＢＣ, －, （）
# and the ideographic space). Every check folds them to ASCII first.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """``text`` with full-width ASCII forms and the ideographic space made half-width."""
    return text.translate(_HALFWIDTH)
