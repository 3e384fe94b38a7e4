"""The review engine end to end, on the team's sample draft, with the real model, index and library."""

from pathlib import Path

import pytest

from review_service.ingest import extract
from review_service.ingest.document import Document, Page
from review_service.review.engine import Reviewer
from review_service.review.redline import redline

ROOT = Path(__file__).resolve().parents[2]
NIMBUS = ROOT / "corpora" / "drafts" / "nimbusdesk_saas_subscription.txt"


@pytest.fixture(scope="module")
def reviewer(tmp_path_factory) -> Reviewer:
    r = Reviewer(data_dir=tmp_path_factory.mktemp("data"))
    r.warm_up()
    return r


@pytest.fixture(scope="module")
def nimbus(reviewer):
    return reviewer.review(extract(NIMBUS), contract_type="saas", value=48_000)


def _rules(review) -> set[str]:
    return {d.rule for d in review.deviations}


def _document(text: str) -> Document:
    """A one-page plain-text draft, as extraction would give it."""
    return Document("draft.txt", "txt", text, (Page(1, 0, len(text)),))


@pytest.mark.parametrize(
    "rule",
    [
        "payment_terms.payment_days_too_short",  # Net 15
        "payment_terms.late_fee_too_high",  # 1.5% a month
        "limitation_of_liability.cap_below_12_months",  # 3 months' fees
        "limitation_of_liability.cap_protects_vendor_only",  # "NimbusDesk's aggregate liability" (flagged once)
        "governing_law.jurisdiction_not_allowed",  # Texas
        "term_and_renewal.renewal_term_too_long",  # 24-month renewals
        "term_and_renewal.non_renewal_notice_too_long",  # 90 days' notice
        "data_protection.vendor_uses_customer_data",  # training models on customer data
        "warranties.as_is",
        "unilateral_changes.vendor_changes_terms",  # terms by URL
        "price_changes.uncapped_increase",
        "indemnification.missing",  # no IP indemnity at all
        "confidentiality.missing",
    ],
)
def test_engine_flags_planted_deviations(nimbus, rule: str) -> None:
    assert rule in _rules(nimbus)


def test_engine_deviation_carries_evidence_offsets_fallback_and_redline(nimbus) -> None:
    text = nimbus.document.text
    d = next(d for d in nimbus.deviations if d.rule == "payment_terms.payment_days_too_short")
    assert d.severity == "medium" and d.kind == "parameter"
    assert text[d.evidence.start:d.evidence.end] == d.evidence.text == "fifteen (15) days"
    assert "30" in (d.fallback_text or "") and d.library_text
    assert {r["op"] for r in d.redline} >= {"equal", "delete", "insert"}
    for d in nimbus.deviations:
        if d.evidence is not None:
            assert text[d.evidence.start:d.evidence.end] == d.evidence.text


def test_engine_answers_each_deviation_with_offered_language_and_the_fallback_for_its_rule(reviewer,
                                                                                          nimbus) -> None:
    """The approved text beside a deviation never comes from a recognition-only variant (a DPA's routine
    sections), and the fallback offered is the one that answers the rule: none softens training on customer
    data, so none is offered, while breach notice gets the 72-hour fallback."""
    recognition = {v.text for ct in reviewer.library.clause_types.values()
                   for v in [*ct.standard, *(t for f in ct.fallbacks for t in f.texts)] if not v.offered}
    assert recognition, "the shipped library has recognition-only variants"
    assert all(d.library_text not in recognition for d in nimbus.deviations)
    use = next(d for d in nimbus.deviations if d.rule == "data_protection.vendor_uses_customer_data")
    assert use.fallback_text is None and use.library_text
    notice = next(d for d in nimbus.deviations if d.rule == "data_protection.breach_notice_time_missing")
    assert "72" in (notice.fallback_text or "")


