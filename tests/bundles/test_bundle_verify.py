"""Verify: each way a bundle can go wrong gets its own verdict, with details."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from bundle_helpers import SHEET_PARTS, FakeSigner, part, rewrite, rows_of
from python_calamine import CalamineWorkbook

from fieldsurvey import clock, filegate
from fieldsurvey.bundles import (
    BundleError,
    ExportSummary,
    read_bundle,
    trust_list,
    verify_bundle,
)
from fieldsurvey.bundles.common import MANIFEST_PART, SIGNATURE_PART
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store import Database
from fieldsurvey.store.visits import create_visit, finalize

MakeBundle = Callable[..., ExportSummary]
VISITS = SHEET_PARTS["走访记录"]


@pytest.fixture
def bundle(populated: Database, make_bundle: MakeBundle) -> Path:
    return make_bundle(populated).path


def test_an_untouched_bundle_is_valid(bundle: Path, signer: FakeSigner) -> None:
    verdict = verify_bundle(bundle, signer.trust())
    assert (verdict.kind, verdict.details) == ("valid", [])
    assert verdict.message.code == "bundle.verdict.valid"
    assert verdict.manifest is not None and verdict.manifest["producer"]["name"] == "王芳"
    assert "王芳" in verdict.message.render("zh")


def test_a_changed_cell_is_named_by_sheet_and_row(bundle: Path, signer: FakeSigner,
                                                  tmp_path: Path) -> None:
    first_visit = rows_of(part(bundle, VISITS))[2]
    visit_id = re.search(rb"<t>([0-9a-f-]{36})</t>", first_visit).group(1).decode()
    changed = rewrite(bundle, tmp_path / "changed.xlsx", change={
        VISITS: lambda xml: xml.replace(b"<v>25</v>", b"<v>250</v>", 1)})
    verdict = verify_bundle(changed, signer.trust())
    assert verdict.kind == "tampered"
    assert verdict.details == [
        f"part changed: {VISITS} (sheet 走访记录)",
        f"走访记录 row 3 changed [{visit_id}]",
    ]


def test_a_deleted_row_is_named(bundle: Path, signer: FakeSigner, tmp_path: Path) -> None:
    def drop_row_4(xml: bytes) -> bytes:
        row = rows_of(xml)[3]
        xml = xml.replace(row, b"")
        # Renumber the rows below, as a careful forger would.
        return re.sub(rb'r="([A-Z]*)5"', rb'r="\g<1>4"', xml)

    verdict = verify_bundle(rewrite(bundle, tmp_path / "deleted.xlsx",
                                    change={VISITS: drop_row_4}), signer.trust())
    assert verdict.kind == "tampered"
    assert "走访记录 row 4 deleted (as signed)" in verdict.details
    assert not [d for d in verdict.details if "changed [" in d or "added" in d]


def test_an_added_row_is_named(bundle: Path, signer: FakeSigner, tmp_path: Path) -> None:
    def add_row(xml: bytes) -> bytes:
        copy = re.sub(rb'r="([A-Z]*)3"', rb'r="\g<1>6"', rows_of(xml)[2])
        return xml.replace(b"</sheetData>", copy + b"</sheetData>")

    verdict = verify_bundle(rewrite(bundle, tmp_path / "added.xlsx", change={VISITS: add_row}),
                            signer.trust())
    assert verdict.kind == "tampered"
    assert any(d.startswith("走访记录 row 6 added [") for d in verdict.details)


def test_a_part_swapped_in_from_another_bundle(populated: Database, make_bundle: MakeBundle,
                                               shipped_form: FormDefinition,
                                               signer: FakeSigner, tmp_path: Path) -> None:
    first = make_bundle(populated, name="first.xlsx").path
    with populated.transaction() as s:
        from bundle_helpers import OVERRIDES, SHIPPED_ANSWERS

        from fieldsurvey.store.models import Visit
        org = s.query(Visit).first().organization_id
        new = create_visit(s, organization_id=org, form=shipped_form, officer="王芳",
                           answers=SHIPPED_ANSWERS)
        finalize(s, new.id, shipped_form, SHIPPED_ANSWERS, OVERRIDES)
    second = make_bundle(populated, name="second.xlsx", sequence=2).path
    # Both are validly signed by the same officer; mixing them is not.
    assert verify_bundle(second, signer.trust()).kind == "valid"
    mixed = rewrite(first, tmp_path / "mixed.xlsx",
                    change={VISITS: lambda _: part(second, VISITS)})
    verdict = verify_bundle(mixed, signer.trust())
    assert verdict.kind == "tampered"
    assert f"part changed: {VISITS} (sheet 走访记录)" in verdict.details
    assert any(d.startswith("走访记录 row 6 added") for d in verdict.details)


def test_another_officers_key_is_an_unknown_signer(bundle: Path) -> None:
    stranger = FakeSigner(name="陈静")
    verdict = verify_bundle(bundle, stranger.trust())
    assert verdict.kind == "unknown_signer"
    assert verdict.message.params["name"] == "王芳"  # who the file claims, to show the user


def test_a_manifest_edited_after_signing_is_tampered(bundle: Path, signer: FakeSigner,
                                                     tmp_path: Path) -> None:
    def claim_more(raw: bytes) -> bytes:
        manifest = json.loads(raw)
        manifest["counts"]["visits"] = 200
        return json.dumps(manifest, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode()

    verdict = verify_bundle(rewrite(bundle, tmp_path / "m.xlsx",
                                    change={MANIFEST_PART: claim_more}), signer.trust())
    assert verdict.kind == "tampered"
    assert verdict.details == [f"{MANIFEST_PART}: the signature does not match"]
    resigned_by_stranger = rewrite(bundle, tmp_path / "s.xlsx", change={
        SIGNATURE_PART: lambda _: FakeSigner().sign(part(bundle, MANIFEST_PART))})
    assert verify_bundle(resigned_by_stranger, signer.trust()).kind == "tampered"
    no_sig = rewrite(bundle, tmp_path / "nosig.xlsx", drop=(SIGNATURE_PART,))
    assert verify_bundle(no_sig, signer.trust()).kind == "tampered"


def test_a_key_revoked_before_the_bundle_was_made(bundle: Path, signer: FakeSigner) -> None:
    now = clock.now()
    revoked = verify_bundle(bundle, signer.trust(revoked_from=now - dt.timedelta(days=1)))
    assert revoked.kind == "revoked"
    assert revoked.message.code == "bundle.verdict.revoked"
    # Bundles made before the revocation stay valid.
    later = verify_bundle(bundle, signer.trust(revoked_from=now + dt.timedelta(days=1)))
    assert later.kind == "valid"


def test_a_truncated_file_is_corrupt(bundle: Path, signer: FakeSigner, tmp_path: Path) -> None:
    data = bundle.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 100):
        short = tmp_path / f"cut{cut}.xlsx"
        short.write_bytes(data[:cut])
        verdict = verify_bundle(short, signer.trust())
        assert verdict.kind == "corrupt", cut
        assert verdict.message.code == "bundle.corrupt"


def test_a_file_resaved_by_a_spreadsheet_program(bundle: Path, signer: FakeSigner,
                                                 tmp_path: Path) -> None:
    book = openpyxl.load_workbook(bundle)
    book["名录"]["B3"] = "改过的名字"
    resaved = tmp_path / "resaved.xlsx"
    book.save(resaved)
    verdict = verify_bundle(resaved, signer.trust())
    assert verdict.kind == "resaved"
    assert verdict.message.code == "bundle.verdict.resaved"
    assert any("走访记录" in d for d in verdict.details)
    with pytest.raises(BundleError):
        read_bundle(resaved)


def test_other_files_are_not_bundles(signer: FakeSigner, tmp_path: Path) -> None:
    text = tmp_path / "notes.xlsx"
    text.write_text("just text", encoding="utf-8")
    assert verify_bundle(text, signer.trust()).kind == "not_a_bundle"
    other = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(other)
    assert verify_bundle(other, signer.trust()).kind == "not_a_bundle"
    encrypted = tmp_path / "encrypted.xlsx"
    encrypted.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    verdict = verify_bundle(encrypted, signer.trust())
    assert (verdict.kind, verdict.message.code) == ("not_a_bundle", "bundle.encrypted")


def _refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workbook parsing fails the test (safety's own defused [Content_Types] read is fine)."""

    def boom(*_: object, **__: object) -> None:
        raise AssertionError("parsed before the safety checks refused the file")

    monkeypatch.setattr("fieldsurvey.bundles.verify.parse_xml", boom)
    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    monkeypatch.setattr(CalamineWorkbook, "from_filelike", boom)


