"""What a command says when it fails: one line in the user's language, never a traceback.

Each command words the failures it expects itself. This module is the last resort
for the ones nobody foresaw (a disk that fills up, a file that vanishes), and the
one place the data folder is opened for every command.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from fieldsurvey.debris import remove_debris
from fieldsurvey.messages import Message
from fieldsurvey.paths import DataPaths, resolve_data_dir


class DataFolderError(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


def open_data_folder(cli_value: str | None) -> DataPaths:
    """The data folder, created owner-only; :class:`DataFolderError` says why it cannot
    be (a file in its place, a read-only file system, no permission)."""
    root = resolve_data_dir(cli_value)
    if root.exists() and not root.is_dir():
        raise DataFolderError(Message("cli_errors.data_dir", {
            "path": str(root), "detail": os.strerror(20)}))  # ENOTDIR, in the C library's words
    try:
        paths = DataPaths(root).ensure()
    except OSError as exc:
        raise DataFolderError(Message("cli_errors.data_dir", {
            "path": str(root), "detail": exc.strerror or type(exc).__name__})) from exc
    remove_debris(paths)  # what a crashed run left behind
    return paths


def one_line(exc: BaseException, lang: str) -> str:
    """``exc`` as one line that names the problem."""
    message = getattr(exc, "message", None)
    if isinstance(message, Message):
        text = message.render(lang)
    elif isinstance(exc, OSError):
        text = Message("cli_errors.os_error", {
            "path": str(exc.filename) if exc.filename else "-",
            "detail": exc.strerror or type(exc).__name__}).render(lang)
    elif isinstance(exc, SQLAlchemyError):
        detail = str(getattr(exc, "orig", None) or exc)
        text = Message("cli_errors.database", {"url": "-", "detail": detail}).render(lang)
    else:
        text = Message("cli_errors.unexpected", {
            "kind": type(exc).__name__, "detail": str(exc)}).render(lang)
    return " ".join(text.split())  # a message with a newline inside is still one line


def is_file_argument(path: Path) -> Message | None:
    """Why ``path`` cannot be read as an input file, or None."""
    if not path.exists():
        return Message("cli_errors.missing", {"path": str(path)})
    if path.is_dir():
        return Message("cli_errors.is_folder", {"path": str(path)})
    return None
