"""Alembic environment: runs on the engine the caller hands over (never one built at import)."""

from alembic import context

from yrd.db.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
