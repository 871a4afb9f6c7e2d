"""The observation key becomes a named unique index instead of a table constraint.

The key (indicator, region, period, vintage) stays unique and keeps its name,
``uq_observation_vintage``, but as ``CREATE UNIQUE INDEX`` rather than ``UNIQUE (…)`` inside the
table. On SQLite a table constraint's index cannot be dropped; a named index can, inside a
transaction. The store uses that for a bulk load into an empty or nearly empty ``observation``
table: drop the index, insert, build it once (a sort) instead of a b-tree insert per row, all in
the import's transaction — a duplicate key still fails the import and rolls everything back.
PostgreSQL gets the same shape (an index, not a constraint) so that both drop it the same way.

No other index is added: a covering index for one indicator's series was measured (SQLite: the
lookup of 20,795 rows fell from ≈ 6 to ≈ 4 ms of a ≈ 50 ms query, the rest being the driver's
tuples; PostgreSQL did not use it as an index-only scan after a load) and would cost one more index
build, ≈ 2 s, on every million-row import.

Revision ID: 0006_observation_unique_index
Revises: 0005_observation_meta
"""

from alembic import op

revision = "0006_observation_unique_index"
down_revision = "0005_observation_meta"
branch_labels = None
depends_on = None

NAME = "uq_observation_vintage"
KEY = ["indicator", "region", "period", "vintage"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("observation") as batch:  # SQLite: the table is rebuilt without it
            batch.drop_constraint(NAME, type_="unique")
    else:
        op.drop_constraint(NAME, "observation", type_="unique")
    op.create_index(NAME, "observation", KEY, unique=True)


def downgrade() -> None:
    op.drop_index(NAME, "observation")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("observation") as batch:
            batch.create_unique_constraint(NAME, KEY)
    else:
        op.create_unique_constraint(NAME, "observation", KEY)
