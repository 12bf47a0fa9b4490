"""Child process for the crash test: saves visits until it is killed.

It prints ``committed <id>`` only after the commit has returned, so every id the
parent reads was reported as safely stored.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.store.migrate import open_database
from fieldsurvey.store.organizations import add_organization
from fieldsurvey.store.visits import create_visit, finalize, reopen, save_draft

sys.path.insert(0, str(Path(__file__).parent))
from conftest import VISIT_FORM_MD


def main(db_path: str, seed: int) -> None:
    rng = random.Random(seed)
    form = load_form_markdown(VISIT_FORM_MD)
    db = open_database(Path(db_path))
    with db.transaction() as s:
        org = add_organization(s, name=f"测试协会{seed}", township_code="421202001").id
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        answers = {"visit_date": "2026-11-01", "result": "completed", "union_status": "own",
                   "staff": rng.randint(10, 500), "members": 5, "notes": "记录" * rng.randint(1, 2000),
                   "leaders": [{"leader": f"成员{i}"} for i in range(rng.randint(1, 8))]}
        with db.transaction() as s:
            visit = create_visit(s, organization_id=org, form=form, officer="王芳", answers=answers)
            visit_id = visit.id
            if n % 3 == 0:
                finalize(s, visit_id, form, answers)
                reopen(s, visit_id)
                save_draft(s, visit_id, form, {**answers, "members": 6})
        # One write per line: with PYTHONUNBUFFERED each print() piece is its own
        # write(), and a kill between them would leave "committed " without the id.
        sys.stdout.write(f"committed {visit_id}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
