"""Property: whatever entry accepts comes back from a bundle exactly; the rest was refused.

Answers are drawn raw (tricky text, numbers, dates...), passed through
``forms.answers.coerce`` as entry does, stored, exported, and read back twice:
by ``read_bundle`` (calamine) and, independently, by openpyxl from the sheets.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from bundle_helpers import PERIOD, FakeSigner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.escape import unescape

from fieldsurvey.bundles import BundleError, export_bundle, read_bundle
from fieldsurvey.bundles.records import iter_visits
from fieldsurvey.forms.answers import AnswerError, coerce
from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.model import FormDefinition, Question
from fieldsurvey.store import Database
from fieldsurvey.store.migrate import open_database
from fieldsurvey.store.models import Organization, Visit, utcnow
from fieldsurvey.store.visits import canonical_json

FORM_MD = """
| survey |
| | type | name | label::中文 (zh) | label::English (en) | calculation |
| | text | t | 文本 | Text | |
| | integer | i | 整数 | Integer | |
| | decimal | d | 小数 | Decimal | |
| | date | day | 日期 | Date | |
| | datetime | moment | 时刻 | Moment | |
| | time | clock | 时间 | Time | |
| | select_one color | one | 单选 | One | |
| | select_multiple color | many | 多选 | Many | |
| | acknowledge | ok | 确认 | OK | |
| | calculate | calc | 计算 | Calc | 1 + 1 |
| | note | info | 说明 | Info | |
| | begin repeat | people | 人员 | People | |
| | text | pname | 姓名 | Name | |
| | integer | page | 年龄 | Age | |
| | select_multiple color | pcolors | 颜色 | Colours | |
| | begin repeat | phones | 电话 | Phones | |
| | text | number | 号码 | Number | |
| | date | since | 启用日期 | Since | |
| | end repeat | | | | |
| | end repeat | | | | |
| choices |
| | list_name | name | label::中文 (zh) | label::English (en) |
| | color | red | 红 | Red |
| | color | blue_green | 蓝绿；青 | Blue-green |
| settings |
| | form_id | version | default_language |
| | roundtrip | 3 | 中文 (zh) |
"""
FORM = load_form_markdown(FORM_MD)
LABELS = {"red": "红", "blue_green": "蓝绿；青"}
MISSING = object()

TRICKY = [
    "0012", "1e5", "#N/A", "#DIV/0!", "=1+1", "=", "＝SUM(A1)", "+86", "-5", "@x", "\tx", "\nx",
    "\rx", "😀🎉", "第一行\n第二行", "a\r\nb", "TRUE", " lead", "trail ", "_x0041_", "_x000D_",
    "_x005F_x0041_", "_X0041_", "\u2028", "\x85", "a b", "2026-11-02", "1899-12-31",
    "1900-02-28", "1900-02-29", "0001-01-01", "10:11", "10:11:12", "24:00:00",
    "2026-11-02T10:11:12+08:00", "2026-11-02 10:11:12", "\x01", "\ufffe", "x" * 32_767,
    "y" * 32_768, "\r" * 20_000, "_x0041_" * 4_681, "", "  ",
]  # fmt: skip
text = st.sampled_from(TRICKY) | st.text(max_size=30)
tz = st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=8))])
codes = st.sampled_from(["red", "blue_green", "retired_code"])
RAW: dict[str, st.SearchStrategy[Any]] = {
    "text": text,
    "calculate": text,
    "integer": st.integers(-(2**60), 2**60) | text | st.sampled_from([3.0, 2.5, True]),
    "decimal": st.floats() | st.integers(-(10**20), 10**20) | text,
    "date": st.dates() | st.datetimes() | text,
    "datetime": st.datetimes(timezones=tz) | text,
    "time": st.times() | st.times().map(lambda t: t.replace(microsecond=0)) | text,
    "select_one": codes | text,
    "select_multiple": st.lists(codes | text, max_size=4) | text,
    "acknowledge": st.sampled_from([True, False, "OK", "ok", "1", 1, "no"]),
}


def _stored(question: Question, raw: Any) -> Any:
    """What entry stores for ``raw``, or MISSING when entry refuses it."""
    try:
        return coerce(question, raw)
    except AnswerError:
        return MISSING


@st.composite
def answers(draw: st.DrawFn, repeat: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for question in FORM.questions():
        if (question.repeats[-1] if question.repeats else None) != repeat or \
                question.type == "note":
            continue
        choice = draw(st.sampled_from(["missing", "blank", "value", "value"]))
        if choice == "missing":
            continue
        value = _stored(question, "" if choice == "blank" else draw(RAW[question.type]))
        if value is not MISSING:
            out[question.name] = value
    for group in FORM.repeats():
        if (group.repeats[-1] if group.repeats else None) != repeat:
            continue
        kind = draw(st.sampled_from(["missing", "empty", "some"]))
        if kind != "missing":
            size = 0 if kind == "empty" else draw(st.integers(1, 3))
            out[group.name] = [draw(answers(group.name)) for _ in range(size)]
    # Data older forms left behind, or odd values, travel as JSON and come back too.
    out.update(draw(st.dictionaries(st.sampled_from(["retired_q", "info", "i"]),
                                    st.none() | st.integers() | st.text(max_size=5),
                                    max_size=1)))
    return out


def _fresh_db() -> Database:
    return open_database(Path(tempfile.mkdtemp()) / "roundtrip.sqlite3")


def _store(db: Database, visits: list[tuple[dict[str, Any], bool]]) -> None:
    with db.transaction() as s:
        s.query(Visit).delete()
        s.query(Organization).delete()
        s.add(Organization(id="org-1", name="协会", township_code="421202001"))
        for n, (answers_, deleted) in enumerate(visits):
            s.add(Visit(id=f"visit-{n}", organization_id="org-1", form_id="roundtrip",
                        form_version="3", revision=1, status="final",
                        answers_json=canonical_json(answers_), officer="王芳",
                        deleted_at=utcnow() if deleted else None,
                        deleted_reason="重复" if deleted else None))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roundtrip")


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("BUNDLE_EXAMPLES", "150")),  # more for a long hunt
          deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(visits=st.lists(st.tuples(answers(), st.booleans()), min_size=1, max_size=3))
def test_answers_come_back_exactly(workdir: Path, visits: list[tuple[dict[str, Any], bool]]
                                   ) -> None:
    db = _fresh_db()
    try:
        _store(db, visits)
        path = workdir / "roundtrip.xlsx"
        try:
            export_bundle(db, FORM, FakeSigner(), path, period_start=PERIOD[0],
                          period_end=PERIOD[1], sequence=1)
        except BundleError as exc:
            # Entry caps neither the length of select_multiple codes nor whitespace
            # other than " " in them: such a list no cell can hold is refused loudly
            # at export rather than cut.
            assert exc.message.code == "bundle.cannot_store"
            assert _has_oversized_codes([a for a, _ in visits])
            return
        with db.sessions() as session:
            exported = [r for r in iter_visits(session, "roundtrip") if r is not None]
    finally:
        db.close()
    contents = read_bundle(path)
    read = contents.visits + contents.tombstones
    assert sorted(read, key=lambda r: r.visit_id) == sorted(exported, key=lambda r: r.visit_id)
    for got, want in zip(sorted(read, key=lambda r: r.visit_id),
                         sorted(exported, key=lambda r: r.visit_id), strict=True):
        # == says 1 == 1.0; the canonical JSON does not.
        assert canonical_json(got.answers) == canonical_json(want.answers)
    live = {r.visit_id: r.answers for r in exported if not r.is_tombstone}
    assert _read_with_openpyxl(path, FORM) == live


def _has_oversized_codes(values: Any) -> bool:
    """A select_multiple list no cell can hold, not even as JSON (entry caps no code)."""
    if isinstance(values, dict):
        return any(_has_oversized_codes(v) for v in values.values())
    if isinstance(values, list):
        if values and all(isinstance(v, str) for v in values):
            return len(canonical_json(values)) > 32_767
        return any(_has_oversized_codes(v) for v in values)
    return False


# -- a second, independent reader: openpyxl, straight from the sheets ----------------
def _cell(qtype: str, value: Any) -> Any:
    if isinstance(value, str):
        value = unescape(value)  # openpyxl leaves Excel's _xHHHH_ escapes in place
    if qtype == "integer":
        assert type(value) is int
    elif qtype == "decimal":
        value = float(value)
    elif qtype == "date" and isinstance(value, dt.datetime):
        value = value.date().isoformat()
    elif (qtype == "datetime" and isinstance(value, dt.datetime)) or qtype == "time":
        value = value.isoformat()
    else:
        assert isinstance(value, str), (qtype, value)
    return value


def _row_answers(keys: list[str], row: tuple[Any, ...], skip: int) -> dict[str, Any]:
    types = {q.name: q.type for q in FORM.questions()}
    out: dict[str, Any] = {}
    values = dict(zip(keys, row, strict=False))
    for key in keys[skip:]:
        value = values.get(key)
        if key.startswith("#") or value is None:
            continue
        if key.endswith("#code"):
            name = key.removesuffix("#code")
            codes_ = unescape(value)
            out[name] = codes_.split() if types[name] == "select_multiple" else codes_
            shown = [LABELS.get(c, c) for c in out[name]] if isinstance(out[name], list) \
                else [LABELS.get(out[name], out[name])]
            assert unescape(values[name]) == "；".join(shown)
        elif types[key] not in ("select_one", "select_multiple"):
            out[key] = _cell(types[key], value)
    for name in (values.get("#blank") or "").split():
        out[name] = [] if types.get(name, "repeat") in ("select_multiple", "repeat") else ""
    if values.get("#extra"):
        out.update(json.loads(unescape(values["#extra"])))
    return out


def _read_with_openpyxl(path: Path, form: FormDefinition) -> dict[str, dict[str, Any]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        # Read-only rows stop at their last cell: pad them to the header's width.
        sheets = {}
        for name in book.sheetnames:
            rows = [tuple(r) for r in book[name].iter_rows(values_only=True)]
            width = max(len(r) for r in rows)
            sheets[name] = [r + (None,) * (width - len(r)) for r in rows]
    finally:
        book.close()
    keys = list(sheets["走访记录"][1])
    out = {row[0]: _row_answers(keys, row, 11) for row in sheets["走访记录"][2:]
           if row[keys.index("deleted_at")] is None}
    people_keys = list(sheets["人员"][1])
    for row in sheets["人员"][2:]:
        out[row[0]].setdefault("people", []).append(_row_answers(people_keys, row, 2))
    phone_keys = list(sheets["电话"][1])
    for row in sheets["电话"][2:]:
        person, _ = (int(p) for p in str(row[1]).split("."))
        out[row[0]]["people"][person - 1].setdefault("phones", []).append(
            _row_answers(phone_keys, row, 2))
    del form
    return out
