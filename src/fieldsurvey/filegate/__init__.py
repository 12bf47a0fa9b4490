"""One gate for every file the app reads: registers, bundles, trust files, cards, forms.

Before any parser sees a file, the gate bounds its size, its zip entries
(count, names, declared and actual sizes, compression ratio), refuses DTDs
and entities, bounds each sheet's declared and real cell range, and refuses
encrypted, macro and external-link content, saying what it found. See
``docs/design.md`` (2026-12-05) for the limits and why.
"""

from fieldsurvey.filegate.errors import Reason, Refused
from fieldsurvey.filegate.gate import (
    MAX_TEXT_BYTES,
    check_form_bytes,
    check_workbook_bytes,
    read_bounded,
    read_form,
    read_workbook,
)
from fieldsurvey.filegate.limits import BUNDLE, FORM, REGISTER, Limits
from fieldsurvey.filegate.zipgate import (
    CHUNK,
    Active,
    ScanResult,
    open_zip,
    parse_xml,
    read_member,
    scan,
)

__all__ = [
    "BUNDLE", "CHUNK", "FORM", "MAX_TEXT_BYTES", "REGISTER", "Active", "Limits", "Reason",
    "Refused", "ScanResult", "check_form_bytes", "check_workbook_bytes", "open_zip",
    "parse_xml", "read_bounded", "read_form", "read_member", "read_workbook", "scan",
]
