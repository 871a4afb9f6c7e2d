"""Supervision (issue 6): accounts, sessions, API tokens, login throttling, tasks, projects, progress
reports with evidence files, and public comments.

Passwords are Argon2id hashes; session and API tokens are stored as SHA-256 digests only. ``task``,
``project``, ``progress_report`` and ``comment`` carry a ``version`` for optimistic locking. Evidence
files live in the database (``evidence_file.data``) so an upload commits with its report or not at
all. The downgrade drops these tables and what they hold.

Revision ID: 0008_supervision
Revises: 0007_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_supervision"
down_revision = "0007_audit"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("bodies", sa.JSON, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("password_changed_at", TZ, nullable=False),
        sa.UniqueConstraint("username", name="uq_user_account_username"),
    )
    op.create_table(
        "user_session",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
    )
    op.create_index("ix_user_session_user_id", "user_session", ["user_id"])
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.Column("last_used_at", TZ, nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", TZ, nullable=False),
    )
    for column in ("username", "client", "at"):
        op.create_index(f"ix_login_attempt_{column}", "login_attempt", [column])
    op.create_table(
        "app_secret",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "task",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("eid", sa.String(128), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("chapter", sa.String(64), nullable=False),
        sa.Column("lead", sa.String(32), nullable=True),
        sa.Column("partners", sa.JSON, nullable=False),
        sa.Column("deadline", sa.String(10), nullable=True),
        sa.Column("milestones", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer, nullable=True),
        sa.Column("merged_into", sa.Integer, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("source_id", name="uq_task_source_id"),
    )
    for column in ("plan_id", "chapter", "status"):
        op.create_index(f"ix_task_{column}", "task", [column])
    op.create_table(
        "project",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("places", sa.JSON, nullable=False),
        sa.Column("mentions", sa.JSON, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("start", sa.String(10), nullable=True),
        sa.Column("end", sa.String(10), nullable=True),
        sa.Column("lead", sa.String(32), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    for column in ("plan_id", "status"):
        op.create_index(f"ix_project_{column}", "project", [column])
    op.create_table(
        "progress_report",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"), nullable=True),
        sa.Column("project_id", sa.Integer, sa.ForeignKey("project.id", ondelete="CASCADE"), nullable=True),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("narrative", sa.Text, nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("links", sa.JSON, nullable=False),
        sa.Column("indicators", sa.JSON, nullable=False),
        sa.Column("body", sa.String(32), nullable=True),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("review", sa.String(16), nullable=False),
        sa.Column("review_comment", sa.Text, nullable=False),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("reviewed_at", TZ, nullable=True),
    )
    op.create_index("ix_progress_report_task_id", "progress_report", ["task_id"])
    op.create_index("ix_progress_report_project_id", "progress_report", ["project_id"])
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "report_id", sa.Integer, sa.ForeignKey("progress_report.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_evidence_file_report_id", "evidence_file", ["report_id"])
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=True),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column(
            "moderator_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="SET NULL"), nullable=True
        ),
        sa.Column("moderated_at", TZ, nullable=True),
        sa.Column("moderation_note", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_comment_status", "comment", ["status"])
    op.create_index("ix_comment_client", "comment", ["client"])
    op.create_index("ix_comment_created_at", "comment", ["created_at"])
    op.create_index("ix_comment_subject", "comment", ["subject_kind", "subject_id"])


def downgrade() -> None:
    for table in ("comment", "evidence_file", "progress_report", "project", "task", "app_secret",
                  "login_attempt", "api_token", "user_session", "user_account"):  # fmt: skip
        op.drop_table(table)
