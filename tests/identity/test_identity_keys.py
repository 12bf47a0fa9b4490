"""Identity keys: real Ed25519 keys, real scrypt, real files in a temporary folder."""

from __future__ import annotations

import base64
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from fieldsurvey.atomic import TEMP_SUFFIX
from fieldsurvey.identity import keys
from fieldsurvey.identity.keys import (
    DEFAULT_SCRYPT_N,
    KEY_FILE,
    PUBLIC_FILE,
    IdentityError,
    PublicIdentity,
    UnlockedIdentity,
    change_passphrase,
    create_identity,
    fingerprint,
    key_id,
    load_public,
    unlock,
    verify_signature,
)
from fieldsurvey.messages import Message, catalogue

FAST = 2**14
PHRASE = "茶叶协会 correct horse"
OFFICER: dict[str, Any] = {
    "role": "officer",
    "name": "张三",
    "unit_code": "421221100",
    "unit_name": "嘉鱼县鱼岳镇总工会",
    "phone": "13800138000",
}
SRC = Path(__file__).resolve().parents[2] / "src" / "fieldsurvey" / "identity"


def make(folder: Path, passphrase: str = PHRASE, **overrides: Any) -> UnlockedIdentity:
    fields = {**OFFICER, **overrides}
    return create_identity(folder, passphrase, scrypt_n=FAST, **fields)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file in the folder with its bytes, mode and modification time."""
    return {p.name: (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns)
            for p in sorted(folder.iterdir())}


def code_of(exc: pytest.ExceptionInfo[IdentityError]) -> str:
    return exc.value.message.code


def reason_of(exc: pytest.ExceptionInfo[IdentityError]) -> str:
    reason = exc.value.message.params["reason"]
    assert isinstance(reason, Message)
    return reason.code


def private_bytes(identity: UnlockedIdentity) -> bytes:
    raw = identity._private_key.private_bytes_raw()
    assert len(raw) == 32
    return raw


def edit_key_file(folder: Path, change: Any) -> None:
    path = folder / KEY_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def flip_b64(value: str, index: int = 0) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[index] ^= 0x01
    return base64.b64encode(bytes(raw)).decode("ascii")


# --------------------------------------------------------------------------- fingerprints


def test_fingerprint_is_eight_groups_of_four_digits_from_sha256() -> None:
    # RFC 8032 test 1 public key; the value is frozen: printed cards depend on it.
    public = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    digest = int("21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9", 16)
    assert key_id(public) == f"{digest % 10**32:032d}" == "66574470561311816579420243042745"
    assert fingerprint(public) == "6657 4470 5613 1181 6579 4202 4304 2745"
    assert re.fullmatch(r"\d{4}( \d{4}){7}", fingerprint(bytes(32)))
    assert fingerprint(bytes(32)).replace(" ", "") == key_id(bytes(32))
    with pytest.raises(ValueError, match="32"):
        key_id(bytes(31))


def test_public_identity_refuses_a_key_id_or_fingerprint_of_another_key() -> None:
    a, b = bytes(32), bytes([1] * 32)
    PublicIdentity.for_key(a, **OFFICER)
    fields = dict(OFFICER)
    with pytest.raises(ValueError, match="fingerprint"):
        PublicIdentity(key_id(a), fingerprint(b), a, **fields)
    with pytest.raises(ValueError, match="key_id"):
        PublicIdentity(key_id(b), fingerprint(a), a, **fields)
    with pytest.raises(ValueError, match="32"):
        PublicIdentity.for_key(a + b"\0", **OFFICER)


# --------------------------------------------------------------------------- create and unlock


def test_create_unlock_sign_verify(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    created = make(folder, phone="138-0013-8000", name="  张  三 ")
    public = created.public
    assert public.role == "officer" and public.name == "张 三"
    assert public.phone == "13800138000" and public.unit_code == "421221100"
    assert len(public.public_key) == 32
    assert public.key_id == key_id(public.public_key)
    assert public.fingerprint == fingerprint(public.public_key)
    assert sorted(p.name for p in folder.iterdir()) == [PUBLIC_FILE, KEY_FILE]

    assert load_public(folder) == public
    unlocked = unlock(folder, PHRASE)
    assert unlocked.public == public
    assert private_bytes(unlocked) == private_bytes(created)

    data = "走访数据包 2026-11".encode()
    signature = unlocked.sign(data)
    assert len(signature) == 64
    assert verify_signature(public.public_key, signature, data)
    assert created.sign(data) == signature  # Ed25519 is deterministic
    assert not verify_signature(public.public_key, signature, data + b"!")
    assert not verify_signature(public.public_key, signature[:-1] + bytes([signature[-1] ^ 1]),
                                data)
    assert not verify_signature(public.public_key, signature[:63], data)
    assert not verify_signature(public.public_key[:31], signature, data)
    other = make(tmp_path / "other")
    assert not verify_signature(other.public.public_key, signature, data)
    assert "private" not in repr(unlocked).lower()


def test_each_identity_has_its_own_key(tmp_path: Path) -> None:
    a, b = make(tmp_path / "a"), make(tmp_path / "b")
    assert a.public.public_key != b.public.public_key and a.public.key_id != b.public.key_id


def test_the_passphrase_is_normalized_to_nfc(tmp_path: Path) -> None:
    composed, decomposed = "caf\u00e9 latte 123", "cafe\u0301 latte 123"
    make(tmp_path, composed)
    assert unlock(tmp_path, decomposed).public == load_public(tmp_path)


@pytest.mark.parametrize(
    ("role", "unit_code"),
    [("officer", "421221100"), ("officer", "441900003"), ("county", "421221"),
     ("county", "429004"), ("city", "421200")],
)
def test_each_role_takes_the_unit_code_of_its_level(
    tmp_path: Path, role: str, unit_code: str
) -> None:
    public = make(tmp_path, role=role, unit_code=unit_code, phone=None).public
    assert (public.role, public.unit_code, public.phone) == (role, unit_code, None)
    assert load_public(tmp_path) == public


@pytest.mark.parametrize(
    ("overrides", "code", "detail"),
    [
        ({"unit_code": "421221"}, "identity.bad_unit_code", "division.not_township"),
        ({"role": "county", "unit_code": "421221100"}, "identity.bad_unit_code",
         "division.not_county"),
        ({"role": "city", "unit_code": "421221"}, "identity.bad_unit_code", "division.not_city"),
        ({"unit_code": ""}, "identity.bad_unit_code", "division.bad_format"),
        ({"unit_code": "42122110x"}, "identity.bad_unit_code", "division.bad_format"),
        ({"role": "province"}, "identity.bad_role", None),
        ({"name": "   "}, "identity.bad_name", None),
        ({"name": "张\x00三"}, "identity.bad_name", None),
        ({"name": "张" * 51}, "identity.bad_name", None),
        ({"unit_name": ""}, "identity.bad_unit_name", None),
        ({"phone": "8123456"}, "identity.bad_phone", "phone.missing_area_code"),
        ({"phone": "call me"}, "identity.bad_phone", "phone.invalid"),
    ],
)
def test_bad_fields_are_refused_before_anything_is_written(
    tmp_path: Path, overrides: dict[str, Any], code: str, detail: str | None
) -> None:
    folder = tmp_path / "keys"
    with pytest.raises(IdentityError) as exc:
        make(folder, **overrides)
    assert code_of(exc) == code
    if detail is not None:
        assert exc.value.message.params["detail"].code == detail
    assert not folder.exists()


def test_an_empty_phone_is_no_phone(tmp_path: Path) -> None:
    assert make(tmp_path, phone="  ").public.phone is None


@pytest.mark.parametrize("passphrase", ["", "short", "1234567", "七个汉字的口令"])
def test_a_passphrase_needs_eight_characters(tmp_path: Path, passphrase: str) -> None:
    with pytest.raises(IdentityError) as exc:
        make(tmp_path / "keys", passphrase)
    assert exc.value.message == Message("identity.passphrase_too_short", {"minimum": 8})
    assert not (tmp_path / "keys").exists()
    make(tmp_path / "ok", "八个汉字的口令啊")  # eight characters, whatever the bytes


def test_scrypt_cost_outside_the_accepted_range_is_a_programming_error(tmp_path: Path) -> None:
    for n in (2**10, 2**14 + 1, 2**21):
        with pytest.raises(ValueError, match="scrypt_n"):
            create_identity(tmp_path, PHRASE, scrypt_n=n, **OFFICER)
    assert not any(tmp_path.iterdir())


@pytest.mark.slow
def test_the_default_cost_is_recorded_in_the_key_file(tmp_path: Path) -> None:
    identity = create_identity(tmp_path, PHRASE, **OFFICER)
    header = json.loads((tmp_path / KEY_FILE).read_text(encoding="utf-8"))
    assert header["format"] == "fieldsurvey-key/1"
    assert header["key_id"] == identity.public.key_id
    assert header["kdf"]["name"] == "scrypt"
    assert (header["kdf"]["n"], header["kdf"]["r"], header["kdf"]["p"]) == (2**17, 8, 1)
    assert DEFAULT_SCRYPT_N == 2**17
    assert len(base64.b64decode(header["kdf"]["salt"])) == 16
    assert header["cipher"] == {"name": "aes-256-gcm", "nonce": header["cipher"]["nonce"]}
    assert len(base64.b64decode(header["cipher"]["nonce"])) == 12
    assert len(base64.b64decode(header["ciphertext"])) == 32 + 16
    assert unlock(tmp_path, PHRASE).public == identity.public


def test_the_key_file_never_holds_the_private_key_or_passphrase(tmp_path: Path) -> None:
    identity = make(tmp_path)
    raw = private_bytes(identity)
    forms = [raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw),
             base64.b64encode(raw).rstrip(b"="), raw.hex().encode(), raw.hex().upper().encode(),
             base64.b32encode(raw), PHRASE.encode()]
    for path in tmp_path.iterdir():
        content = path.read_bytes()
        for form in forms:
            assert form not in content, (path.name, form)
        # nor any 12-byte run of the key (a partial or differently wrapped copy)
        for start in range(32 - 12):
            assert raw[start : start + 12] not in content
    # The same salt and nonce are never reused: encrypting again gives other bytes.
    other = make(tmp_path / "again")
    assert (tmp_path / KEY_FILE).read_bytes() != (tmp_path / "again" / KEY_FILE).read_bytes()
    assert private_bytes(other) != raw


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_identity_files_are_owner_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        make(tmp_path / "new" / "keys")
        folder = tmp_path / "new" / "keys"
        for name in (KEY_FILE, PUBLIC_FILE):
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        change_passphrase(folder, PHRASE, "a new passphrase", scrypt_n=FAST)
        assert stat.S_IMODE((folder / KEY_FILE).stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


# --------------------------------------------------------------------------- failing closed


@pytest.mark.parametrize("wrong", ["", PHRASE + " ", PHRASE.upper(), "茶叶协会 correct hors"])
def test_a_wrong_passphrase_fails_and_changes_nothing(tmp_path: Path, wrong: str) -> None:
    make(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, wrong)
    assert exc.value.message == Message("identity.wrong_passphrase")
    with pytest.raises(IdentityError) as exc:
        change_passphrase(tmp_path, wrong, "a new passphrase", scrypt_n=FAST)
    assert code_of(exc) == "identity.wrong_passphrase"
    assert snapshot(tmp_path) == before
    assert unlock(tmp_path, PHRASE).public == load_public(tmp_path)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d.update(ciphertext=flip_b64(d["ciphertext"], 0)), id="ciphertext"),
        pytest.param(lambda d: d.update(ciphertext=flip_b64(d["ciphertext"], 40)), id="tag"),
        pytest.param(lambda d: d["kdf"].update(salt=flip_b64(d["kdf"]["salt"])), id="salt"),
        pytest.param(lambda d: d["cipher"].update(nonce=flip_b64(d["cipher"]["nonce"])),
                     id="nonce"),
        pytest.param(lambda d: d["kdf"].update(n=2**15), id="kdf-n"),
        pytest.param(lambda d: d["kdf"].update(r=4), id="kdf-r"),
        pytest.param(lambda d: d["kdf"].update(p=2), id="kdf-p"),
        pytest.param(lambda d: d["kdf"].update(n=2**30), id="kdf-n-huge"),
        pytest.param(lambda d: d["kdf"].update(n=1000), id="kdf-n-not-power"),
        pytest.param(lambda d: d["kdf"].update(n=True), id="kdf-n-bool"),
        pytest.param(lambda d: d["kdf"].update(name="pbkdf2"), id="kdf-name"),
        pytest.param(lambda d: d["cipher"].update(name="aes-128-gcm"), id="cipher-name"),
        pytest.param(lambda d: d.update(format="fieldsurvey-key/2"), id="format"),
        pytest.param(lambda d: d.update(key_id="0" * 32), id="key-id"),
        pytest.param(lambda d: d.update(extra=1), id="extra-field"),
        pytest.param(lambda d: d.pop("ciphertext"), id="no-ciphertext"),
        pytest.param(lambda d: d.update(ciphertext=d["ciphertext"][:-8] + "===="),
                     id="short-ciphertext"),
        pytest.param(lambda d: d["kdf"].update(salt=base64.b64encode(bytes(8)).decode()),
                     id="short-salt"),
    ],
)
def test_a_tampered_key_file_fails_closed(tmp_path: Path, tamper: Any) -> None:
    make(tmp_path)
    edit_key_file(tmp_path, tamper)
    before = snapshot(tmp_path)
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    assert code_of(exc) in {"identity.wrong_passphrase", "identity.corrupt"}
    with pytest.raises(IdentityError):
        change_passphrase(tmp_path, PHRASE, "a new passphrase", scrypt_n=FAST)
    assert snapshot(tmp_path) == before


def test_every_header_field_is_authenticated(tmp_path: Path) -> None:
    """A header edit that still parses is caught by AES-GCM, not by luck."""
    make(tmp_path)
    edit_key_file(tmp_path, lambda d: d["kdf"].update(n=2**15))
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    assert code_of(exc) == "identity.wrong_passphrase"


def test_a_key_file_from_another_identity_is_refused(tmp_path: Path) -> None:
    make(tmp_path / "a")
    make(tmp_path / "b")
    (tmp_path / "a" / KEY_FILE).write_bytes((tmp_path / "b" / KEY_FILE).read_bytes())
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path / "a", PHRASE)
    assert code_of(exc) == "identity.corrupt"
    assert reason_of(exc) == "identity.reason_key_id_mismatch"


def test_relabelling_a_key_file_for_another_key_fails_closed(tmp_path: Path) -> None:
    """Both files relabelled to name a's key, while b's key is inside the key file."""
    a, b = make(tmp_path / "a"), make(tmp_path / "b")
    # b's public record, relabelled with a's key id, fingerprint and key: only the
    # decrypted private key can tell they do not belong together.
    record = json.loads((tmp_path / "b" / PUBLIC_FILE).read_text(encoding="utf-8"))
    record.update(key_id=a.public.key_id, fingerprint=a.public.fingerprint,
                  public_key=base64.b64encode(a.public.public_key).decode())
    (tmp_path / "b" / PUBLIC_FILE).write_text(json.dumps(record), encoding="utf-8")
    edit_key_file(tmp_path / "b", lambda d: d.update(key_id=a.public.key_id))
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path / "b", PHRASE)
    # the key id is authenticated data, so the edit is caught before the key check
    assert code_of(exc) == "identity.wrong_passphrase"
    assert b.public.key_id != a.public.key_id


def test_a_decrypted_key_that_does_not_match_the_public_key_is_corrupt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path)
    other = keys.Ed25519PrivateKey.generate()
    monkeypatch.setattr(keys.Ed25519PrivateKey, "from_private_bytes",
                        staticmethod(lambda seed: other))
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    assert code_of(exc) == "identity.corrupt"
    assert reason_of(exc) == "identity.reason_key_mismatch"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "identity.reason_not_json"),
        (b"\xff\xfe{}", "identity.reason_not_json"),
        (b"[1, 2]", "identity.reason_not_json"),
        (b'{"format": "fieldsurvey-key/1", "format": "x"}', "identity.reason_not_json"),
        (b'{"n": NaN}', "identity.reason_not_json"),
        (b"[" * 100_000, "identity.reason_too_large"),
        (b"[" * 50_000, "identity.reason_not_json"),
        (b'{"format": "fieldsurvey-key/1"}', "identity.reason_key_structure"),
        (b'{"format": 7}', "identity.reason_wrong_format"),
    ],
)
def test_a_damaged_key_file_is_corrupt(tmp_path: Path, content: bytes, reason: str) -> None:
    make(tmp_path)
    (tmp_path / KEY_FILE).write_bytes(content)
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    assert code_of(exc) == "identity.corrupt"
    assert reason_of(exc) == reason
    assert exc.value.message.params["path"] == str(tmp_path / KEY_FILE)


def test_a_damaged_public_file_is_corrupt(tmp_path: Path) -> None:
    make(tmp_path)
    path = tmp_path / PUBLIC_FILE
    record = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**record, "name": "李四", "fingerprint": "1234"}), "utf-8")
    with pytest.raises(IdentityError) as exc:
        load_public(tmp_path)
    assert code_of(exc) == "identity.corrupt"
    assert reason_of(exc) == "identity.reason_fingerprint_mismatch"
    with pytest.raises(IdentityError):
        unlock(tmp_path, PHRASE)


def test_missing_files(tmp_path: Path) -> None:
    for call in (lambda: load_public(tmp_path / "none"), lambda: unlock(tmp_path / "none", PHRASE)):
        with pytest.raises(IdentityError) as exc:
            call()
        assert code_of(exc) == "identity.not_found"
    make(tmp_path)
    (tmp_path / KEY_FILE).unlink()
    assert load_public(tmp_path).name == "张三"
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    assert code_of(exc) == "identity.not_found"


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    make(tmp_path)
    (tmp_path / KEY_FILE).unlink()
    (tmp_path / KEY_FILE).mkdir()
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    assert code_of(exc) == "identity.unreadable"


# --------------------------------------------------------------------------- overwrite and change


def test_creating_refuses_to_overwrite_an_identity(tmp_path: Path) -> None:
    first = make(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(IdentityError) as exc:
        make(tmp_path, "another passphrase", name="李四")
    assert exc.value.message == Message("identity.exists", {"path": str(tmp_path)})
    assert snapshot(tmp_path) == before
    assert unlock(tmp_path, PHRASE).public == first.public


@pytest.mark.parametrize("survivor", [KEY_FILE, PUBLIC_FILE])
def test_half_an_identity_is_not_overwritten_either(tmp_path: Path, survivor: str) -> None:
    make(tmp_path)
    for path in tmp_path.iterdir():
        if path.name != survivor:
            path.unlink()
    before = snapshot(tmp_path)
    with pytest.raises(IdentityError) as exc:
        make(tmp_path)
    assert code_of(exc) == "identity.exists"
    assert snapshot(tmp_path) == before


def test_a_concurrent_create_does_not_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process writes its key file between the check and the write."""
    rival = b"the other process's key file"
    real_write = keys.write_file_atomically

    def racing(path: Path, data: bytes, **kwargs: Any) -> None:
        if path.name == KEY_FILE and not path.exists():
            path.write_bytes(rival)
        real_write(path, data, **kwargs)

    monkeypatch.setattr(keys, "write_file_atomically", racing)
    with pytest.raises(IdentityError) as exc:
        make(tmp_path)
    assert code_of(exc) == "identity.exists"
    assert (tmp_path / KEY_FILE).read_bytes() == rival
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_FILE]


