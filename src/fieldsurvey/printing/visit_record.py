"""The visit record sheet (走访记录单): one finalized visit on A4 portrait.

What is printed is the visit's latest *finalized* revision, frozen in
``visit_revision``: that is what the signed bundle carries and what the
verification code (``printing.verification``) hashes. A visit never finalized,
or deleted, has no record to print. Finalizing keeps only relevant, answered
questions (``FormState.submission``), so exactly the stored answers are printed;
relevance is not evaluated again, which could only make the paper differ from
the data its code vouches for (say, after a form update).

Layout: title; the organization block and the visit block; then every answered,
relevant question grouped by the form's sections, labels and choices in the
chosen language; repeats (the leadership roster) as tables whose header row
repeats on each page; long answers as full-width paragraphs that may flow over
a page break; signature lines; a footer on each page with the record id, the
revision, "page x of y" (counted within the record), the short verification
code and a QR code of the record's hash.

The blocks read form questions by convention: the organization's fields are the
questions prefilled from the register (``fs_prefill = register.name`` ...), the
date and result are the ``fs_stat`` questions, the respondent the questions
named in :data:`RESPONDENT_QUESTIONS`. A question shown in a block is not
repeated in its section.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _esc

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fieldsurvey.forms.answers import Answers, is_blank
from fieldsurvey.forms.model import FormDefinition, Group, Question
from fieldsurvey.messages import Message, render
from fieldsurvey.printing.answer_text import answer_lines, answer_text
from fieldsurvey.printing.errors import PrintError
from fieldsurvey.printing.layout import (
    GRID,
    MARGIN,
    MUTED,
    SHADE,
    Styles,
    build_pdf,
    draw_header,
    draw_qr,
    frame_size,
    make_styles,
    para,
    parts_story,
    qr_matrix,
    signature_block,
)
from fieldsurvey.printing.verification import RecordCode, record_code
from fieldsurvey.progress import NullProgress, Progress, check_cancelled
from fieldsurvey.store.db import Database
from fieldsurvey.store.form_versions import stored_form
from fieldsurvey.store.models import Organization, Visit, VisitRevision
from fieldsurvey.store.profile import load_profile

#: Register attributes shown in the organization block, in order.
ORG_FIELDS = ("name", "uscc", "reg_type", "address")
#: The respondent's name and post, shown together in the visit block.
RESPONDENT_QUESTIONS = ("respondent_name", "respondent_post")
#: Longer answers than this leave the two-column table for a full-width paragraph, so a
#: note of any length flows over page breaks instead of making a row taller than a page.
LONG_ANSWER = 160
LABEL_WIDTH = 62 * mm
CELL_PADDING = 3


@dataclass(frozen=True)
class RecordSource:
    """Everything a record sheet shows, read from the store in one go."""

    visit_id: str
    revision: int
    officer: str
    answers: Answers
    org_name: str
    org_uscc: str | None
    org_reg_type: str | None
    org_address: str | None
    township: str
    # The revision's own form version: a finalized visit prints as it was made.
    form_version: str = ""


@dataclass(frozen=True)
class PrintResult:
    records: int
    pages: int
    font: str = ""
    skipped: tuple[str, ...] = field(default_factory=tuple)


# -- reading the store ----------------------------------------------------------------
def _latest_final() -> Any:
    return (select(VisitRevision.visit_id, func.max(VisitRevision.revision).label("rev"))
            .group_by(VisitRevision.visit_id).subquery())


def _query() -> Any:
    latest = _latest_final()
    return (select(Visit, Organization, VisitRevision)
            .join(Organization, Organization.id == Visit.organization_id)
            .join(latest, latest.c.visit_id == Visit.id)
            .join(VisitRevision, and_(VisitRevision.visit_id == Visit.id,
                                      VisitRevision.revision == latest.c.rev))
            .where(Visit.deleted_at.is_(None)))


def _source(org: Organization, revision: VisitRevision, townships: dict[str, str]
            ) -> RecordSource:
    answers: Answers = json.loads(revision.answers_json)
    return RecordSource(
        visit_id=revision.visit_id, revision=revision.revision, officer=revision.officer,
        answers=answers, org_name=org.name, org_uscc=org.uscc, org_reg_type=org.reg_type,
        org_address=org.address,
        township=townships.get(org.township_code, org.township_code),
        form_version=revision.form_version,
    )


def _townships(session: Session) -> dict[str, str]:
    profile = load_profile(session)
    if profile is None:
        return {}
    return {profile.township_code: f"{profile.township_name}（{profile.township_code}）"}


def sources_for(session: Session, visit_ids: Sequence[str]) -> list[RecordSource]:
    """The records of ``visit_ids``, in that order; :class:`PrintError` for one that
    does not exist, is deleted or was never finalized."""
    rows = {v.id: (v, o, r) for v, o, r in session.execute(
        _query().where(Visit.id.in_(list(visit_ids))))}
    townships = _townships(session)
    out = []
    for visit_id in visit_ids:
        if visit_id not in rows:
            visit = session.get(Visit, visit_id)
            code = ("print.not_found" if visit is None else
                    "print.deleted" if visit.deleted_at is not None else "print.not_finalized")
            raise PrintError(Message(code, {"id": visit_id}))
        out.append(_source(*rows[visit_id][1:], townships))
    return out


def sources_between(session: Session, start: dt.date, end: dt.date) -> list[RecordSource]:
    """Every finalized, undeleted visit dated from ``start`` to ``end`` (inclusive), by
    date, then organization name."""
    query = (_query().where(Visit.visit_date >= start, Visit.visit_date <= end)
             .order_by(Visit.visit_date, Organization.name, Visit.id))
    townships = _townships(session)
    return [_source(o, r, townships) for _v, o, r in session.execute(query)]


# -- the sheet ------------------------------------------------------------------------
@dataclass
class _Context:
    form: FormDefinition
    styles: Styles
    lang: str
    shown: frozenset[str]
    value_width: float

    def text(self, question: Question, value: Any) -> str:
        return answer_text(self.form, question, value, self.lang)


def _prefilled(form: FormDefinition) -> dict[str, Question]:
    """Register attribute -> the question prefilled from it."""
    out: dict[str, Question] = {}
    for question in form.questions():
        if question.prefill and question.prefill.startswith("register."):
            out.setdefault(question.prefill.removeprefix("register."), question)
    return out


def _block_questions(form: FormDefinition) -> dict[str, Question]:
    """The questions shown in the two blocks, by role."""
    roles: dict[str, Question] = {}
    for attr, question in _prefilled(form).items():
        if attr in ORG_FIELDS:
            roles[f"org_{attr}"] = question
    stats = form.stat_fields()
    for key in ("visit_date", "visit_result"):
        if key in stats:
            roles[key] = form.question(stats[key])
    for name in RESPONDENT_QUESTIONS:
        node = form.nodes.get(name)
        if isinstance(node, Question) and not node.repeats:
            roles[name] = node
    return roles


def _cell(ctx: _Context, text: str, width: float, style: Any = None) -> str | Paragraph:
    """Plain text when it fits on one line (much faster to lay out), else a paragraph."""
    style = style or ctx.styles.cell
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    return para(text, style)


def _grid_style(font: str, size: float, *, shade_first_col: bool = True,
                header: bool = False) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, size),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if shade_first_col:
        commands.append(("BACKGROUND", (0, 0), (0, -1), SHADE))
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    return TableStyle(commands)


def _block_table(ctx: _Context, pairs: list[tuple[str, str]]) -> Table:
    """Label/value pairs two to a row (label, value, label, value)."""
    total, _ = frame_size()
    label_w = 30 * mm
    value_w = total / 2 - label_w
    rows = []
    for i in range(0, len(pairs), 2):
        row: list[Any] = []
        for label, value in pairs[i : i + 2]:
            row += [_cell(ctx, label, label_w - 2 * CELL_PADDING),
                    _cell(ctx, value, value_w - 2 * CELL_PADDING)]
        rows.append(row + [""] * (4 - len(row)))
    table = Table(rows, colWidths=[label_w, value_w, label_w, value_w])
    style = _grid_style(ctx.styles.font.name, 9, shade_first_col=False)
    style.add("BACKGROUND", (0, 0), (0, -1), SHADE)
    style.add("BACKGROUND", (2, 0), (2, -1), SHADE)
    table.setStyle(style)
    return table


def _header_blocks(ctx: _Context, src: RecordSource, roles: dict[str, Question]
                   ) -> list[Flowable]:
    lang, answers = ctx.lang, src.answers
    none = render("print.record.none", lang)

    def answered(role: str, register_value: str | None = None) -> str:
        question = roles.get(role)
        if question is not None and not is_blank(answers.get(question.name)):
            return ctx.text(question, answers[question.name])
        if register_value and question is not None and question.is_select:
            return ctx.text(question, register_value)
        return register_value or none

    org = [
        (render("print.record.org_name", lang), answered("org_name", src.org_name)),
        (render("print.record.uscc", lang), answered("org_uscc", src.org_uscc)),
        (render("print.record.reg_type", lang), answered("org_reg_type", src.org_reg_type)),
        (render("print.record.address", lang), answered("org_address", src.org_address)),
    ]
    name, post = (ctx.text(roles[n], answers[n]) if n in roles and not is_blank(answers.get(n))
                  else "" for n in RESPONDENT_QUESTIONS)
    respondent = (render("print.record.respondent_post", lang, name=name, post=post)
                  if name and post else name or post or none)
    visit = [
        (render("print.record.visit_date", lang), answered("visit_date")),
        (render("print.record.officer", lang), src.officer or none),
        (render("print.record.township", lang), src.township or none),
        (render("print.record.result", lang), answered("visit_result")),
        (render("print.record.respondent", lang), respondent),
    ]
    return [
        Paragraph(render("print.record.org_heading", lang), ctx.styles.heading),
        _block_table(ctx, org),
        Paragraph(render("print.record.visit_heading", lang), ctx.styles.heading),
        _block_table(ctx, visit),
    ]


def _visible(ctx: _Context, question: Question, box: dict[str, Any]) -> bool:
    return (question.takes_input and question.type != "acknowledge"
            and question.name not in ctx.shown and not is_blank(box.get(question.name)))


def _group_flowables(ctx: _Context, group: Group, box: dict[str, Any]
                     ) -> Iterator[Flowable]:
    """A section's content: rows, sub-headings, tables and long paragraphs in form order."""
    rows: list[list[Any]] = []

    def flush() -> Iterator[Flowable]:
        if rows:
            table = Table(list(rows), colWidths=[LABEL_WIDTH, ctx.value_width])
            table.setStyle(_grid_style(ctx.styles.font.name, 9))
            rows.clear()
            yield table

    for node in group.children:
        if isinstance(node, Question):
            if not _visible(ctx, node, box):
                continue
            label, text = ctx.form.label(node.name, ctx.lang), ctx.text(node, box[node.name])
            if len(text) > LONG_ANSWER or "\n" in text:
                yield from flush()
                yield Paragraph(_esc(label), ctx.styles.label)
                yield from _long_text(text, ctx.styles)
                continue
            rows.append([_cell(ctx, label, LABEL_WIDTH - 2 * CELL_PADDING),
                         _cell(ctx, text, ctx.value_width - 2 * CELL_PADDING)])
        elif node.is_repeat:
            yield from flush()
            yield from _repeat_table(ctx, node, box)
        else:
            inner = list(_group_flowables(ctx, node, box))
            if inner:
                yield from flush()
                yield Paragraph(_esc(ctx.form.label(node.name, ctx.lang)),
                                ctx.styles.subheading)
                yield from inner
    yield from flush()


