"""``fieldsurvey selfcheck``: every step runs in a throw-away folder and is reported."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from fieldsurvey.commands import selfcheck as sc
from fieldsurvey.messages import LANGUAGES, catalogue, render
from fieldsurvey.printing import visit_record
from fieldsurvey.printing.visit_record import PrintResult

STEP_NAMES = [name for name, _ in sc.STEPS]


def label(name: str, lang: str = "en") -> str:
    return render(f"selfcheck.step_{name}", lang)


def test_every_step_passes_and_the_exit_code_is_zero(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sc.selfcheck("zh", str(tmp_path / "check")) == 0
    out = capsys.readouterr().out
    for name in STEP_NAMES:
        assert f"✓ {label(name, 'zh')}：" in out
    assert "✗" not in out
    assert render("selfcheck.passed", "zh", count=len(STEP_NAMES)) in out


def test_an_explicit_folder_keeps_the_record_and_the_bundle(tmp_path: Path) -> None:
    folder = tmp_path / "check"
    assert sc.selfcheck("en", str(folder)) == 0
    assert (folder / sc.RECORD_PDF).read_bytes().startswith(b"%PDF-")
    assert len(list((folder / "exports").glob("*.xlsx"))) == 1


def test_by_default_a_temporary_folder_is_used_and_removed(
        tmp_path: Path, fresh_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FIELDSURVEY_DATA_DIR points at real data: the check must not go there."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    assert sc.selfcheck("en", None) == 0
    assert list(scratch.iterdir()) == []
    assert not fresh_data_dir.exists()


def test_keep_leaves_the_temporary_folder_and_says_where(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert sc.selfcheck("en", None, keep=True) == 0
    [folder] = tmp_path.glob("fieldsurvey-selfcheck-*")
    assert (folder / sc.RECORD_PDF).is_file()
    assert str(folder) in capsys.readouterr().out


def test_a_folder_holding_anything_is_refused_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "fieldsurvey.sqlite3").write_bytes(b"an officer's visits")
    assert sc.selfcheck("en", str(real)) == 2
    assert [p.name for p in real.iterdir()] == ["fieldsurvey.sqlite3"]
    assert "not empty" in capsys.readouterr().err


def test_a_corrupt_shipped_form_fails_its_step_and_skips_what_needs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "forms"
    broken.mkdir()
    (broken / sc.SHIPPED_FORM).write_bytes(b"PK\x03\x04 not really a workbook")
    monkeypatch.setattr(sc, "forms_dir", lambda: broken)
    assert sc.selfcheck("en", str(tmp_path / "check")) == 1
    out = capsys.readouterr().out
    assert f"✗ {label('form')}: " in out
    for name in ("store", "identity"):  # independent of the form: still run, still pass
        assert f"✓ {label(name)}: " in out
    for name in ("draft", "finalize", "print", "export", "verify", "merge"):
        assert render("selfcheck.line_skipped", "en", step=label(name)) in out
    assert render("selfcheck.failed", "en", count=1, steps=label("form")) in out


def test_a_file_that_is_not_a_pdf_fails_the_print_step_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def fake_print(_db: object, _form: object, _visit_id: str, out: Path, **_kw: object
                   ) -> PrintResult:
        out.write_bytes(b"<html>not a pdf</html>")
        return PrintResult(records=1, pages=1)

    monkeypatch.setattr(visit_record, "write_visit_record", fake_print)
    assert sc.selfcheck("en", str(tmp_path / "check")) == 1
    out = capsys.readouterr().out
    assert f"✗ {label('print')}: " in out and "is not a PDF file" in out
    assert f"✓ {label('export')}: " in out and f"✓ {label('verify')}: " in out


def test_the_qt_probe_is_reported_as_a_step(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert sc.selfcheck("en", str(tmp_path / "a"), qt_probe=lambda: "Qt 6.11.3 (offscreen)") == 0
    assert f"✓ {label('qt')}: Qt 6.11.3 (offscreen)" in capsys.readouterr().out


def test_a_failing_qt_probe_fails_the_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def broken_qt() -> str:
        raise ImportError("libEGL.so.1: cannot open shared object file")

    assert sc.selfcheck("en", str(tmp_path / "b"), qt_probe=broken_qt) == 1
    out = capsys.readouterr().out
    assert f"✗ {label('qt')}: unexpected error ImportError: libEGL.so.1" in out
    assert render("selfcheck.failed", "en", count=1, steps=label("qt")) in out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_has_a_label(lang: str) -> None:
    """Step codes are built from names, so the source scan cannot see them."""
    for name in [*STEP_NAMES, "qt"]:
        assert f"selfcheck.step_{name}" in catalogue(lang)
