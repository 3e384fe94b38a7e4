"""The stored domain: users and teams, contracts and their versions, reviews, deviations and clause embeddings,
the job queue, the audit chain, comments, notifications and legal assignments.

The schema is created by the Alembic migrations in ``migrations/`` (never by ``metadata.create_all`` outside
tests of the models themselves); a test checks that the migrations and these models agree.

Times are stored in UTC and always come back timezone-aware, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("procurement", "legal", "senior_legal", "finance", "admin")
CONTRACT_STATES = ("submitted", "in_review", "changes_requested", "approved", "rejected", "signature_ready")
JOB_STATUSES = ("queued", "running", "done", "failed")
DECISIONS = ("accept", "reject", "fallback")
SEVERITIES = ("info", "low", "medium", "high", "critical")
GENESIS_HASH = "0" * 64

# Stable constraint names, so that later migrations can refer to them on both backends.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC; naive values are refused, results are always aware.

    SQLite has no time zones: the value is stored as naive UTC there, and given its zone back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give Vetted timezone-aware times (UTC)")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSONDoc, list[Any]: JSONDoc}  # noqa: RUF012


class Timestamps:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# ------------------------------------------------------------------------------------------ people


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="team")


class User(Base, Timestamps):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    out_of_office: Mapped[bool] = mapped_column(default=False)

    team: Mapped[Team | None] = relationship(back_populates="members")

    @property
    def available(self) -> bool:
        """Active and not out of office: someone a request can be assigned to."""
        return self.active and not self.out_of_office


class LegalAssignment(Base, Timestamps):
    """Who reviews a buyer's contracts, or a contract type's: the legal partner and their named backup.

    Exactly one of ``buyer_id`` and ``contract_type`` is set; a buyer's own assignment wins over its type's.
    """

    __tablename__ = "legal_assignments"
    __table_args__ = (
        CheckConstraint("(buyer_id IS NULL) <> (contract_type IS NULL)", name="one_key"),
        UniqueConstraint("buyer_id", name="uq_legal_assignments_buyer_id"),
        UniqueConstraint("contract_type", name="uq_legal_assignments_contract_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contract_type: Mapped[str | None] = mapped_column(String(40))
    partner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    backup_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    partner: Mapped[User] = relationship(foreign_keys=[partner_id])
    backup: Mapped[User] = relationship(foreign_keys=[backup_id])


# ------------------------------------------------------------------------------------------ contracts

contract_access = Table(
    "contract_access",
    Base.metadata,
    Column("contract_id", ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Contract(Base, Timestamps):
    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint(_in("state", CONTRACT_STATES), name="state"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_not_negative"),
        Index("ix_contracts_state_updated", "state", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    vendor: Mapped[str] = mapped_column(String(300), index=True)
    contract_type: Mapped[str] = mapped_column(String(40), index=True)
    # The total over the initial term, as procurement gave it.
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    buyer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    business_context: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(20), default="submitted")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # How the assignee was chosen: buyer, partner, backup, senior_legal or legal_queue (nobody named yet).
    assigned_via: Mapped[str | None] = mapped_column(String(20))
    route: Mapped[str | None] = mapped_column(String(20))
    worst_severity: Mapped[str | None] = mapped_column(String(10))
    # From the latest review's key terms, for the renewals view.
    renewal_date: Mapped[dt.date | None] = mapped_column(Date)
    notice_deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)

    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    team: Mapped[Team | None] = relationship()
    allowed_users: Mapped[list[User]] = relationship(secondary=contract_access)
    versions: Mapped[list[ContractVersion]] = relationship(
        back_populates="contract", order_by="ContractVersion.number"
    )


class ContractVersion(Base):
    __tablename__ = "contract_versions"
    __table_args__ = (
        UniqueConstraint("contract_id", "number", name="uq_contract_versions_contract_number"),
        CheckConstraint("size >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    # The extracted text, set by the review (evidence offsets point into it).
    text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="versions")
    reviews: Mapped[list[Review]] = relationship(back_populates="version", order_by="Review.id")


class Review(Base):
    """One engine review of one version: the route, the whole result, the key terms."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id", ondelete="CASCADE"), index=True)
    # Why: "upload", "rescan", ...
    trigger: Mapped[str] = mapped_column(String(20), default="upload")
    library_version: Mapped[str] = mapped_column(String(80))
    model_id: Mapped[str] = mapped_column(String(200))
    contract_type: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    route: Mapped[str] = mapped_column(String(20))
    approver: Mapped[str] = mapped_column(String(40))
    worst_severity: Mapped[str | None] = mapped_column(String(10))
    # Review.to_dict() without the document text (that is on the version).
    result: Mapped[dict[str, Any]]
    key_terms: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    version: Mapped[ContractVersion] = relationship(back_populates="reviews")
    deviations: Mapped[list[Deviation]] = relationship(back_populates="review", order_by="Deviation.ordinal",
                                                       cascade="all, delete-orphan")


