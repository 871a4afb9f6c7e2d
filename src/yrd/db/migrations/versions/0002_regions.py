"""Regions (the gazetteer), region groups and their members.

Revision ID: 0002_regions
Revises: 0001_documents
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_regions"
down_revision = "0001_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "region",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name_zh", sa.Text, nullable=False),
        sa.Column("short_zh", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_code", sa.String(12)),
        sa.Column("province_code", sa.String(12), nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
    )
    op.create_index("ix_region_level", "region", ["level"])
    op.create_index("ix_region_parent_code", "region", ["parent_code"])
    op.create_table(
        "region_group",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name_zh", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("definition", sa.String(16), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("source_ref", sa.String(200)),
        sa.Column("partial", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("origin", sa.String(16), nullable=False, server_default="seed"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "region_group_member",
        sa.Column(
            "group_code",
            sa.String(64),
            sa.ForeignKey("region_group.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "region_code", sa.String(12), sa.ForeignKey("region.code", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("partial", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("region_group_member")
    op.drop_table("region_group")
    op.drop_index("ix_region_parent_code", "region")
    op.drop_index("ix_region_level", "region")
    op.drop_table("region")