def _long_text(text: str, styles: Styles) -> Iterator[Flowable]:
    """One paragraph per line, so a very long note splits between pages anywhere."""
    for line in text.split("\n"):
        yield para(line or " ", styles.body)
    yield Spacer(1, 1.5 * mm)


def _repeat_table(ctx: _Context, group: Group, box: dict[str, Any]) -> Iterator[Flowable]:
    instances = box.get(group.name)
    if not isinstance(instances, list) or not instances:
        return
    columns = [n for n in group.children
               if not (isinstance(n, Question) and not n.takes_input)]
    rows_in = [(i, inst) for i, inst in enumerate(instances) if isinstance(inst, dict)]
    if not rows_in or not columns:
        return
    total, _ = frame_size()
    number_w = 9 * mm
    col_w = (total - number_w) / len(columns)
    header = [render("print.record.row_number", ctx.lang)] + [
        _cell(ctx, ctx.form.label(c.name, ctx.lang), col_w - 2 * CELL_PADDING)
        for c in columns]
    body = []
    for i, instance in rows_in:
        row: list[Any] = [str(i + 1)]
        for column in columns:
            if isinstance(column, Question):
                text = "" if is_blank(instance.get(column.name)) else ctx.text(
                    column, instance[column.name])
            else:  # a group or repeat inside the repeat: its answers as lines
                text = _nested_text(ctx, column, instance)
            row.append(_cell(ctx, text, col_w - 2 * CELL_PADDING))
        body.append(row)
    yield Paragraph(_esc(ctx.form.label(group.name, ctx.lang)), ctx.styles.subheading)
    table = Table([header, *body], colWidths=[number_w] + [col_w] * len(columns), repeatRows=1)
    table.setStyle(_grid_style(ctx.styles.font.name, 9, shade_first_col=False, header=True))
    yield table


