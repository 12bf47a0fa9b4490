"""Enrollment cards: written atomically, read back strictly, printed as lines of text."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey import clock
from fieldsurvey.identity.enrollment import (
    CARD_FORMAT,
    enrollment_card_text,
    fingerprint_lines,
    read_enrollment_card,
    write_enrollment_card,
)
from fieldsurvey.identity.keys import IdentityError, PublicIdentity, create_identity
from fieldsurvey.messages import Message

FAST = 2**14
PHRASE = "correct horse battery"
OFFICER: dict[str, Any] = {
    "role": "officer",
    "name": "张三",
    "unit_code": "421221100",
    "unit_name": "嘉鱼县鱼岳镇总工会",
    "phone": "0715-6321234",
}
FIELDS = {"format", "key_id", "fingerprint", "public_key", "role", "name", "unit_code",
          "unit_name", "phone", "created_at"}


@pytest.fixture
def officer(tmp_path: Path) -> PublicIdentity:
    return create_identity(tmp_path / "officer", PHRASE, scrypt_n=FAST, **OFFICER).public


@pytest.fixture
def card(tmp_path: Path, officer: PublicIdentity) -> Path:
    path = tmp_path / "张三.fsid.json"
    write_enrollment_card(officer, path)
    return path


def edit(path: Path, **changes: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def refused(path: Path) -> str:
    """The reason code ``read_enrollment_card`` gives for refusing ``path``."""
    with pytest.raises(IdentityError) as exc:
        read_enrollment_card(path)
    assert exc.value.message.code == "identity.bad_card"
    assert exc.value.message.params["path"] == str(path)
    reason = exc.value.message.params["reason"]
    assert isinstance(reason, Message)
    return reason.code


def test_round_trip(card: Path, officer: PublicIdentity) -> None:
    assert read_enrollment_card(card) == officer
    data = json.loads(card.read_text(encoding="utf-8"))
    assert set(data) == FIELDS
    assert data["format"] == CARD_FORMAT == "fieldsurvey-enrollment/1"
    assert base64.b64decode(data["public_key"]) == officer.public_key
    assert data["key_id"] == officer.key_id and data["fingerprint"] == officer.fingerprint
    assert data["name"] == "张三"  # readable in the file, not \u escapes
    assert "张三" in card.read_text(encoding="utf-8")
    created = dt.datetime.fromisoformat(data["created_at"])
    assert abs(created - clock.now()) < dt.timedelta(minutes=1)


def test_a_card_without_phone_round_trips(tmp_path: Path) -> None:
    county = create_identity(tmp_path / "county", PHRASE, scrypt_n=FAST, role="county",
                             name="李四", unit_code="421221", unit_name="嘉鱼县总工会").public
    write_enrollment_card(county, tmp_path / "county.json")
    assert json.loads((tmp_path / "county.json").read_text(encoding="utf-8"))["phone"] is None
    assert read_enrollment_card(tmp_path / "county.json") == county


def test_writing_replaces_atomically_and_leaves_no_temporary(
    tmp_path: Path, card: Path, officer: PublicIdentity, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_enrollment_card(officer, card)  # replacing an older card is fine
    assert sorted(p.name for p in card.parent.iterdir()) == sorted(["officer", card.name])
    before = card.read_bytes()

    def no_rename(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(IdentityError) as exc:
        write_enrollment_card(officer, card)
    assert exc.value.message.code == "identity.write_failed"
    monkeypatch.undo()
    assert card.read_bytes() == before
    assert sorted(p.name for p in card.parent.iterdir()) == sorted(["officer", card.name])
    if os.name == "posix":
        assert stat.S_IMODE(card.stat().st_mode) == 0o600


def test_an_edited_fingerprint_is_refused(card: Path, officer: PublicIdentity) -> None:
    groups = officer.fingerprint.split()
    groups[3] = f"{(int(groups[3]) + 1) % 10000:04d}"
    edit(card, fingerprint=" ".join(groups))
    assert refused(card) == "identity.reason_fingerprint_mismatch"


def test_an_edited_key_id_is_refused(card: Path) -> None:
    edit(card, key_id="0" * 32)
    assert refused(card) == "identity.reason_key_id_mismatch"


def test_a_swapped_key_is_refused(tmp_path: Path, card: Path, officer: PublicIdentity) -> None:
    """Someone puts their own key on 张三's card and leaves his name and fingerprint."""
    intruder = create_identity(tmp_path / "intruder", PHRASE, scrypt_n=FAST, **OFFICER).public
    edit(card, public_key=base64.b64encode(intruder.public_key).decode())
    assert refused(card) == "identity.reason_fingerprint_mismatch"
    edit(card, key_id=intruder.key_id)
    assert refused(card) == "identity.reason_fingerprint_mismatch"


