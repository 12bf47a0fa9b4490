"""When two organizations' names are "likely the same".

Registers are typed by hand in different townships: width, spaces, brackets and
punctuation vary (``咸宁市 茶叶协会`` / ``咸宁市茶叶协会（筹）`` ...). The key folds
those away; organizations of one township with the same key are put to a person.
"""

from __future__ import annotations

import re
import unicodedata

from fieldsurvey.cases.text import fold

# A trailing bracketed remark: （筹）, (筹备), 【原XX】.
_REMARK = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]$")


def name_key(name: str) -> str:
    folded = _REMARK.sub("", fold(name))
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(("P", "S")))
