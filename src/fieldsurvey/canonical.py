"""One spelling per value: what is stored, hashed and signed compares byte for byte."""

from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any, *, ascii_only: bool = False) -> str:
    """Sorted keys, no spaces, no NaN; ``ascii_only`` escapes everything beyond ASCII."""
    return json.dumps(value, ensure_ascii=ascii_only, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)
