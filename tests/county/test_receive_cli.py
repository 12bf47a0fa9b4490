"""The officer's commands: trust the county's card by its fingerprint, receive, reply."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from receive_helpers import set_up_officer
from review_helpers import cli_county_with_township

from fieldsurvey.cli import main
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.county import returned_cases

PASSPHRASE = "correct-horse-9"  # noqa: S105 - a test passphrase


def test_trust_receive_and_reply_from_the_command_line(
        fresh_data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        shipped_form: FormDefinition, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FIELDSURVEY_PASSPHRASE", PASSPHRASE)
    town = cli_county_with_township(tmp_path, shipped_form)
    capsys.readouterr()
    assert main(["review", "list", "--json"]) == 0
    visit = json.loads(capsys.readouterr().out)[0]["visit_id"]
    assert main(["review", "return", visit, "--comment", "请补充联系人"]) == 0
    out = tmp_path / "out"
    out.mkdir()
    assert main(["package", "--township", town.code, "--out", str(out)]) == 0
    [sent] = list(out.iterdir())
    card = tmp_path / "county.fsid.json"
    assert main(["identity", "card", str(card)]) == 0
    capsys.readouterr()

    store = str(town.folder / "fieldsurvey.sqlite3")
    town.db.close()
    set_up_officer(town.db, town.code, town.name, county=None)  # profile only
    assert main(["receive", str(sent), "--db", store]) == 1  # no county trusted yet
    assert "登记卡" in capsys.readouterr().err
    assert main(["county-trust", str(card), "--db", store]) == 2
    fingerprint = capsys.readouterr().out.splitlines()[1].strip()
    assert main(["county-trust", str(card), "--db", store, "--fingerprint", "1234"]) == 1
    assert main(["county-trust", str(card), "--db", store, "--fingerprint", fingerprint]) == 0
    capsys.readouterr()
    assert main(["receive", str(sent), "--db", store, "--dry-run"]) == 0
    assert "退回待改 1 条" in capsys.readouterr().out
    with town.db.transaction() as s:
        assert returned_cases(s) == []  # a dry run applies nothing
    assert main(["receive", str(sent), "--db", store]) == 0
    assert main(["receive", str(sent), "--db", store]) == 1
    assert "已经接收过" in capsys.readouterr().err
    assert main(["reply", visit, "联系人已补充", "--db", store]) == 0
    with town.db.transaction() as s:
        [case] = returned_cases(s)
    assert case.visit_id == visit and case.replied and not case.to_fix
    # The county's laptop was lost: its key's packages from then on are refused.
    assert main(["package", "--township", town.code, "--out", str(out)]) == 0
    later = next(p for p in out.iterdir() if p.name.endswith("-002.xlsx"))
    assert main(["county-trust", str(card), "--db", store, "--revoke-from", "yesterday"]) == 2
    assert main(["county-trust", str(card), "--db", store, "--revoke-from", "2026-11-01"]) == 0
    capsys.readouterr()
    assert main(["receive", str(later), "--db", store]) == 1
    assert "停用" in capsys.readouterr().err.splitlines()[0]
