"""The repository's services: plain data access with keyword-only arguments, used by the API, the CLI and the
worker.

Functions work in the caller's session and flush; the caller commits (``db.session_scope``). Two exceptions
own their transaction because they also write a file: :func:`upload_contract` and :func:`add_version` write
the file first and commit the rows after, and if the commit fails remove the file again unless another row
refers to it. Changes worth an audit record (uploads, decisions, users, routing) append it in the same
transaction, so a change and its record commit together. Authorisation (who may call what) is the API's;
:func:`can_view` and :func:`visible_filter` give it the visibility rules.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

import numpy as np
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import ColumnElement, Engine, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session, selectinload

from review_service.errors import EmptyFileError, FileTooLargeError
from review_service.jobs import queue
from review_service.matching.embed import text_key
from review_service.repository import audit
from review_service.repository.db import session_scope
from review_service.repository.errors import (
    ConflictError,
    DuplicateFileError,
    InvalidRequestError,
    NotFoundError,
)
from review_service.repository.files import FileStore, sha256_of
from review_service.repository.key_terms import key_terms as summarize_key_terms
from review_service.repository.key_terms import next_renewal
from review_service.repository.login_throttle import LoginPolicy, LoginThrottledError, check_login
from review_service.repository.models import (
    CONTRACT_STATES,
    DECISIONS,
    ROLES,
    ClauseEmbedding,
    Comment,
    Contract,
    ContractVersion,
    Deviation,
    Job,
    LegalAssignment,
    Notification,
    Review,
    Team,
    User,
    contract_access,
    utcnow,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

REVIEW_JOB = "review_version"
RESCAN_JOB = "rescan_version"
SEARCH_JOB = "embed_for_search"  # after each review: vectors for the clauses the review read without the model
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain",
}
MIN_PASSWORD_LENGTH = 8
_MENTION = re.compile(r"(?<![\w.@])@([A-Za-z0-9_][A-Za-z0-9_.-]{0,148}[A-Za-z0-9_]|[A-Za-z0-9_])")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("vetted: no such user")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


def _check_contract_type(contract_type: str) -> None:
    # The engine's list is the one truth; imported here so that the repository loads without the engine.
    from review_service.review.engine import CONTRACT_TYPES

    if contract_type not in CONTRACT_TYPES:
        raise InvalidRequestError(f"contract type must be one of {', '.join(CONTRACT_TYPES)}")


def _paginate(page: int, per_page: int) -> tuple[int, int]:
    if page < 1 or not 1 <= per_page <= 500:
        raise InvalidRequestError("page starts at 1 and per_page is between 1 and 500")
    return page, per_page


def _require(session: Session, model: type[T], ident: int, what: str) -> T:
    found = session.get(model, ident)
    if found is None:
        raise NotFoundError(f"no {what} with id {ident}")
    return found


# ------------------------------------------------------------------------------------------ users


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidRequestError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")


def get_or_create_team(session: Session, *, name: str) -> Team:
    name = name.strip()
    if not name:
        raise InvalidRequestError("a team needs a name")
    team = session.scalars(select(Team).where(Team.name == name)).first()
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def create_user(session: Session, *, username: str, display_name: str, role: str, password: str,
                team: str | None = None, email: str | None = None, actor: str = audit.SYSTEM,
                ip: str | None = None) -> User:
    """A new user with an argon2 password hash; audited as ``user.create``."""
    username = username.strip()
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,148}[A-Za-z0-9_]|[A-Za-z0-9_]", username):
        raise InvalidRequestError("a username is letters, digits, '_', '.' and '-' (up to 150 characters)")
    if role not in ROLES:
        raise InvalidRequestError(f"role must be one of {', '.join(ROLES)}")
    _check_password(password)
    if session.scalars(select(User.id).where(func.lower(User.username) == username.lower())).first() is not None:
        raise ConflictError(f"the username {username!r} is taken")
    user = User(username=username, display_name=display_name.strip() or username, role=role, email=email,
                password_hash=hash_password(password), active=True, out_of_office=False,
                team=get_or_create_team(session, name=team) if team else None)
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", target=f"user:{user.id}", ip=ip,
                 detail={"username": username, "role": role, "team": team})
    return user


def get_user(session: Session, *, username: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.username) == username.strip().lower())).first()


def authenticate(session: Session, *, username: str, password: str, ip: str | None = None,
                 now: dt.datetime | None = None, policy: LoginPolicy | None = None) -> User | None:
    """The active user with this name and password, or None; every attempt is audited (``auth.login`` or
    ``auth.login_failed``). A hash made with older argon2 parameters is upgraded on success.

    Too many failed attempts for the name or from the address raise :class:`LoginThrottledError` (HTTP 429,
    ``retry_after`` seconds) before the password is checked, audited as ``auth.login_throttled``: callers
    commit whatever happens (``try: ... finally: session.commit()``) so that the record is kept."""
    now = now or utcnow()
    try:
        check_login(session, username=username, ip=ip, now=now, policy=policy)
    except LoginThrottledError as exc:
        audit.record(session, actor=username.strip()[:150], action="auth.login_throttled", target="", ip=ip,
                     at=now, detail={"scope": exc.scope, "retry_after": exc.retry_after})
        raise
    user = get_user(session, username=username)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if user is None or not ok or not user.active:
        reason = "unknown_user" if user is None else "wrong_password" if not ok else "inactive"
        audit.record(session, actor=username.strip()[:150], action="auth.login_failed", target="", ip=ip, at=now,
                     detail={"reason": reason})
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, actor=user.username, action="auth.login", target=f"user:{user.id}", ip=ip, at=now,
                 detail={})
    return user


_USER_FIELDS = ("display_name", "email", "role", "active", "out_of_office")


def update_user(session: Session, *, user_id: int, actor: str, ip: str | None = None, team: str | None = None,
                password: str | None = None, **changes: Any) -> User:
    """Change a user's profile, role, availability, team or password; audited as ``user.update`` with the
    fields changed (never the password itself)."""
    user = _require(session, User, user_id, "user")
    unknown = set(changes) - set(_USER_FIELDS)
    if unknown:
        raise InvalidRequestError(f"cannot change {', '.join(sorted(unknown))} of a user")
    if "role" in changes and changes["role"] not in ROLES:
        raise InvalidRequestError(f"role must be one of {', '.join(ROLES)}")
    changed: dict[str, Any] = {}
    for name, value in changes.items():
        if getattr(user, name) != value:
            changed[name] = {"from": getattr(user, name), "to": value}
            setattr(user, name, value)
    if team is not None:
        new_team = get_or_create_team(session, name=team) if team else None
        old = user.team.name if user.team else None
        if old != (new_team.name if new_team else None):
            changed["team"] = {"from": old, "to": new_team.name if new_team else None}
            user.team = new_team
    if password is not None:
        _check_password(password)
        user.password_hash = hash_password(password)
        changed["password"] = "changed"
    if changed:
        session.flush()
        audit.record(session, actor=actor, action="user.update", target=f"user:{user.id}", ip=ip, detail=changed)
    return user


# ------------------------------------------------------------------------------------------ legal assignment


def set_legal_assignment(session: Session, *, partner_id: int, backup_id: int, buyer_id: int | None = None,
                         contract_type: str | None = None, actor: str, ip: str | None = None) -> LegalAssignment:
    """Who reviews a buyer's (or a contract type's) contracts, and their backup; audited as
    ``routing.assignment``."""
    if (buyer_id is None) == (contract_type is None):
        raise InvalidRequestError("give either a buyer or a contract type")
    if contract_type is not None:
        _check_contract_type(contract_type)
    if partner_id == backup_id:
        raise InvalidRequestError("the backup must be someone other than the legal partner")
    for uid in (partner_id, backup_id):
        if _require(session, User, uid, "user").role not in ("legal", "senior_legal"):
            raise InvalidRequestError(f"user {uid} is not in legal: only legal users review contracts")
    if buyer_id is not None:
        _require(session, User, buyer_id, "user")
    key = LegalAssignment.buyer_id == buyer_id if buyer_id is not None else \
        LegalAssignment.contract_type == contract_type
    row = session.scalars(select(LegalAssignment).where(key)).first()
    if row is None:
        row = LegalAssignment(buyer_id=buyer_id, contract_type=contract_type, partner_id=partner_id,
                              backup_id=backup_id)
        session.add(row)
    else:
        row.partner_id, row.backup_id = partner_id, backup_id
    session.flush()
    audit.record(session, actor=actor, action="routing.assignment", ip=ip,
                 target=f"buyer:{buyer_id}" if buyer_id is not None else f"contract_type:{contract_type}",
                 detail={"partner_id": partner_id, "backup_id": backup_id})
    return row


def resolve_assignee(session: Session, *, contract: Contract, route: str) -> tuple[User | None, str]:
    """Who has the contract now, and how they were chosen.

    Self-serve: the buyer. Legal: the partner assigned to the buyer, else to the contract type; their named
    backup when they are unavailable; else the legal team's queue (``None``, ``"legal_queue"``). Senior legal:
    the first available senior legal user, else the legal queue.
    """
    if route == "self_serve":
        return contract.buyer, "buyer"
    if route == "senior_legal":
        senior = session.scalars(
            select(User).where(User.role == "senior_legal", User.active.is_(True), User.out_of_office.is_(False))
            .order_by(User.id)
        ).first()
        return (senior, "senior_legal") if senior else (None, "legal_queue")
    assignment = session.scalars(select(LegalAssignment).where(LegalAssignment.buyer_id == contract.buyer_id)
                                 ).first() or session.scalars(
        select(LegalAssignment).where(LegalAssignment.contract_type == contract.contract_type)).first()
    if assignment is not None:
        if assignment.partner.available:
            return assignment.partner, "partner"
        if assignment.backup.available:
            return assignment.backup, "backup"
    return None, "legal_queue"


def _assign(session: Session, contract: Contract, route: str) -> None:
    user, via = resolve_assignee(session, contract=contract, route=route)
    if contract.assignee_id == (user.id if user else None) and contract.assigned_via == via:
        return
    contract.assignee = user
    contract.assigned_via = via
    if user is not None:
        notify(session, user_id=user.id, kind="assigned", contract_id=contract.id,
               message=f"{contract.title} ({contract.vendor}) is assigned to you"
                       + (" as the named backup" if via == "backup" else ""))
        return
    # Nobody named: everyone available in legal hears about it, so the request is never left with nobody.
    for member in session.scalars(select(User).where(User.role.in_(("legal", "senior_legal")),
                                                     User.active.is_(True), User.out_of_office.is_(False))):
        notify(session, user_id=member.id, kind="assigned", contract_id=contract.id,
               message=f"{contract.title} ({contract.vendor}) is waiting in the legal queue")


# ------------------------------------------------------------------------------------------ uploads


@dataclass(frozen=True, slots=True)
class Upload:
    contract_id: int
    version_id: int
    job_id: int
    sha256: str
    size: int
    # Other versions (of any contract) that hold the same bytes, when a duplicate was allowed.
    duplicates: tuple[int, ...] = ()


def _decimal(value: float | int | str | Decimal | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise InvalidRequestError(f"value must be a number, not {value!r}") from None
    if not d.is_finite() or d < 0 or d >= Decimal(10) ** 16:
        raise InvalidRequestError("value must be zero or more (the total over the initial term)")
    return d.quantize(Decimal("0.01"))


def _check_file(data: bytes, filename: str) -> str:
    """The file's real type as a media type; refuses empty, oversized, unsupported or mislabelled files before
    anything is stored."""
    from review_service.ingest.detect import detect_type
    from review_service.settings import get_settings

    if not data:
        raise EmptyFileError("the file is empty (0 bytes): upload the contract again")
    limit = get_settings().max_upload_bytes
    if len(data) > limit:
        raise FileTooLargeError(f"the file is {len(data) / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit "
                                "(VETTED_MAX_UPLOAD_BYTES)")
    if not filename.strip() or len(filename) > 500:
        raise InvalidRequestError("the file needs a name (at most 500 characters)")
    return MEDIA_TYPES[detect_type(data, filename)]


def _versions_with(session: Session, sha256: str) -> list[ContractVersion]:
    return list(session.scalars(select(ContractVersion).where(ContractVersion.file_sha256 == sha256)
                                .order_by(ContractVersion.id)))


def find_by_checksum(session: Session, *, sha256: str) -> list[ContractVersion]:
    """Every version whose file has this SHA-256 (an import skips files already stored)."""
    return _versions_with(session, sha256.lower())


def _is_referenced(engine: Engine) -> Callable[[str], bool]:
    def check(sha256: str) -> bool:
        with session_scope(engine, readonly=True) as s:
            return s.scalars(select(ContractVersion.id).where(ContractVersion.file_sha256 == sha256)).first() \
                is not None
    return check


def _store_then_commit(session: Session, store: FileStore, data: bytes,
                       write_rows: Callable[[str], Upload]) -> Upload:
    """Write the file, then the rows, then commit; if anything fails, remove a file this call created unless
    a row elsewhere refers to it (see files.py for the lock that makes that check safe)."""
    sha = sha256_of(data)
    created = False
    try:
        with store.lock(sha):
            created = store.put(data).created
            result = write_rows(sha)
            session.commit()
        return result
    except BaseException:
        session.rollback()
        if created:
            engine = session.get_bind()
            engine = engine.engine if not isinstance(engine, Engine) else engine
            try:
                store.discard_if_unreferenced(sha, _is_referenced(engine))
            except Exception:  # the original failure matters more; orphans() will report the file
                log.exception("could not remove the unreferenced file %s after a failed upload", sha)
        raise


def upload_contract(session: Session, *, store: FileStore, data: bytes, filename: str, title: str, vendor: str,
                    contract_type: str, buyer: User, value: float | int | str | Decimal | None = None,
                    currency: str = "USD", business_context: str = "", confidential: bool = False,
                    allowed_user_ids: Sequence[int] = (), allow_duplicate: bool = False, ip: str | None = None,
                    max_attempts: int | None = None) -> Upload:
    """A new contract with its first version and the job that reviews it, committed together after the file is
    stored. Audited as ``contract.upload``.

    Refuses (before writing anything) bad metadata, an empty, oversized, unsupported or mislabelled file, and
    (unless ``allow_duplicate``) a file already stored as a version of some contract.
    """
    title, vendor, currency = title.strip(), vendor.strip(), (currency or "USD").strip().upper()
    if not title or len(title) > 300:
        raise InvalidRequestError("a contract needs a title (at most 300 characters)")
    if not vendor or len(vendor) > 300:
        raise InvalidRequestError("a contract needs the vendor's name (at most 300 characters)")
    _check_contract_type(contract_type)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise InvalidRequestError("currency is a three-letter ISO 4217 code such as USD, EUR or GBP")
    amount = _decimal(value)
    if not buyer.active:
        raise InvalidRequestError("the buyer's account is inactive")
    allowed = [_require(session, User, uid, "user") for uid in dict.fromkeys(allowed_user_ids)]
    media_type = _check_file(data, filename)
    duplicates = _versions_with(session, sha256_of(data))
    if duplicates and not allow_duplicate:
        first = duplicates[0]
        raise DuplicateFileError(
            f"this file is already stored as version {first.number} of contract {first.contract_id}: open that "
            "contract, or upload a changed draft as a new version", contract_id=first.contract_id,
            version_id=first.id)

    def write(sha: str) -> Upload:
        now = utcnow()
        contract = Contract(title=title, vendor=vendor, contract_type=contract_type, value=amount, currency=currency,
                            buyer_id=buyer.id, team_id=buyer.team_id, business_context=business_context.strip(),
                            confidential=confidential, state="submitted", allowed_users=allowed,
                            created_at=now, updated_at=now)
        session.add(contract)
        session.flush()
        version = ContractVersion(contract_id=contract.id, number=1, file_sha256=sha, filename=filename.strip(),
                                  media_type=media_type, size=len(data), uploaded_by=buyer.id, created_at=now)
        session.add(version)
        session.flush()
        job = queue.enqueue(session, kind=REVIEW_JOB, payload={"version_id": version.id},
                            max_attempts=max_attempts)
        audit.record(session, actor=buyer.username, action="contract.upload", target=f"contract:{contract.id}",
                     ip=ip, detail={"version_id": version.id, "number": 1, "sha256": sha, "filename": filename,
                                    "size": len(data), "job_id": job.id, "confidential": confidential})
        return Upload(contract.id, version.id, job.id, sha, len(data), tuple(v.id for v in duplicates))

    return _store_then_commit(session, store, data, write)


def add_version(session: Session, *, store: FileStore, contract_id: int, data: bytes, filename: str,
                uploaded_by: User, note: str = "", allow_duplicate: bool = False, ip: str | None = None,
                max_attempts: int | None = None) -> Upload:
    """A new version of a contract and its review job, committed together after the file is stored; the
    contract goes back to ``submitted``. Audited as ``contract.version``. Refuses the same bytes as a version
    already stored unless ``allow_duplicate`` (never the same bytes as this contract's latest version)."""
    contract = _require(session, Contract, contract_id, "contract")
    media_type = _check_file(data, filename)
    sha0 = sha256_of(data)
    duplicates = _versions_with(session, sha0)
    latest = _latest_version(session, contract_id)
    if latest is not None and latest.file_sha256 == sha0:
        raise DuplicateFileError(f"this file is the same as version {latest.number} of this contract",
                                 contract_id=contract_id, version_id=latest.id)
    if duplicates and not allow_duplicate:
        first = duplicates[0]
        raise DuplicateFileError(f"this file is already stored as version {first.number} of contract "
                                 f"{first.contract_id}", contract_id=first.contract_id, version_id=first.id)

    def write(sha: str) -> Upload:
        # Lock the contract row (PostgreSQL) so two concurrent uploads cannot take the same version number.
        session.refresh(contract, with_for_update=True)
        number = (session.scalar(select(func.max(ContractVersion.number))
                                 .where(ContractVersion.contract_id == contract_id)) or 0) + 1
        now = utcnow()
        version = ContractVersion(contract_id=contract_id, number=number, file_sha256=sha,
                                  filename=filename.strip(), media_type=media_type, size=len(data),
                                  uploaded_by=uploaded_by.id, note=note.strip(), created_at=now)
        session.add(version)
        contract.state = "submitted"
        contract.updated_at = now
        session.flush()
        job = queue.enqueue(session, kind=REVIEW_JOB, payload={"version_id": version.id},
                            max_attempts=max_attempts)
        audit.record(session, actor=uploaded_by.username, action="contract.version", target=f"contract:{contract_id}",
                     ip=ip, detail={"version_id": version.id, "number": number, "sha256": sha,
                                    "filename": filename, "size": len(data), "job_id": job.id})
        return Upload(contract_id, version.id, job.id, sha, len(data), tuple(v.id for v in duplicates))

    return _store_then_commit(session, store, data, write)


def _latest_version(session: Session, contract_id: int) -> ContractVersion | None:
    return session.scalars(select(ContractVersion).where(ContractVersion.contract_id == contract_id)
                           .order_by(ContractVersion.number.desc()).limit(1)).first()


def read_version_file(session: Session, *, store: FileStore, version_id: int) -> tuple[ContractVersion, bytes]:
    """A version and its file's bytes (checked against the hash). Audit the download in the API."""
    version = _require(session, ContractVersion, version_id, "version")
    return version, store.read(version.file_sha256)


# ------------------------------------------------------------------------------------------ reviews


def store_embeddings(session: Session, *, version_id: int, clauses: Sequence[Any], vectors: np.ndarray,
                     model_id: str) -> int:
    """Keep the clause vectors given for this version and model (rows of zeros, which needed no model, are
    skipped). A clause given no vector keeps the one stored for it while its text is unchanged (embedded for
    precedent search alone, by the search job); the vectors of clauses that changed or are gone are removed.
    Returns how many were stored."""
    if len(clauses) != len(vectors):
        raise ValueError("one vector per clause")
    matrix = np.asarray(vectors, dtype="<f4")
    current = {c.id: (i, text_key(c.text)) for i, c in enumerate(clauses)}
    for row in session.scalars(select(ClauseEmbedding).where(ClauseEmbedding.version_id == version_id,
                                                             ClauseEmbedding.model_id == model_id)):
        now = current.get(row.clause_id)
        if now is None or now[1] != row.text_sha256 or matrix[now[0]].any():
            session.delete(row)  # gone, reworded, or replaced below
        else:
            row.ordinal = now[0]
    session.flush()
    stored = 0
    for i, (clause, vector) in enumerate(zip(clauses, matrix, strict=True)):
        if not vector.any():
            continue
        session.add(ClauseEmbedding(version_id=version_id, clause_id=clause.id, ordinal=i,
                                    text_sha256=current[clause.id][1], model_id=model_id,
                                    dim=int(vector.shape[0]), vector=vector.tobytes()))
        stored += 1
    session.flush()
    return stored


def stored_clause_ids(session: Session, *, version_id: int, model_id: str) -> set[tuple[str, str]]:
    """(clause id, text hash) of every vector stored for a version and model."""
    rows = session.execute(select(ClauseEmbedding.clause_id, ClauseEmbedding.text_sha256).where(
        ClauseEmbedding.version_id == version_id, ClauseEmbedding.model_id == model_id))
    return {(clause_id, text_sha256) for clause_id, text_sha256 in rows}


def known_vectors(session: Session, *, model_id: str, texts: Sequence[str], dim: int) -> dict[str, np.ndarray]:
    """The vectors the repository already holds for these exact texts under ``model_id``, from any contract and
    version, by the sha256 of the text. Vendor paper repeats (a new version, the same vendor's next deal), so
    an upload or a re-scan sends only the texts never seen before through the model."""
    wanted = sorted({text_key(t) for t in texts})
    found: dict[str, np.ndarray] = {}
    for i in range(0, len(wanted), 500):  # SQLite caps the parameters of one statement
        rows = session.execute(select(ClauseEmbedding.text_sha256, ClauseEmbedding.vector).where(
            ClauseEmbedding.model_id == model_id, ClauseEmbedding.dim == dim,
            ClauseEmbedding.text_sha256.in_(wanted[i:i + 500])))
        for text_sha256, blob in rows:
            found.setdefault(text_sha256, np.frombuffer(blob, dtype="<f4").copy())
    return found


def _queue_search_embeddings(session: Session, version_id: int) -> None:
    """Queue the search job for a version once (a queued one will read the newest review when it runs)."""
    waiting = session.scalars(select(Job.payload).where(Job.kind == SEARCH_JOB, Job.status == "queued")).all()
    if not any(p.get("version_id") == version_id for p in waiting):
        queue.enqueue(session, kind=SEARCH_JOB, payload={"version_id": version_id})


def record_review(session: Session, *, version_id: int, review: Any, vectors: np.ndarray | None = None,
                  trigger: str = "upload") -> Review:
    """Store an engine review of a version: the result, its deviations as rows, the key terms, the clause
    embeddings, and the version's extracted text. For the contract's latest version, the contract takes the
    route, worst severity and renewal dates, moves from ``submitted`` to ``in_review`` and is assigned."""
    version = _require(session, ContractVersion, version_id, "version")
    contract = version.contract
    result = review.to_dict()
    version.text = result.pop("text")
    summary = summarize_key_terms(review, currency=contract.currency)
    row = Review(version_id=version_id, trigger=trigger, library_version=review.library_version,
                 model_id=review.model, contract_type=review.contract_type, value=_decimal(review.value),
                 route=review.route.route, approver=review.route.approver, worst_severity=review.worst_severity,
                 result=result, key_terms=summary, created_at=utcnow())
    session.add(row)
    session.flush()
    for i, d in enumerate(review.deviations):
        session.add(Deviation(review_id=row.id, ordinal=i, clause_id=d.clause_id, clause_type=d.clause_type,
                              rule=d.rule, kind=d.kind, severity=d.severity, message=d.message))
    if vectors is not None:
        store_embeddings(session, version_id=version_id, clauses=review.clauses, vectors=vectors,
                         model_id=review.model)
        _queue_search_embeddings(session, version_id)
    latest = _latest_version(session, contract.id)
    if latest is not None and latest.id == version_id:
        contract.worst_severity = review.worst_severity
        contract.renewal_date = dt.date.fromisoformat(summary["renewal_date"]) if summary["renewal_date"] else None
        contract.notice_deadline = (dt.date.fromisoformat(summary["notice_deadline"])
                                    if summary["notice_deadline"] else None)
        route_changed = contract.route != review.route.route
        contract.route = review.route.route
        contract.updated_at = utcnow()
        if contract.state == "submitted":
            contract.state = "in_review"
            _assign(session, contract, review.route.route)
        elif contract.state == "in_review" and route_changed:
            _assign(session, contract, review.route.route)  # a re-scan moved it (e.g. self-serve to legal)
    session.flush()
    return row


def latest_review(session: Session, *, contract_id: int) -> Review | None:
    """The newest review of the contract's latest version."""
    return session.scalars(
        select(Review).join(ContractVersion, Review.version_id == ContractVersion.id)
        .where(ContractVersion.contract_id == contract_id)
        .order_by(ContractVersion.number.desc(), Review.id.desc()).limit(1)
        .options(selectinload(Review.deviations))
    ).first()


def review_document(review: Review) -> dict[str, Any]:
    """The review in the shape of ``vetted review --json`` (text included), each deviation with its row id and
    legal's decision."""
    doc = dict(review.result)
    doc["text"] = review.version.text
    devs = [dict(d) for d in doc.get("deviations", [])]
    for row in review.deviations:
        if row.ordinal < len(devs):
            devs[row.ordinal].update(id=row.id, decision=row.decision, decided_by=row.decided_by,
                                     decided_at=row.decided_at.isoformat() if row.decided_at else None,
                                     comment=row.comment)
    doc["deviations"] = devs
    doc["key_terms"] = review.key_terms
    doc["review"] = {"id": review.id, "version_id": review.version_id, "trigger": review.trigger,
                     "created_at": review.created_at.isoformat()}
    return doc


def decide_deviation(session: Session, *, deviation_id: int, decision: str, user: User, comment: str = "",
                     ip: str | None = None) -> Deviation:
    """Record a decision on a deviation: ``accept``, ``reject`` (a comment saying why is required) or
    ``fallback`` (only where the library offers fallback language). Audited as ``deviation.decide``; the buyer
    is notified."""
    if decision not in DECISIONS:
        raise InvalidRequestError(f"decision must be one of {', '.join(DECISIONS)}")
    row = _require(session, Deviation, deviation_id, "deviation")
    comment = comment.strip()
    if decision == "reject" and not comment:
        raise InvalidRequestError("say why the deviation is rejected: a rejection needs a comment")
    review = row.review
    if decision == "fallback":
        found = review.result.get("deviations", [])
        if row.ordinal >= len(found) or not found[row.ordinal].get("fallback_text"):
            raise InvalidRequestError("the library offers no fallback language for this deviation")
    previous = row.decision
    row.decision, row.decided_by, row.decided_at, row.comment = decision, user.id, utcnow(), comment or None
    contract = review.version.contract
    contract.updated_at = utcnow()
    session.flush()
    audit.record(session, actor=user.username, action="deviation.decide", target=f"contract:{contract.id}", ip=ip,
                 detail={"deviation_id": row.id, "rule": row.rule, "decision": decision, "previous": previous,
                         "comment": comment})
    if contract.buyer_id != user.id:
        notify(session, user_id=contract.buyer_id, kind="decided", contract_id=contract.id,
               message=f"{user.display_name} decided {decision} on {row.rule} in {contract.title}")
    return row


# ------------------------------------------------------------------------------------------ contracts


# What finance is shown of a contract's clauses and deviations: the money clauses (see api.present).
MONEY_CLAUSE_TYPES = frozenset({"payment_terms", "price_changes", "minimum_commitment"})


def can_view(user: User, contract: Contract) -> bool:
    """Legal, senior legal, finance and admins see every contract; procurement its own and its team's. A
    confidential contract only its buyer, its assignee and the users named on it see. (Finance sees the money
    terms only: the API trims what it shows.)"""
    if not user.active:
        return False
    named = user.id in (contract.buyer_id, contract.assignee_id) or any(u.id == user.id
                                                                         for u in contract.allowed_users)
    if contract.confidential:
        return named
    if user.role in ("legal", "senior_legal", "finance", "admin"):
        return True
    return named or (user.team_id is not None and user.team_id == contract.team_id)


def visible_filter(user: User) -> ColumnElement[bool]:
    """:func:`can_view` as a query condition on ``Contract``."""
    if not user.active:
        return false()
    named = or_(Contract.buyer_id == user.id, Contract.assignee_id == user.id,
                exists().where(contract_access.c.contract_id == Contract.id, contract_access.c.user_id == user.id))
    if user.role in ("legal", "senior_legal", "finance", "admin"):
        return or_(Contract.confidential.is_(False), named)
    team = Contract.team_id == user.team_id if user.team_id is not None else false()
    return or_(named, and_(Contract.confidential.is_(False), team))


def get_contract(session: Session, *, contract_id: int, viewer: User | None = None) -> Contract:
    """The contract (with its versions); NotFound also when ``viewer`` may not see it (no existence leak)."""
    contract = session.get(Contract, contract_id, options=[selectinload(Contract.versions)])
    if contract is None or (viewer is not None and not can_view(viewer, contract)):
        raise NotFoundError(f"no contract with id {contract_id}")
    return contract


_ORDER: dict[str, ColumnElement[Any]] = {
    "updated": Contract.updated_at.desc(), "created": Contract.created_at.desc(),
    "value": Contract.value.desc(), "title": Contract.title.asc(), "notice_deadline": Contract.notice_deadline.asc(),
}


def list_contracts(session: Session, *, viewer: User | None = None, state: str | None = None,
                   contract_type: str | None = None, vendor: str | None = None, buyer_id: int | None = None,
                   assignee_id: int | None = None, route: str | None = None, worst_severity: str | None = None,
                   text: str | None = None, notice_before: dt.date | None = None, order: str = "updated",
                   page: int = 1, per_page: int = 50) -> Page[Contract]:
    """Contracts matching every given filter (``vendor`` and ``text`` match part of a name, any case), one page
    at a time; only those ``viewer`` may see when given."""
    page, per_page = _paginate(page, per_page)
    if state is not None and state not in CONTRACT_STATES:
        raise InvalidRequestError(f"state must be one of {', '.join(CONTRACT_STATES)}")
    if order not in _ORDER:
        raise InvalidRequestError(f"order must be one of {', '.join(_ORDER)}")
    conditions: list[ColumnElement[bool]] = []
    if viewer is not None:
        conditions.append(visible_filter(viewer))
    for column, value in ((Contract.state, state), (Contract.contract_type, contract_type),
                          (Contract.buyer_id, buyer_id), (Contract.assignee_id, assignee_id),
                          (Contract.route, route), (Contract.worst_severity, worst_severity)):
        if value is not None:
            conditions.append(column == value)
    if vendor:
        conditions.append(Contract.vendor.icontains(vendor.strip(), autoescape=True))
    if text:
        conditions.append(or_(Contract.title.icontains(text.strip(), autoescape=True),
                              Contract.vendor.icontains(text.strip(), autoescape=True)))
    if notice_before is not None:
        conditions.append(Contract.notice_deadline <= notice_before)
    total = session.scalar(select(func.count()).select_from(Contract).where(*conditions)) or 0
    items = session.scalars(select(Contract).where(*conditions).order_by(_ORDER[order], Contract.id.desc())
                            .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(items), int(total), page, per_page)


def renewals(session: Session, *, today: dt.date, within_days: int, viewer: User | None = None
             ) -> list[tuple[Contract, dt.date, dt.date | None]]:
    """Contracts whose next non-renewal notice deadline falls between ``today`` and ``within_days`` from now,
    soonest first, each with its next renewal date and deadline (automatic renewals rolled forward)."""
    q = select(Contract, Review.key_terms).join(ContractVersion, ContractVersion.contract_id == Contract.id) \
        .join(Review, Review.version_id == ContractVersion.id).where(Contract.renewal_date.is_not(None))
    if viewer is not None:
        q = q.where(visible_filter(viewer))
    newest: dict[int, tuple[Contract, dict[str, Any], int]] = {}
    for contract, summary, review_id in session.execute(q.add_columns(Review.id)):
        if contract.id not in newest or review_id > newest[contract.id][2]:
            newest[contract.id] = (contract, summary, review_id)
    horizon = today + dt.timedelta(days=within_days)
    due = []
    for contract, summary, _ in newest.values():
        nxt = next_renewal(summary, today)
        if nxt is None:
            continue
        renewal, deadline = nxt
        if deadline is not None and today <= deadline <= horizon:
            due.append((contract, renewal, deadline))
    return sorted(due, key=lambda x: (x[2] or x[1], x[0].id))


# ------------------------------------------------------------------------------------------ comments


def add_comment(session: Session, *, contract_id: int, author: User, body: str, parent_id: int | None = None,
                deviation_id: int | None = None, mentions: Iterable[str] = (), ip: str | None = None) -> Comment:
    """A comment on a contract, optionally a reply (``parent_id``) or about a deviation. ``@username`` in the
    text, and ``mentions``, notify those users (an unknown name in ``mentions`` is refused; one in the text is
    left as text)."""
    body = body.strip()
    if not body:
        raise InvalidRequestError("a comment needs some text")
    contract = _require(session, Contract, contract_id, "contract")
    if parent_id is not None:
        parent = _require(session, Comment, parent_id, "comment")
        if parent.contract_id != contract_id:
            raise InvalidRequestError("a reply must be on the same contract as the comment it answers")
    if deviation_id is not None:
        dev = _require(session, Deviation, deviation_id, "deviation")
        if dev.review.version.contract_id != contract_id:
            raise InvalidRequestError("that deviation belongs to another contract")
    named: dict[int, User] = {}
    for name in mentions:
        user = get_user(session, username=name)
        if user is None:
            raise InvalidRequestError(f"no user named {name!r} to mention")
        named[user.id] = user
    for name in _MENTION.findall(body):
        user = get_user(session, username=name)
        if user is not None:
            named[user.id] = user
    comment = Comment(contract_id=contract_id, parent_id=parent_id, deviation_id=deviation_id, author_id=author.id,
                      body=body, mentions=list(named.values()), created_at=utcnow())
    session.add(comment)
    session.flush()
    for user in named.values():
        if user.id != author.id and user.active:
            notify(session, user_id=user.id, kind="mentioned", contract_id=contract_id,
                   message=f"{author.display_name} mentioned you on {contract.title}: {body[:200]}")
    audit.record(session, actor=author.username, action="comment.add", target=f"contract:{contract_id}", ip=ip,
                 detail={"comment_id": comment.id, "parent_id": parent_id, "mentions": sorted(named)})
    return comment


def list_comments(session: Session, *, contract_id: int) -> list[Comment]:
    """The contract's comment threads: top-level comments, oldest first, each with its replies loaded."""
    every = session.scalars(select(Comment).where(Comment.contract_id == contract_id).order_by(Comment.id)
                            .options(selectinload(Comment.mentions), selectinload(Comment.author),
                                     selectinload(Comment.replies))).all()
    return [c for c in every if c.parent_id is None]


# ------------------------------------------------------------------------------------------ notifications


def notify(session: Session, *, user_id: int, kind: str, message: str, contract_id: int | None = None,
           dedupe_key: str | None = None) -> Notification | None:
    """Tell a user something in the app; with a ``dedupe_key``, only once (None when already told)."""
    if dedupe_key is not None and session.scalars(
            select(Notification.id).where(Notification.dedupe_key == dedupe_key)).first() is not None:
        return None
    note = Notification(user_id=user_id, kind=kind, contract_id=contract_id, message=message[:2000],
                        dedupe_key=dedupe_key, created_at=utcnow())
    session.add(note)
    session.flush()
    return note


def notifications(session: Session, *, user_id: int, unread_only: bool = False, page: int = 1,
                  per_page: int = 50) -> Page[Notification]:
    page, per_page = _paginate(page, per_page)
    conditions = [Notification.user_id == user_id]
    if unread_only:
        conditions.append(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(Notification).where(*conditions)) or 0
    items = session.scalars(select(Notification).where(*conditions).order_by(Notification.id.desc())
                            .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(items), int(total), page, per_page)


def mark_read(session: Session, *, user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or ``ids``); returns how many changed."""
    q = select(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        q = q.where(Notification.id.in_(list(ids)))
    now, changed = utcnow(), 0
    for note in session.scalars(q):
        note.read_at = now
        changed += 1
    session.flush()
    return changed


def renewal_reminders(session: Session, *, today: dt.date, within_days: int = 30) -> int:
    """Notify each due contract's buyer and assignee once per deadline (run daily); returns how many notices."""
    sent = 0
    for contract, renewal, deadline in renewals(session, today=today, within_days=within_days):
        for uid in {contract.buyer_id, contract.assignee_id} - {None}:
            assert uid is not None
            note = notify(session, user_id=uid, kind="renewal", contract_id=contract.id,
                          dedupe_key=f"renewal:{contract.id}:{renewal.isoformat()}:{uid}",
                          message=f"{contract.title} ({contract.vendor}) renews on {renewal.isoformat()}; notice of "
                                  f"non-renewal is due by {deadline.isoformat() if deadline else 'unknown'}")
            sent += note is not None
    return sent


# ------------------------------------------------------------------------------------------ consistency


@dataclass(frozen=True, slots=True)
class FileCheck:
    """Files on disk no row refers to, and rows whose file is gone (data loss: restore from backup)."""

    orphans: list[str]
    missing: list[str]

    @property
    def ok(self) -> bool:
        return not self.orphans and not self.missing


def check_files(session: Session, *, store: FileStore) -> FileCheck:
    """Compare the file store with the database."""
    referenced = set(session.scalars(select(ContractVersion.file_sha256).distinct()))
    return FileCheck(orphans=store.orphans(referenced), missing=store.missing(referenced))


def remove_orphans(engine: Engine, *, store: FileStore, older_than: float = 3600.0) -> list[str]:
    """Remove files no row refers to, if older than ``older_than`` seconds (a younger one may belong to an
    upload about to commit), and stale temporary files. Returns the hashes removed."""
    import time

    with session_scope(engine, readonly=True) as s:
        referenced = set(s.scalars(select(ContractVersion.file_sha256).distinct()))
    cutoff = time.time() - older_than
    removed = []
    for sha in store.orphans(referenced):
        if store.path(sha).stat().st_mtime > cutoff:
            continue
        if store.discard_if_unreferenced(sha, _is_referenced(engine)):
            log.warning("removed orphan file %s (no version refers to it)", sha)
            removed.append(sha)
    for tmp in store.stale_temporaries(older_than):
        tmp.unlink(missing_ok=True)
    return removed


def note_library(session: Session, *, library: Any, actor: str = audit.SYSTEM) -> bool:
    """Record in the audit trail a clause library (with its playbook) other than the last one recorded: an edit
    of its files, a customer's own folder, an upgrade. Called when the service starts and whenever a worker
    loads the library again. Returns whether a change was recorded."""
    from sqlalchemy import desc

    from review_service.repository.models import AuditEvent

    last = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(("library.load", "library.change")))
                           .order_by(desc(AuditEvent.seq)).limit(1)).first()
    previous = last.detail.get("version") if last is not None else None
    if previous == library.version:
        return False
    audit.record(session, actor=actor, action="library.load" if previous is None else "library.change",
                 target=f"library:{library.short_version}",
                 detail={"version": library.version, "previous": previous,
                         "clause_types": len(library.clause_types)})
    return True


