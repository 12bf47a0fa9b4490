"""The office's commands end to end: init, trust, merge, conflicts, rollup, verify --trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from office_helpers import Township
from sqlalchemy import text

from fieldsurvey.cli import main
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.identity.enrollment import write_enrollment_card

PASSPHRASE = "correct-horse-9"  # noqa: S105 - a test passphrase


@pytest.fixture
def county(fresh_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASSPHRASE)
    assert main(["identity", "create", "--role", "county", "--name", "李主席",
                 "--unit-code", "421202", "--unit-name", "咸安区总工会"]) == 0
    assert main(["office", "init", "--role", "county", "--unit-code", "421202",
                 "--unit-name", "咸安区总工会"]) == 0
    return fresh_data_dir


def test_merge_from_the_command_line(county: Path, shipped_form: FormDefinition, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(6, 2)
    card = tmp_path / "wangfang.fsid.json"
    write_enrollment_card(town.signer.public, card)
    bundle = town.export()
    capsys.readouterr()
    assert main(["merge", str(bundle)]) == 1  # not trusted yet
    assert "签名人不在信任名单中" in capsys.readouterr().out
    assert main(["trust", "add", str(card)]) == 0
    assert town.signer.public.fingerprint in capsys.readouterr().out
    report = tmp_path / "report.xlsx"
    assert main(["merge", str(bundle), "--json", "--report", str(report)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["files"][0]["outcome"] == "imported"
    assert result["totals"]["new"] > 0 and result["totals"]["rejected"] == 0
    assert report.exists()
    assert main(["merge", str(bundle)]) == 0  # already in: not a failure
    assert "已经导入过" in capsys.readouterr().out
    assert main(["conflicts", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["trust", "list", "--json"]) == 0
    [key] = json.loads(capsys.readouterr().out)
    assert key["name"] == "王芳" and key["revoked_from"] is None
    assert main(["trust", "revoke", key["key_id"][:6], "--from", "2026-11-01",
                 "--reason", "电脑丢失"]) == 0
    assert "已吊销 王芳" in capsys.readouterr().out
    assert main(["trust", "list", "--json"]) == 0
    # A date without a zone is Beijing time: midnight there is 16:00 UTC the day before.
    assert json.loads(capsys.readouterr().out)[0]["revoked_from"] == "2026-10-31T16:00:00+00:00"


def test_rollup_and_a_trust_file_for_verify(county: Path, shipped_form: FormDefinition,
                                            tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(6, 2)
    card = tmp_path / "wangfang.fsid.json"
    write_enrollment_card(town.signer.public, card)
    main(["trust", "add", str(card)])
    main(["merge", str(town.export())])
    out = tmp_path / "county.xlsx"
    assert main(["rollup", "--month", "2026-11", "--out", str(out)]) == 0
    assert out.exists()
    trust_file = tmp_path / "office.fstrust.json"
    assert main(["trust", "export", str(trust_file)]) == 0
    capsys.readouterr()
    # The trust file makes the township's bundle verifiable on another PC.
    assert main(["verify", str(town.export("again.xlsx")), "--trust", str(trust_file)]) == 0
    assert main(["verify", str(out), "--trust", str(trust_file)]) == 1  # the county's own key
    assert "unknown_signer" in capsys.readouterr().out


def test_office_commands_need_an_office(fresh_data_dir: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"")
    assert main(["merge", str(tmp_path / "x.xlsx")]) == 2
    assert "office init" in capsys.readouterr().err
    assert main(["office", "init", "--role", "county", "--unit-code", "421200",
                 "--unit-name", "咸宁"]) == 2


def test_merge_counts_organizations_and_visits_apart_and_a_file_already_in_is_no_failure(
        county: Path, shipped_form: FormDefinition, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(6, 2)
    card = tmp_path / "wangfang.fsid.json"
    write_enrollment_card(town.signer.public, card)
    main(["trust", "add", str(card)])
    bundle = town.export()
    with town.db.transaction() as session:
        organizations = session.scalar(text("SELECT count(*) FROM organization"))
    capsys.readouterr()
    assert main(["merge", str(bundle), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    [line] = result["files"]
    assert line["organizations"]["new"] == organizations
    assert line["visits"]["new"] > 0
    for outcome in ("new", "updated", "unchanged", "superseded", "conflict"):
        assert line[outcome] == line["organizations"][outcome] + line["visits"][outcome]
        assert result["totals"]["organizations"][outcome] == line["organizations"][outcome]
    # Again, with a foreign file: the one already in is reported as such, not refused.
    stranger = tmp_path / "stranger.xlsx"
    stranger.write_bytes(b"PK not a bundle")
    assert main(["--lang", "en", "merge", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "Already imported, unchanged" in out and "1 already imported, 0 rejected" in out
    assert main(["--lang", "en", "merge", str(bundle), str(stranger), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert [f["outcome"] for f in result["files"]] == ["already", "rejected"]
    assert (result["totals"]["already"], result["totals"]["rejected"]) == (1, 1)
