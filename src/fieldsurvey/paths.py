"""Every location fieldsurvey writes to. Nothing else builds data paths.

The data folder defaults to the platform's user data dir. ``--data-dir`` or the
``FIELDSURVEY_DATA_DIR`` environment variable override it: a portable install on
a USB stick, and every test, use that.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "fieldsurvey"
ENV_DATA_DIR = "FIELDSURVEY_DATA_DIR"


@dataclass(frozen=True)
class DataPaths:
    """The layout of one data folder."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "fieldsurvey.sqlite3"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def window_state(self) -> Path:
        """Where the main windows' size and place are remembered (Qt's own INI format)."""
        return self.root / "windows.ini"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def ensure(self) -> DataPaths:
        """Create the folder tree, readable by the owner only (it holds personal data)."""
        for folder in (self.root, self.backups, self.keys, self.exports, self.logs):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkdir's mode is filtered by the umask and ignored for existing folders.
            # Only when it differs: a folder on a read-only medium can still be read.
            if os.name == "posix" and folder.stat().st_mode & 0o777 != 0o700:
                folder.chmod(0o700)
        return self


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins, then ``FIELDSURVEY_DATA_DIR``, then the platform default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def data_paths(cli_value: str | os.PathLike[str] | None = None) -> DataPaths:
    """The data folder, created with owner-only permissions."""
    return DataPaths(resolve_data_dir(cli_value)).ensure()
