"""Atomic file writes: a crash leaves the old file or the new one, never half of either.

A temporary file in the same folder is written, fsynced and renamed over the target;
then the folder is fsynced so the rename itself survives a power cut. Files are created
readable and writable by their owner only (mode 0600).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

# Unfinished writes are recognisable (and safe to delete) by this suffix.
TEMP_SUFFIX = ".partial"


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; Windows cannot open a folder)."""
    if os.name != "posix":
        return
    # The rename has happened: a file system that cannot sync a folder (some network
    # shares, FAT) must not turn a completed write into a reported failure.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomically(path: Path, write: Callable[[IO[bytes]], None], *,
                     overwrite: bool = True) -> None:
    """Let ``write`` fill a new file at ``path`` so that a crash leaves the old one or the new.

    A temporary file in the same folder is written (by ``write``, which may seek), fsynced
    and renamed over ``path``; then the folder is fsynced. The file is readable and
    writable by its owner only (mode 0600). With ``overwrite=False`` an existing ``path``
    raises :class:`FileExistsError` and is left alone. Whatever ``write`` raises
    (cancellation included) propagates; the temporary file never outlives a failure.
    """
    folder = path.parent
    # mkstemp creates the file with mode 0600: no moment where others may read it.
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w+b") as fh:
            if os.name == "posix":
                # Exactly 0600 even under an odd umask. File systems without POSIX
                # modes (FAT on a USB stick) refuse; there the mount options decide.
                with contextlib.suppress(OSError):
                    os.fchmod(fh.fileno(), 0o600)
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            temporary.replace(path)
        else:
            _link_without_overwriting(temporary, path)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    fsync_folder(folder)


def write_file_atomically(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """:func:`write_atomically` for bytes already in memory."""

    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    write_atomically(path, write, overwrite=overwrite)


def _link_without_overwriting(temporary: Path, path: Path) -> None:
    try:
        # A hard link fails atomically if the target exists.
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, some shares): check, then rename.
        if path.exists():
            raise FileExistsError(str(path)) from None
        temporary.replace(path)


def create_owner_only(path: Path) -> None:
    """Make sure the file at ``path`` exists and only its owner may read it (0600).

    For files another library creates: SQLite makes a database with the umask's mode
    (usually 0644, readable by everyone on the machine) and gives its ``-wal`` and
    ``-shm`` files the database's mode. Created empty here first, the database and
    both of them are owner-only; one made earlier by a looser version is tightened.
    A folder that does not exist is left for the library to report.
    """
    if os.name != "posix":
        return
    with contextlib.suppress(FileExistsError, FileNotFoundError, NotADirectoryError,
                             PermissionError, OSError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        # FAT on a USB stick has no modes and refuses: there the mount options decide.
        with contextlib.suppress(OSError):
            if each.is_file() and each.stat().st_mode & 0o077:
                each.chmod(0o600)
