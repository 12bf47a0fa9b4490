"""The one exception the register import raises for bad input."""

from __future__ import annotations

from fieldsurvey.messages import Message


class RegisterError(Exception):
    """The file cannot be imported as given; nothing was written.

    The message names the file (and the sheet, where there is one) in the
    officer's words; the UI shows it as it is.
    """

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message
