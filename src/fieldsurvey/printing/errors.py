"""The one error printing raises: a message for the officer, nothing written."""

from __future__ import annotations

from fieldsurvey.messages import Message


class PrintError(Exception):
    """A document could not be produced; no file was left behind."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message
