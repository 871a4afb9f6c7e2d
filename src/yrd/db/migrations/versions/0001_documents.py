"""Plans, their sources, units and unit texts.

Revision ID: 0001_documents
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_documents"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title_zh", sa.Text, nullable=False, server_default=""),
        sa.Column("title_en", sa.Text, nullable=False, server_default=""),
        sa.Column("date", sa.String(10)),
        sa.Column("issuer_zh", sa.Text, nullable=False, server_default=""),
        sa.Column("issuer_en", sa.Text, nullable=False, server_default=""),
        sa.Column("langs", sa.String(32), nullable=False, server_default="zh"),
        sa.Column("content_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("toc", sa.JSON, nullable=False),
        sa.Column("problems", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "plan_source",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(64), sa.ForeignKey("plan.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("form", sa.String(16), nullable=False),
        sa.Column("encoding", sa.String(16), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plan_source_plan_id", "plan_source", ["plan_id"])
    op.create_index("ix_plan_source_sha256", "plan_source", ["sha256"])
    op.create_table(
        "unit",
        sa.Column("plan_id", sa.String(64), sa.ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("eid", sa.String(128), primary_key=True),
        sa.Column("parent_eid", sa.String(128)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("num", sa.Integer),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("line", sa.Integer),
    )
    op.create_table(
        "unit_text",
        sa.Column("plan_id", sa.String(64), primary_key=True),
        sa.Column("eid", sa.String(128), primary_key=True),
        sa.Column("lang", sa.String(8), primary_key=True),
        sa.Column("heading", sa.Text, nullable=False, server_default=""),
        sa.Column("lead", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("align_score", sa.Float),
        sa.ForeignKeyConstraint(["plan_id", "eid"], ["unit.plan_id", "unit.eid"], ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("unit_text")
    op.drop_table("unit")
    op.drop_index("ix_plan_source_sha256", "plan_source")
    op.drop_index("ix_plan_source_plan_id", "plan_source")
    op.drop_table("plan_source")
    op.drop_table("plan")