def _nested_text(ctx: _Context, group: Group, instance: dict[str, Any]) -> str:
    sub_form_answers = {group.name: instance.get(group.name)} if group.is_repeat else instance
    names = {q.name for q in group.walk() if isinstance(q, Question)} | {group.name}
    picked = {k: v for k, v in sub_form_answers.items() if k in names}
    return "\n".join(f"{line.label}：{line.text}"
                     for line in answer_lines(ctx.form, picked, ctx.lang))


@dataclass
class RecordDecor:
    """Header on continuation pages; footer with id, revision, page, code and QR."""

    styles: Styles
    lang: str
    code: RecordCode
    org_name: str
    _qr: list[list[bool]] | None = None

    def draw(self, canvas: Canvas, size: tuple[float, float], page: int, pages: int) -> None:
        font = self.styles.font.name
        width, _height = size
        if page > 1:
            draw_header(canvas, size, self.styles.font,
                        render("print.record.continued", self.lang, name=self.org_name))
        if self._qr is None:  # encoded once per record, drawn on each of its pages
            self._qr = qr_matrix(self.code.qr_payload)
        qr_size = 20 * mm
        qr_x = width - MARGIN - qr_size
        draw_qr(canvas, self._qr, qr_x, MARGIN, qr_size)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.5)
        top = MARGIN + qr_size + 2.5 * mm
        canvas.line(MARGIN, top, width - MARGIN, top)
        canvas.setFillColor(MUTED)
        canvas.setFont(font, 8)
        canvas.drawString(MARGIN, MARGIN + 14 * mm,
                          render("print.record.footer_id", self.lang, id=self.code.visit_id))
        canvas.drawString(MARGIN, MARGIN + 9.5 * mm, render(
            "print.record.footer_revision", self.lang, revision=self.code.revision))
        canvas.drawString(MARGIN, MARGIN + 5 * mm, render("print.page_of", self.lang,
                                                          page=page, pages=pages))
        right = qr_x - 3 * mm
        canvas.setFont(font, 8)
        canvas.drawRightString(right, MARGIN + 14 * mm,
                               render("print.record.code_label", self.lang))
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(font, 13)
        canvas.drawRightString(right, MARGIN + 8 * mm, self.code.short)
        canvas.setFillColor(MUTED)
        canvas.setFont(font, 7)
        canvas.drawRightString(right, MARGIN + 3 * mm,
                               render("print.record.code_hint", self.lang))


