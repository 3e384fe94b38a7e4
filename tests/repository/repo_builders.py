"""Builders shared by the repository tests: a cast of users, and engine reviews made by hand (no model)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from argon2 import PasswordHasher

from review_service.ingest.document import Document, Page
from review_service.ingest.segment import Clause
from review_service.repository import service
from review_service.repository.models import User
from review_service.review.classify import ClauseMatch
from review_service.review.engine import Deviation, Evidence, Review, Route

PASSWORD = "correct horse battery"
TEXT = (
    "MASTER SUBSCRIPTION AGREEMENT\n\n"
    'This Agreement is entered into as of January 15, 2026 (the "Effective Date") by and between Acme Cloud, Inc. '
    '("Vendor") and Harbor Freight Logistics LLC ("Customer").\n\n'
    "1. Term. This Agreement shall continue for twelve (12) months. It renews automatically for successive "
    "twelve (12) month periods unless either party gives notice of non-renewal at least thirty (30) days prior "
    "to the end of the then-current term.\n\n"
    "2. Payment. Invoices are due within fifteen (15) days of receipt.\n\n"
    "3. Governing Law. This Agreement is governed by the laws of the State of Texas.\n"
)


@dataclass
class People:
    buyer: User
    teammate: User
    outsider: User
    partner: User
    backup: User
    senior: User
    finance: User
    admin: User


@pytest.fixture
def people(session, monkeypatch) -> People:
    # Real argon2, with test-sized costs: the default parameters take a quarter second per hash.
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(service, "_hasher", fast)
    monkeypatch.setattr(service, "_DUMMY_HASH", fast.hash("dummy"))

    def make(name: str, role: str, team: str | None = None) -> User:
        return service.create_user(session, username=name, display_name=name.title(), role=role,
                                   password=PASSWORD, team=team)

    cast = People(
        buyer=make("pat", "procurement", "ops"), teammate=make("quinn", "procurement", "ops"),
        outsider=make("riley", "procurement", "marketing"), partner=make("lee", "legal"),
        backup=make("morgan", "legal"), senior=make("gc", "senior_legal"), finance=make("fin", "finance"),
        admin=make("root", "admin"),
    )
    session.commit()
    return cast


def _clause(cid: str, kind: str, text: str, start: int) -> Clause:
    return Clause(cid, None, None, 1, None, kind, start, start + len(text), 1, text)  # type: ignore[arg-type]


def fake_review(*, contract_type: str = "saas", value: float | None = 48_000, route: str = "legal",
                severity: str = "medium", with_fallback: bool = True) -> tuple[Review, np.ndarray]:
    """A Review as the engine makes it, for the text above, with one deviation, and its clause vectors."""
    doc = Document("draft.txt", "txt", TEXT, (Page(1, 0, len(TEXT)),))
    clauses, pos = [], 0
    for i, para in enumerate(TEXT.split("\n\n")):
        start = TEXT.index(para, pos)
        kind = "title" if i == 0 else "preamble" if i == 1 else "section"
        clauses.append(_clause(f"c{i + 1}", kind, para.strip(), start))
        pos = start + len(para)
    matches = [ClauseMatch(None, None, 0.0, 0.0, None, None, False)] * 2 + [
        ClauseMatch("term_and_renewal", "standard", 0.9, 0.9, None, None, True),
        ClauseMatch("payment_terms", "non_standard", 0.8, 0.8, None, None, True),
        ClauseMatch("governing_law", "standard", 0.9, 0.9, None, None, True),
    ]
    terms = [
        {"parties": [{"name": "Acme Cloud, Inc.", "alias": "Vendor"},
                     {"name": "Harbor Freight Logistics LLC", "alias": "Customer"}],
         "dates": [{"value": "2026-01-15", "label": "effective"}]},
        {}, {"renewal_term_months": 12.0, "non_renewal_notice_days": 30.0}, {"payment_days": 15.0},
        {"governing_law": "Texas"},
    ]
    pay = clauses[3]
    at = TEXT.index("fifteen (15) days")
    deviation = Deviation(pay.id, "payment_terms", "payment_terms.payment_days_too_short", "parameter",
                          severity, "Payment terms: fewer than 30 days.",  # type: ignore[arg-type]
                          Evidence("fifteen (15) days", at, at + len("fifteen (15) days")), "Net 45.",
                          "Net 30." if with_fallback else None, [])
    review = Review(doc, clauses, matches, terms, [deviation],
                    Route(route, "assigned_legal_partner", ["legal_review"], [], []), contract_type, value,
                    "lib-test", "test-model")
    vectors = np.zeros((len(clauses), 8), dtype=np.float32)
    vectors[2:] = np.arange(24, dtype=np.float32).reshape(3, 8) + 1
    return review, vectors
