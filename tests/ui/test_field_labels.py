"""Every register field has its words wherever a screen names fields by key."""

from __future__ import annotations

import pytest

from fieldsurvey.messages import render
from fieldsurvey.register import FIELD_LABELS
from fieldsurvey.store.organizations import EDITABLE


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("field", EDITABLE)
def test_each_register_field_has_a_label_on_every_screen(lang: str, field: str) -> None:
    for code in (FIELD_LABELS[field], f"ui.org_page.field.{field}"):
        text = render(code, lang)
        assert text and text != code and "." not in text.replace(". ", ""), code