def test_a_failed_create_leaves_no_half_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = keys.write_file_atomically

    def failing(path: Path, data: bytes, **kwargs: Any) -> None:
        if path.name == PUBLIC_FILE:
            raise OSError(28, "No space left on device")
        real_write(path, data, **kwargs)

    monkeypatch.setattr(keys, "write_file_atomically", failing)
    with pytest.raises(IdentityError) as exc:
        make(tmp_path)
    assert code_of(exc) == "identity.write_failed"
    assert exc.value.message.params["detail"] == "No space left on device"
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    make(tmp_path)  # and the officer can simply try again


def test_change_passphrase_then_old_fails_and_new_works(tmp_path: Path) -> None:
    identity = make(tmp_path)
    old_key_file = json.loads((tmp_path / KEY_FILE).read_text(encoding="utf-8"))
    public_before = (tmp_path / PUBLIC_FILE).read_bytes()
    change_passphrase(tmp_path, PHRASE, "新口令 new passphrase", scrypt_n=FAST)
    new_key_file = json.loads((tmp_path / KEY_FILE).read_text(encoding="utf-8"))
    assert new_key_file["kdf"]["salt"] != old_key_file["kdf"]["salt"]
    assert new_key_file["cipher"]["nonce"] != old_key_file["cipher"]["nonce"]
    assert new_key_file["key_id"] == old_key_file["key_id"] == identity.public.key_id
    assert (tmp_path / PUBLIC_FILE).read_bytes() == public_before

    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    assert code_of(exc) == "identity.wrong_passphrase"
    unlocked = unlock(tmp_path, "新口令 new passphrase")
    assert unlocked.public == identity.public
    assert private_bytes(unlocked) == private_bytes(identity)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(TEMP_SUFFIX)] == []


