"""What the pages make of a stored review: the route's reasons in plain words, the document cut into clauses
coloured by their worst deviation, the deviations worst first (no server, no browser)."""

from __future__ import annotations

from api.web.review_view import ordered_deviations, plain_reasons, segments

TEXT = "TITLE\n\n1. Payment. Invoices are due in fifteen (15) days.\n\n2. Law. New York law governs.\n\nSigned."


def _span(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


PAY_CLAUSE = _span("1. Payment. Invoices are due in fifteen (15) days.")
LAW_CLAUSE = _span("2. Law. New York law governs.")
EVIDENCE = _span("fifteen (15) days")
CLAUSES = [
    {"id": "c1", "start": 0, "end": 5, "clause_type": None},
    {"id": "c2", "start": PAY_CLAUSE[0], "end": PAY_CLAUSE[1], "clause_type": "payment_terms", "heading": "Payment"},
    {"id": "c3", "start": LAW_CLAUSE[0], "end": LAW_CLAUSE[1], "clause_type": "governing_law", "heading": "Law"},
]
PAYMENT = {"id": 1, "clause_id": "c2", "rule": "payment_terms.payment_days_too_short", "severity": "medium",
           "message": "Payment terms: the draft says 15 days; the playbook requires at least 30.",
           "evidence": {"text": "fifteen (15) days", "start": EVIDENCE[0], "end": EVIDENCE[1]}}
NOTE = {"id": 2, "clause_id": "c2", "rule": "payment_terms.non_standard", "severity": "info",
        "message": "Payment terms: worded unlike any approved position.",
        "evidence": {"text": "the whole clause", "start": PAY_CLAUSE[0], "end": PAY_CLAUSE[1]}}
MISSING = {"id": 3, "clause_id": None, "rule": "warranties.missing", "severity": "high",
           "message": "Warranties: no warranties clause found.", "evidence": None}


def test_segments_colour_each_clause_by_its_worst_deviation_and_mark_the_evidence() -> None:
    parts = segments(TEXT, CLAUSES, [NOTE, PAYMENT, MISSING])
    assert [p.clause_id for p in parts] == ["c1", "c2", "c3", None]  # blank lines between clauses dropped
    title, payment, law, tail = parts
    assert (title.severity, law.severity, tail.text) == (None, None, "Signed.")
    assert payment.severity == "medium" and payment.deviation_ids == [1, 2]  # worst first
    assert payment.parts == ("1. Payment. Invoices are due in ", "fifteen (15) days", ".")
    assert [p.text for p in parts] == ["TITLE", TEXT[slice(*PAY_CLAUSE)], TEXT[slice(*LAW_CLAUSE)], "Signed."]


def test_segments_do_not_mark_a_whole_clause_or_show_overlapping_text_twice() -> None:
    whole = segments(TEXT, CLAUSES, [NOTE])
    assert whole[1].severity == "info" and whole[1].parts is None
    overlapping = [*CLAUSES, {"id": "c9", "start": PAY_CLAUSE[0] + 5, "end": LAW_CLAUSE[0] + 5,
                              "clause_type": None}]
    assert [p.clause_id for p in segments(TEXT, overlapping, [])] == ["c1", "c2", "c3", None]


def test_plain_reasons_say_the_rule_the_conditions_and_the_deciding_deviations() -> None:
    route = {"route": "legal", "reasons": ["legal_review", "high_deviation", "value_at_legal_threshold",
                                           "deviation:warranties.missing"],
             "warnings": ["value_not_given: the contract value was not given; the route rests on the deviations"]}
    full = plain_reasons(route, [PAYMENT, MISSING])
    assert full == ["Goes to your legal partner for review.",
                    "It has a high-severity deviation from the playbook.",
                    "Its value is at least $100,000.",
                    "Deciding deviation: Warranties: no warranties clause found.",
                    "Check: the contract value was not given; the route rests on the deviations"]
    assert plain_reasons(route, [PAYMENT, MISSING], short=True) == [
        "It has a high-severity deviation from the playbook.", "Its value is at least $100,000.",
        "Deciding: Warranties."]
    self_serve = {"route": "self_serve", "reasons": ["self_serve", "within_self_serve_limits",
                                                     "deviation:payment_terms.non_standard"]}
    assert plain_reasons(self_serve, [NOTE], short=True) == [
        "Nothing in it needs legal: only low or informational deviations, or a small contract."]
    assert plain_reasons(None, []) == []
    assert plain_reasons({"reasons": ["some_new_rule"]}, []) == ["Some new rule."]


def test_deviations_are_listed_worst_first_then_in_reading_order() -> None:
    later = {**PAYMENT, "id": 4, "clause_id": "c3"}
    assert [d["id"] for d in ordered_deviations([NOTE, later, PAYMENT, MISSING], CLAUSES)] == [3, 1, 4, 2]


def test_segments_mark_evidence_that_lies_outside_the_deviations_own_clause() -> None:
    """A value read in a definition (the law clause here stands in for one) colours and marks that clause too."""
    law = _span("New York")
    defined = {**PAYMENT, "id": 4, "clause_id": "c2", "rule": "governing_law.jurisdiction_not_allowed",
               "evidence": {"text": "New York", "start": law[0], "end": law[1]}}
    parts = {p.clause_id: p for p in segments(TEXT, CLAUSES, [defined])}
    assert parts["c3"].severity == "medium" and parts["c3"].deviation_ids == [4]
    assert parts["c3"].parts == ("2. Law. ", "New York", " law governs.")
    assert parts["c2"].severity == "medium" and parts["c2"].parts is None  # its own clause: coloured, not marked
