"""The Qt binding itself must not leak or drop references on signal delivery.

PySide6 6.12.0 dropped one reference to a slot's return value on every
emission: after a few thousand autosave ticks and clicks, ``None`` or ``True``
was freed and the interpreter aborted. pyproject excludes that release; this
test catches any release that brings the bug back.
"""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal

pytestmark = pytest.mark.gui


class Emitter(QObject):
    fired = Signal(bool)


def returns_none(_checked: bool) -> None:
    return None


def returns_true(_checked: bool) -> bool:
    return True


@pytest.mark.parametrize(("slot", "value"), [(returns_none, None), (returns_true, True),
                                             (lambda: None, None)])
def test_slot_return_values_keep_their_references(qtbot: object, slot: object,
                                                  value: object) -> None:
    emitter = Emitter()
    emitter.fired.connect(slot)
    before = sys.getrefcount(value)
    for _ in range(500):
        emitter.fired.emit(True)
    # Other code may take or drop a few references meanwhile; 500 lost ones are the bug.
    assert abs(sys.getrefcount(value) - before) < 50
