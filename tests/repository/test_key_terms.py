"""The key-terms summary: dates read from the whole contract when the front matter does not label them."""

from __future__ import annotations

from typing import Any

from repo_builders import fake_review

from review_service.ingest.document import Document, Page
from review_service.ingest.segment import Clause
from review_service.repository.key_terms import key_terms
from review_service.review.classify import ClauseMatch
from review_service.review.engine import Review, Route

_BODY = "2. Supply. " + "The Seller shall supply the Products the Buyer orders under Schedule 1. " * 40
_SIGNED = ("IN WITNESS WHEREOF the parties have signed below.\n\nNORTHWIND LTD\nBy: /s/ A. Rowe\nDate: March 3, 2021"
           "\n\nSALTMARSH INC.\nBy: /s/ B. Lane\nDate: March 9, 2021\n")


def _review(*paragraphs: str, front_terms: dict[str, Any] | None = None) -> Review:
    """A review as the engine makes it (no model): one clause per paragraph, no matched clause types."""
    text = "\n\n".join(paragraphs)
    clauses, pos = [], 0
    for i, para in enumerate(paragraphs):
        start = text.index(para, pos)
        kind = "title" if i == 0 else "preamble" if i == 1 else "section"
        clauses.append(Clause(f"c{i + 1}", None, None, 1, None, kind, start, start + len(para), 1,  # type: ignore[arg-type]
                              para))
        pos = start + len(para)
    terms = [front_terms or {}] + [{} for _ in paragraphs[1:]]
    matches = [ClauseMatch(None, None, 0.0, 0.0, None, None, False)] * len(paragraphs)
    doc = Document("draft.txt", "txt", text, (Page(1, 0, len(text)),))
    return Review(doc, clauses, matches, terms, [], Route("procurement", "buyer", [], [], []), "goods", None,
                  "lib-test", "test-model")


def test_key_terms_dates_from_the_front_matter_and_the_term_clause() -> None:
    review, _ = fake_review()
    got = key_terms(review)
    assert got["effective_date"] == "2026-01-15" and got["expiration_date"] == "2027-01-15"
    assert got["renewal_date"] == "2027-01-15" and got["notice_deadline"] == "2026-12-16"


def test_key_terms_effective_date_from_the_last_signature() -> None:
    review = _review(
        "SUPPLY AGREEMENT",
        'This Supply Agreement is between Northwind Ltd ("Buyer") and Saltmarsh Inc. ("Seller").',
        '1. Definitions. "Effective Date" means the date of the last signature below.',
        _BODY,
        "7. Term. This Agreement shall commence on the Effective Date and continue for three (3) years.",
        _SIGNED,
    )
    got = key_terms(review)
    assert got["effective_date"] == "2021-03-09"
    assert got["expiration_date"] == "2024-03-09" and got["renewal_date"] == "2024-03-09"


def test_key_terms_no_renewal_date_for_a_term_run_from_an_event_or_without_end() -> None:
    made = 'This Supply Agreement is made on 2 May 2019 between Northwind Ltd ("Buyer") and Saltmarsh Inc. ("Seller").'
    launch = key_terms(_review("SUPPLY AGREEMENT", made, _BODY,
                               "7. Term. The term of this Agreement shall end three (3) years from the Launch Date."))
    assert launch["effective_date"] == "2019-05-02" and launch["agreement_date"] == "2019-05-02"
    assert launch["expiration_date"] is None and launch["renewal_date"] is None
    evergreen = key_terms(_review("SUPPLY AGREEMENT", made, _BODY,
                                  "7. Term. This Agreement shall continue in effect until terminated by either party."))
    assert evergreen["expiration_date"] == "perpetual" and evergreen["renewal_date"] is None