def _subtitle(form: FormDefinition, lang: str) -> str:
    """The form's title and version; a form without a title in ``lang`` shows only its
    version (an English record carries no Chinese heading)."""
    title = form.title.get(lang, "")
    if not title:
        return render("print.record.subtitle_version", lang, version=form.version)
    return render("print.record.subtitle", lang, form=title, version=form.version)


def record_flowables(form: FormDefinition, src: RecordSource, styles: Styles, lang: str
                     ) -> tuple[RecordDecor, list[Flowable]]:
    """One record: its page decor and its content."""
    roles = _block_questions(form)
    total, _ = frame_size()
    ctx = _Context(form=form, styles=styles, lang=lang,
                   shown=frozenset(q.name for q in roles.values()),
                   value_width=total - LABEL_WIDTH)
    story: list[Flowable] = [
        Paragraph(_esc(render("print.record.title", lang)), styles.title),
        Paragraph(_esc(_subtitle(form, lang)), styles.subtitle),
        *_header_blocks(ctx, src, roles),
    ]
    # A section named like a heading already printed ("The visit" in English) goes on
    # under that heading rather than repeating it.
    headings = {render(f"print.record.{h}_heading", lang) for h in ("org", "visit")}
    sections: list[Flowable] = []
    loose: list[Question] = []
    for node in form.root.children:
        if isinstance(node, Group) and not node.is_repeat:
            content = list(_group_flowables(ctx, node, src.answers))
            heading = form.label(node.name, lang)
            if content and heading not in headings:
                sections.append(Paragraph(_esc(heading), styles.heading))
                headings.add(heading)
            sections.extend(content)
        elif isinstance(node, Group):
            sections.extend(_repeat_table(ctx, node, src.answers))
        else:
            loose.append(node)
    if loose:
        top = Group(name="", labels={}, children=tuple(loose))
        sections.extend(_group_flowables(ctx, top, src.answers))
    story += sections
    story.append(signature_block(styles, lang))
    code = record_code(src.visit_id, src.revision, src.answers)
    return RecordDecor(styles, lang, code, src.org_name), story


