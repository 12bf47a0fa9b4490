"""One clock: nothing in ``src/`` reads the system time except ``fieldsurvey.clock``."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fieldsurvey import clock

SRC = Path(__file__).resolve().parent.parent / "src" / "fieldsurvey"

# Every spelling of "what time is it" that Python, Qt and the OS offer.
SYSTEM_CLOCK = re.compile(
    r"\b(?:datetime|date)\s*\.\s*(?:now|today|utcnow|fromtimestamp)\b"
    r"|\btime\s*\.\s*(?:time|time_ns|localtime|gmtime|ctime|asctime|strftime)\b"
    r"|\bQ(?:Date|DateTime|Time)\s*\.\s*current\w*"
    r"|\bcurrent(?:Date|DateTime|Time|MSecsSinceEpoch|SecsSinceEpoch)\w*\s*\("
)


def test_only_the_clock_module_reads_the_system_clock() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if SYSTEM_CLOCK.search(code):
                offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_scan_catches_each_spelling() -> None:
    for text in ("dt.datetime.now(dt.UTC)", "datetime.date.today()", "date.today()",
                 "now=dt.datetime.now", "time.time()", "QDate.currentDate()",
                 "QDateTime.currentDateTime()", "QTime.currentTime()", "datetime.utcnow()"):
        assert SYSTEM_CLOCK.search(text), text


def test_a_pinned_clock_reads_the_pin_in_local_time() -> None:
    with clock.pinned("2031-07-15T23:30:00", frozen=True):
        assert clock.local_now().replace(tzinfo=None) == dt.datetime(2031, 7, 15, 23, 30)
        assert clock.today() == dt.date(2031, 7, 15)
        assert clock.now().tzinfo == dt.UTC


def test_a_pinned_clock_ticks_so_later_stays_later() -> None:
    with clock.pinned("2031-07-15"):
        first = clock.now()
        second = clock.now()
    assert first <= second
    assert first.astimezone().date() == dt.date(2031, 7, 15)


def test_a_child_process_reads_the_pin_from_its_environment(tmp_path: Path) -> None:
    code = "from fieldsurvey import clock; print(clock.today().isoformat())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"FIELDSURVEY_CLOCK": "2030-02-03", "PATH": ""})
    assert out.stdout.strip() == "2030-02-03"


@pytest.mark.parametrize("bad", ["yesterday", "2030-13-01", ""])
def test_a_malformed_environment_pin_falls_back_to_the_real_clock(
        monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    clock.unpin()
    monkeypatch.setenv(clock.ENV_CLOCK, bad)
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