def test_engine_route_and_reasons(nimbus) -> None:
    # The cap protects only the vendor: critical, so the general counsel sees it whatever the value.
    assert nimbus.worst_severity == "critical"
    assert nimbus.route.route == "senior_legal"
    assert nimbus.route.approver == "general_counsel"
    assert "critical_deviation" in nimbus.route.reasons
    assert any(r.startswith("deviation:") for r in nimbus.route.reasons)


def test_engine_novel_term_is_unrecognized_not_passed(nimbus) -> None:
    clause = next(c for c in nimbus.clauses if c.heading == "Restrictions")
    flagged = [d for d in nimbus.deviations if d.clause_id == clause.id]
    assert [d.kind for d in flagged] == ["unrecognized"]
    assert flagged[0].severity == "low"


def test_engine_preamble_terms(nimbus) -> None:
    parties = nimbus.terms[0]["parties"]
    assert [p["alias"] for p in parties] == ["NimbusDesk", "Customer"]


def test_engine_value_cross_check_and_senior_route(reviewer) -> None:
    doc = extract(NIMBUS)
    big = reviewer.review(doc, contract_type="saas", value=2_000_000)
    assert big.route.route == "senior_legal" and "finance" in big.route.co_signers
    unknown = reviewer.review(doc, contract_type="saas", value=None)
    assert any(w.startswith("value_not_given") for w in unknown.route.warnings)


def _flags(reviewer, heading: str, body: str, clause_type: str) -> set[str]:
    text = f"MASTER SUBSCRIPTION AGREEMENT\n\n{heading}\n\n{body}\n"
    doc = _document(text)
    return {d.rule for d in reviewer.review(doc, contract_type="saas", value=10_000).deviations
            if d.clause_type == clause_type}


def test_engine_a_court_clause_is_not_an_arbitration_seat(reviewer) -> None:
    """Washington courts: the jurisdiction deviation, and not the arbitration-seat red flag its wording sits near
    (the flag needs the word); a Zurich arbitration still takes that flag."""
    def flags(body: str) -> set[str]:
        return _flags(reviewer, "11. GOVERNING LAW", body, "governing_law")

    courts = flags("These Terms are governed by the laws of the State of Washington, and any lawsuit about them "
                   "must be brought in the state or federal courts located in King County, Washington.")
    assert courts == {"governing_law.jurisdiction_not_allowed"}
    seat = flags("These Terms are governed by the laws of the State of New York. Any dispute shall be finally "
                 "resolved by binding arbitration seated in Zurich, Switzerland.")
    assert "governing_law.arbitration_seat_not_allowed" in seat


def test_engine_terms_fixed_by_reference_are_not_a_unilateral_change(reviewer) -> None:
    """An order form pulling in a signed agreement sits close in wording to the vendor's online terms; only
    terms the vendor may update take the red flag (it needs a word of change)."""
    def flags(body: str) -> set[str]:
        return _flags(reviewer, "7. Terms", body, "unilateral_changes")

    assert not flags("This Order Form incorporates by reference the Master Subscription Agreement signed by both "
                     "parties on 3 March 2025, which prevails over any conflicting terms of this Order Form.")
    assert "unilateral_changes.vendor_changes_terms" in flags(
        "This Order Form is subject to the Vendor's online Terms of Service, as posted and updated by the Vendor "
        "from time to time, which prevail over this Order Form.")


