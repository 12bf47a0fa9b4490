"""How long the form engine takes per keystroke on the shipped form.

Run: ``.venv/bin/python bench/bench_form_engine.py``. Prints the median and 95th
percentile of: loading the form, one answer change followed by a full check of
every question (what the visit screen does on each edit), and building the
submission.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from fieldsurvey.forms.loader import load_form
from fieldsurvey.forms.state import FormState, Ref
from fieldsurvey.forms.validation import check
from fieldsurvey.resources import forms_dir

ANSWERS = {
    "visit_date": "2026-11-20", "visit_kind": "census", "visit_result": "completed",
    "respondent_name": "李明", "respondent_post": "秘书长", "org_name": "咸宁市茶叶协会",
    "reg_type": "social_group", "uscc": "91330100799655058B", "org_field": "economic",
    "address": "咸宁市温泉路1号", "legal_rep": "张华", "operating_status": "operating",
    "staff_total": 40, "staff_women": 18, "staff_fulltime": 30, "staff_parttime": 10,
    "party_org": "yes", "union_status": "own", "union_setup_date": "2024-05-01",
    "union_members": 36, "union_members_women": 16,
    "leaders": [{"leader_name": f"成员{i}", "leader_sex": "female", "leader_post": "member",
                 "leader_tenure": "part_time"} for i in range(10)],
}


def timed(label: str, runs: int, work: Callable[[int], object]) -> None:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        work(i)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<40} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")


def main() -> None:
    path = forms_dir() / "so_union_visit.xlsx"
    timed("load and check the shipped form", 10, lambda _: load_form(path))
    form = load_form(path)
    state = FormState(form, ANSWERS)

    def edit_and_check(i: int) -> object:
        state.set(Ref("staff_total"), 40 + i % 5)
        return check(state)

    timed("one edit + check every question", 200, edit_and_check)
    timed("build the submission", 200, lambda _: state.submission())


if __name__ == "__main__":
    main()
