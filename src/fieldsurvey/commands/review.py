"""``fieldsurvey review list|show|approve|return``: review merged visits at the office."""

from __future__ import annotations

import json
from typing import Any

from fieldsurvey.commands.bundle import SHIPPED_FORM
from fieldsurvey.commands.office import _fail, with_office
from fieldsurvey.commands.stats import parse_month
from fieldsurvey.county import review
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.office import OfficeProfile, staff_name
from fieldsurvey.messages import Message, render
from fieldsurvey.paths import DataPaths


def _questions(pairs: list[str]) -> dict[str, str] | Message:
    """``NAME=comment`` pairs; a pair without ``=`` is a mistake worth naming."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            return Message("cli_review.bad_question", {"value": pair})
        out[name.strip()] = text
    return out


def review_command(paths: DataPaths, lang: str, db_url: str | None, args: Any) -> int:
    action = args.review_command or "list"
    by = staff_name(paths)
    month = None
    if action == "list" and args.month:
        month = parse_month(args.month)
        if month is None:
            return _fail(lang, render("cli_stats.bad_month", lang, month=args.month), 2)
    questions: dict[str, str] = {}
    if action == "return":
        found = _questions(args.question)
        if isinstance(found, Message):
            return _fail(lang, found, 2)
        questions = found

    def work(db: OfficeDatabase, _profile: OfficeProfile) -> int:
        try:
            with db.transaction() as session:
                if action == "approve":
                    ids = list(args.visits)
                    if args.all_pending:
                        ids += [i.visit_id for i in review.review_list(
                            session, township=args.township, state="pending")]
                        ids += [i.visit_id for i in review.review_list(
                            session, township=args.township, state="fixed_pending")]
                    if not ids:
                        return _fail(lang, Message("cli_review.nothing"), 2)
                    changed = review.approve(session, ids, by=by)
                    print(render("cli_review.approved", lang, count=changed, by=by))
                    return 0
                if action == "return":
                    review.return_visit(session, args.visit, args.comment, by=by,
                                        questions=questions,
                                        known_questions=_form_questions())
                    print(render("cli_review.returned", lang, visit=args.visit, by=by))
                    return 0
                if action == "show":
                    return _show(session, args.visit, lang, args.json)
                items = review.review_list(session, township=args.township, state=args.state,
                                           form_id=args.form, month=month)
        except review.ReviewError as exc:
            return _fail(lang, exc.message)
        if args.json:
            print(json.dumps([_item_json(i) for i in items], ensure_ascii=False, indent=2))
            return 0
        for i in items:
            print(f"{i.visit_id}  {i.township_code}  {i.visit_date or '-'}  "
                  f"{i.organization_name}  r{i.revision}  "
                  f"{render(f'review.state.{i.state}', lang)}")
        print(render("cli_review.listed", lang, count=len(items)))
        return 0

    return with_office(paths, lang, db_url, work)


def _form_questions() -> list[str]:
    from fieldsurvey.forms.loader import load_form
    from fieldsurvey.resources import forms_dir

    return [q.name for q in load_form(forms_dir() / SHIPPED_FORM).questions()]


def _item_json(i: review.ReviewItem) -> dict[str, Any]:
    return {"visit_id": i.visit_id, "organization_id": i.organization_id,
            "organization": i.organization_name, "township_code": i.township_code,
            "form_id": i.form_id, "revision": i.revision,
            "visit_date": i.visit_date.isoformat() if i.visit_date else None,
            "officer": i.officer, "state": i.state, "changed_at": i.changed_at.isoformat(),
            "changed_by": i.changed_by}


def _show(session: Any, visit_id: str, lang: str, as_json: bool) -> int:
    state = review.state_of(session, visit_id)
    if state is None:
        return _fail(lang, Message("review.no_such_visit", {"visit": visit_id}))
    entries = review.thread(session, visit_id)
    if as_json:
        print(json.dumps({"visit_id": visit_id, "state": state, "thread": [
            {"revision": e.revision, "action": e.action, "state": e.state,
             "comment": e.comment, "questions": e.questions, "by": e.by,
             "at": e.at.isoformat(), "reply_id": e.reply_id} for e in entries]},
            ensure_ascii=False, indent=2))
        return 0
    print(f"{visit_id}  {render(f'review.state.{state}', lang)}")
    for e in entries:
        print(f"  {e.at:%Y-%m-%d %H:%M}  r{e.revision}  {e.by}  "
              f"{render(f'review.action.{e.action}', lang)}"
              + (f"：{e.comment}" if e.comment else ""))
        for name, text in e.questions.items():
            print(f"      {name}: {text}")
    return 0
