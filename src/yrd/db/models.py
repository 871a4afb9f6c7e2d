"""Tables. A plan (the work) has units (its structure) and unit texts (one row per language)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class PlanRow(Base):
    __tablename__ = "plan"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_zh: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[str | None] = mapped_column(String(10))
    issuer_zh: Mapped[str] = mapped_column(Text, default="")
    issuer_en: Mapped[str] = mapped_column(Text, default="")
    langs: Mapped[str] = mapped_column(String(32), default="zh")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    toc: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    problems: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SourceRow(Base):
    """A file that went into a plan, so loading it again changes nothing."""

    __tablename__ = "plan_source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    form: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str] = mapped_column(String(16))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UnitRow(Base):
    __tablename__ = "unit"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    eid: Mapped[str] = mapped_column(String(128), primary_key=True)
    parent_eid: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    num: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)
    line: Mapped[int | None] = mapped_column(Integer)


class UnitTextRow(Base):
    """One language expression of a unit."""

    __tablename__ = "unit_text"
    __table_args__ = (
        ForeignKeyConstraint(["plan_id", "eid"], ["unit.plan_id", "unit.eid"], ondelete="CASCADE"),
    )

    plan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    eid: Mapped[str] = mapped_column(String(128), primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    heading: Mapped[str] = mapped_column(Text, default="")
    lead: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    align_score: Mapped[float | None] = mapped_column(Float)


class ExtractedRow(Base):
    """One record extracted from a plan's text (target, fact, place, project, task)."""

    __tablename__ = "extracted"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    eid: Mapped[str] = mapped_column(String(128))
    lang: Mapped[str] = mapped_column(String(8))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]


