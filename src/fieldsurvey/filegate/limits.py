"""How much each kind of file may hold before the gate refuses it.

The budget is what a hostile file may cost: refused or read in about 2 s and
200 MB. Registers are read whole by calamine, whose memory grows with the
cell *range* (rows x columns, empty cells included), so their range is capped
hard. Bundles carry up to a few hundred thousand visits and are signed; their
caps follow the design of 2026-11-21 (1 GiB a part, 2 GiB in all) and their
range must be backed by cells that are really there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    file_bytes: int          # the file on disk
    total_bytes: int         # all parts inflated
    part_bytes: int          # one part inflated
    ratio: int               # inflated / compressed, for parts above RATIO_FLOOR
    parts: int               # zip entries or OLE directory entries
    area: int                # rows x columns of one sheet, declared or actual
    declared_area: int       # what a sheet's <dimension ref> may claim
    sparse_area: int = 0     # beyond ``area``: allowed while area <= DENSITY x cells present


RATIO_FLOOR = 2**20  # small parts may compress extremely well; only big ones are suspect
DENSITY = 16
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
# The longest a single XML tag or text run in a sheet may be: a cell holds at most
# 32,767 characters (4 bytes each in UTF-8), so 4 MiB is far beyond any real one.
MAX_TOKEN = 4 * 2**20

# Excel counts cells that only carry formatting in the declared range, so a list
# whose columns were bordered to the bottom honestly declares more than it holds;
# calamine ignores the declaration, openpyxl (forms, through pyxform) iterates it.
# Memory is the binding constraint: calamine and the register's clean-up cost about
# 5 bytes of RSS per byte of sheet XML (the 50,000-row register: 24 MB of XML, 230 MB
# peak with the interpreter's 112 MB), and an empty range about 65 bytes a cell. So
# the range is capped at 1.2 million cells (50,000 organizations in 24 columns, or
# 100,000 in 12; 180 MB when empty), a sheet at 64 MiB of XML, and the ratio at 50
# (Excel, WPS and openpyxl sheets deflate about 10:1).
REGISTER = Limits(file_bytes=64 * 2**20, total_bytes=96 * 2**20, part_bytes=64 * 2**20,
                  ratio=50, parts=2_000, area=1_200_000, declared_area=16_000_000)
BUNDLE = Limits(file_bytes=2 * 2**30, total_bytes=2 * 2**30, part_bytes=2**30,
                ratio=200, parts=10_000, area=2_000_000,
                declared_area=64_000_000, sparse_area=64_000_000)
FORM = Limits(file_bytes=16 * 2**20, total_bytes=128 * 2**20, part_bytes=64 * 2**20,
              ratio=100, parts=1_000, area=1_000_000,
              declared_area=1_000_000)
