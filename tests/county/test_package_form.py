"""A new form version travels to the townships inside the signed county package
(issue 17, deliverable 2), with real keys, stores and files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from form_v3 import V3, next_shipped_form
from office_helpers import Township, make_office
from receive_helpers import merge, package, set_up_officer, store_digest
from test_review_cli import merged  # noqa: F401 - the CLI office fixture

from fieldsurvey.bundles.common import MANIFEST_PART
from fieldsurvey.cli import main
from fieldsurvey.commands.receive import print_summary
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.county.form_archive import ArchiveError, publish, versions_of
from fieldsurvey.filegate import read_form
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.packages.read import PackageRefused
from fieldsurvey.packages.receive import preview_package, receive_package
from fieldsurvey.store.form_versions import newest_form


@pytest.fixture
def wenquan(tmp_path: Path, shipped_form: FormDefinition) -> Township:
    town = Township(tmp_path / "wenquan", "421202001", "温泉街道", shipped_form).populate(4, 3)
    set_up_officer(town.db, town.code, town.name)
    return town


@pytest.fixture
def county(office: OfficeDatabase, wenquan: Township,
           shipped_form: FormDefinition) -> OfficeDatabase:
    make_office(office, trusted=(wenquan.signer,))
    merge(office, shipped_form, wenquan.export())
    return office


def _manifest(path: Path) -> dict[str, object]:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(MANIFEST_PART))  # type: ignore[no-any-return]


def test_the_published_form_is_installed_on_receiving(
        county: OfficeDatabase, wenquan: Township, shipped_form: FormDefinition,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    v3 = next_shipped_form(tmp_path / "forms")
    with county.transaction() as s:
        publish(s, read_form(v3), v3.name)
    sent = package(county, wenquan, tmp_path / "out")
    manifest = _manifest(sent)
    assert manifest["form"] == {"id": "so_union_visit", "version": V3, "name": v3.name,
                                "part": "fieldsurvey/form.xlsx"}
    assert "fieldsurvey/form.xlsx" in manifest["parts"]  # type: ignore[operator]
    shown = preview_package(wenquan.db, sent)
    assert shown.package.contents.form is not None
    print_summary(shown, "zh")
    assert f"版本 {V3}" in capsys.readouterr().out
    with wenquan.db.sessions() as s:
        assert newest_form(s, shipped_form).version == shipped_form.version  # not yet
    assert receive_package(wenquan.db, sent).form_installed == V3
    with wenquan.db.sessions() as s:
        newest = newest_form(s, shipped_form)
    assert newest.version == V3 and newest.stat_fields()["staff_total"] == "staff_count"
    # Every later package carries the newest published form; installed once.
    again = package(county, wenquan, tmp_path / "out")
    assert _manifest(again)["form"] == manifest["form"]
    assert receive_package(wenquan.db, again).form_installed is None


def test_a_package_before_any_publication_carries_no_form(
        county: OfficeDatabase, wenquan: Township, tmp_path: Path) -> None:
    sent = package(county, wenquan, tmp_path / "out")
    assert "form" not in _manifest(sent)
    assert receive_package(wenquan.db, sent).form_installed is None


def test_a_changed_form_part_is_refused_and_nothing_changes(
        county: OfficeDatabase, wenquan: Township, tmp_path: Path) -> None:
    v3 = next_shipped_form(tmp_path / "forms")
    with county.transaction() as s:
        publish(s, read_form(v3), v3.name)
    sent = package(county, wenquan, tmp_path / "out")
    forged = sent.with_name("forged.xlsx")
    with zipfile.ZipFile(sent) as src, zipfile.ZipFile(forged, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "fieldsurvey/form.xlsx":
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            out.writestr(info.filename, data)
    before = store_digest(wenquan.folder / "fieldsurvey.sqlite3")
    with pytest.raises(PackageRefused):
        receive_package(wenquan.db, forged)
    assert store_digest(wenquan.folder / "fieldsurvey.sqlite3") == before


def test_a_form_that_would_lose_answers_is_not_published(
        county: OfficeDatabase, tmp_path: Path) -> None:
    v3 = next_shipped_form(tmp_path / "forms")
    # Undeclared: the renamed question now looks removed (its answers would be lost).
    bad = v3.read_bytes()
    import openpyxl  # type: ignore[import-untyped]

    book = openpyxl.load_workbook(v3)
    survey = book["survey"]
    col = [c.value for c in survey[1]].index("fs_previous_name") + 1
    for row in survey.iter_rows(min_row=2):
        row[col - 1].value = None
    book.save(v3)
    assert v3.read_bytes() != bad
    with county.transaction() as s, pytest.raises(ArchiveError) as caught:
        publish(s, read_form(v3), v3.name)
    assert caught.value.message.code == "form_archive.publish_refused"
    assert any("staff_total" in line for line in caught.value.details("zh"))
    with county.sessions() as s:
        assert V3 not in versions_of(s, "so_union_visit")


def test_package_form_from_the_command_line(merged: list[str],  # noqa: F811
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    v3 = next_shipped_form(tmp_path / "forms")
    out = tmp_path / "out"
    out.mkdir()
    capsys.readouterr()
    assert main(["package", "--all", "--out", str(out), "--dry-run", "--form", str(v3)]) == 0
    shown = capsys.readouterr().out
    assert V3 in shown and list(out.iterdir()) == []
    assert main(["package", "--township", "421202001", "--out", str(out),
                 "--form", str(v3)]) == 0
    [written] = list(out.iterdir())
    assert _manifest(written)["form"]["version"] == V3  # type: ignore[index]
    assert main(["package", "--all", "--out", str(out),
                 "--form", str(tmp_path / "missing.xlsx")]) == 1
    err = capsys.readouterr()
    assert "Traceback" not in err.err + err.out and len(err.err.strip().splitlines()) == 1