def test_engine_positions_of_the_whole_draft(reviewer) -> None:
    """A termination-for-breach clause and a cap are approved wording on their own; a missing convenience right or
    data-breach carve-out is a fact of the whole draft, flagged only when no clause anywhere states it."""
    def rules(*sections: str) -> set[str]:
        text = "MASTER SUBSCRIPTION AGREEMENT\n\n" + "\n\n".join(sections) + "\n"
        doc = _document(text)
        return {d.rule for d in reviewer.review(doc, contract_type="saas", value=10_000).deviations}

    cause = ("9. Termination for Cause\n\nEither party may terminate this Agreement if the other party materially "
             "breaches it and fails to cure the breach within thirty (30) days after written notice.")
    assert "termination.no_customer_convenience_termination" in rules(cause)
    elsewhere = ("3. Term\n\nThis Agreement runs for one year. The Customer may terminate this Agreement at any time "
                 "by giving not less than 30 days' written notice to the Vendor.")
    assert "termination.no_customer_convenience_termination" not in rules(elsewhere, cause)

    cap = ("12. Limitation of Liability\n\nEach party's total liability under this Agreement shall not exceed the "
           "fees paid in the twenty-four (24) months before the claim.")
    assert "limitation_of_liability.no_data_breach_carve_out" in rules(cause, cap)
    carved = ("13. Exclusions\n\nNothing in this Agreement limits either party's liability for fraud, or for a "
              "breach of its data protection obligations.")
    assert "limitation_of_liability.no_data_breach_carve_out" not in rules(cause, cap, carved)

    # An early-exit sum under another type's heading ("Effect of Termination" names survival outright).
    effect = ("10. Effect of Termination\n\nOn termination Customer shall pay all fees owed through the end of the "
              "Subscription Term.")
    assert "minimum_commitment.liquidated_damages_on_customer" in rules(cause, effect)
    assert "minimum_commitment.liquidated_damages_on_customer" not in rules(cause)

    # Relief for as long as a force majeure event lasts, and no way out of it anywhere.
    relief = ("14. Force Majeure\n\nNeither party is responsible for a delay or failure to perform caused by events "
              "beyond its reasonable control, such as natural disasters, war or epidemics, for as long as the event "
              "continues.")
    assert "force_majeure.no_termination_right" in rules(cause, relief)
    way_out = ("9. Termination\n\nEither party may terminate this Agreement if the other materially breaches it. "
               "The Customer may terminate this Agreement on notice if a force majeure event prevents the Vendor's "
               "performance for more than thirty (30) days.")
    assert "force_majeure.no_termination_right" not in rules(way_out, relief)
    assert "force_majeure.no_termination_right" not in rules(cause)

    # Training models on the customer's data, under a heading of no data type.
    models = ("6. Product Improvement\n\nCustomer agrees that Vendor may use Customer Data, including call "
              "recordings, to train the machine learning models that run Vendor's products for all of its customers.")
    assert "data_protection.vendor_uses_customer_data" in rules(cause, models)
    assert "data_protection.vendor_uses_customer_data" not in rules(cause)

    # How long confidentiality lasts, stated in the Term clause of an NDA.
    secrets = ("2. Confidentiality\n\nEach party shall hold the other's Confidential Information in confidence and "
               "use it only for the Purpose.")
    term = ("4. Term\n\nThis Agreement shall continue in force for a period of three (3) years. The obligations of "
            "each party hereunder shall survive for a period of one (1) year following its expiration.")
    assert "confidentiality.survival_too_short" in rules(secrets, term)
    longer = term.replace("one (1) year", "five (5) years")
    assert "confidentiality.survival_too_short" not in rules(secrets, longer)


def test_engine_the_customers_convenience_right_is_not_the_vendors(reviewer) -> None:
    """"You may terminate for convenience" sits close in wording to the vendor's convenience red flag; the flag
    names the vendor as the holder of that right, so only the vendor's own right takes it."""
    def flags(body: str) -> set[str]:
        return _flags(reviewer, "5. TERMINATION", body, "termination")

    rule = "termination.vendor_convenience_termination_short_notice"
    assert rule not in flags("5.1 For Convenience. You may terminate this Agreement for convenience by giving us at "
                             "least sixty (60) days' prior written notice. We'll refund any prepaid fees covering "
                             "the remainder of the Subscription Term.")
    assert rule in flags("5.1 For Convenience. We may terminate this Agreement for convenience by giving you at least "
                         "thirty (30) days' prior written notice. We'll refund any prepaid fees covering the "
                         "remainder of the Subscription Term.")