class Deviation(Base):
    """A deviation of a review, as a row for queries and for legal's decision on it."""

    __tablename__ = "deviations"
    __table_args__ = (
        UniqueConstraint("review_id", "ordinal", name="uq_deviations_review_ordinal"),
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(f"decision IS NULL OR {_in('decision', DECISIONS)}", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    # Its position in the review's deviation list (result["deviations"][ordinal]).
    ordinal: Mapped[int]
    clause_id: Mapped[str | None] = mapped_column(String(40))
    clause_type: Mapped[str | None] = mapped_column(String(60), index=True)
    rule: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="deviations")


class ClauseEmbedding(Base):
    """A clause's vector as the model gave it, so that a re-scan needs no model time.

    Only clauses that needed the model are stored (the engine gives the others zeros). ``text_sha256`` is the
    hash of the clause text the vector was computed from: a re-scan whose segmentation produced different text
    for a clause id embeds that clause again.
    """

    __tablename__ = "clause_embeddings"
    __table_args__ = (
        UniqueConstraint("version_id", "model_id", "clause_id", name="uq_clause_embeddings_version_model_clause"),
        # known_vectors: a clause text seen before, in any contract, needs no model time
        Index("ix_clause_embeddings_model_text", "model_id", "text_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("contract_versions.id", ondelete="CASCADE"), index=True)
    clause_id: Mapped[str] = mapped_column(String(40))
    ordinal: Mapped[int]
    text_sha256: Mapped[str] = mapped_column(String(64))
    model_id: Mapped[str] = mapped_column(String(200))
    dim: Mapped[int]
    # Little-endian float32, ``dim`` values.
    vector: Mapped[bytes] = mapped_column(LargeBinary)


# ------------------------------------------------------------------------------------------ jobs


class Job(Base, Timestamps):
    """A durable unit of background work, claimed by one worker at a time under a lease."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts"),
        Index("ix_jobs_status_run_after", "status", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(200))
    last_error_code: Mapped[str | None] = mapped_column(String(60))
    last_error_message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None]
    finished_at: Mapped[dt.datetime | None]


# ------------------------------------------------------------------------------------------ audit


class AuditEvent(Base):
    """One entry of the append-only, hash-chained audit trail (see ``audit.py``).

    The database refuses UPDATE and DELETE on this table (triggers created by the migration).
    """

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(150), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(200), default="", index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# ------------------------------------------------------------------------------------------ collaboration

comment_mentions = Table(
    "comment_mentions",
    Base.metadata,
    Column("comment_id", ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    # A comment may be about one deviation.
    deviation_id: Mapped[int | None] = mapped_column(ForeignKey("deviations.id", ondelete="SET NULL"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()
    mentions: Mapped[list[User]] = relationship(secondary=comment_mentions)
    replies: Mapped[list[Comment]] = relationship(back_populates="parent", order_by="Comment.id")
    parent: Mapped[Comment | None] = relationship(back_populates="replies", remote_side=[id])


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # assigned | decided | mentioned | renewal | review_failed
    kind: Mapped[str] = mapped_column(String(30))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(Text)
    # Makes a repeated notice (e.g. a renewal reminder) idempotent.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]


__all__ = [
    "CONTRACT_STATES", "DECISIONS", "GENESIS_HASH", "JOB_STATUSES", "ROLES", "SEVERITIES", "AuditEvent", "Base",
    "ClauseEmbedding", "Comment", "Contract", "ContractVersion", "Deviation", "Job", "LegalAssignment",
    "Notification", "Review", "Team", "User", "comment_mentions", "contract_access", "utcnow",
]
