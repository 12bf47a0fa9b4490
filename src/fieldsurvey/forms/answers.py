"""Answer values: what is stored, and how entry is checked.

Answers are JSON-native so that they round-trip exactly through SQLite, bundles
and tests: text/select_one/time as ``str``, integer as ``int``, decimal as
``float``, date and datetime as ISO strings, select_multiple as a ``list`` of
choice names, a repeat as a ``list`` of instance dicts. A missing key means "never
answered"; an empty string is a deliberate blank. Nothing is silently changed: a
value that cannot be stored exactly is refused with a message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from fieldsurvey.forms.model import Question
from fieldsurvey.messages import Message

Answers = dict[str, Any]

# Excel's hard limit for one cell; a longer answer could not travel in a bundle.
MAX_TEXT_LENGTH = 32_767
# XML 1.0 forbids these control characters, so no xlsx can carry them; a lone
# surrogate cannot even be encoded as UTF-8 (SQLite would refuse the save).
UNSTORABLE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
# Integers beyond this lose precision once Excel stores them as doubles.
MAX_SAFE_INTEGER = 2**53 - 1


class AnswerError(ValueError):
    """A value refused at entry; ``message`` says why in the user's language."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def is_blank(value: Any) -> bool:
    return value is None or value in ("", [])


def _refuse(question: Question, code: str, **params: Any) -> AnswerError:
    return AnswerError(Message(code, {"field": question.name, **params}))


def coerce(question: Question, value: Any) -> Any:
    """The stored form of ``value`` for ``question``, or :class:`AnswerError`.

    Accepts the natural Python value (``int``, ``date``, ``list``...) or its text.
    """
    if value is None:
        return None
    kind = question.type
    if kind == "select_multiple":
        items = value.split() if isinstance(value, str) else list(value)
        # Codes are names: no whitespace of any kind, and the list must fit one cell.
        if not all(isinstance(item, str) and item and not any(ch.isspace() for ch in item)
                   for item in items) or len(" ".join(map(str, items))) > MAX_TEXT_LENGTH:
            raise _refuse(question, "answer.bad_choice", value=str(value)[:100])
        return list(dict.fromkeys(items))  # keep order, drop repeats
    if isinstance(value, str) and value == "" and kind not in ("text", "note", "hidden"):
        return ""
    if kind == "integer":
        return _integer(question, value)
    if kind == "decimal":
        return _decimal(question, value)
    if kind == "date":
        return _date(question, value)
    if kind == "datetime":
        return _datetime(question, value)
    if kind == "time":
        text = value.isoformat() if isinstance(value, dt.time) else str(value).strip()
        if not _TIME_RE.match(text):
            raise _refuse(question, "answer.not_time", value=text)
        return text if len(text) == 8 else text + ":00"
    if kind == "acknowledge":
        if value in (True, "OK", "ok", "1", 1):
            return "OK"
        raise _refuse(question, "answer.not_acknowledged")
    if not isinstance(value, str):
        raise _refuse(question, "answer.not_text", value=repr(value))
    return _text(question, value)


def _text(question: Question, value: str) -> str:
    if len(value) > MAX_TEXT_LENGTH:
        raise _refuse(question, "answer.too_long", length=len(value), limit=MAX_TEXT_LENGTH)
    if UNSTORABLE_CHARS.search(value):
        raise _refuse(question, "answer.control_char")
    return value


def _integer(question: Question, value: Any) -> int:
    if isinstance(value, bool):
        raise _refuse(question, "answer.not_integer", value=str(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not re.fullmatch(r"[+-]?\d+", text):
            raise _refuse(question, "answer.not_integer", value=value)
        value = int(text)
    if not isinstance(value, int):
        raise _refuse(question, "answer.not_integer", value=str(value))
    if abs(value) > MAX_SAFE_INTEGER:
        raise _refuse(question, "answer.too_large", value=str(value))
    return value


def _decimal(question: Question, value: Any) -> float:
    if isinstance(value, bool):
        raise _refuse(question, "answer.not_number", value=str(value))
    try:
        number = float(value.strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _refuse(question, "answer.not_number", value=str(value)) from None
    if not math.isfinite(number):
        raise _refuse(question, "answer.not_number", value=str(value))
    return number


def _date(question: Question, value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise _refuse(question, "answer.not_date", value=str(value)) from None


def _datetime(question: Question, value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat()
    try:
        parsed = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise _refuse(question, "answer.not_datetime", value=str(value)) from None
    return parsed.replace(microsecond=0).isoformat()