def test_engine_nda_requires_only_confidentiality_and_law(reviewer) -> None:
    review = reviewer.review(extract(NIMBUS), contract_type="nda", value=0)
    missing = {d.clause_type for d in review.deviations if d.kind == "missing"}
    assert missing == {"confidentiality"}


def test_redline_round_trips() -> None:
    runs = redline("Invoices are due within 15 days.", "Invoices are due within 45 days of receipt.")
    vendor = " ".join(r["text"] for r in runs if r["op"] != "insert")
    approved = " ".join(r["text"] for r in runs if r["op"] != "delete")
    assert vendor == "Invoices are due within 15 days."
    assert approved == "Invoices are due within 45 days of receipt."


def test_engine_a_new_version_embeds_only_its_changed_clauses(reviewer, nimbus, tmp_path) -> None:
    from review_service.ingest.segment import segment

    embedder = reviewer.embedder
    before = embedder.encoded_texts
    reviewer.review(extract(NIMBUS), contract_type="saas", value=48_000)
    assert embedder.encoded_texts == before  # the same draft again: every clause text seen before

    text = NIMBUS.read_text()
    assert "fifteen (15) days" in text
    version_2 = tmp_path / "nimbusdesk_v2.txt"
    version_2.write_text(text.replace("fifteen (15) days", "twenty (20) days", 1))
    old = {c.text for c in segment(extract(NIMBUS))}
    new_clauses = segment(extract(version_2))
    changed = {c.text for c in new_clauses if c.text not in old and reviewer.classifier.is_substantive(c)
               and c.kind != "definition" and reviewer.heading_decides(c) is None}
    assert changed  # the edit landed in a clause the model reads
    review = reviewer.review(extract(version_2), contract_type="saas", value=48_000)
    assert embedder.encoded_texts - before == len(changed)
    assert "payment_terms.payment_days_too_short" in _rules(review)  # 20 days: still under the floor


def test_engine_reassessment_matches_the_review(reviewer, nimbus) -> None:
    # What a re-scan does: the stored vectors assessed again give the review the model gave.
    before = reviewer.embedder.encoded_texts
    vectors = reviewer.embed(nimbus.clauses)
    again = reviewer.assess(nimbus.document, nimbus.clauses, vectors, contract_type="saas", value=48_000)
    assert again.to_dict() == nimbus.to_dict()
    assert reviewer.embedder.encoded_texts == before  # no clause went through the model again


def test_engine_reports_the_unrecognized_items_of_a_section_once(reviewer) -> None:
    """A draft written one short sentence per item: the items of a heading-only section that match no clause type
    are one finding for the section, naming them, not a flag each."""
    text = ("CONSULTING AGREEMENT\n\n3. SHOWROOM\n\n"
            "3.1 The Distributor keeps a showroom of at least 2,000 square feet in each city of the Territory.\n"
            "3.2 The showroom displays the full current range of Products.\n"
            "3.3 The showroom is staffed during normal business hours.\n")
    doc = _document(text)
    review = reviewer.review(doc, contract_type="saas", value=10_000)
    unrecognized = [d for d in review.deviations if d.kind == "unrecognized"]
    assert len(unrecognized) == 1
    finding = unrecognized[0]
    assert "3.1" in finding.message and "3.3" in finding.message and "3. SHOWROOM" in finding.message
    assert finding.evidence is not None
    assert text[finding.evidence.start:finding.evidence.end] == finding.evidence.text
    assert finding.evidence.text.startswith("3.1") and finding.evidence.text.rstrip().endswith("business hours.")


def _one_clause_review(reviewer, body: str):
    text = f"SERVICES AGREEMENT\n\n{body}\n"
    doc = _document(text)
    return reviewer.review(doc, contract_type="saas", value=10_000)


