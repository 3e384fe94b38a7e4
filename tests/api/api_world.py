"""A small world for the API tests, built through the repository's services with engine reviews made by hand
(no model): a cast with one user per role (and a teammate, an outsider and a backup), legal assignments, and
contracts that have been uploaded and reviewed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine

from api.security import create_token
from review_service.ingest.document import Document, Page
from review_service.ingest.segment import Clause
from review_service.repository import service
from review_service.repository.db import session_scope
from review_service.repository.files import FileStore
from review_service.repository.models import Contract, User
from review_service.review.classify import ClauseMatch
from review_service.review.engine import Deviation, Evidence, Review, Route

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
_serial = itertools.count(1)

# Who each column of the role tables is.
CAST = {
    "owner": ("pat", "procurement", "ops"),
    "teammate": ("quinn", "procurement", "ops"),
    "outsider": ("riley", "procurement", "marketing"),
    "legal": ("lee", "legal", None),
    "backup": ("morgan", "legal", None),
    "senior": ("gc", "senior_legal", None),
    "finance": ("fin", "finance", None),
    "admin": ("root", "admin", None),
}
NUMBERS = {10: "ten", 15: "fifteen", 30: "thirty", 45: "forty-five", 60: "sixty"}


def draft_text(*, title: str = "MASTER SUBSCRIPTION AGREEMENT", payment_days: int = 15, contact: str = "J. Smith",
               law: str = "New York") -> str:
    return (
        f"{title}\n\n"
        'This Agreement is entered into as of January 15, 2026 (the "Effective Date") by and between Acme Cloud, '
        'Inc. ("Vendor") and Harbor Freight Logistics LLC ("Customer").\n\n'
        "1. Term. This Agreement shall continue for twelve (12) months. It renews automatically for successive "
        "twelve (12) month periods unless either party gives notice of non-renewal at least thirty (30) days "
        "prior to the end of the then-current term.\n\n"
        f"2. Payment. Invoices are due within {NUMBERS.get(payment_days, str(payment_days))} ({payment_days}) days "
        "of receipt.\n\n"
        f"3. Notices. Notices to the Customer go to the attention of {contact}, 1 Harbor Way.\n\n"
        f"4. Governing Law. This Agreement is governed by the laws of the State of {law}.\n"
    )


def fake_review(text: str, *, payment_days: int = 15, route: str = "legal", severity: str = "medium",
                with_fallback: bool = True, contract_type: str = "saas", value: float | None = 48_000,
                co_signers: tuple[str, ...] = ()) -> tuple[Review, np.ndarray]:
    """A Review as the engine makes it for ``draft_text``: clause types, positions, readings, and a payment
    deviation when the payment days are under 30."""
    doc = Document("draft.txt", "txt", text, (Page(1, 0, len(text)),))
    clauses, pos = [], 0
    for i, para in enumerate(text.split("\n\n")):
        start = text.index(para, pos)
        kind = "title" if i == 0 else "preamble" if i == 1 else "section"
        body = para.strip()
        clauses.append(Clause(f"c{i + 1}", None, None, 1, None, kind, start, start + len(body), 1,  # type: ignore[arg-type]
                              body))
        pos = start + len(para)
    paying = payment_days < 30
    matches = [ClauseMatch(None, None, 0.0, 0.0, None, None, False)] * 2 + [
        ClauseMatch("term_and_renewal", "standard", 0.9, 0.9, None, None, True),
        ClauseMatch("payment_terms", "non_standard" if paying else "standard", 0.8, 0.8, None, None, True),
        ClauseMatch("notices", "standard", 0.9, 0.9, None, None, True),
        ClauseMatch("governing_law", "standard", 0.9, 0.9, None, None, True),
    ]
    terms = [
        {"parties": [{"name": "Acme Cloud, Inc.", "alias": "Vendor"},
                     {"name": "Harbor Freight Logistics LLC", "alias": "Customer"}],
         "dates": [{"value": "2026-01-15", "label": "effective"}]},
        {}, {"renewal_term_months": 12.0, "non_renewal_notice_days": 30.0}, {"payment_days": float(payment_days)},
        {}, {"governing_law": "New York"},
    ]
    deviations = []
    if paying:
        pay = clauses[3]
        evidence = f"({payment_days}) days"
        at = text.index(evidence)
        deviations.append(Deviation(pay.id, "payment_terms", "payment_terms.payment_days_too_short", "parameter",
                                    severity, "Payment terms: fewer than 30 days.",  # type: ignore[arg-type]
                                    Evidence(evidence, at, at + len(evidence)), "Net 45.",
                                    "Net 30." if with_fallback else None, []))
    deviations.append(Deviation(None, "information_security", "information_security.missing", "missing", "info",
                                "No security programme.", None, None, None, []))  # type: ignore[arg-type]
    review = Review(doc, clauses, matches, terms, deviations,
                    Route(route, "assigned_legal_partner", ["legal_review"], list(co_signers), []), contract_type,
                    value, "lib-test", "test-model")
    vectors = np.zeros((len(clauses), 8), dtype=np.float32)
    vectors[2:] = np.arange(32, dtype=np.float32).reshape(4, 8) + 1
    return review, vectors


@dataclass
class World:
    engine: Engine
    store: FileStore
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, who: str | None) -> dict[str, str]:
        return {} if who is None else {"Authorization": f"Bearer {self.tokens[who]}"}

    def user(self, who: str) -> User:
        return self.users[who]

    def contract(self, *, buyer: str = "owner", route: str = "legal", payment_days: int = 15,
                 confidential: bool = False, allowed: tuple[str, ...] = (), reviewed: bool = True,
                 value: float = 48_000, co_signers: tuple[str, ...] = (), contact: str = "J. Smith",
                 title: str | None = None) -> int:
        """A new contract (its own unique text), reviewed unless ``reviewed=False``; returns its id."""
        n = next(_serial)
        title = title or f"Agreement {n}"
        text = draft_text(title=f"MASTER SUBSCRIPTION AGREEMENT No. {n}", payment_days=payment_days,
                          contact=contact)
        with session_scope(self.engine) as s:
            up = service.upload_contract(
                s, store=self.store, data=text.encode(), filename=f"draft-{n}.txt", title=title,
                vendor="Acme Cloud", contract_type="saas", buyer=s.get(User, self.users[buyer].id), value=value,
                business_context="vendor needs Net 15", confidential=confidential,
                allowed_user_ids=[self.users[a].id for a in allowed])
        if reviewed:
            self.review(up.version_id, text, route=route, payment_days=payment_days, co_signers=co_signers,
                        value=value)
        return up.contract_id

    def version(self, contract_id: int, *, payment_days: int = 15, contact: str = "J. Smith",
                route: str = "legal", reviewed: bool = True, law: str = "New York") -> int:
        """A new version of a contract (the same title line, so only the given changes differ)."""
        with session_scope(self.engine, readonly=True) as s:
            first = s.get(Contract, contract_id).versions[0]
            old = self.store.read(first.file_sha256).decode()
        title = old.split("\n\n", 1)[0]
        text = draft_text(title=title, payment_days=payment_days, contact=contact, law=law)
        with session_scope(self.engine) as s:
            up = service.add_version(s, store=self.store, contract_id=contract_id, data=text.encode(),
                                     filename="draft-v.txt", uploaded_by=s.get(User, self.users["owner"].id),
                                     allow_duplicate=True)
        if reviewed:
            self.review(up.version_id, text, route=route, payment_days=payment_days)
        return up.version_id

    def review(self, version_id: int, text: str, **kw: object) -> None:
        review, vectors = fake_review(text, **kw)  # type: ignore[arg-type]
        with session_scope(self.engine) as s:
            service.record_review(s, version_id=version_id, review=review, vectors=vectors)

    def deviation_id(self, contract_id: int) -> int:
        with session_scope(self.engine, readonly=True) as s:
            review = service.latest_review(s, contract_id=contract_id)
            return next(d.id for d in review.deviations if d.severity != "info")


def build_world(engine: Engine, store: FileStore) -> World:
    world = World(engine, store)
    with session_scope(engine) as s:
        for who, (name, role, team) in CAST.items():
            user = service.create_user(s, username=name, display_name=name.title(), role=role, password=PASSWORD,
                                       team=team)
            world.users[who] = user
        s.flush()
        service.set_legal_assignment(s, contract_type="saas", partner_id=world.users["legal"].id,
                                     backup_id=world.users["backup"].id, actor="root")
    for who, user in world.users.items():
        world.tokens[who] = create_token(user_id=user.id, password_hash=user.password_hash, secret=SECRET,
                                         minutes=60)
    return world