def reconcile_files(engine: Engine, *, store: FileStore) -> FileCheck:
    """At start (``vetted serve``, ``vetted worker``): log each stored file a version needs but the store has
    lost, and remove the files no version refers to (uploads that never committed) once an hour old, logging
    what was removed and what was left. Returns the check as found."""
    with session_scope(engine, readonly=True) as s:
        check = check_files(s, store=store)
    for sha in check.missing:
        log.error("stored file %s is missing from the file store: restore it from backup", sha)
    if check.orphans:
        removed = remove_orphans(engine, store=store)
        log.warning("%d stored file(s) belonged to no version (uploads that did not commit): %d removed, the "
                    "rest are under an hour old and are checked again at the next start", len(check.orphans),
                    len(removed))
    return check


def enqueue_rescans(session: Session, *, contract_ids: Iterable[int] | None = None,
                    max_attempts: int | None = None) -> list[int]:
    """Queue a re-scan of the latest version of every contract (or of ``contract_ids``) that has been reviewed
    and has no re-scan waiting or running already: run it again after an interruption and it picks up what is
    left. Returns the new jobs' ids."""
    latest = (select(ContractVersion.contract_id, func.max(ContractVersion.number).label("number"))
              .group_by(ContractVersion.contract_id).subquery())
    q = select(ContractVersion.id).join(latest, and_(ContractVersion.contract_id == latest.c.contract_id,
                                                     ContractVersion.number == latest.c.number)) \
        .where(exists().where(Review.version_id == ContractVersion.id))
    if contract_ids is not None:
        q = q.where(ContractVersion.contract_id.in_(list(contract_ids)))
    pending = {int(p["version_id"]) for p in session.scalars(
        select(Job.payload).where(Job.kind == RESCAN_JOB, Job.status.in_(("queued", "running"))))}
    return [queue.enqueue(session, kind=RESCAN_JOB, payload={"version_id": vid}, max_attempts=max_attempts).id
            for vid in session.scalars(q.order_by(ContractVersion.id)) if vid not in pending]


