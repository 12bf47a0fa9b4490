"""The local SQLite store (Qt-free). Open it with :func:`open_store`."""

from fieldsurvey.paths import DataPaths
from fieldsurvey.store.db import Database, StoreError
from fieldsurvey.store.migrate import open_database


def open_store(paths: DataPaths) -> Database:
    """The data folder's database, backed up and migrated to the current schema."""
    return open_database(paths.database, backups=paths.backups)


__all__ = ["Database", "StoreError", "open_database", "open_store"]
