"""Records extracted from plan texts, and the last extraction run of each plan.

Revision ID: 0003_extraction
Revises: 0002_regions
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_extraction"
down_revision = "0002_regions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extracted",
        sa.Column("plan_id", sa.String(64), sa.ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("eid", sa.String(128), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_extracted_kind", "extracted", ["kind"])
    op.create_index("ix_extracted_plan_eid", "extracted", ["plan_id", "eid"])
    op.create_table(
        "extraction_run",
        sa.Column("plan_id", sa.String(64), sa.ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("extraction_run")
    op.drop_index("ix_extracted_plan_eid", "extracted")
    op.drop_index("ix_extracted_kind", "extracted")
    op.drop_table("extracted")
