"""Whatever is in an identity file or a card, reading it raises IdentityError or works."""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldsurvey.identity.enrollment import read_enrollment_card, write_enrollment_card
from fieldsurvey.identity.keys import (
    KEY_FILE,
    PUBLIC_FILE,
    IdentityError,
    change_passphrase,
    create_identity,
    load_public,
    unlock,
)

PHRASE = "correct horse battery"
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real identity and card, copied for every example."""
    folder = tmp_path_factory.mktemp("template")
    identity = create_identity(folder / "keys", PHRASE, scrypt_n=2**14, role="officer",
                               name="张三", unit_code="421221100", unit_name="鱼岳镇总工会")
    write_enrollment_card(identity.public, folder / "card.json")
    return folder


@pytest.fixture
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def json_values() -> st.SearchStrategy[Any]:
    scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40))
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def fresh(template: Path, scratch: Path) -> Path:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    for name in (KEY_FILE, PUBLIC_FILE):
        shutil.copy(template / "keys" / name, folder / name)
    return folder


def only_identity_errors(call: Any) -> None:
    with contextlib.suppress(IdentityError):
        call()


@FUZZ
@given(content=st.binary(max_size=600))
def test_arbitrary_bytes_as_the_key_file(template: Path, scratch: Path, content: bytes) -> None:
    folder = fresh(template, scratch)
    (folder / KEY_FILE).write_bytes(content)
    with pytest.raises(IdentityError):
        unlock(folder, PHRASE)
    with pytest.raises(IdentityError):
        change_passphrase(folder, PHRASE, "another passphrase", scrypt_n=2**14)
    assert (folder / KEY_FILE).read_bytes() == content


@FUZZ
@given(content=st.binary(max_size=600))
def test_arbitrary_bytes_as_the_public_file(template: Path, scratch: Path, content: bytes) -> None:
    folder = fresh(template, scratch)
    (folder / PUBLIC_FILE).write_bytes(content)
    with pytest.raises(IdentityError):
        load_public(folder)
    with pytest.raises(IdentityError):
        unlock(folder, PHRASE)


@FUZZ
@given(path=st.lists(st.sampled_from(["format", "key_id", "kdf", "n", "r", "p", "salt",
                                       "cipher", "name", "nonce", "ciphertext"]),
                     min_size=1, max_size=2),
       value=json_values())
def test_any_value_in_any_key_file_field(
    template: Path, scratch: Path, path: list[str], value: Any
) -> None:
    """Structured damage: one field of a real key file replaced by any JSON value."""
    folder = fresh(template, scratch)
    data = json.loads((folder / KEY_FILE).read_text(encoding="utf-8"))
    target = data
    for step in path[:-1]:
        if not isinstance(target.get(step), dict):
            return
        target = target[step]
    if target.get(path[-1], object()) == value:
        return
    target[path[-1]] = value
    (folder / KEY_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(IdentityError):
        unlock(folder, PHRASE)


@FUZZ
@given(content=st.binary(max_size=600))
def test_arbitrary_bytes_as_a_card(scratch: Path, content: bytes) -> None:
    path = scratch / "card.json"
    path.write_bytes(content)
    with pytest.raises(IdentityError):
        read_enrollment_card(path)


@FUZZ
@given(field=st.sampled_from(["format", "key_id", "fingerprint", "public_key", "role", "name",
                              "unit_code", "unit_name", "phone", "created_at", "other"]),
       value=json_values())
def test_any_value_in_any_card_field(
    template: Path, scratch: Path, field: str, value: Any
) -> None:
    data = json.loads((template / "card.json").read_text(encoding="utf-8"))
    original = data.get(field, object())
    data[field] = value
    path = scratch / "card.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    if value == original and type(value) is type(original):
        assert read_enrollment_card(path).name == "张三"
    else:
        only_identity_errors(lambda: read_enrollment_card(path))


@FUZZ
@given(flip=st.integers(min_value=0))
def test_any_flipped_bit_in_the_key_file(template: Path, scratch: Path, flip: int) -> None:
    folder = fresh(template, scratch)
    content = bytearray((folder / KEY_FILE).read_bytes())
    index = flip % (len(content) * 8)
    content[index // 8] ^= 1 << (index % 8)
    (folder / KEY_FILE).write_bytes(bytes(content))
    try:
        identity = unlock(folder, PHRASE)
    except IdentityError:
        return
    # The only flips that may still unlock change nothing that matters (JSON spacing,
    # an equivalent spelling); they must give back the very same key.
    expected = base64.b64decode(
        json.loads((template / "keys" / PUBLIC_FILE).read_text(encoding="utf-8"))["public_key"])
    assert identity.public.public_key == expected
