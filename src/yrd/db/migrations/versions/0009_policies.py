"""Policies (issue 7, 1+N): follow-up documents and their links to the Outline's measures.

``policy_doc`` adds to a stored plan how it relates to the Outline (relation, issuer, document
number, date, status). ``policy_link`` holds the engine's suggestions and the coordinator's
decisions; one row per (policy paragraph, Outline measure), guarded by ``version`` for optimistic
locking. Both go with their plans (ON DELETE CASCADE). The downgrade drops both tables.

Revision ID: 0009_policies
Revises: 0008_supervision
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_policies"
down_revision = "0008_supervision"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _plan_fk() -> sa.ForeignKey:
    return sa.ForeignKey("plan.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "policy_doc",
        sa.Column("plan_id", sa.String(64), _plan_fk(), primary_key=True),
        sa.Column("relation", sa.String(32), nullable=False),
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("number", sa.String(100), nullable=False),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("loaded_at", TZ, nullable=False),
    )
    op.create_table(
        "policy_link",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("policy_plan_id", sa.String(64), _plan_fk(), nullable=False),
        sa.Column("policy_eid", sa.String(128), nullable=False),
        sa.Column("outline_plan_id", sa.String(64), _plan_fk(), nullable=False),
        sa.Column("outline_eid", sa.String(128), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "uq_policy_link_units", "policy_link", ["policy_plan_id", "policy_eid", "outline_eid"], unique=True
    )
    for column in ("policy_plan_id", "outline_plan_id", "state"):
        op.create_index(f"ix_policy_link_{column}", "policy_link", [column])


def downgrade() -> None:
    op.drop_table("policy_link")
    op.drop_table("policy_doc")
