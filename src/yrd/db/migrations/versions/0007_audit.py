"""The audit trail: ``audit_entry``, an append-only, hash-chained log of writes (issue 6).

One row per recorded write: ``seq`` (1, 2, 3, … assigned by the writer under a lock, so without
gaps), ``at`` (UTC), ``actor``, ``action``, ``entity``, ``before`` and ``after`` (JSON, either may be
NULL), ``prev_hash`` (the previous entry's hash, 64 zeros for the first) and ``hash`` (SHA-256 of the
entry's canonical serialisation, unique). `yrd.supervise.audit` writes and verifies it. An index on
``entity`` serves one entity's history. The downgrade drops the table and its entries.

Revision ID: 0007_audit
Revises: 0006_observation_unique_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_audit"
down_revision = "0006_observation_unique_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(128), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("hash", name="uq_audit_entry_hash"),
    )
    op.create_index("ix_audit_entry_entity", "audit_entry", ["entity"])


def downgrade() -> None:
    op.drop_index("ix_audit_entry_entity", "audit_entry")
    op.drop_table("audit_entry")
