"""Run Python with PySide6 made unimportable, as on a machine without Qt.

``python tests/qt_blocker.py -m pytest ...`` or ``python tests/qt_blocker.py -c CODE``.
"""

from __future__ import annotations

import importlib.abc
import runpy
import sys
from collections.abc import Sequence
from types import ModuleType

BLOCKED = ("PySide6", "shiboken6")


class BlockQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> None:
        if fullname.split(".", maxsplit=1)[0] in BLOCKED:
            raise ImportError(f"{fullname} is blocked: the core must not need Qt")


if __name__ == "__main__":
    sys.meta_path.insert(0, BlockQt())
    args = sys.argv[1:]
    if args[:1] == ["-c"]:
        sys.argv = ["-c", *args[2:]]
        exec(compile(args[1], "<qt_blocker>", "exec"), {"__name__": "__main__"})  # noqa: S102
    elif args[:1] == ["-m"]:
        sys.argv = [args[1], *args[2:]]
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
