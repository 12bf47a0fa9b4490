"""The Chinese font every printed page uses, found once per process.

A TrueType (or TrueType-flavoured TTC) CJK font is embedded as a subset: the PDF
then shows the same glyphs on any viewer and printer. reportlab cannot embed
CFF-flavoured OpenType (Noto Sans CJK ``.otf``/``.ttc``), so those are skipped.
When no usable file is found, reportlab's built-in ``STSong-Light`` CID font is
used: it is not embedded (the viewer substitutes a Song face from its Adobe-GB1
fonts), which every PDF reader in China handles, but the page then looks a
little different from printer to printer. A log line always says which font
was chosen and why.

Search order: ``FIELDSURVEY_PDF_FONT`` (a path, optionally ``path#index`` for a
TTC subfont; when set, it is the only candidate, so a test or an officer can
force the fallback), then fonts shipped in ``resources/fonts/``, then the
platform's usual places.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from fieldsurvey.resources import resource

log = logging.getLogger(__name__)

ENV_FONT = "FIELDSURVEY_PDF_FONT"
FALLBACK_CID_FONT = "STSong-Light"
# A font must map all of these or it is not a Chinese font we can print with (a
# Japanese-only or Latin font would print boxes). "□" is the checkbox of the paper
# form: U+2610 ☐ is missing from WenQuanYi and SimSun, U+25A1 is in GB2312.
REQUIRED_CHARS = "走访记录单位工会组织情况□（）：“”、"

_WINDOWS_FONTS = ("simsun.ttc", "msyh.ttc", "msyh.ttf", "simhei.ttf", "simkai.ttf",
                  "simfang.ttf", "Deng.ttf")
_LINUX_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)  # fmt: skip
_MAC_FONTS = (
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
)  # fmt: skip


@dataclass(frozen=True)
class PdfFont:
    """The font registered with reportlab, by the name styles refer to."""

    name: str
    kind: Literal["truetype", "cid"]
    path: Path | None = None
    subfont: int = 0

    @property
    def embedded(self) -> bool:
        return self.kind == "truetype"


@dataclass(frozen=True)
class Candidate:
    path: Path
    subfont: int = 0


def parse_candidate(value: str) -> Candidate:
    """``path`` or ``path#index`` (the subfont of a TrueType collection)."""
    path, sep, index = value.rpartition("#")
    if sep and index.isdigit():
        return Candidate(Path(path), int(index))
    return Candidate(Path(value))


def system_candidates(platform: str = sys.platform) -> list[Candidate]:
    """The usual CJK TrueType files of ``platform``, best first."""
    if platform.startswith("win"):
        folder = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return [Candidate(folder / name) for name in _WINDOWS_FONTS]
    if platform == "darwin":
        return [Candidate(Path(p)) for p in _MAC_FONTS]
    return [Candidate(Path(p)) for p in _LINUX_FONTS]


def shipped_candidates() -> list[Candidate]:
    """Fonts shipped in ``resources/fonts/`` (none today; the slot exists for packagers)."""
    try:
        folder = resource("fonts")
    except FileNotFoundError:
        return []
    if not folder.is_dir():
        return []
    return [Candidate(p) for p in sorted(folder.iterdir())
            if p.suffix.lower() in (".ttf", ".ttc")]


def candidates() -> list[Candidate]:
    """Where to look, in order (only the override when it is set)."""
    override = os.environ.get(ENV_FONT, "").strip()
    if override:
        return [parse_candidate(override)]
    return shipped_candidates() + system_candidates()


def _registered_name(candidate: Candidate) -> str:
    """One reportlab name per file and subfont: reportlab's registry is per process."""
    stem = "".join(c for c in candidate.path.stem if c.isascii() and c.isalnum())
    return f"FS-{stem}-{candidate.subfont}"


def _load(candidate: Candidate) -> TTFont | None:
    """The font at ``candidate`` if reportlab can embed it and it covers Chinese."""
    if not candidate.path.is_file():
        return None
    try:
        font = TTFont(_registered_name(candidate), str(candidate.path),
                      subfontIndex=candidate.subfont)
    except (TTFError, OSError, ValueError, IndexError) as exc:
        # CFF outlines (Noto CJK), a damaged file, a subfont that does not exist.
        log.info("PDF font %s#%d not usable: %s", candidate.path, candidate.subfont, exc)
        return None
    mapped = font.face.charToGlyph
    missing = [c for c in REQUIRED_CHARS if ord(c) not in mapped]
    if missing:
        log.info("PDF font %s#%d lacks %s", candidate.path, candidate.subfont, "".join(missing))
        return None
    return font


@cache
def _choose(search: tuple[Candidate, ...]) -> PdfFont:
    for candidate in search:
        font = _load(candidate)
        if font is not None:
            pdfmetrics.registerFont(font)
            log.info("PDF font: %s (subfont %d), embedded as a TrueType subset",
                     candidate.path, candidate.subfont)
            return PdfFont(font.fontName, "truetype", candidate.path, candidate.subfont)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID_FONT))
    log.warning("PDF font: no embeddable CJK TrueType font found (looked at %s); using "
                "reportlab's built-in %s, which PDF viewers substitute and do not embed",
                ", ".join(str(c.path) for c in search) or "nothing", FALLBACK_CID_FONT)
    return PdfFont(FALLBACK_CID_FONT, "cid")


def pdf_font() -> PdfFont:
    """The font to print with, registered with reportlab (found once per search list)."""
    return _choose(tuple(candidates()))
