"""Removable drives offered for the enrollment card, and the card's suggested name."""

from __future__ import annotations

from pathlib import Path

from fieldsurvey.drives import mounted_under, removable_drives
from fieldsurvey.identity.enrollment import suggested_card_name
from fieldsurvey.identity.records import PublicIdentity


def test_mount_points_one_or_two_levels_down_are_found(tmp_path: Path) -> None:
    media, run_media = tmp_path / "media", tmp_path / "run" / "media"
    for folder in (media / "wang" / "KINGSTON", media / "SANDISK", media / "wang" / ".hidden",
                   run_media / "wang" / "U盘", media / "wang" / "not-mounted"):
        folder.mkdir(parents=True)
    mounts = {media / "wang" / "KINGSTON", media / "SANDISK", run_media / "wang" / "U盘"}
    found = mounted_under([media, run_media, tmp_path / "missing"], lambda p: p in mounts)
    assert found == [media / "SANDISK", media / "wang" / "KINGSTON", run_media / "wang" / "U盘"]


def test_the_real_machine_is_asked_without_failing() -> None:
    assert all(isinstance(p, Path) for p in removable_drives())


def test_the_card_is_named_after_the_unit_and_the_person() -> None:
    public = PublicIdentity.for_key(bytes(range(32)), role="officer", name="王/芳",
                                    unit_code="421202001", unit_name="温泉街道:工会?",
                                    phone=None)
    assert suggested_card_name(public) == "温泉街道工会-王芳.fsid.json"