def test_change_passphrase_raises_a_low_cost_to_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path)
    used: list[int] = []
    real = keys._derive

    def spy(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        used.append(n)
        return real(passphrase, salt, FAST, r, p)  # keep the test fast

    monkeypatch.setattr(keys, "_derive", spy)
    change_passphrase(tmp_path, PHRASE, "a new passphrase")
    assert used == [FAST, DEFAULT_SCRYPT_N]
    assert json.loads((tmp_path / KEY_FILE).read_text(encoding="utf-8"))["kdf"]["n"] == 2**17


def test_change_passphrase_checks_the_new_length_first(tmp_path: Path) -> None:
    make(tmp_path)
    before = snapshot(tmp_path)
    with pytest.raises(IdentityError) as exc:
        change_passphrase(tmp_path, PHRASE, "short", scrypt_n=FAST)
    assert code_of(exc) == "identity.passphrase_too_short"
    assert snapshot(tmp_path) == before


def test_a_failed_change_leaves_the_old_file_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path)
    before = snapshot(tmp_path)

    def no_rename(*args: Any, **kwargs: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(IdentityError) as exc:
        change_passphrase(tmp_path, PHRASE, "a new passphrase", scrypt_n=FAST)
    assert code_of(exc) == "identity.write_failed"
    monkeypatch.undo()
    assert snapshot(tmp_path) == before  # no temporary file left behind either
    assert unlock(tmp_path, PHRASE).public == load_public(tmp_path)


def test_a_failed_fsync_leaves_the_old_file_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path)
    before = snapshot(tmp_path)

    def no_sync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", no_sync)
    with pytest.raises(IdentityError) as exc:
        change_passphrase(tmp_path, PHRASE, "a new passphrase", scrypt_n=FAST)
    assert code_of(exc) == "identity.write_failed"
    monkeypatch.undo()
    assert snapshot(tmp_path) == before
    with pytest.raises(IdentityError):
        unlock(tmp_path, "a new passphrase")


