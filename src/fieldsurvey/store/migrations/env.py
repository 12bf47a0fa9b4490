"""Alembic environment: runs on the connection fieldsurvey hands over.

``render_as_batch`` makes ALTERs work on SQLite by copying tables, inside the
same transaction as the rest of the upgrade.
"""

from alembic import context
from sqlalchemy import create_engine

from fieldsurvey.store.models import Base

config = context.config
connection = config.attributes.get("connection")
# Each kind of database keeps its revision in a table of its own (store/dbkind.py).
version_table = config.attributes.get("version_table", "fieldsurvey_store_version")

if connection is None:  # run from the alembic command line during development
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///fieldsurvey-dev.sqlite3"
    with create_engine(url).begin() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, version_table=version_table)
    with context.begin_transaction():
        context.run_migrations()
