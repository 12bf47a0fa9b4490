"""Atomic file writes: the new file or the old one, never a temporary left behind."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey.atomic import fsync_folder, write_file_atomically


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    write_file_atomically(target, b"\x00new contents\xff")
    assert target.read_bytes() == b"\x00new contents\xff"
    assert names(tmp_path) == ["out.bin"]  # no temporary file left behind


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    write_file_atomically(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_overwrites_by_default(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    write_file_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert names(tmp_path) == ["out.bin"]


def test_without_overwrite_an_absent_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    write_file_atomically(target, b"new", overwrite=False)
    assert target.read_bytes() == b"new"
    assert names(tmp_path) == ["out.bin"]


def test_without_overwrite_an_existing_file_is_refused_and_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        write_file_atomically(target, b"new", overwrite=False)
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.bin"]


def test_without_hard_links_an_existing_file_is_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT on a USB stick has no hard links: the check-then-rename fallback refuses too."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", refuse)
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        write_file_atomically(target, b"new", overwrite=False)
    assert target.read_bytes() == b"old"
    write_file_atomically(tmp_path / "other.bin", b"new", overwrite=False)
    assert (tmp_path / "other.bin").read_bytes() == b"new"
    assert names(tmp_path) == ["other.bin", "out.bin"]


@pytest.mark.parametrize("existing", [None, b"old"])
def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path, existing: bytes | None) -> None:
    # The failure comes from writing data that is not bytes, after the temporary file
    # exists. (A read-only folder would not stop root, who runs these tests.)
    target = tmp_path / "out.bin"
    if existing is not None:
        target.write_bytes(existing)
    not_bytes: Any = "text, not bytes"
    with pytest.raises(TypeError):
        write_file_atomically(target, not_bytes)
    assert names(tmp_path) == ([] if existing is None else ["out.bin"])
    if existing is not None:
        assert target.read_bytes() == existing


def test_a_failed_rename_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def no_rename(*args: Any, **kwargs: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OSError, match="Input/output error"):
        write_file_atomically(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.bin"]


def test_a_folder_that_cannot_be_synced_is_not_an_error(tmp_path: Path) -> None:
    fsync_folder(tmp_path)
    fsync_folder(tmp_path / "does-not-exist")
