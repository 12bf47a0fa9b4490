"""Errors raised by the expression engine; each carries a :class:`Message`."""

from __future__ import annotations

from fieldsurvey.messages import Message


class ExpressionError(Exception):
    """Base of both expression errors, for callers that treat them alike."""

    def __init__(self, message: Message, position: int | None = None) -> None:
        # The text form is for logs and tracebacks only; users see message.render().
        # It must not render through the catalogue: that reads files and can fail.
        detail = f"{message.code} {dict(message.params)}" if message.params else message.code
        super().__init__(detail)
        self.message = message
        self.position = position


class ExpressionSyntaxError(ExpressionError):
    """The source is not an expression this engine accepts.

    ``position`` is the 0-based offset in the source where the problem was
    seen (``len(source)`` when the expression ended too early).
    """


class ExpressionEvalError(ExpressionError):
    """The expression parsed but cannot be evaluated with these values."""