# --------------------------------------------------------------------------- catalogue


def test_every_identity_message_code_is_in_both_catalogues() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in SRC.glob("*.py"))
    used = set(re.findall(r"""["'](identity\.[a-z_]+)["']""", source))
    used -= {PUBLIC_FILE, KEY_FILE}  # file names, not message codes
    used |= {f"identity.role_{role}" for role in keys.ROLES}  # built from the role
    assert len(used) > 30
    for lang in ("zh", "en"):
        assert not sorted(used - set(catalogue(lang))), lang
    # and every identity code in the catalogue is used
    assert {c for c in catalogue("zh") if c.startswith("identity.")} == used


def test_messages_render_with_nested_reasons(tmp_path: Path) -> None:
    make(tmp_path)
    (tmp_path / KEY_FILE).write_bytes(b"{}")
    with pytest.raises(IdentityError) as exc:
        unlock(tmp_path, PHRASE)
    zh, en = exc.value.message.render("zh"), exc.value.message.render("en")
    assert str(tmp_path / KEY_FILE) in zh and "已损坏" in zh and "{" not in zh
    assert "damaged" in en and "not the format expected" in en


def test_file_systems_without_modes_or_hard_links_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT on a USB stick (a portable data folder) refuses chmod and hard links."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchmod", refuse, raising=False)
    monkeypatch.setattr(os, "link", refuse)
    identity = make(tmp_path)
    assert unlock(tmp_path, PHRASE).public == identity.public
    before = snapshot(tmp_path)
    with pytest.raises(IdentityError) as exc:
        make(tmp_path)
    assert code_of(exc) == "identity.exists"
    assert snapshot(tmp_path) == before
    change_passphrase(tmp_path, PHRASE, "a new passphrase", scrypt_n=FAST)
    assert unlock(tmp_path, "a new passphrase").public == identity.public


def test_a_folder_that_cannot_be_synced_does_not_fail_a_completed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path)
    real_open = os.open

    def no_folder(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path) == tmp_path:
            raise OSError(22, "Invalid argument")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", no_folder)
    change_passphrase(tmp_path, PHRASE, "a new passphrase", scrypt_n=FAST)
    monkeypatch.undo()
    unlock(tmp_path, "a new passphrase")