@pytest.mark.parametrize("ending, severity, said", [
    ("displays the full current range of Products there and staffs it during business hours.", "info", "awareness"),
    ("may close it at any time in its sole discretion.", "low", '"sole discretion"'),
])
def test_engine_an_unplaced_clause_is_flagged_only_when_one_sided(reviewer, ending: str, severity: str,
                                                                  said: str) -> None:
    """POLICY.md flags a *substantive* clause no type fits: showroom mechanics are shown for awareness only; the
    same clause giving the distributor a right to close at its sole discretion is flagged low."""
    review = _one_clause_review(reviewer, (
        "7. Showroom. The Distributor keeps a showroom of at least 2,000 square feet in each city of the "
        f"Territory, and {ending}"))
    found = [d for d in review.deviations if d.kind == "unrecognized"]
    assert [d.severity for d in found] == [severity]
    assert said in found[0].message


def test_engine_a_signature_block_is_not_a_clause_to_flag(reviewer) -> None:
    review = _one_clause_review(reviewer, (
        "12. Notices. Notices must be in writing and sent to the addresses above.\n\n"
        "GREYFIELD COLD STORAGE, INC.\nBy: ______________________\nName:\nTitle:\nDate:"))
    signature = next(c for c in review.clauses if "GREYFIELD" in c.text)
    assert not any(d.clause_id == signature.id for d in review.deviations)


def test_engine_a_term_that_does_not_renew_has_no_renewal_to_judge(reviewer) -> None:
    body = ("2.1 This agreement starts on the Effective Date and lasts for two years.\n"
            "2.2 It does not renew automatically.")
    assert not {r for r in _flags(reviewer, "2. TERM", body, "term_and_renewal") if "renewal" in r}


def test_engine_a_position_held_in_a_sibling_clause_is_not_missing_from_the_next(reviewer) -> None:
    """12.3 read alone is close to "no convenience right"; 12.2 gives the Buyer that right, so nothing is flagged."""
    body = ("12.1 Either party may terminate this agreement by written notice if the other commits a material breach "
            "and fails to remedy it within thirty (30) days of being notified of it.\n"
            "12.2 The Buyer may terminate this agreement for convenience by giving the Supplier not less than sixty "
            "(60) days' written notice.\n"
            "12.3 Termination does not affect any rights or liabilities that have accrued before termination. "
            "Clauses 6, 7 and 9 survive termination.")
    assert "termination.no_customer_convenience_termination" not in _flags(reviewer, "12. TERMINATION", body,
                                                                            "termination")


def test_engine_an_item_that_completes_a_sibling_is_read_as_its_type(reviewer) -> None:
    """16.2 is too short to place, but it names 16.1 (non-solicitation): its placement fee is that clause's."""
    body = ("16.1 While this agreement lasts and for 12 months after it ends, neither of us will try to hire or "
            "engage any employee of the other who worked on your account, without the other's written consent. "
            "General job advertisements, and hiring someone who answers one, are fine.\n"
            "16.2 If either of us hires or engages such a person in breach of 16.1, that party will pay the other a "
            "placement fee equal to 25% of that person's first-year salary.")
    flags = _flags(reviewer, "16. Our people", body, "non_solicitation")
    assert any("hiring_fee" in rule for rule in flags), flags


@pytest.mark.parametrize("body, rule", [
    ("9. Credit and showcasing our work. We are proud of what we make. We may show the Work, together with your "
     "name and logo, on our website and in award entries, without needing any further permission from you.",
     "publicity.vendor_uses_name_freely"),
    ("5. Releases and cancellation. Buyer orders Products by Release. If Buyer cancels a Release later than fifteen "
     "days before its ship date, Buyer will pay forty percent (40%) of the price of the cancelled quantity as "
     "liquidated damages.", "minimum_commitment.liquidated_damages_on_customer"),
    ("2.1 Our team. We will assign suitably skilled people to the Services and will name an engagement lead in "
     "each SOW.", None),
])
def test_engine_a_clause_its_words_place_is_assessed_as_that_type(reviewer, body: str, rule: str | None) -> None:
    """A clause the library cannot place but whose words state a playbook position unmistakably is judged as a
    clause of that type; naming a project lead is no use of the customer's name."""
    rules = {d.rule for d in _one_clause_review(reviewer, body).deviations}
    if rule:
        assert rule in rules
    else:
        assert not any(r.startswith("publicity.") for r in rules)


