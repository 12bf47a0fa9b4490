"""What every office screen needs, built once at start-up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fieldsurvey import clock
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.office import OfficeProfile
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import Message, render
from fieldsurvey.paths import DataPaths


@dataclass
class OfficeContext:
    lang: str
    paths: DataPaths
    db: OfficeDatabase
    form: FormDefinition
    profile: OfficeProfile
    # Who works at this PC: "imported by" and "resolved by" name them.
    staff_name: str

    @staticmethod
    def today() -> dt.date:
        """The clock's today (tests pin :mod:`fieldsurvey.clock`, never a screen)."""
        return clock.today()

    def tr(self, code: str, **params: Any) -> str:
        return render(code, self.lang, **params)

    def word(self, message: Message) -> str:
        return message.render(self.lang)