def rescan_report(session: Session, *, job_ids: Iterable[int]) -> dict[str, Any]:
    """What a re-scan changed: contracts whose route or worst severity moved (newly passing: off a legal
    route; newly failing: onto one), and the jobs that failed with their codes."""
    changed, failed, waiting = [], [], 0
    for job in session.scalars(select(Job).where(Job.id.in_(list(job_ids))).order_by(Job.id)):
        if job.status == "failed":
            failed.append({"job_id": job.id, "version_id": job.payload.get("version_id"),
                           "code": job.last_error_code, "message": job.last_error_message})
            continue
        if job.status != "done" or not job.result:
            waiting += 1
            continue
        before, after = job.result.get("before") or {}, job.result
        if (before.get("route"), before.get("worst_severity")) == (after["route"], after["worst_severity"]):
            continue
        version = session.get(ContractVersion, job.payload["version_id"])
        legal_before, legal_after = before.get("route") not in (None, "self_serve"), after["route"] != "self_serve"
        changed.append({
            "contract_id": version.contract_id if version else None, "version_id": job.payload["version_id"],
            "before": {"route": before.get("route"), "worst_severity": before.get("worst_severity")},
            "after": {"route": after["route"], "worst_severity": after["worst_severity"]},
            "change": "newly_fails" if legal_after and not legal_before else
                      "newly_passes" if legal_before and not legal_after else "changed",
            "why": _rescan_why(session, before.get("review_id"), after.get("review_id")),
        })
    return {"changed": changed, "failed": failed, "waiting": waiting}


def _rescan_why(session: Session, before_id: int | None, after_id: int | None) -> dict[str, Any]:
    """Why a re-scan moved a contract: the deviations it raised (new, or at another severity), those it
    cleared, and the new route's reason codes."""
    def deviations(review_id: int | None) -> set[tuple[str, str]]:
        if review_id is None:
            return set()
        return {(r, sev) for r, sev in session.execute(select(Deviation.rule, Deviation.severity)
                                                      .where(Deviation.review_id == review_id))}

    old, new = deviations(before_id), deviations(after_id)
    after = session.get(Review, after_id) if after_id is not None else None
    reasons = list(((after.result or {}).get("route") or {}).get("reasons", [])) if after is not None else []
    return {"raised": [{"rule": r, "severity": sev} for r, sev in sorted(new - old)],
            "cleared": [{"rule": r, "severity": sev} for r, sev in sorted(old - new)], "reasons": reasons}


def job_for_version(session: Session, *, version_id: int) -> Job | None:
    """The newest review job of a version."""
    return session.scalars(select(Job).where(Job.kind == REVIEW_JOB, Job.payload["version_id"].as_integer()
                                             == version_id).order_by(Job.id.desc()).limit(1)).first()

