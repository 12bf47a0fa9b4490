"""Receiving a county's packages in any order, any number of times, ends in one store."""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from office_helpers import Township, make_office
from receive_helpers import merge, package, set_up_officer, store_digest
from sqlalchemy import select

from fieldsurvey.county import review
from fieldsurvey.county.db import OfficeDatabase
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.packages.read import PackageRefused
from fieldsurvey.packages.receive import receive_package
from fieldsurvey.store.migrate import open_database
from fieldsurvey.store.models import Organization
from fieldsurvey.store.organizations import add_organization, update_organization


def _copy(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite file (its WAL included), by SQLite's backup API."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


@pytest.fixture
def packages(office: OfficeDatabase, tmp_path: Path,
             shipped_form: FormDefinition) -> tuple[Path, list[Path]]:
    """An officer's store as it was, and three packages the county sent it as its own
    register and review moved on (organizations changed and added, visits returned,
    approved and returned again)."""
    town = Township(tmp_path / "town", "421202001", "温泉街道", shipped_form).populate(10, 8)
    set_up_officer(town.db, town.code, town.name)
    make_office(office, trusted=(town.signer,))
    merge(office, shipped_form, town.export())
    town.db.close()
    base = _copy(town.folder / "fieldsurvey.sqlite3", tmp_path / "base.sqlite3")
    out = tmp_path / "out"
    with office.transaction() as s:
        a, b, c, *_ = [i.visit_id for i in review.review_list(s)]
        review.return_visit(s, a, "请核实", by="张审核", questions={"staff_total": "人数？"})
    sent = [package(office, town, out)]
    with town.db.transaction() as s:
        first = s.scalars(select(Organization).order_by(Organization.name)).first()
        assert first is not None
        update_organization(s, first, phone="13907150099", address="咸安区温泉路8号")
        add_organization(s, name="温泉社区志愿者协会", township_code=town.code,
                         phone="13907150100")
    merge(office, shipped_form, town.export())
    with office.transaction() as s:
        review.approve(s, [a], by="张审核")
        review.return_visit(s, b, "是否重复？", by="张审核")
    sent.append(package(office, town, out, "第二次通知"))
    with office.transaction() as s:
        review.approve(s, [b], by="张审核")
        review.return_visit(s, c, "缺少工会信用代码", by="张审核")
    sent.append(package(office, town, out))
    return base, sent


def _received(base: Path, files: list[Path], target: Path) -> str:
    db = open_database(_copy(base, target))
    try:
        for path in files:
            with suppress(PackageRefused):  # a replay or an older one: nothing changes
                receive_package(db, path)
    finally:
        db.close()
    return store_digest(target)


_orders = st.lists(st.sampled_from([0, 1, 2]), max_size=4).flatmap(
    lambda extra: st.permutations([0, 1, 2, *extra]))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=_orders)
def test_any_order_or_repetition_ends_in_the_same_store(
        packages: tuple[Path, list[Path]], tmp_path: Path, order: list[int]) -> None:
    base, sent = packages
    n = next(_runs)
    in_order = _received(base, sent, tmp_path / f"in-order-{n}.sqlite3")
    shuffled = _received(base, [sent[i] for i in order], tmp_path / f"shuffled-{n}.sqlite3")
    assert shuffled == in_order


_runs = count()


def test_the_newest_package_alone_gives_the_same_store(packages: tuple[Path, list[Path]],
                                                      tmp_path: Path) -> None:
    base, sent = packages
    assert _received(base, sent[-1:], tmp_path / "newest.sqlite3") == _received(
        base, sent, tmp_path / "all.sqlite3") != store_digest(base)