def test_engine_a_required_type_is_looked_for_among_unplaced_clauses(reviewer) -> None:
    """Sternwald's IP indemnity sits under "Intellectual Property Rights of Third Parties" in German-style numbering;
    the model places it nowhere, but a required indemnity is likelier there than missing (a false high flag)."""
    review = reviewer.review(extract(ROOT / "corpora/unseen_6/drafts/sternwald_onprem_licence.txt"),
                             contract_type="software", value=240_000)
    assert "indemnification.missing" not in {d.rule for d in review.deviations}
    indemnity = next(c for c in review.clauses if c.text.startswith("(1) The Licensor shall indemnify"))
    assert review.matches[review.clauses.index(indemnity)].clause_type == "indemnification"


def test_engine_an_untimed_breach_notice_is_found_outside_the_data_clause(reviewer) -> None:
    """The promise to report a breach sits in a confidentiality clause and says only "promptly": no time anywhere."""
    text = ("SERVICES AGREEMENT\n\n7. CONFIDENTIALITY\n\n7.1 Each of us will keep the other's Confidential "
            "Information secret and use it only for this agreement.\n\n7.2 If something goes wrong. If we become "
            "aware of any unauthorized access to personal information we handle for you, we'll let you know "
            "promptly once we have confirmed what happened.\n")
    doc = _document(text)
    rules = {d.rule for d in reviewer.review(doc, contract_type="services", value=50_000,
                                             personal_data=True).deviations}
    assert "data_protection.breach_notice_time_missing" in rules
    timed_text = text.replace("promptly", "within 48 hours")
    timed = _document(timed_text)
    rules = {d.rule for d in reviewer.review(timed, contract_type="services", value=50_000,
                                             personal_data=True).deviations}
    assert "data_protection.breach_notice_time_missing" not in rules


def test_engine_reads_the_vendor_by_its_defined_short_name(reviewer) -> None:
    """"Pelagic retains ... the Deliverables" is the vendor owning them when the preamble defines Pelagic and calls
    the other party "Client"; the evidence quotes the clause as written."""
    text = ('CONSULTING AGREEMENT\n\nThis Consulting Agreement is entered into by and between Pelagic Advisory LLC, '
            'a Delaware limited liability company ("Pelagic"), and Harbour Foods, Inc. ("Client").\n\n'
            "8. INTELLECTUAL PROPERTY\n\n8.1 Pelagic retains all right, title and interest in the Deliverables it "
            "creates for Client under each statement of work, and grants Client a licence to use them.\n")
    doc = _document(text)
    review = reviewer.review(doc, contract_type="consulting", value=50_000)
    flag = next(d for d in review.deviations if d.rule == "intellectual_property.vendor_owns_deliverables")
    assert flag.evidence is not None
    assert text[flag.evidence.start:flag.evidence.end] == flag.evidence.text == "retains"


