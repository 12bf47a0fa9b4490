"""Is an output file writable? Asked before any work is done or number spent.

An export signs a bundle and uses up a sequence number; a merge commits. Finding
out only afterwards that the chosen file cannot be written left a spent number
or a traceback after the commit. The honest test is to try: permissions say
little when running as root, on a read-only mount or with an immutable folder,
so a probe file is created (with the suffix of our unfinished writes, so a crash
here leaves nothing that start-up would not clear) and removed again.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from fieldsurvey.atomic import TEMP_SUFFIX
from fieldsurvey.messages import Message


def output_problem(path: Path) -> Message | None:
    """Why ``path`` cannot be written as a new or replaced file, or None if it can."""
    if path.is_dir():
        return Message("output.is_folder", {"path": str(path)})
    folder = path.parent
    if not folder.exists():
        return Message("output.no_folder", {"path": str(path), "folder": str(folder)})
    if not folder.is_dir():
        return Message("output.no_folder", {"path": str(path), "folder": str(folder)})
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    except OSError as exc:
        return Message("output.not_writable", {"path": str(path),
                                               "detail": exc.strerror or type(exc).__name__})
    os.close(fd)
    with contextlib.suppress(OSError):
        Path(name).unlink()
    return None


def folder_problem(folder: Path) -> Message | None:
    """Why files cannot be created in ``folder`` (made if missing), or None."""
    if folder.exists() and not folder.is_dir():
        return Message("output.not_a_folder", {"path": str(folder)})
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        return Message("output.not_writable", {"path": str(folder),
                                               "detail": exc.strerror or type(exc).__name__})
    return output_problem(folder / "probe")
