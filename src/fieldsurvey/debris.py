"""Clearing what a crash left behind: our own unfinished writes in the data folder.

A write killed halfway (power cut, task manager) leaves its temporary file, named
with :data:`~fieldsurvey.atomic.TEMP_SUFFIX`, for good: hidden, and holding
personal data. At start the data folder's are removed, but only files that are
older than this process by a margin: another fieldsurvey running at the same time
may be writing one right now, and its file's time moves with every write.

"Older" is judged by the file system's own clock: a marker file is made now and
its time compared with theirs, so a pinned or faked clock changes nothing.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from fieldsurvey.atomic import TEMP_SUFFIX
from fieldsurvey.paths import DataPaths

#: A temporary file written to within this long is taken to be someone's live write.
MARGIN_SECONDS = 60.0


def remove_debris(paths: DataPaths) -> list[Path]:
    """Remove stale unfinished writes from the data folder's own folders; the removed."""
    folders = (paths.root, paths.exports, paths.backups, paths.keys, paths.logs)
    try:
        fd, marker = tempfile.mkstemp(dir=paths.root, prefix=".now.", suffix=TEMP_SUFFIX)
    except OSError:
        return []  # a read-only data folder: nothing could be removed anyway
    try:
        os.close(fd)
        now = Path(marker).stat().st_mtime
    finally:
        with contextlib.suppress(OSError):
            Path(marker).unlink()
    removed = []
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if not entry.name.endswith(TEMP_SUFFIX) or not entry.is_file(follow_symlinks=False):
                    continue
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime < now - MARGIN_SECONDS:
                        Path(entry.path).unlink()
                        removed.append(Path(entry.path))
    return removed
