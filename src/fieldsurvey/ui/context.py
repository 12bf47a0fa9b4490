"""What every screen needs, built once at start-up and handed down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from fieldsurvey import clock
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import Message, render
from fieldsurvey.paths import DataPaths
from fieldsurvey.store import Database
from fieldsurvey.store.profile import OfficerProfile


class Words(Protocol):
    """What a screen shared by both apps needs of a context: words in its language."""

    def tr(self, code: str, **params: Any) -> str: ...

    def word(self, message: Message) -> str: ...


@dataclass
class AppContext:
    lang: str
    paths: DataPaths
    db: Database
    form: FormDefinition
    profile: OfficerProfile | None = None

    @staticmethod
    def today() -> dt.date:
        """The clock's today (tests pin :mod:`fieldsurvey.clock`, never a screen)."""
        return clock.today()

    def tr(self, code: str, **params: Any) -> str:
        """A user-visible string in the current language."""
        return render(code, self.lang, **params)

    def word(self, message: Message) -> str:
        return message.render(self.lang)
