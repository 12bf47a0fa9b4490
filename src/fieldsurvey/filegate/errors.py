"""What the gate says when it refuses a file: a reason and what it found.

The reason is a message code in ``resources/i18n/*/filegate.toml``; callers
with their own vocabulary (a bundle's verdict, a register's error) map it, so
one set of checks serves every kind of file without one set of words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from fieldsurvey.messages import Message

Reason = Literal[
    "not_found",      # no such file
    "unreadable",     # the operating system refused (a folder, permissions)
    "too_large",      # the file itself is over the size for its kind
    "not_a_workbook", # neither a zip nor an OLE container nor text of the expected kind
    "corrupt",        # starts right but cannot be read to the end
    "bomb",           # unpacks to far more than it holds, or to too much
    "too_many_parts", # more entries than any real file of its kind has
    "bad_part_name",  # duplicate, absolute, "..", backslash or control characters
    "dtd",            # a DTD or entity declaration (XXE, billion laughs)
    "sheet_too_large",  # declared or actual cell range too large to allocate
    "encrypted",      # password protection
    "macro",          # VBA project, macro sheets
    "external_link",  # links to other workbooks
    "active_content", # data connections, ActiveX, embedded objects
]


class Refused(Exception):
    """The file was refused before any parser saw it.

    ``found`` says what was found (a part name and what it is, a size); it is
    shown to the user, so it never holds more than a line.
    """

    def __init__(self, reason: Reason, found: str = "", details: Sequence[str] = ()) -> None:
        super().__init__(f"{reason}: {found}")
        self.reason: Reason = reason
        self.found = found[:300]
        self.details = list(details) or ([found] if found else [])

    def message(self, file: str) -> Message:
        """The refusal in words, naming ``file`` and what was found."""
        return Message(f"filegate.{self.reason}", {"file": file, "found": self.found})
