"""The blank paper form, generated from the form definition, for days without a laptop.

Every question an officer answers is printed in form order with a number, so the
paper can be keyed in later question by question: numbered 1, 2, 3 … across the
whole form; a repeat (the leadership roster) takes one number and its columns are
numbered within it (24.1, 24.2 …) over an empty table. Choices are boxes to tick
(□, U+25A1: in every Chinese font, unlike ☐), other answers get a box to write in
(18 character boxes for a unified social credit code), dates a year/month/day line.
Hints are printed under the label. Skip instructions come from the ``relevant``
column, in words (see :mod:`fieldsurvey.printing.conditions`), with the number of
the question to go to.

Left out on purpose: notes (they speak to the screen: "prefilled from the register",
"these sections are skipped") and calculations (nobody fills them in).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from fieldsurvey.forms.expr import Expression
from fieldsurvey.forms.model import FormDefinition, Group, InputType, Question, pick_label
from fieldsurvey.messages import Message, render
from fieldsurvey.printing.conditions import Wording, instruction
from fieldsurvey.printing.layout import (
    FOOTER_SMALL,
    GRID,
    SHADE,
    PageNumberDecor,
    Styles,
    build_pdf,
    form_title,
    frame_size,
    make_styles,
    para,
    parts_story,
    signature_block,
)
from fieldsurvey.progress import NullProgress, Progress, check_cancelled

#: Empty rows printed for a repeat (the roster): enough for a typical union committee.
REPEAT_ROWS = 6
CHECKBOX = "□"
USCC_LENGTH = 18


@dataclass(frozen=True)
class BlankQuestion:
    number: str  # "12", or "24.1" for a column of repeat 24
    name: str
    label: str
    hint: str
    type: InputType
    choices: tuple[str, ...]
    instruction: str  # "" when the question is always asked
    appearance: frozenset[str] = frozenset()
    code_boxes: int = 0  # character boxes (USCC) instead of a free box


@dataclass(frozen=True)
class BlankHeading:
    level: int  # 1: a section (top-level group); 2: a group inside one
    name: str
    label: str
    instruction: str


@dataclass(frozen=True)
class BlankRepeat:
    number: str
    name: str
    label: str
    instruction: str
    columns: tuple[BlankQuestion, ...]
    rows: int


BlankItem = BlankHeading | BlankQuestion | BlankRepeat


def _asked(node: Question) -> bool:
    return node.takes_input


def _numbering(form: FormDefinition) -> tuple[dict[str, str], dict[str, int]]:
    """Printed number of every asked question, and the last top-level number per node."""
    numbers: dict[str, str] = {}
    last: dict[str, int] = {}
    counter = 0

    def columns(group: Group, prefix: int, sub: list[int]) -> None:
        for node in group.children:
            if isinstance(node, Group):
                columns(node, prefix, sub)
            elif _asked(node):
                sub[0] += 1
                numbers[node.name] = f"{prefix}.{sub[0]}"

    def walk(group: Group) -> None:
        nonlocal counter
        for node in group.children:
            if isinstance(node, Group) and node.is_repeat:
                counter += 1
                numbers[node.name] = str(counter)
                columns(node, counter, [0])
            elif isinstance(node, Group):
                walk(node)
            elif _asked(node):
                counter += 1
                numbers[node.name] = str(counter)
            last[node.name] = counter

    walk(form.root)
    return numbers, last


def _label(form: FormDefinition, labels: Any, lang: str, fallback: str) -> str:
    return pick_label(labels, lang, form.default_language) or fallback


def _code_boxes(question: Question) -> int:
    """A USCC question gets one box per character."""
    constraint = question.constraint
    return USCC_LENGTH if constraint is not None and "uscc-valid" in constraint.functions else 0


def blank_form_items(form: FormDefinition, lang: str, repeat_rows: int = REPEAT_ROWS
                     ) -> list[BlankItem]:
    """What the paper form prints, in form order (the tests read this and the PDF)."""
    numbers, last = _numbering(form)
    total = max((int(n) for n in numbers.values() if "." not in n), default=0)
    wording = Wording(form, numbers, lang)

    def words(expr: Expression | None, node_name: str, block: bool,
              first: str | None = None) -> str:
        if expr is None:
            return ""
        after = last.get(node_name, 0) + 1
        target = str(after) if after <= total else None
        run = (first, numbers[node_name]) if first not in (None, numbers.get(node_name)) \
            else None
        return instruction(expr, wording, target=target, block=block, run=run)

    def question(node: Question, block_name: str | None = None,
                 said: str | None = None) -> BlankQuestion:
        choices = tuple(form.choice_labels(node.list_name, lang).values()) \
            if node.is_select and node.list_name else ()
        return BlankQuestion(
            number=numbers[node.name], name=node.name, label=form.label(node.name, lang),
            hint=_label(form, node.hints, lang, ""), type=node.type, choices=choices,
            instruction=said if said is not None else words(node.relevant,
                                                            block_name or node.name, False),
            appearance=node.appearance, code_boxes=_code_boxes(node))

    def runs(children: Sequence[Question]) -> list[list[Question]]:
        """Consecutive questions with the same condition: it is printed once for them."""
        out: list[list[Question]] = []
        for q in children:
            same = (out and q.relevant is not None and out[-1][-1].relevant is not None
                    and out[-1][-1].relevant.source == q.relevant.source)
            if same:
                out[-1].append(q)
            else:
                out.append([q])
        return out

    def walk(group: Group, level: int) -> Iterator[BlankItem]:
        pending: list[Question] = []

        def flush() -> Iterator[BlankItem]:
            for run in runs(pending):
                said = words(run[0].relevant, run[-1].name, False, numbers[run[0].name])
                yield question(run[0], said=said)
                yield from (question(q, said="") for q in run[1:])
            pending.clear()

        for node in group.children:
            if isinstance(node, Question):
                if node.name in numbers:
                    pending.append(node)
                continue
            yield from flush()
            if not any(isinstance(n, Question) and n.name in numbers for n in node.walk()):
                continue  # only notes or calculations: nothing to fill in
            label = form.label(node.name, lang)
            if node.is_repeat:
                cols = tuple(question(q, node.name) for q in node.walk()
                             if isinstance(q, Question) and q.name in numbers)
                yield BlankRepeat(numbers[node.name], node.name, label,
                                  words(node.relevant, node.name, True), cols, repeat_rows)
            else:
                yield BlankHeading(level, node.name, label,
                                   words(node.relevant, node.name, True))
                yield from walk(node, level + 1)
        yield from flush()

    return list(walk(form.root, 1))


# -- rendering -----------------------------------------------------------------------------
def _instruction_style(styles: Styles) -> ParagraphStyle:
    # Always followed by what it speaks about, so never left alone at a page's foot.
    return ParagraphStyle("instruction", parent=styles.body, fontSize=9, leading=12.5,
                          backColor=SHADE, borderPadding=2,
                          spaceBefore=1.5, spaceAfter=2.5, leftIndent=2, rightIndent=2,
                          keepWithNext=1)


def _box(width: float, height: float, font: str) -> Table:
    table = Table([[""]], colWidths=[width], rowHeights=[height])
    # A FONT even for empty cells: else reportlab names Helvetica (not embedded) on the page.
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, GRID),
                               ("FONT", (0, 0), (-1, -1), font, 9)]))
    table.hAlign = "LEFT"
    return table


def _char_boxes(count: int, font: str) -> Table:
    table = Table([[""] * count], colWidths=[6.5 * mm] * count, rowHeights=[8 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, GRID),
                               ("FONT", (0, 0), (-1, -1), font, 9)]))
    table.hAlign = "LEFT"
    return table


def _choices_table(choices: Sequence[str], styles: Styles, width: float) -> Table:
    """Tick boxes in as many columns as the longest label allows (at most four)."""
    font, size = styles.body.fontName, styles.body.fontSize
    widest = max(stringWidth(f"{CHECKBOX}  {c}", font, size) for c in choices) + 8 * mm
    per_row = max(1, min(4, int(width // widest)))
    col_w = width / per_row
    # Paragraphs, for a box larger than the text (the glyph is small in most fonts).
    cells: list[Any] = [Paragraph(f'<font size="{size + 4}">{CHECKBOX}</font> {escape(c)}',
                                  styles.body) for c in choices]
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    table = Table(rows, colWidths=[col_w] * per_row)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, size),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    table.hAlign = "LEFT"
    return table


def _answer_area(q: BlankQuestion, styles: Styles, lang: str, width: float) -> Flowable:
    if q.choices:
        return _choices_table(q.choices, styles, width)
    if q.type == "acknowledge":
        return para(f"{CHECKBOX} {render('print.blank.acknowledge', lang)}", styles.body)
    if q.type in ("date", "datetime"):
        return para(render("print.blank.date", lang), styles.body)
    font = styles.font.name
    if q.code_boxes:
        return _char_boxes(q.code_boxes, font)
    if q.type in ("integer", "decimal"):
        return _box(45 * mm, 8 * mm, font)
    if q.type == "time":
        return _box(30 * mm, 8 * mm, font)
    return _box(width, 22 * mm if "multiline" in q.appearance else 8 * mm, font)


def _question_flowables(q: BlankQuestion, styles: Styles, lang: str, width: float
                        ) -> Flowable:
    suffix = (render("print.blank.single", lang) if q.type == "select_one" else
              render("print.blank.multiple", lang) if q.type == "select_multiple" else "")
    if suffix.strip("（）() ") in q.label:
        suffix = ""  # the label says it already: "原因（可多选）"
    parts: list[Flowable] = [para(f"{q.number}. {q.label}{suffix}", styles.body)]
    if q.hint:
        parts.append(para(q.hint, styles.small))
    if q.instruction:
        parts.append(para("→ " + q.instruction, _instruction_style(styles)))
    parts += [Spacer(1, 1 * mm), _answer_area(q, styles, lang, width), Spacer(1, 3 * mm)]
    return KeepTogether(parts)


def _repeat_flowables(r: BlankRepeat, styles: Styles, lang: str, width: float
                      ) -> list[Flowable]:
    out: list[Flowable] = [
        para(f"{r.number}. {r.label}{render('print.blank.repeat_rows', lang, rows=r.rows)}",
             styles.body)]
    if r.instruction:
        out.append(para("→ " + r.instruction, _instruction_style(styles)))
    number_w = 8 * mm
    col_w = (width - number_w) / max(1, len(r.columns))
    header: list[Any] = [""] + [para(f"{c.number} {c.label}", styles.small) for c in r.columns]
    cell: list[Any] = []
    for c in r.columns:
        if c.choices:
            cell.append(para("　".join(f"{CHECKBOX}{x}" for x in c.choices), styles.small))
        else:
            cell.append("")
    tallest = max((p.wrap(col_w - 6, 1000)[1] for p in cell if isinstance(p, Paragraph)),
                  default=0)
    row_h = max(9 * mm, tallest + 6)
    rows = [header] + [[str(i), *cell] for i in range(1, r.rows + 1)]
    table = Table(rows, colWidths=[number_w] + [col_w] * len(r.columns), repeatRows=1,
                  rowHeights=[None] + [row_h] * r.rows)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), styles.font.name, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    out += [Spacer(1, 1 * mm), table, Spacer(1, 3 * mm)]
    return out


def blank_form_story(form: FormDefinition, styles: Styles, lang: str,
                     repeat_rows: int = REPEAT_ROWS,
                     progress: Progress | None = None) -> list[Flowable]:
    progress = progress or NullProgress()
    width, _ = frame_size(footer=FOOTER_SMALL)
    story: list[Flowable] = [
        para(render("print.blank.title", lang, title=form_title(form, lang)), styles.title),
        para(render("print.record.subtitle", lang, form=form.form_id, version=form.version),
             styles.subtitle),
        para(render("print.blank.intro", lang), styles.small),
        Spacer(1, 2 * mm),
    ]
    for item in blank_form_items(form, lang, repeat_rows):
        check_cancelled(progress)
        if isinstance(item, BlankHeading):
            heading = styles.heading if item.level == 1 else styles.subheading
            story.append(para(item.label, heading))
            if item.instruction:
                story.append(para("→ " + item.instruction, _instruction_style(styles)))
        elif isinstance(item, BlankRepeat):
            story += _repeat_flowables(item, styles, lang, width)
        else:
            story.append(_question_flowables(item, styles, lang, width))
    story.append(signature_block(styles, lang))
    return story


def write_blank_form(form: FormDefinition, out_path: Path, *, lang: str = "zh",
                     repeat_rows: int = REPEAT_ROWS, progress: Progress | None = None) -> int:
    """Write the paper form to ``out_path`` (atomically); returns the number of pages."""
    progress = progress or NullProgress()
    stage = Message("print.stage_blank")
    progress.report(0, 1, stage)
    styles = make_styles()
    decor = PageNumberDecor(styles.font, lang, header=render(
        "print.blank.header", lang, title=form_title(form, lang), version=form.version))
    story = blank_form_story(form, styles, lang, repeat_rows, progress)
    pages = build_pdf(out_path, parts_story([(decor, story)], 1, progress, stage),
                      title=render("print.blank.title", lang, title=form_title(form, lang)),
                      footer=FOOTER_SMALL)
    progress.report(1, 1, stage)
    return pages
