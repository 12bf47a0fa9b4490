"""Issue 15: the visit editor and the statistics page stay split by responsibility —
each of their files ≤ 400 lines, each class ≤ 25 methods (the import wizard has its own
test in test_import_wizard_keys.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "src" / "fieldsurvey" / "ui"
FILES = ["visit/editor.py", "visit/editor_actions.py", "visit/editor_checks.py",
         "visit/editor_focus.py", "visit/editor_layout.py", "office/stats_page.py",
         "office/stats_views.py", "office/stats_exports.py"]


@pytest.mark.parametrize("name", FILES)
def test_each_file_and_class_stays_small(name: str) -> None:
    source = (UI / name).read_text(encoding="utf-8")
    assert source.count("\n") <= 400, name
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            methods = [n for n in node.body if isinstance(n, ast.FunctionDef)]
            assert len(methods) <= 25, (name, node.name, len(methods))
