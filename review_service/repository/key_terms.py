"""The key-terms summary a contract carries: who, how much, from when, for how long, when it renews and by when
notice must be given, payment terms, governing law. Dates: ``agreement_date`` (the date it bears),
``effective_date`` (when it takes effect; the agreement date when it states none), ``expiration_date`` (the end of
the initial term: an ISO date, "perpetual", or None when the text cannot tell).

Built from a review (the parameter readings of the matched clauses and the preamble's parties and dates), with
the whole-document readers of ``review.terms`` filling what no matched clause gave. "Did this contract renew?"
is answered by ``renewal_date`` and ``notice_deadline``: the end of the initial term, and the last day to give
notice of non-renewal; :func:`next_renewal` rolls both forward through automatic renewals.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from review_service.review import terms as t
    from review_service.review.engine import Review


def _first(review: Review, name: str) -> Any:
    for found in review.terms:
        if name in found:
            return found[name]
    return None


def _duration(d: t.Duration | None) -> dict[str, Any] | None:
    return None if d is None else {"value": d.value, "unit": d.unit, "days": d.days, "text": d.text}


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _as_duration(value: float, unit: str) -> t.Duration:
    from review_service.review import terms as t

    days = {"days": 1.0, "business_days": 7 / 5, "weeks": 7.0, "months": 365 / 12, "years": 365.0}[unit]
    return t.Duration(value, unit, value * days, 0, 0, "")  # type: ignore[arg-type]


def key_terms(review: Review, *, currency: str = "USD") -> dict[str, Any]:
    """The summary as a JSON-ready dict (dates as ISO strings; absent terms are None)."""
    from review_service.review import terms as t

    text = review.document.text
    front = review.terms[0] if review.terms else {}
    parties = front.get("parties") or [{"name": p.name, "alias": p.alias} for p in t.parties(text)]
    # The dates the front matter labels, else the whole-document readers (definitions, the term clause, the
    # signature blocks): a date labelled "effective" somewhere in the body may be a termination's or a price's.
    dates = front.get("dates") or []
    agreement = next((d["value"] for d in dates if d.get("label") == "agreement"), None) or _iso(t.agreement_date(text))
    effective = next((d["value"] for d in dates if d.get("label") == "effective"), None) or _iso(
        t.effective_date(text)) or agreement
    expiration = t.expiration_date(text)

    initial = t.initial_term(text)
    renewal = t.renewal_term(text)
    renewal_months = _first(review, "renewal_term_months")
    auto = _first(review, "auto_renewal")
    if auto is None and renewal is not None:
        auto = renewal.automatic
    notice_days = _first(review, "non_renewal_notice_days")
    if notice_days is None and (notice := t.renewal_notice(text)) is not None:
        notice_days = notice.days

    # The renewal date is the end of the initial term as the term clause gives it (a date, or the effective date
    # plus the initial term); none when the term runs from an event the text cannot date or never ends.
    renewal_date = notice_deadline = None
    if isinstance(expiration, dt.date):
        renewal_date = expiration
    if renewal_date is not None and notice_days is not None:
        notice_deadline = renewal_date - dt.timedelta(days=round(float(notice_days)))

    law = _first(review, "governing_law")
    if law is None and (found := t.governing_law(text)):
        law = found[0].name
    renewal_term = _duration(renewal.duration) if renewal is not None else None
    if renewal_months is not None:
        renewal_term = _duration(_as_duration(float(renewal_months), "months"))
    return {
        "parties": parties,
        "value": {"amount": review.value, "currency": currency} if review.value is not None else None,
        "agreement_date": agreement,
        "effective_date": effective,
        "expiration_date": expiration.isoformat() if isinstance(expiration, dt.date) else expiration,
        "initial_term": _duration(initial),
        "auto_renewal": auto,
        "renewal_term": renewal_term,
        "non_renewal_notice_days": notice_days,
        "renewal_date": renewal_date.isoformat() if renewal_date else None,
        "notice_deadline": notice_deadline.isoformat() if notice_deadline else None,
        "payment_terms": {
            "payment_days": _first(review, "payment_days"),
            "late_fee_percent_per_month": _first(review, "late_fee_percent_per_month"),
            "advance_payment_months": _first(review, "advance_payment_months"),
        },
        "governing_law": law,
        "venue": _first(review, "venue"),
    }


def next_renewal(summary: dict[str, Any], today: dt.date) -> tuple[dt.date, dt.date | None] | None:
    """The next renewal date on or after ``today`` and its notice deadline, rolling the first renewal date
    forward by the renewal term while the contract renews automatically; None when unknown or expired."""
    if not summary.get("renewal_date"):
        return None
    renewal = dt.date.fromisoformat(summary["renewal_date"])
    term = summary.get("renewal_term")
    notice = summary.get("non_renewal_notice_days")
    if summary.get("auto_renewal") and term and term.get("value"):
        step = _as_duration(float(term["value"]), term["unit"])
        for _ in range(1000):
            if renewal >= today:
                break
            renewal = step.add_to(renewal)
    if renewal < today:
        return None
    deadline = renewal - dt.timedelta(days=round(float(notice))) if notice is not None else None
    return renewal, deadline
