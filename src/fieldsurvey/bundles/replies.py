"""The officer's replies to the county's comments, as a bundle carries them.

They ride in the signed manifest under ``replies`` (a key older bundles do not
have, and older readers ignore), as the whole list of the officer's replies:
like the visits, every bundle carries the full current state, so the county can
merge bundles in any order and keep each reply once, by its id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fieldsurvey.bundles.manifest import utc_text

MAX_REPLIES = 100_000
_FIELDS = ("id", "visit_id", "revision", "text", "by", "at")


@dataclass(frozen=True)
class Reply:
    """An officer's reply to a returned visit: ``revision`` is the visit's revision when
    the reply was written (the same as the return's when nothing was changed)."""

    id: str
    visit_id: str
    revision: int
    text: str
    by: str
    at: dt.datetime


class ReplyError(ValueError):
    """The manifest's replies are not what a bundle writes."""


def replies_json(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    return [{"id": r.id, "visit_id": r.visit_id, "revision": r.revision, "text": r.text,
             "by": r.by, "at": utc_text(r.at)} for r in replies]


def replies_of(manifest: Mapping[str, Any]) -> list[Reply]:
    """The replies a verified manifest carries (none in bundles made before them)."""
    found = manifest.get("replies", [])
    if not isinstance(found, list) or len(found) > MAX_REPLIES:
        raise ReplyError("replies: not a list")
    out = []
    for n, item in enumerate(found):
        if not isinstance(item, dict) or set(item) != set(_FIELDS):
            raise ReplyError(f"replies[{n}]: wrong fields")
        try:
            at = dt.datetime.fromisoformat(str(item["at"]))
        except ValueError:
            raise ReplyError(f"replies[{n}]: malformed time") from None
        revision = item["revision"]
        if at.tzinfo is None or type(revision) is not int or not all(
                isinstance(item[k], str) for k in ("id", "visit_id", "text", "by")):
            raise ReplyError(f"replies[{n}]: malformed")
        out.append(Reply(item["id"], item["visit_id"], revision, item["text"], item["by"], at))
    return out