# -- writing ----------------------------------------------------------------------------
def write_visit_records(db: Database, form: FormDefinition, out_path: Path, *,
                        visit_ids: Sequence[str] | None = None,
                        date_range: tuple[dt.date, dt.date] | None = None,
                        lang: str = "zh", progress: Progress | None = None) -> PrintResult:
    """Print the records of ``visit_ids`` (in that order) or of every finalized visit
    dated within ``date_range`` into one PDF at ``out_path``, each record starting on a
    new page and numbered on its own.

    Raises :class:`PrintError` when there is nothing to print or a named visit cannot be
    printed, :class:`~fieldsurvey.progress.Cancelled` on cancel; neither leaves a file.
    """
    if (visit_ids is None) == (date_range is None):
        raise ValueError("give exactly one of visit_ids and date_range")
    progress = progress or NullProgress()
    stage = Message("print.stage_records")
    progress.report(0, None, stage)
    with db.sessions() as session:
        sources = (sources_for(session, visit_ids) if visit_ids is not None
                   else sources_between(session, *date_range))  # type: ignore[misc]
        # Each record with the definition of the version it was finalized on, when the
        # store has it (store.form_versions); else the form given.
        own = {v: stored_form(session, form.form_id, v)
               for v in {s.form_version for s in sources} if v != form.version}
    if not sources:
        raise PrintError(Message("print.nothing"))
    styles = make_styles()
    parts = []
    for index, src in enumerate(sources):
        if index % 50 == 0:
            check_cancelled(progress)
        parts.append(record_flowables(own.get(src.form_version) or form, src, styles, lang))
    story = parts_story(parts, len(parts), progress, stage)
    pages = build_pdf(out_path, story, title=render("print.record.title", lang))
    progress.report(len(parts), len(parts), stage)
    return PrintResult(records=len(parts), pages=pages, font=styles.font.name)


def write_visit_record(db: Database, form: FormDefinition, visit_id: str, out_path: Path, *,
                       lang: str = "zh", progress: Progress | None = None) -> PrintResult:
    """One visit's record sheet."""
    return write_visit_records(db, form, out_path, visit_ids=[visit_id], lang=lang,
                               progress=progress)
