"""Taking bundles in ahead of the merge: in a worker process, or here when it fails."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from office_helpers import Township, tampered
from sqlalchemy import text

from fieldsurvey.bundles import TrustedKey, trust_list
from fieldsurvey.county.intake import Intake, take_in, taken_in
from fieldsurvey.forms.model import FormDefinition


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory,
          shipped_form: FormDefinition) -> tuple[list[Path], dict[str, TrustedKey]]:
    """Three good bundles of two townships, a tampered one and one that is not there."""
    folder = tmp_path_factory.mktemp("intake")
    a = Township(folder / "a", "421202001", "温泉街道", shipped_form).populate(12, 21)
    b = Township(folder / "b", "421202002", "浮山街道", shipped_form).populate(9, 22)
    good = [a.export(), b.export(), a.export()]
    bad = tampered(good[1])
    return [good[0], bad, good[1], folder / "gone.xlsx", good[2]], \
        trust_list([a.signer.public, b.signer.public])


def kinds(intakes: list[Intake]) -> list[str]:
    return [i.verdict.kind if i.verdict else f"unreadable {i.unreadable.code}"  # type: ignore[union-attr]
            for i in intakes]


def test_each_file_is_read_once_and_verified_decoded_and_hashed_from_those_bytes(
        files: tuple[list[Path], dict[str, TrustedKey]], shipped_form: FormDefinition) -> None:
    paths, trust = files
    intakes = [take_in(p, trust, shipped_form) for p in paths]
    assert kinds(intakes) == ["valid", "tampered", "valid",
                              "unreadable office.reject.unreadable", "valid"]
    first = intakes[0]
    assert len(first.visits) > 0 and len(first.organizations) == 12
    assert all(len(v.content_hash) == 64 and len(v.facts) == 13 for v in first.visits)
    assert intakes[1].visits == [] and intakes[1].organizations == []  # never decoded


def test_a_worker_process_takes_in_exactly_what_is_taken_in_here(
        files: tuple[list[Path], dict[str, TrustedKey]], shipped_form: FormDefinition) -> None:
    paths, trust = files
    here = list(taken_in(paths, trust, shipped_form, worker=False))
    workers = []
    through_worker = []
    for intake in taken_in(paths, trust, shipped_form, worker=True):
        workers.append(len(multiprocessing.active_children()))
        through_worker.append(intake)
    assert through_worker == here
    assert min(workers) == 1  # a worker process was running all along
    assert multiprocessing.active_children() == []  # and was stopped at the end


def test_files_are_taken_in_here_when_the_worker_process_dies(
        files: tuple[list[Path], dict[str, TrustedKey]], shipped_form: FormDefinition) -> None:
    paths, trust = files
    here = list(taken_in(paths, trust, shipped_form, worker=False))
    through_worker = []
    for n, intake in enumerate(taken_in(paths, trust, shipped_form, worker=True)):
        if n == 0:
            [worker] = multiprocessing.active_children()
            assert worker.pid is not None
            os.kill(worker.pid, signal.SIGKILL)  # an out-of-memory kill, say
            worker.join(10)
        through_worker.append(intake)
    assert through_worker == here


def test_closing_early_stops_the_worker_process(
        files: tuple[list[Path], dict[str, TrustedKey]], shipped_form: FormDefinition) -> None:
    paths, trust = files
    intakes = taken_in(paths, trust, shipped_form, worker=True)
    assert next(intakes).verdict is not None
    intakes.close()  # the user cancelled
    assert multiprocessing.active_children() == []


def test_a_signed_bundle_with_an_unusable_answer_is_undecodable_naming_sheet_row_and_field(
        tmp_path: Path, shipped_form: FormDefinition) -> None:
    town = Township(tmp_path / "t", "421202001", "温泉街道", shipped_form).populate(4, 23)
    with town.db.transaction() as s:  # edited outside the app: text in a number question
        s.execute(text("UPDATE visit SET answers_json = json_set(answers_json, "
                       "'$.staff_total', 'abc') WHERE json_extract(answers_json, "
                       "'$.staff_total') IS NOT NULL"))
    intake = take_in(town.export(), trust_list([town.signer.public]), shipped_form)
    assert intake.verdict is not None and intake.verdict.ok  # signed as it was exported
    assert intake.undecodable is not None
    assert intake.undecodable.code == "bundle.unreadable"
    detail = intake.undecodable.params["detail"]
    assert "row 3" in detail and "staff_total" in detail, detail
    assert intake.visits == []
