"""Removable drives (USB sticks) the officer may save a file to.

Kept simple on purpose: on Linux, the mount points desktop environments use for
removable media (``/media/<user>/<label>``, ``/run/media/<user>/<label>`` and
``/media/<label>``); on macOS the volumes under ``/Volumes`` other than the
start-up disk; on Windows the drive letters Windows calls removable. Nothing is
mounted or probed beyond that, so a stick that is not listed can still be
chosen as an ordinary folder.
"""

from __future__ import annotations

import ctypes
import os
import string
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

LINUX_ROOTS = (Path("/media"), Path("/run/media"))
MAC_ROOT = Path("/Volumes")
_DRIVE_REMOVABLE = 2  # GetDriveTypeW


def mounted_under(roots: Iterable[Path],
                  is_mount: Callable[[Path], bool] = os.path.ismount) -> list[Path]:
    """Mount points one or two levels below ``roots`` (``/media/x``, ``/media/user/x``)."""
    found: list[Path] = []
    for root in roots:
        for first in _children(root):
            if is_mount(first):
                found.append(first)
                continue
            found += [second for second in _children(first) if is_mount(second)]
    return found


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:  # missing, or not ours to read: nothing to offer there
        return []


def _windows_drives() -> list[Path]:
    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009  # Windows only
    mask = kernel32.GetLogicalDrives()
    drives = []
    for i, letter in enumerate(string.ascii_uppercase):
        root = f"{letter}:\\"
        if mask >> i & 1 and kernel32.GetDriveTypeW(root) == _DRIVE_REMOVABLE:
            drives.append(Path(root))
    return drives


def removable_drives() -> list[Path]:
    """Writable removable drives mounted now, in a stable order."""
    if sys.platform == "win32":
        drives = _windows_drives()
    elif sys.platform == "darwin":
        drives = [p for p in _children(MAC_ROOT) if not p.is_symlink()]
    else:
        drives = mounted_under(LINUX_ROOTS)
    return [d for d in drives if os.access(d, os.W_OK)]
