"""Alembic environment of the office database: runs on the connection handed over.

The same revisions run on SQLite and PostgreSQL; ``render_as_batch`` makes
ALTERs work on SQLite by copying tables, inside the upgrade's transaction.
"""

from alembic import context
from sqlalchemy import create_engine

from fieldsurvey.county.models import OfficeBase

config = context.config
connection = config.attributes.get("connection")
# Each kind of database keeps its revision in a table of its own (store/dbkind.py).
version_table = config.attributes.get("version_table", "fieldsurvey_office_version")

if connection is None:  # run from the alembic command line during development
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///fieldsurvey-office-dev.sqlite3"
    with create_engine(url).begin() as connection:
        context.configure(connection=connection, target_metadata=OfficeBase.metadata,
                          render_as_batch=True, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=OfficeBase.metadata,
                      render_as_batch=True, version_table=version_table)
    with context.begin_transaction():
        context.run_migrations()