class ExtractionRunRow(Base):
    """When a plan was last extracted, by which extractor version, and what came out."""

    __tablename__ = "extraction_run"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    counts: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegionRow(Base):
    """One administrative division of the Delta (seeded from the shipped gazetteer)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    short_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
    province_code: Mapped[str] = mapped_column(String(12))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)


class RegionGroupRow(Base):
    """A named set of regions; ``origin`` is "seed" until an admin edits it, then "admin"."""

    __tablename__ = "region_group"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    definition: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)
    source_ref: Mapped[str | None] = mapped_column(String(200))
    partial: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[str] = mapped_column(String(16), default="seed")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegionGroupMemberRow(Base):
    """A region in a group; ``partial`` when only part of it lies inside."""

    __tablename__ = "region_group_member"

    group_code: Mapped[str] = mapped_column(
        ForeignKey("region_group.code", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code", ondelete="CASCADE"), primary_key=True)
    partial: Mapped[bool] = mapped_column(default=False)


class IndicatorRow(Base):
    """A registry indicator (seeded from ``indicators.json``); ``origin`` is "admin" once edited."""

    __tablename__ = "indicator"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(JSON)  # type: ignore[type-arg]
    seq: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[str] = mapped_column(String(16), default="seed")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportBatchRow(Base):
    """One import: the files it read, so that every vintage says where it came from."""

    __tablename__ = "import_batch"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_name: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    format: Mapped[str] = mapped_column(String(32), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ObservationMetaRow(Base):
    """What many observations share: unit, status, source, note, publication date, batch, recording time.

    Kept apart from `ObservationRow` so that an observation is a narrow row (an import of a million
    rows writes seven small columns each, not thirteen); one row here per distinct combination that
    a write inserts, so a tidy file with one source has one or a few.
    """

    __tablename__ = "observation_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch: Mapped[str] = mapped_column(ForeignKey("import_batch.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unit: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[str | None] = mapped_column(String(10))


# The key columns compare as code points on PostgreSQL too (SQLite's BINARY already does), so that the
# unique index gives the order the store promises (indicator, region, period, vintage) whatever the
# server's locale.
_KEY_TEXT = String(64).with_variant(String(64, collation="C"), "postgresql")
_PERIOD_TEXT = String(10).with_variant(String(10, collation="C"), "postgresql")


class ObservationRow(Base):
    """One vintage of region × indicator × period; ``current`` marks the latest vintage of its key.

    Narrow on purpose: what repeats from row to row is in `ObservationMetaRow` (``meta``). The one
    secondary index is the unique key, which also serves one indicator's series in key order. It is
    a named unique *index*, not a table constraint (migration 0006), so that a bulk load into an
    (almost) empty table can drop it and build it once afterwards (`yrd.stats.store`).
    """

    __tablename__ = "observation"
    __table_args__ = (
        Index("uq_observation_vintage", "indicator", "region", "period", "vintage", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region: Mapped[str] = mapped_column(_KEY_TEXT)
    indicator: Mapped[str] = mapped_column(_KEY_TEXT)
    period: Mapped[str] = mapped_column(_PERIOD_TEXT)
    vintage: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    current: Mapped[bool] = mapped_column(default=True)
    # No foreign key on purpose: PostgreSQL checks one with a trigger per inserted row, which doubled
    # the COPY of a million rows; the store writes both tables in one transaction and never deletes.
    meta: Mapped[int] = mapped_column(Integer)


class AuditEntryRow(Base):
    """One entry of the append-only, hash-chained audit log (`yrd.supervise.audit`; migration 0007).

    ``seq`` is assigned by the writer under a lock (1, 2, 3, … without gaps), ``hash`` is SHA-256 over
    the entry's canonical serialisation including ``prev_hash``, the previous entry's ``hash``.
    """

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(128), index=True)
    before: Mapped[object] = mapped_column(JSON(none_as_null=True), nullable=True)
    after: Mapped[object] = mapped_column(JSON(none_as_null=True), nullable=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# --- Supervision (issue 6; migration 0008) -------------------------------------------------------


class UserRow(Base):
    """An account: a role and, for a reporter, the responsible bodies it reports for."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(16))
    bodies: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    password_hash: Mapped[str] = mapped_column(Text)  # Argon2id, PHC string
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A login session; only the SHA-256 of the cookie's random token is stored."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """A bearer token for machine clients: stored hashed, scoped, revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text, default="")
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists to tell tokens apart
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAttemptRow(Base):
    """One failed login, kept for throttling (by user name and by client address)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AppSecretRow(Base):
    """Server-side secrets made on first use (the CSRF key), so every worker and restart agrees."""

    __tablename__ = "app_secret"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class TaskRow(Base):
    """A measure of the plan assigned to responsible bodies; ``version`` guards against stale edits."""

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    eid: Mapped[str] = mapped_column(String(128))
    source_id: Mapped[str | None] = mapped_column(String(200), unique=True)  # the extracted task's id
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    chapter: Mapped[str] = mapped_column(String(64), index=True)
    lead: Mapped[str | None] = mapped_column(String(32))
    partners: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    deadline: Mapped[str | None] = mapped_column(String(10))  # ISO date
    milestones: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    status: Mapped[str] = mapped_column(String(16), index=True)
    parent_id: Mapped[int | None] = mapped_column(Integer)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SQLAlchemy adds "AND version = :seen" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProjectRow(Base):
    """A major project of the plan, with its register status and dates."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    places: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    mentions: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]  # extracted ids
    status: Mapped[str] = mapped_column(String(24), index=True)
    start: Mapped[str | None] = mapped_column(String(10))
    end: Mapped[str | None] = mapped_column(String(10))
    lead: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SQLAlchemy adds "AND version = :seen" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProgressReportRow(Base):
    """A progress report on one task or one project, reviewed by the coordinator."""

    __tablename__ = "progress_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(24))
    narrative: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    links: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    indicators: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    body: Mapped[str | None] = mapped_column(String(32))  # the body it reports for
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    review: Mapped[str] = mapped_column(String(16), default="submitted")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SQLAlchemy adds "AND version = :seen" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EvidenceFileRow(Base):
    """An uploaded evidence file, kept in the database so that it commits with its report or not at all
    and no file name from a user ever becomes a path."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_report.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)  # cleaned display name, never used as a path
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CommentRow(Base):
    """A public comment on a unit of a plan, a target, a task or a project; shown once published."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[str] = mapped_column(String(200))
    plan_id: Mapped[str | None] = mapped_column(String(64))
    author_name: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending, published, rejected
    client: Mapped[str] = mapped_column(String(64), index=True)  # hashed address, for rate limits
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SQLAlchemy adds "AND version = :seen" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


Index("ix_comment_subject", CommentRow.subject_kind, CommentRow.subject_id)


class PolicyDocRow(Base):
    """A follow-up plan or policy (the "N" of 1+N): a stored plan plus how it relates to the Outline."""

    __tablename__ = "policy_doc"

    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    relation: Mapped[str] = mapped_column(String(32))  # special_plan, master_plan, implementation_plan, ...
    issuer: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(100), default="")  # e.g. 发改地区〔2020〕123号
    date: Mapped[str | None] = mapped_column(String(10))  # ISO date
    status: Mapped[str] = mapped_column(String(16))  # in_force, superseded
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # SQLAlchemy adds "AND version = :seen" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PolicyLinkRow(Base):
    """A suggested, confirmed or rejected link from a policy paragraph to an Outline measure."""

    __tablename__ = "policy_link"
    # one row per (policy paragraph, Outline measure): a decision survives a new round of suggestions
    __table_args__ = (
        Index("uq_policy_link_units", "policy_plan_id", "policy_eid", "outline_eid", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    policy_eid: Mapped[str] = mapped_column(String(128))
    outline_plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    outline_eid: Mapped[str] = mapped_column(String(128))
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON, default=list)  # type: ignore[type-arg]
    state: Mapped[str] = mapped_column(String(16), index=True)  # suggested, confirmed, rejected
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # SQLAlchemy adds "AND version = :seen" to every UPDATE and raises StaleDataError on 0 rows.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
