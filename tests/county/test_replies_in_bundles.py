"""Replies ride in the bundle's signed manifest; bundles without them read as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_helpers import Township
from sqlalchemy import text

from fieldsurvey.bundles import read_bundle, trust_list, verify_bundle
from fieldsurvey.bundles.replies import ReplyError, replies_of
from fieldsurvey.forms.model import FormDefinition
from fieldsurvey.store.county import add_reply


def test_a_bundle_carries_every_reply_and_still_reads(tmp_path: Path,
                                                      shipped_form: FormDefinition) -> None:
    town = Township(tmp_path / "a", "421202001", "温泉街道", shipped_form).populate(4, 1)
    plain = town.export()
    before = verify_bundle(plain, trust_list([town.signer.public])).manifest
    assert before is not None and "replies" not in before
    with town.db.transaction() as s:
        visit = s.execute(text(
            "SELECT id FROM visit WHERE status = 'final' LIMIT 1")).scalar_one()
        add_reply(s, visit, "=已核实，不是公式", officer="王芳")
    bundle = town.export()
    verdict = verify_bundle(bundle, trust_list([town.signer.public]))
    assert verdict.ok and verdict.manifest is not None
    [reply] = replies_of(verdict.manifest)
    assert (reply.visit_id, reply.text, reply.by) == (visit, "=已核实，不是公式", "王芳")
    assert len(read_bundle(bundle).visits) == len(read_bundle(plain).visits)
    assert replies_of({}) == []  # a bundle from before replies


@pytest.mark.parametrize("bad", [
    "not a list", [{"id": "x"}],
    [{"id": "x", "visit_id": "v", "revision": "1", "text": "t", "by": "b",
      "at": "2026-11-21T08:00:00Z"}],
    [{"id": "x", "visit_id": "v", "revision": 1, "text": "t", "by": "b",
      "at": "2026-11-21T08:00:00"}],
])
def test_malformed_replies_are_refused(bad: object) -> None:
    with pytest.raises(ReplyError):
        replies_of({"replies": bad})
