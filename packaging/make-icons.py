"""Render the application icons from ``packaging/icons/fieldsurvey.svg``.

Writes ``icons/png/fieldsurvey-<size>.png`` (16 to 256 px, for Linux and the
window icon), ``icons/fieldsurvey.ico`` (Windows: executable, installer,
shortcuts) and ``icons/fieldsurvey.icns`` (the macOS bundle). The outputs are
committed, so building on Windows or macOS needs no SVG renderer.

The SVG is rendered by QtSvg, which PySide6-Essentials already ships: every
size is drawn from the vector, not scaled from one bitmap, and no new
dependency (cairosvg would need the cairo C library) is added. Pillow (a
dependency of reportlab) packs the ICO and ICNS files.

Run from the repository root: ``.venv/bin/python packaging/make-icons.py``.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

# A packaging tool, not part of fieldsurvey: the core's Qt ban does not apply here.
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: TID251
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: TID251
from PySide6.QtSvg import QSvgRenderer  # noqa: TID251

ICONS = Path(__file__).resolve().parent / "icons"
SOURCE = ICONS / "fieldsurvey.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(data.data())).convert("RGBA")


def main() -> int:
    QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    images = {size: render(renderer, size) for size in {*PNG_SIZES, *ICO_SIZES, *ICNS_SIZES}}
    png_dir = ICONS / "png"
    png_dir.mkdir(exist_ok=True)
    for size in PNG_SIZES:
        images[size].save(png_dir / f"fieldsurvey-{size}.png", optimize=True)
    # Each size is its own rendering (append_images), not a scaled-down 256 px image.
    largest = max(ICO_SIZES)
    images[largest].save(ICONS / "fieldsurvey.ico", sizes=[(s, s) for s in ICO_SIZES],
                         append_images=[images[s] for s in ICO_SIZES if s != largest])
    largest = max(ICNS_SIZES)
    images[largest].save(ICONS / "fieldsurvey.icns",
                         append_images=[images[s] for s in ICNS_SIZES if s != largest])
    print(f"wrote {len(PNG_SIZES)} PNG files, fieldsurvey.ico and fieldsurvey.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
