"""Narrow observations: what repeats per row moves to ``observation_meta``; one secondary index.

Before, every observation row carried unit, status, source, note, published, batch and recorded_at
(13 columns) and three secondary indexes; a million-row import spent more time in SQLite's b-trees
than the whole import may take. Now ``observation`` keeps id, indicator, region, period, vintage,
value, current and ``meta``, a reference to one ``observation_meta`` row per distinct (batch,
recorded_at, unit, status, source, note, published). The unique key (indicator, region, period,
vintage) is the only secondary index: it serves one indicator's series in key order, so
``ix_observation_current`` and ``ix_observation_batch`` go. ``meta`` has no foreign key: PostgreSQL
checks one with a trigger per inserted row, which doubled a million-row COPY; the store writes both
tables in one transaction and deletes nothing. On PostgreSQL the key columns compare as
code points (COLLATE "C"), as on SQLite, so the index order is the order the store returns.

Existing rows are migrated (SQLite in batch mode, PostgreSQL with ALTER TABLE); the downgrade puts
the columns back from ``observation_meta`` and drops it.

Revision ID: 0005_observation_meta
Revises: 0004_stats
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_observation_meta"
down_revision = "0004_stats"
branch_labels = None
depends_on = None

META = ("batch", "recorded_at", "unit", "status", "source", "note", "published")
KEY = (("region", 64), ("indicator", 64), ("period", 10))


def _same(left: str, right: str, column: str) -> str:
    """Null-safe equality of a column in two tables (only ``published`` may be NULL)."""
    if column != "published":
        return f"{left}.{column} = {right}.{column}"
    if op.get_bind().dialect.name == "postgresql":
        return f"{left}.{column} IS NOT DISTINCT FROM {right}.{column}"
    return f"{left}.{column} IS {right}.{column}"


def _collate(collation: str | None) -> None:
    """PostgreSQL: the key columns' collation (SQLite compares bytes, which is what "C" means)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, length in KEY:
        op.alter_column("observation", name, type_=sa.String(length, collation=collation),
                        existing_nullable=False)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "observation_meta",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch", sa.String(64), sa.ForeignKey("import_batch.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("published", sa.String(10)),
    )
    op.create_index("ix_observation_meta_batch", "observation_meta", ["batch"])
    columns = ", ".join(META)
    # one meta row per distinct combination, numbered in the order the observations were recorded
    op.execute(f"INSERT INTO observation_meta ({columns}) SELECT {columns} FROM observation "
               f"GROUP BY {columns} ORDER BY MIN(id)")  # fmt: skip
    op.add_column("observation", sa.Column("meta", sa.Integer, nullable=True))
    match = " AND ".join(_same("m", "observation", c) for c in META)
    op.execute(f"UPDATE observation SET meta = m.id FROM observation_meta m WHERE {match}")
    op.drop_index("ix_observation_current", "observation")
    op.drop_index("ix_observation_batch", "observation")
    with op.batch_alter_table("observation") as batch:
        batch.alter_column("meta", existing_type=sa.Integer, nullable=False)
        for column in META:
            batch.drop_column(column)
    _collate("C")


def downgrade() -> None:
    _collate(None)
    with op.batch_alter_table("observation") as batch:
        batch.add_column(sa.Column("unit", sa.String(32), nullable=True))
        batch.add_column(sa.Column("status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("source", sa.Text, nullable=True))
        batch.add_column(sa.Column("note", sa.Text, nullable=True))
        batch.add_column(sa.Column("published", sa.String(10), nullable=True))
        batch.add_column(sa.Column("batch", sa.String(64), nullable=True))
        batch.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
    sets = ", ".join(f"{c} = m.{c}" for c in META)
    op.execute(f"UPDATE observation SET {sets} FROM observation_meta m WHERE m.id = observation.meta")
    with op.batch_alter_table("observation") as batch:
        for column, kind in (("unit", sa.String(32)), ("status", sa.String(16)), ("source", sa.Text),
                             ("note", sa.Text), ("batch", sa.String(64)),
                             ("recorded_at", sa.DateTime(timezone=True))):  # fmt: skip
            batch.alter_column(column, existing_type=kind, nullable=False)
        batch.create_foreign_key("fk_observation_batch", "import_batch", ["batch"], ["id"])
        batch.drop_column("meta")
    op.create_index("ix_observation_current", "observation", ["indicator", "current", "region", "period"])
    op.create_index("ix_observation_batch", "observation", ["batch"])
    op.drop_index("ix_observation_meta_batch", "observation_meta")
    op.drop_table("observation_meta")
