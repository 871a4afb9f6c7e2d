"""Statistics: the indicator registry, import batches and observations with vintages.

Revision ID: 0004_stats
Revises: 0003_extraction
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_stats"
down_revision = "0003_extraction"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "import_batch",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("vintage", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("published", sa.String(10)),
        sa.Column("batch", sa.String(64), sa.ForeignKey("import_batch.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.UniqueConstraint("indicator", "region", "period", "vintage", name="uq_observation_vintage"),
    )
    op.create_index("ix_observation_current", "observation", ["indicator", "current", "region", "period"])
    op.create_index("ix_observation_batch", "observation", ["batch"])


def downgrade() -> None:
    op.drop_index("ix_observation_batch", "observation")
    op.drop_index("ix_observation_current", "observation")
    op.drop_table("observation")
    op.drop_table("import_batch")
    op.drop_table("indicator")
