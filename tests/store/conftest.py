from __future__ import annotations

import pytest

from fieldsurvey.forms.loader import load_form_markdown
from fieldsurvey.forms.model import FormDefinition

VISIT_FORM_MD = """
| survey |
| | type | name | label | relevant | constraint | required | fs_stat | fs_warning |
| | date | visit_date | Date | | . <= today() | yes | visit_date | |
| | select_one result | result | Result | | | yes | visit_result | |
| | select_one status | union_status | Union | | | | union_status | |
| | integer | staff | Staff | | | | staff_total | |
| | integer | members | Members | ${union_status} != 'none' | . <= ${staff} | | union_members | |
| | text | uscc | USCC | | | | | uscc-valid(.) |
| | begin repeat | leaders | Leaders | ${union_status} = 'own' | | | | |
| | text | leader | Name | | | yes | | |
| | select_multiple post | posts | Posts | | | | | |
| | end repeat | | | | | | | |
| | text | notes | Notes | | | | | |
| choices |
| | list_name | name | label |
| | result | completed | Completed |
| | result | revisit | Revisit |
| | status | none | None |
| | status | own | Own |
| | post | chair | Chair |
| | post | member | Member |
| settings |
| | form_id | version |
| | visit_test | 1 |
"""


@pytest.fixture
def form() -> FormDefinition:
    return load_form_markdown(VISIT_FORM_MD)

