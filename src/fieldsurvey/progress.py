"""Long work reports progress and can be cancelled, without knowing who watches.

Core functions take a :class:`Progress`; the GUI passes one that forwards to a
progress bar from a worker thread, the command line one that prints, tests
:class:`NullProgress` or a recording fake.
"""

from __future__ import annotations

from typing import Protocol

from fieldsurvey.messages import Message


class Cancelled(Exception):
    """The user cancelled; the work left nothing half-written behind."""


class Progress(Protocol):
    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        """``done`` of ``total`` units; ``stage`` names the step in words."""

    def cancelled(self) -> bool:
        """True once the user has asked to stop."""


class NullProgress:
    """Progress that nobody watches."""

    def report(self, done: int, total: int | None = None, stage: Message | None = None) -> None:
        pass

    def cancelled(self) -> bool:
        return False


def check_cancelled(progress: Progress) -> None:
    """Raise :class:`Cancelled` if the user asked to stop."""
    if progress.cancelled():
        raise Cancelled
