"""A version on ``policy_doc``, so a document's metadata can be edited with optimistic locking.

Existing rows start at version 1. The downgrade drops the column (SQLite rebuilds the table).

Revision ID: 0010_policy_doc_version
Revises: 0009_policies
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_policy_doc_version"
down_revision = "0009_policies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("policy_doc", sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("policy_doc") as batch:
        batch.drop_column("version")