def test_a_consistent_forgery_shows_a_different_fingerprint(
    tmp_path: Path, card: Path, officer: PublicIdentity
) -> None:
    """A card remade end to end with another key reads, but its fingerprint is not
    张三's: this is what the phone call catches."""
    intruder = create_identity(tmp_path / "intruder", PHRASE, scrypt_n=FAST, **OFFICER).public
    edit(card, public_key=base64.b64encode(intruder.public_key).decode(),
         key_id=intruder.key_id, fingerprint=intruder.fingerprint)
    forged = read_enrollment_card(card)
    assert forged.name == officer.name and forged.fingerprint != officer.fingerprint


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"format": "fieldsurvey-enrollment/2"}, "identity.reason_wrong_format"),
        ({"format": "fieldsurvey-identity/1"}, "identity.reason_wrong_format"),
        ({"format": None}, "identity.reason_wrong_format"),
        ({"extra": "x"}, "identity.reason_unexpected_field"),
        ({"phone": 13800138000}, "identity.reason_bad_field"),
        ({"name": ["张三"]}, "identity.reason_bad_field"),
        ({"unit_code": 421221100}, "identity.reason_bad_field"),
        ({"created_at": "yesterday"}, "identity.reason_bad_field"),
        ({"created_at": "2026-11-21T08:00:00"}, "identity.reason_bad_field"),  # no offset
        ({"public_key": base64.b64encode(bytes(31)).decode()}, "identity.reason_bad_key"),
        ({"public_key": base64.b64encode(bytes(33)).decode()}, "identity.reason_bad_key"),
        ({"public_key": "not base64!"}, "identity.reason_bad_key"),
        ({"public_key": ""}, "identity.reason_bad_key"),
        ({"role": "admin"}, "identity.bad_role"),
        ({"role": "county"}, "identity.bad_unit_code"),  # a township code for a county
        ({"unit_code": "４２１２２１１００"}, "identity.bad_unit_code"),  # not normalized
        ({"name": " 张三"}, "identity.bad_name"),
        ({"name": ""}, "identity.bad_name"),
        ({"unit_name": "x" * 101}, "identity.bad_unit_name"),
        ({"phone": "6321234"}, "identity.bad_phone"),
        ({"phone": "0715 6321234"}, "identity.bad_phone"),  # valid, but not as written
        ({"phone": ""}, "identity.bad_phone"),
    ],
)
def test_a_malformed_card_is_refused(card: Path, changes: dict[str, Any], reason: str) -> None:
    edit(card, **changes)
    assert refused(card) == reason


@pytest.mark.parametrize("field", sorted(FIELDS - {"format"}))
def test_every_field_is_required(card: Path, field: str) -> None:
    data = json.loads(card.read_text(encoding="utf-8"))
    del data[field]
    card.write_text(json.dumps(data), encoding="utf-8")
    assert refused(card) == "identity.reason_missing_field"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "identity.reason_not_json"), (b"null", "identity.reason_not_json"),
     (b"\x89PNG\r\n", "identity.reason_not_json"), (b" " * 70_000, "identity.reason_too_large"),
     (b'{"format": "fieldsurvey-enrollment/1", "format": "fieldsurvey-enrollment/1"}',
      "identity.reason_not_json")],
)
def test_a_card_that_is_not_a_card_is_refused(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "card.json"
    path.write_bytes(content)
    assert refused(path) == reason


def test_a_missing_card(tmp_path: Path) -> None:
    with pytest.raises(IdentityError) as exc:
        read_enrollment_card(tmp_path / "none.json")
    assert exc.value.message == Message("identity.card_missing",
                                        {"path": str(tmp_path / "none.json")})


def test_a_refusal_renders_in_both_languages(card: Path) -> None:
    edit(card, fingerprint="1234 5678")
    with pytest.raises(IdentityError) as exc:
        read_enrollment_card(card)
    assert "指纹与公钥不符" in exc.value.message.render("zh")
    assert "fingerprint does not belong" in exc.value.message.render("en")


def test_the_printable_page(officer: PublicIdentity) -> None:
    zh = enrollment_card_text(officer, "zh")
    en = enrollment_card_text(officer, "en")
    assert len(zh) == len(en)
    lines = fingerprint_lines(officer.fingerprint)
    assert len(lines) == 2 and all(len(line.split()) == 4 for line in lines)
    assert " ".join(lines) == officer.fingerprint
    for page in (zh, en):
        start = page.index(lines[0])
        assert page[start : start + 2] == lines
        assert any("张三" in line for line in page)
        assert any("嘉鱼县鱼岳镇总工会" in line and "421221100" in line for line in page)
        assert any("0715-6321234" in line for line in page)
        assert not any("{" in line for line in page)
    assert "登记卡" in zh[0] and "乡镇（街道）工会干部" in zh[1]
    assert "enrollment card" in en[0] and "Township" in en[1]


def test_the_printable_page_leaves_out_a_missing_phone(tmp_path: Path) -> None:
    city = create_identity(tmp_path / "city", PHRASE, scrypt_n=FAST, role="city", name="王五",
                           unit_code="421200", unit_name="咸宁市总工会").public
    with_phone = enrollment_card_text(
        create_identity(tmp_path / "o", PHRASE, scrypt_n=FAST, **OFFICER).public, "zh")
    page = enrollment_card_text(city, "zh")
    assert len(page) == len(with_phone) - 1
    assert "市级工会" in page[1]