def test_engine_reads_a_value_in_the_definition_of_a_term_the_clause_uses(reviewer) -> None:
    """B.2 commits only to "the Availability Target"; the definitions make it 99.25%, below the playbook's 99.5%.
    The evidence is the definition, quoted where it sits."""
    text = ("SUBSCRIPTION AGREEMENT\n\n1. DEFINITIONS\n\n"
            '1.1 "Downtime" means any minute the Service is unavailable.\n\n'
            '1.2 "Availability Target" means ninety-nine and one-quarter percent (99.25%).\n\n'
            "2. Service. We provide the Service.\n\nEXHIBIT B - SERVICE LEVELS\n\n"
            "B.2 Commitment. In each month the availability of the Service will be equal to or greater than the "
            "Availability Target.\n\nB.3 Service Credits. If availability falls below the Availability Target, "
            "Vendor will credit Customer 10% of the monthly fees.\n")
    review = reviewer.review(_document(text), contract_type="saas", value=10_000)
    flag = next(d for d in review.deviations if d.rule == "service_levels.availability_too_low")
    assert flag.evidence is not None
    assert text[flag.evidence.start:flag.evidence.end] == flag.evidence.text == \
        "ninety-nine and one-quarter percent (99.25%)"
    assert '"Availability Target"' in flag.message
    assert not any(d.rule == "service_levels.no_service_credits" for d in review.deviations)


def test_engine_money_terms_split_over_two_places(reviewer) -> None:
    """A renewal repricing right limited in the next clause is capped (8% still breaks the 5% cap); the whole
    36-month term invoiced at once is 36 months paid in advance, the term's length stated elsewhere."""
    text = ("SUBSCRIPTION AGREEMENT\n\n3. TERM\n\n3.1 The Initial Subscription Term is thirty-six (36) months from "
            "the Start Date.\n\n5. FEES\n\n5.1 Invoicing. The Subscription Fees for the entire Initial Subscription "
            "Term are invoiced in a single installment on the Start Date. Customer pays each invoice within thirty "
            "(30) days.\n\n5.7 Renewal Pricing. At the start of each Renewal Term, Vendor may adjust the Fees by "
            "giving Customer ninety (90) days' notice.\n\n5.8 Adjustment Limit. An adjustment under Section 5.7 will "
            "not exceed eight percent (8%) of the Fees for the preceding twelve (12) months.\n")
    rules = {d.rule for d in reviewer.review(_document(text), contract_type="saas", value=100_000).deviations}
    assert "price_changes.increase_above_cap" in rules
    assert "price_changes.uncapped_increase" not in rules
    assert "payment_terms.advance_payment_too_long" in rules


def test_engine_a_limit_is_broken_only_by_a_number(reviewer) -> None:
    """"We warrant a workmanlike manner" reads like the short-warranty red flag, but states no period to judge."""
    body = ("14.1 We warrant that we will perform the services in a professional and workmanlike manner.\n"
            "14.2 We warrant that each deliverable will meet its acceptance criteria for ninety days after you "
            "accept it.")
    assert "warranties.warranty_period_too_short" not in _flags(reviewer, "14. Warranties", body, "warranties")
    short = body.replace("ninety days", "thirty days")
    assert "warranties.warranty_period_too_short" in _flags(reviewer, "14. Warranties", short, "warranties")


def test_engine_a_carve_out_by_section_number_of_a_data_section(reviewer) -> None:
    """"The limits do not apply to a breach of Section 7", Section 7 being about personal data, carves data breaches
    out of the cap; a later clause keeping data breaches under the cap still overrides it."""
    text = ("SERVICES AGREEMENT\n\n7. Confidentiality and personal data\n\n7.1 Each of us will keep the other's "
            "confidential information secret.\n\n7.2 We will process personal information only on your "
            "instructions.\n\n9. Limits on liability\n\n9.1 Each party's total liability is limited to the fees "
            "paid in the twelve (12) months before the claim.\n\n9.2 The limits in Section 9.1 do not apply to a "
            "breach of Section 7 or to gross negligence.\n")
    rule = "limitation_of_liability.no_data_breach_carve_out"
    rules = {d.rule for d in reviewer.review(_document(text), contract_type="services", value=50_000,
                                             personal_data=True).deviations}
    assert rule not in rules
    kept = text + ("\n9.3 Notwithstanding Section 9.2, liability for any security incident remains subject to the "
                   "limit in Section 9.1.\n")
    rules = {d.rule for d in reviewer.review(_document(kept), contract_type="services", value=50_000,
                                             personal_data=True).deviations}
    assert rule in rules