def test_a_zip_bomb_is_refused_before_parsing(bundle: Path, signer: FakeSigner, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # 8 MB of zeros squeezed about 1000:1 into a sheet-looking part.
    bomb = rewrite(bundle, tmp_path / "bomb.xlsx",
                   add={"xl/worksheets/sheet9.xml": b"\0" * (8 * 2**20)})
    _refuse_parsing(monkeypatch)
    verdict = verify_bundle(bomb, signer.trust())
    assert (verdict.kind, verdict.message.code) == ("corrupt", "bundle.zip_bomb")
    with pytest.raises(BundleError) as caught:
        read_bundle(bomb)
    assert caught.value.message.code == "bundle.zip_bomb"


def test_declared_and_actual_sizes_are_both_capped(bundle: Path, signer: FakeSigner,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_parsing(monkeypatch)
    monkeypatch.setattr("fieldsurvey.bundles.verify.BUNDLE",
                        dataclasses.replace(filegate.BUNDLE, total_bytes=10_000))
    assert verify_bundle(bundle, signer.trust()).message.code == "bundle.zip_bomb"
    # Headers that understate the sizes: the bytes actually inflated are counted too.
    monkeypatch.setattr(filegate.zipgate, "check_declared", lambda infos, limits: None)
    assert verify_bundle(bundle, signer.trust()).message.code == "bundle.zip_bomb"


XXE = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')


def test_an_xxe_payload_is_refused_never_resolved(bundle: Path, signer: FakeSigner,
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def inject(xml: bytes) -> bytes:
        return XXE + xml.replace("<t>李明</t>".encode(), b"<t>&xxe;</t>", 1)

    evil = rewrite(bundle, tmp_path / "xxe.xlsx", change={VISITS: inject})
    _refuse_parsing(monkeypatch)
    verdict = verify_bundle(evil, signer.trust())
    assert verdict.kind == "tampered"
    assert f"{VISITS}: DTD" in verdict.details
    with pytest.raises(BundleError):
        read_bundle(evil)
    unsigned = rewrite(evil, tmp_path / "xxe2.xlsx", drop=(MANIFEST_PART, SIGNATURE_PART))
    assert verify_bundle(unsigned, signer.trust()).kind == "not_a_bundle"


def test_our_own_xml_parsing_never_resolves_entities() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
              b"<r>&b;</r>")
    for payload in (XXE + b"<worksheet>&xxe;</worksheet>", laughs):
        with pytest.raises(filegate.Refused):
            filegate.parse_xml(payload)


def test_a_macro_part_added_is_refused(bundle: Path, signer: FakeSigner, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    macro = b'<Override PartName="/xl/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    with_macro = rewrite(bundle, tmp_path / "macro.xlsx", add={"xl/vbaProject.bin": b"VBA"},
                         change={"[Content_Types].xml":
                                 lambda x: x.replace(b"</Types>", macro + b"</Types>")})
    _refuse_parsing(monkeypatch)
    verdict = verify_bundle(with_macro, signer.trust())
    assert verdict.kind == "tampered"
    assert verdict.message.code == "bundle.verdict.active_content"
    assert "xl/vbaProject.bin: macro" in verdict.details
    for name, what in (("xl/externalLinks/externalLink1.xml", "external link"),
                       ("xl/connections.xml", "data connection")):
        extra = rewrite(bundle, tmp_path / "x.xlsx", add={name: b"<x/>"})
        assert f"{name}: {what}" in verify_bundle(extra, signer.trust()).details


def test_an_encrypted_zip_member_is_refused(bundle: Path, signer: FakeSigner,
                                            tmp_path: Path) -> None:
    data = bytearray(bundle.read_bytes())
    # Set the "encrypted" flag bit on every central directory entry.
    for match in re.finditer(rb"PK\x01\x02", bytes(data)):
        data[match.start() + 8] |= 0x1
    flagged = tmp_path / "flagged.xlsx"
    flagged.write_bytes(bytes(data))
    verdict = verify_bundle(flagged, signer.trust())
    assert (verdict.kind, verdict.message.code) == ("not_a_bundle", "bundle.encrypted")


def test_duplicate_part_names_are_refused(bundle: Path, signer: FakeSigner,
                                          tmp_path: Path) -> None:
    twice = tmp_path / "twice.xlsx"
    twice.write_bytes(bundle.read_bytes())
    with zipfile.ZipFile(twice, "a") as zf, pytest.warns(UserWarning):
        zf.writestr(VISITS, b"<worksheet/>")
    assert verify_bundle(twice, signer.trust()).kind == "corrupt"


def test_identities_from_the_identity_module_sign_and_are_trusted(
        populated: Database, make_bundle: MakeBundle) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    keys = pytest.importorskip("fieldsurvey.identity.keys")
    records = pytest.importorskip("fieldsurvey.identity.records")
    private = Ed25519PrivateKey.generate()
    public = records.PublicIdentity.for_key(
        private.public_key().public_bytes_raw(), role="officer", name="王芳",
        unit_code="421202001", unit_name="咸安区温泉街道")
    summary = make_bundle(populated, signer=keys.UnlockedIdentity(public, private))
    verdict = verify_bundle(summary.path, trust_list([public]))
    assert verdict.kind == "valid"
    assert verdict.manifest is not None and verdict.manifest["producer"]["role"] == "officer"
    assert keys.verify_signature(public.public_key, part(summary.path, SIGNATURE_PART),
                                 part(summary.path, MANIFEST_PART))
