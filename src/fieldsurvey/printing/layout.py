"""The page layout every printed document shares: A4, styles, footers, atomic output.

A document is a list of *parts* (one visit record, the whole blank form, ...).
Each part starts on a new page with :class:`StartPart`, which names the part's
:class:`PageDecor`; the decor draws the header and footer of each of the part's
pages once the whole document is laid out, so it knows "page x of y" *within
the part*. That is what a batch of visit records needs (each record numbered
on its own), and it costs one layout pass instead of the usual two: pages are
kept until :meth:`_DeferredCanvas.save`, then decorated and written.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from fieldsurvey.atomic import write_atomically
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.messages import Message, render
from fieldsurvey.printing.errors import PrintError
from fieldsurvey.printing.fonts import PdfFont, pdf_font
from fieldsurvey.progress import Cancelled, NullProgress, Progress

# Streams are zlib-compressed either way; ASCII85 on top only makes them 25% larger and
# took a tenth of a batch's time (reportlab encodes it in Python).
rl_config.useA85 = 0

MARGIN = 15 * mm
# Room under the frame for the footer: a visit record's holds a QR code, the other
# documents' only "page x of y".
FOOTER_HEIGHT = 26 * mm
FOOTER_SMALL = 8 * mm
HEADER_HEIGHT = 8 * mm
GRID = colors.Color(0.55, 0.55, 0.55)
SHADE = colors.Color(0.93, 0.93, 0.93)
MUTED = colors.Color(0.35, 0.35, 0.35)


@dataclass(frozen=True)
class Styles:
    font: PdfFont
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    small: ParagraphStyle
    large: ParagraphStyle


def make_styles(font: PdfFont | None = None) -> Styles:
    """Paragraph styles in the Chinese font; CJK wrapping breaks between any characters."""
    font = font or pdf_font()

    def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font.name, fontSize=size, leading=leading,
                              wordWrap="CJK", **extra)

    return Styles(
        font=font,
        title=style("title", 16, 22, alignment=TA_CENTER, spaceAfter=2 * mm),
        subtitle=style("subtitle", 9, 12, alignment=TA_CENTER, textColor=MUTED,
                       spaceAfter=3 * mm),
        # Headings keep with what follows: none ends a page alone.
        heading=style("heading", 11.5, 16, spaceBefore=3.5 * mm, spaceAfter=1.5 * mm,
                      keepWithNext=1),
        subheading=style("subheading", 10, 14, spaceBefore=2 * mm, spaceAfter=1 * mm,
                         keepWithNext=1),
        body=style("body", 9.5, 13.5),
        label=style("label", 9, 12.5, textColor=MUTED),
        cell=style("cell", 9, 12.5),
        small=style("small", 8, 10.5, textColor=MUTED),
        large=style("large", 22, 32, alignment=TA_CENTER),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class PageDecor(Protocol):
    """Draws what surrounds the frame on each page of one part."""

    def draw(self, canvas: Canvas, size: tuple[float, float], page: int, pages: int) -> None:
        """``page`` of ``pages`` within the part, both counted from 1; ``size`` the page's."""


@dataclass
class PageNumberDecor:
    """A centred "page x of y" footer and, optionally, a running header."""

    font: PdfFont
    lang: str
    header: str = ""

    def draw(self, canvas: Canvas, size: tuple[float, float], page: int, pages: int) -> None:
        width, _height = size
        draw_header(canvas, size, self.font, self.header)
        canvas.setFont(self.font.name, 8.5)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(width / 2, MARGIN,
                                 render("print.page_of", self.lang, page=page, pages=pages))


def draw_header(canvas: Canvas, size: tuple[float, float], font: PdfFont, text: str) -> None:
    if not text:
        return
    width, height = size
    canvas.setFont(font.name, 8)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN, height - MARGIN + 2 * mm, text)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, height - MARGIN + 0.5 * mm, width - MARGIN, height - MARGIN + 0.5 * mm)


class StartPart(Flowable):
    """Zero-size marker: the pages from here on belong to a new part.

    It also reports progress and honours cancel: it is drawn once per part while
    the document is laid out, which is where the time goes.
    """

    def __init__(self, decor: PageDecor, index: int, total: int, progress: Progress,
                 stage: Message | None) -> None:
        super().__init__()
        self.decor, self.index, self.total = decor, index, total
        self.progress, self.stage = progress, stage
        self.width = self.height = 0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        if self.progress.cancelled():
            raise Cancelled
        self.progress.report(self.index, self.total, self.stage)
        self.canv._fs_part = self.decor  # type: ignore[attr-defined]


@dataclass
class Outcome:
    pages: int = 0


