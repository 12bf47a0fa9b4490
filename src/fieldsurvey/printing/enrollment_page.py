"""The officer's printable enrollment page: the key fingerprint, large, to read aloud.

The words are ``identity.enrollment_card_text``'s, so the page and the screen say the
same; only the fingerprint lines (groups of four digits) are set large and spaced,
because the county checks them digit by digit on the phone.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from fieldsurvey.identity.enrollment import (
    enrollment_card_text,
    fingerprint_lines,
    suggested_card_name,
)
from fieldsurvey.identity.records import PublicIdentity
from fieldsurvey.messages import render
from fieldsurvey.printing.layout import (
    FOOTER_SMALL,
    GRID,
    PageNumberDecor,
    Styles,
    build_pdf,
    frame_size,
    make_styles,
    para,
    parts_story,
)


def enrollment_story(public: PublicIdentity, styles: Styles, lang: str) -> list[Flowable]:
    lines = enrollment_card_text(public, lang)
    prints = fingerprint_lines(public.fingerprint)
    first = lines.index(prints[0])
    title, details = lines[0], lines[1 : first - 1]
    heading, after = lines[first - 1], lines[first + len(prints) :]
    width, _ = frame_size(footer=FOOTER_SMALL)
    box = Table([[para(line, styles.large)] for line in prints], colWidths=[width * 0.8])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, GRID),
                             ("FONT", (0, 0), (-1, -1), styles.font.name, 10),
                             ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm)]))
    story: list[Flowable] = [para(title, styles.title), Spacer(1, 6 * mm)]
    story += [para(line, styles.body) for line in details]
    story += [Spacer(1, 6 * mm), para(heading, styles.heading), Spacer(1, 2 * mm), box,
              Spacer(1, 6 * mm)]
    # How the card file travels goes just above the signature line: the page is what
    # the officer keeps at hand, and the county needs the file, not only the paper.
    send = render("card.send_how", lang, file=suggested_card_name(public))
    for line in [*after[:-1], send, *after[-1:]]:
        story += [para(line, styles.body), Spacer(1, 4 * mm)]
    return story


def write_enrollment_page(public: PublicIdentity, out_path: Path, *, lang: str = "zh") -> int:
    """Write the enrollment page (A4 portrait) atomically; returns the number of pages."""
    styles = make_styles()
    decor = PageNumberDecor(styles.font, lang)
    story = enrollment_story(public, styles, lang)
    return build_pdf(out_path, parts_story([(decor, story)], 1), title=story_title(public, lang),
                     footer=FOOTER_SMALL)


def story_title(public: PublicIdentity, lang: str) -> str:
    return enrollment_card_text(public, lang)[0]