def test_engine_reads_a_schedule_of_details_by_item(reviewer) -> None:
    """Australian paper states its cap in "Item 8. Liability Cap" of the details; clause 18.3 limits liability "to
    the Liability Cap": three months' fees, below the playbook's twelve. A customer's own audit of the vendor, at
    its cost and on twenty days' notice, is not the playbook's audit row."""
    text = ("MANAGED SERVICES AGREEMENT\n\nDETAILS\n\nItem 8. Liability Cap\nFor each party, the total Fees paid or "
            "payable in respect of the three (3) months immediately preceding the event giving rise to the "
            "liability.\n\nAGREED TERMS\n\n18. LIABILITY\n\n18.3 Each party's total aggregate liability to the other "
            "is limited to the Liability Cap.\n\n19. AUDIT\n\n19.1 Once in each Contract Year, on at least 20 Business "
            "Days' notice, the Customer or an independent auditor appointed by it may audit the Supplier's compliance "
            "with this agreement at the Customer's cost.\n")
    review = reviewer.review(_document(text), contract_type="services", value=100_000)
    rules = {d.rule for d in review.deviations}
    assert "limitation_of_liability.cap_below_12_months" in rules
    assert not {r for r in rules if r.startswith("audit_rights.")}


def test_engine_a_cap_for_the_vendor_alone_is_one_finding(reviewer) -> None:
    """"Supplier's total liability shall not exceed ..." is flagged once, as a cap that protects only the vendor;
    the customer's liability is flagged as uncapped where the draft says so in words, and the customer's duty to
    pay the fees kept outside the cap is the usual carve-out, not an uncapped liability."""
    body = ("13.3 The Supplier's total aggregate liability shall not exceed the Charges paid in the twelve (12) "
            "months before the claim.\n13.5 Nothing in this clause 13 shall limit the Customer's obligation to pay "
            "the Charges.")
    flags = _flags(reviewer, "13. LIABILITY", body, "limitation_of_liability")
    assert "limitation_of_liability.cap_protects_vendor_only" in flags
    assert "limitation_of_liability.customer_liability_uncapped" not in flags
    said = body + "\n13.6 Nothing in this clause 13 limits the Customer's liability to the Supplier for any claim."
    assert "limitation_of_liability.customer_liability_uncapped" in _flags(reviewer, "13. LIABILITY", said,
                                                                         "limitation_of_liability")


def test_engine_items_the_vendor_forbids_itself_are_no_red_flags(reviewer) -> None:
    """"Quillmate will not: (a) sell or share Customer Personal Data; (b) use it to train models" is the vendor's
    promise, not its right: neither item takes a red flag or reads as a one-sided term."""
    text = ("DATA PROCESSING ADDENDUM\n\n5. Restrictions on Use\n\n5.1 Vendor will not:\n(a) sell or share Customer "
            "Personal Data with any third party;\n(b) use Customer Personal Data to train machine-learning models "
            "or for any purpose other than providing the Service.\n")
    review = reviewer.review(_document(text), contract_type="dpa", value=0, personal_data=True)
    flags = {d.rule for d in review.deviations if d.severity != "info" and d.kind != "missing"}
    assert not flags, flags


def test_engine_a_cap_on_increases_is_broken_only_by_a_percentage(reviewer) -> None:
    """A repricing right with a notice period but no percentage states no increase to weigh against the 5% cap:
    it is an uncapped increase, not one above the cap."""
    body = ("B.5 Annual Rate Adjustment. On each anniversary, and at any other time upon thirty (30) days' written "
            "notice, Contractor may adjust the Contract Rates to reflect increases in its costs.")
    flags = _flags(reviewer, "SCHEDULE B - PRICING", body, "price_changes")
    assert "price_changes.uncapped_increase" in flags
    assert "price_changes.increase_above_cap" not in flags