class _DeferredCanvas(Canvas):
    """Keeps every page until the end, then lets each part's decor draw on it."""

    def __init__(self, *args: Any, outcome: Outcome, size: tuple[float, float],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fs_outcome, self._fs_size = outcome, size
        self._fs_part: PageDecor | None = None
        self._fs_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._fs_pages.append(dict(self.__dict__))
        # What Canvas.showPage does after writing a page, minus the writing (reportlab's
        # own "page x of y" recipe; the stubs do not list this private method).
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        parts = [state["_fs_part"] for state in self._fs_pages]
        totals: dict[int, int] = {}
        for part in parts:
            totals[id(part)] = totals.get(id(part), 0) + 1
        seen: dict[int, int] = {}
        for state, part in zip(self._fs_pages, parts, strict=True):
            self.__dict__.update(state)
            seen[id(part)] = seen.get(id(part), 0) + 1
            if part is not None:
                self.saveState()
                part.draw(self, self._fs_size, seen[id(part)], totals[id(part)])
                self.restoreState()
            Canvas.showPage(self)
        self._fs_outcome.pages = len(self._fs_pages)
        self._fs_pages.clear()
        Canvas.save(self)


def frame_size(pagesize: tuple[float, float] = A4, footer: float = FOOTER_HEIGHT
               ) -> tuple[float, float]:
    width, height = pagesize
    return width - 2 * MARGIN, height - 2 * MARGIN - footer - HEADER_HEIGHT


def build_pdf(path: Path, story: Sequence[Flowable], *, title: str,
              pagesize: tuple[float, float] = A4, footer: float = FOOTER_HEIGHT) -> int:
    """Lay ``story`` out on A4 and write it to ``path`` atomically; returns the page count.

    ``story`` must start with a :class:`StartPart`. Raises :class:`Cancelled` (leaving
    no file) if a part's progress was cancelled, :class:`PrintError` if the file could
    not be written.
    """
    outcome = Outcome()
    width, height = pagesize
    frame_w, frame_h = frame_size(pagesize, footer)
    frame = Frame(MARGIN, MARGIN + footer, frame_w, frame_h, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)

    def make_canvas(*args: Any, **kwargs: Any) -> Canvas:
        return _DeferredCanvas(*args, outcome=outcome, size=pagesize, **kwargs)

    def write(fh: IO[bytes]) -> None:
        doc = BaseDocTemplate(fh, pagesize=pagesize, title=title, author="fieldsurvey",
                              creator="fieldsurvey",
                              # Else every page names Helvetica, which is not embedded.
                              initialFontName=pdf_font().name,
                              leftMargin=MARGIN, rightMargin=MARGIN,
                              topMargin=MARGIN, bottomMargin=MARGIN,
                              pageTemplates=[PageTemplate("page", [frame],
                                                          pagesize=(width, height))])
        doc.build(list(story), canvasmaker=make_canvas)

    try:
        write_atomically(path, write)
    except Cancelled:
        raise
    except OSError as exc:
        raise PrintError(Message("print.write_failed", {
            "path": str(path), "detail": exc.strerror or type(exc).__name__})) from None
    return outcome.pages


def landscape_a4() -> tuple[float, float]:
    return landscape(A4)


def parts_story(parts: Iterable[tuple[PageDecor, list[Flowable]]], total: int,
                progress: Progress | None = None, stage: Message | None = None,
                ) -> list[Flowable]:
    """One story of several parts, each starting on a new page."""
    progress = progress or NullProgress()
    story: list[Flowable] = []
    for index, (decor, flowables) in enumerate(parts):
        if story:
            story.append(PageBreak())
        story.append(StartPart(decor, index, total, progress, stage))
        story.extend(flowables)
    return story


def signature_block(styles: Styles, lang: str) -> Flowable:
    """被走访单位负责人 / 走访人 signature lines with dates, kept on one page."""
    total, _ = frame_size()
    line = render("print.record.date_line", lang)
    rows = [[render("print.record.sign_org", lang), render("print.record.sign_officer", lang)],
            [line, line]]
    table = Table(rows, colWidths=[total / 2, total / 2], rowHeights=[16 * mm, 8 * mm])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), styles.font.name, 10),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    return KeepTogether([Spacer(1, 6 * mm), table])



# -- QR codes --------------------------------------------------------------------------
QR_MASK = 0

# The Reed-Solomon generator polynomial depends only on the number of error correction
# bytes, yet reportlab rebuilds it for every block of every code: a third of the encoding
# time. It is a pure function of its argument and its result is never modified (``mod``
# builds new polynomials), so remembering it changes nothing but the time.
_rs_generator = qrencoder.QRUtil.getErrorCorrectPolynomial
if not hasattr(_rs_generator, "cache_info"):
    qrencoder.QRUtil.getErrorCorrectPolynomial = staticmethod(  # type: ignore[method-assign]
        functools.cache(_rs_generator))


def qr_matrix(payload: str) -> list[list[bool]]:
    """The modules of a QR code for ``payload`` (error correction M), True = dark.

    reportlab's own encoder (the one its QR widget wraps). Its automatic mask choice
    tries all eight masks and costs 7 ms a code, half the budget of a 1,000-record
    batch; any mask is valid and every decoder reads it, so one fixed mask is used.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()  # type: ignore[no-untyped-call]
    code.makeImpl(False, QR_MASK)
    return [list(row) for row in code.modules]


def draw_qr(canvas: Canvas, matrix: Sequence[Sequence[bool]], x: float, y: float,
            size: float) -> None:
    """Draw ``matrix`` as a ``size`` square with its lower left corner at (x, y).

    The modules are drawn in a coordinate system of one unit per module, each row's
    runs of dark modules as one rectangle with integer coordinates, written as literal
    path operators: going through reportlab's path object formats every number in
    Python and cost a fifth of a 1,000-record batch.
    """
    count = len(matrix)
    ops: list[str] = []
    for r, row in enumerate(matrix):
        bottom = count - 1 - r
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                ops.append(f"{start} {bottom} {c - start} 1 re")
            else:
                c += 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / count, size / count)
    canvas.setFillColor(colors.black)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()


def form_title(form: FormDefinition, lang: str) -> str:
    """The form's title in ``lang``; a form titled only in Chinese gets a generic English
    one, so that an English page carries no Chinese heading."""
    return form.title.get(lang) or render("print.form_title", lang)
