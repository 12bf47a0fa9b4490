"""Screenshots of the register import dialog and the organization dialog.

``scripts/screenshots.py`` calls :func:`shoot_import` with an ``AppContext``
(a ``QApplication`` must already exist); it writes

- ``import_mapping_{lang}.png``: the header and column page, with the preview;
- ``import_check_{lang}.png``: the check page, listing the problems found;
- ``org_dialog_{lang}.png``: adding an organization by hand, with a warning shown.

The register shown is generated here: a title row merged across the columns,
a supervisor merged over rows, full-width characters and ideographic spaces,
bad and duplicated codes, a row without a name and a totals line.

"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication
from shots_common import shoot

from fieldsurvey.domain.uscc import org_code_check_char, uscc_check_char
from fieldsurvey.ui import fit
from fieldsurvey.ui.context import AppContext
from fieldsurvey.ui.import_wizard import ImportWizard
from fieldsurvey.ui.office.table_models import wait_for_jobs
from fieldsurvey.ui.org_dialog import OrganizationDialog

DIALOG_SIZE = (1120, 660)
NAMES = ("茶叶协会", "书法家协会", "慈善基金会", "老年体育协会", "青少年足球俱乐部",
         "社区志愿者协会", "民间文艺家协会", "养老服务中心", "心理咨询服务中心", "商会")
TYPES = ("社会团体", "社团", "基金会", "社会团体", "民办非企业单位（社会服务机构）",
         "社区社会组织", "社会团体", "民非", "社会服务机构", "社会团体")


def _uscc(kind: str, serial: int) -> str:
    body = f"MJ{serial:06d}"
    first17 = kind + "330106" + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def write_demo_register(path: Path) -> Path:
    """A messy register of 24 organizations, as a civil-affairs office might send it."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "社会组织名录"
    ws.append(["杭州市西湖区翠苑街道社会组织名录（2024年5月）"])
    ws.merge_cells("A1:H1")
    ws.append(["序号", "社会组织名称", "统一社会信用代码", "登记类型", "业务主管单位",
               "住所", "法定代表人（负责人）", "联系电话"])
    rows: list[list[Any]] = []
    for i in range(24):
        kind = {"基金会": "53", "民非": "52", "社会服务机构": "52"}.get(TYPES[i % 10], "51")
        if TYPES[i % 10].startswith("民办"):
            kind = "52"
        code: str | None = _uscc(kind, i + 1)
        if TYPES[i % 10] == "社区社会组织":
            code = None
        name = f"西湖区{NAMES[i % 10]}" if i < 10 else f"翠苑{NAMES[i % 10]}"
        rows.append([i + 1, name, code, TYPES[i % 10], "区民政局",
                     f"翠苑街道文三路{100 + i}号", ("张建国", "李秀英", "王志强", "赵丽华")[i % 4],
                     13800138000 + i])
    rows[0][1] = "\u3000西湖区茶叶协会\u3000"
    rows[0][2] = _fullwidth(str(rows[0][2]))
    rows[2][2] = str(rows[2][2])[:17] + "0"  # a typing slip in the check character
    rows[6] = [7, "西湖区茶叶协会", rows[0][2], "社会团体", "区民政局", "翠苑街道文三路100号",
               "张先生", 13800138000]
    rows[9][1] = None
    rows[11][3] = "民办学校"
    rows[13][7] = "8123456"
    rows[15][2] = 9.1433010679e17  # a code Excel turned into a number
    for row in rows:
        ws.append(row)
    ws.merge_cells("E4:E6")
    ws.append([])
    ws.append(["合计：共24个单位"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
    for letter, width in zip("ABCDEFGH", (6, 28, 22, 16, 14, 24, 14, 14), strict=True):
        ws.column_dimensions[letter].width = width
    book.save(path)
    return path


def shoot_import(ctx: AppContext, out_dir: Path) -> list[Path]:
    """Save the mapping and check pages of the import dialog and the organization dialog."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        register = write_demo_register(Path(tmp) / "翠苑街道社会组织名录.xlsx")
        wizard = ImportWizard(ctx, path=register)
        # The file is read on a worker thread; its answer arrives as a queued signal.
        wait_for_jobs()
        QApplication.processEvents()
        fit.cap(wizard, QSize(*DIALOG_SIZE))  # as the app does on a smaller screen
        wizard.show()
        wizard.next_button.click()
        shots.append(shoot(wizard, out_dir / f"import_mapping_{ctx.lang}.png"))
        wizard.next_button.click()
        shots.append(shoot(wizard, out_dir / f"import_check_{ctx.lang}.png"))
        wizard.close()
        wizard.deleteLater()
    dialog = OrganizationDialog(ctx)
    name, uscc = dialog.inputs["name"], dialog.inputs["uscc"]
    name.insert("翠苑社区书画协会")  # type: ignore[union-attr]
    uscc.insert(_uscc("52", 77))  # type: ignore[union-attr]
    reg_type = dialog.inputs["reg_type"]
    reg_type.setCurrentIndex(reg_type.findData("social_group"))  # type: ignore[union-attr]
    dialog.show()
    shots.append(shoot(dialog, out_dir / f"org_dialog_{ctx.lang}.png"))
    dialog.close()
    dialog.deleteLater()
    return shots
