"""The shipped library encodes POLICY.md exactly.

The tables below are transcribed by hand from /work/shared/docs/POLICY.md (the business rules); the test
reads the numbers encoded in clause_library/ and compares. A change to either side must be made to both.
"""

from __future__ import annotations

import pytest

from review_service.library import load_library
from review_service.library.schema import Limit, severity_rank

BUYING = {"saas", "services", "software", "goods", "consulting"}
ALLOWED_LAW = ["Delaware", "New York", "California", "England and Wales"]

# row: (clause type, required in, fallback offered, {(parameter, bound kind): (value, severity)},
#       {parameter: preferred}, severities of the row's listed deviations)
# `required in` is a set of contract types; "personal_data" marks "where the vendor processes personal data".
POLICY: dict[int, tuple[str, set[str], bool, dict, dict, set[str]]] = {
    1: ("payment_terms", BUYING, True,
        {("payment_days", "min"): (30, "medium"),
         ("advance_payment_months", "max"): (12, "medium"),
         ("late_fee_percent_per_month", "max"): (1.0, "medium")},
        {"payment_days": 45}, {"medium"}),
    2: ("price_changes", set(), True,
        {("renewal_increase_percent", "max"): (5, "high"),
         ("increase_capped", "expected"): (True, "high")},
        {"renewal_increase_percent": 3}, {"high"}),
    3: ("limitation_of_liability", BUYING, True,
        {("cap_months_of_fees", "min"): (12, "high"),
         ("cap_fixed_amount", "min"): ("contract_value", "high"),
         ("cap_mutual", "expected"): (True, "critical"),
         ("customer_liability_capped", "expected"): (True, "critical"),
         ("data_breach_carve_out", "expected"): (True, "medium")},
        {"cap_months_of_fees": 24}, {"high", "critical", "medium"}),
    4: ("consequential_damages", set(), True,
        {("exclusion_mutual", "expected"): (True, "high")},
        {"exclusion_mutual": True}, {"high"}),
    5: ("indemnification", BUYING, True,
        {("vendor_ip_indemnity", "expected"): (True, "high"),
         ("broad_customer_indemnity", "expected"): (False, "high")},
        {"vendor_ip_indemnity": True}, {"high"}),
    6: ("term_and_renewal", BUYING, True,
        {("renewal_term_months", "max"): (12, "medium"),
         ("non_renewal_notice_days", "max"): (60, "medium")},
        {"auto_renewal": False}, {"medium"}),
    7: ("termination", BUYING, True,
        {("customer_convenience_termination", "expected"): (True, "medium"),
         # POLICY approves up to 90 days and names no severity beyond; treated like no convenience right.
         ("convenience_notice_days", "max"): (90, "medium"),
         ("vendor_convenience_notice_days", "min"): (90, "high"),
         ("cure_period_days", "min"): (30, "low")},
        {"convenience_notice_days": 30, "cure_period_days": 30}, {"medium", "high", "low"}),
    8: ("governing_law", BUYING | {"nda"}, True,
        {("governing_law", "allowed"): (ALLOWED_LAW, "medium"),
         ("venue", "allowed"): (ALLOWED_LAW, "medium"),
         ("arbitration_seat", "allowed"): (ALLOWED_LAW, "medium")},
        {"governing_law": ALLOWED_LAW}, {"medium"}),
    9: ("confidentiality", BUYING | {"nda"}, True,
        {("confidentiality_mutual", "expected"): (True, "high"),
         ("survival_years", "min"): (2, "low")},
        {"survival_years": 3}, {"high", "low"}),
    10: ("data_protection", {"dpa", "personal_data"}, True,
         {("breach_notice_hours", "max"): (72, "medium"),
          ("breach_notice_time_stated", "expected"): (True, "medium"),
          ("vendor_own_use_of_data", "expected"): (False, "high")},
         {"breach_notice_hours": 48, "dpa_applies": True}, {"medium", "high"}),
    11: ("information_security", {"saas", "services", "software", "consulting", "dpa"}, True,
         {("security_commitment", "expected"): (True, "medium")},
         {"security_attestation": ["SOC 2 Type II", "ISO 27001"], "report_every_months": 12}, {"medium"}),
    12: ("warranties", BUYING, True,
         {("warranty_days", "min"): (90, "medium"),
          ("all_warranties_disclaimed", "expected"): (False, "high")},
         {"warranty_days": 365}, {"high", "medium"}),
    13: ("insurance", set(), True,
         {("cgl_per_occurrence", "min"): (1_000_000, "medium"),
          ("cyber_eo_cover", "min"): (2_000_000, "medium")},
         {"cgl_per_occurrence": 2_000_000, "cyber_eo_cover": 5_000_000}, {"medium"}),
    14: ("assignment", BUYING, False,
         {("vendor_free_assignment", "expected"): (False, "medium"),
          ("customer_consent_in_merger", "expected"): (False, "low")},
         {}, {"medium", "low"}),
    15: ("audit_rights", set(), False,
         {("audits_per_year", "max"): (1, "medium"),
          ("audit_notice_days", "min"): (30, "medium"),
          ("audit_cost_on_customer", "expected"): (False, "medium")},
         {"audits_per_year": 1, "audit_notice_days": 30}, {"medium"}),
    16: ("intellectual_property", {"services", "consulting"}, False,
         {("customer_owns_deliverables", "expected"): (True, "high"),
          ("vendor_owns_customer_data", "expected"): (False, "critical"),
          ("vendor_perpetual_data_licence", "expected"): (False, "critical")},
         {"customer_owns_deliverables": True}, {"high", "critical"}),
    17: ("non_solicitation", set(), False,
         {("non_solicit_months", "max"): (12, "low"),
          ("non_solicit_mutual", "expected"): (True, "low"),
          ("hiring_fee", "expected"): (False, "low")},
         {"general_adverts_excepted": True}, {"low"}),
    18: ("exclusivity", set(), False,
         {("customer_exclusivity", "expected"): (False, "high")}, {}, {"high"}),
    19: ("publicity", set(), False,
         {("vendor_may_use_customer_name", "expected"): (False, "low")}, {}, {"low"}),
    20: ("service_levels", {"saas"}, True,
         {("availability_percent", "min"): (99.5, "medium"),
          ("service_credits", "expected"): (True, "medium")},
         {"availability_percent": 99.9}, {"medium"}),
    21: ("unilateral_changes", set(), False,
         {("vendor_may_change_terms", "expected"): (False, "high")}, {}, {"high"}),
    22: ("subcontracting", set(), False,
         {("vendor_responsible_for_subcontractors", "expected"): (True, "medium")}, {}, {"medium"}),
    23: ("force_majeure", set(), False,
         {("fm_mutual", "expected"): (True, "low"),
          ("customer_fm_termination_right", "expected"): (True, "low")},
         {"fm_termination_after_days": 30}, {"low"}),
    24: ("minimum_commitment", set(), False,
         {("customer_volume_commitment", "expected"): (False, "medium"),
          ("customer_liquidated_damages", "expected"): (False, "medium")},
         {}, {"medium"}),
}

# The boilerplate POLICY.md names, so that it is recognized and passes; plus the scope and grant of what is
# bought, which passes for the same reason as delivery and support mechanics.
BOILERPLATE = {
    "definitions", "notices", "entire_agreement", "severability", "counterparts", "waiver",
    "relationship_of_parties", "headings_interpretation", "delivery_acceptance", "support_maintenance",
    "scope_and_grant",
}

# Routing (first match wins): (value, worst severity) -> (route, approver, co-signers).
ROUTING = [
    (500, "critical", "senior_legal", "general_counsel", []),
    (1_000_000, None, "senior_legal", "general_counsel", []),
    (1_000_001, "low", "senior_legal", "general_counsel", ["finance"]),
    (5_000_000, "critical", "senior_legal", "general_counsel", ["finance"]),
    (999_999, "high", "legal", "assigned_legal_partner", []),
    (100, "high", "legal", "assigned_legal_partner", []),
    (100_000, None, "legal", "assigned_legal_partner", []),
    (1_000, "medium", "legal", "assigned_legal_partner", []),
    (99_999, "medium", "legal", "assigned_legal_partner", []),
    (999, "medium", "self_serve", "procurement", []),
    (99_999, "low", "self_serve", "procurement", []),
    (50_000, "info", "self_serve", "procurement", []),
    (0, None, "self_serve", "procurement", []),
]


@pytest.fixture(scope="module")
def library():
    return load_library()


def _bound_value(bound):
    if isinstance(bound, Limit):
        return bound.value if bound.value is not None else bound.relative_to
    return getattr(bound, "values", getattr(bound, "value", None))


def test_policy_coverage_every_row_has_its_clause_type(library):
    rows = {c.policy_row: c.id for c in library.clause_types.values() if c.policy_row is not None}
    assert rows == {row: spec[0] for row, spec in POLICY.items()}
    assert [(r.row, r.clause_type, r.has_fallback) for r in library.playbook.policy_rows] == [
        (row, spec[0], spec[2]) for row, spec in sorted(POLICY.items())
    ]


@pytest.mark.parametrize("row", sorted(POLICY))
def test_policy_coverage_thresholds(library, row):
    clause_id, _, has_fallback, bounds, preferred, severities = POLICY[row]
    clause = library.clause_type(clause_id)
    encoded = {
        (p.name, kind): (_bound_value(b), b.severity) for p in clause.parameters for kind, b in p.bounds()
    }
    assert encoded == bounds
    for name, value in preferred.items():
        assert clause.parameter(name).preferred == value, name
    assert {r.severity for r in clause.red_flags} == severities
    assert set(clause.rules().values()) == severities
    assert clause.missing_severity == max(severities, key=severity_rank)
    assert bool(clause.fallbacks) == has_fallback
    assert not clause.boilerplate


@pytest.mark.parametrize("row", sorted(POLICY))
def test_policy_coverage_required(library, row):
    clause_id, required_in, *_ = POLICY[row]
    pb = library.playbook
    for ct in pb.contract_types:
        expected = ct.id in required_in
        assert (clause_id in ct.requires) == expected, (clause_id, ct.id)
        with_pd = clause_id in ct.required_clause_types(personal_data=True)
        assert with_pd == (expected or ("personal_data" in required_in and ct.buying)), (clause_id, ct.id)


def test_policy_coverage_contract_types(library):
    pb = library.playbook
    assert {c.id for c in pb.contract_types} == BUYING | {"nda", "dpa"}
    assert {c.id for c in pb.contract_types if c.buying} == BUYING
    assert set(pb.contract_type("nda").requires) == {"confidentiality", "governing_law"}
    assert set(pb.contract_type("dpa").requires) == {"data_protection", "information_security"}
    for ct in pb.contract_types:
        assert ct.requires_when_personal_data == (["data_protection"] if ct.buying else [])


def test_policy_coverage_boilerplate_and_novel_terms(library):
    assert {c.id for c in library.clause_types.values() if c.boilerplate} == BOILERPLATE
    assert library.playbook.unrecognized.severity == "low"
    assert library.playbook.missing_clause.severity == "worst_listed"
    # A ban on publishing benchmarks or on criticising the vendor must come out `unrecognized`: no clause
    # type is about either.
    for clause in library.clause_types.values():
        words = " ".join([clause.id, clause.title, *clause.headings, *clause.keywords]).lower()
        for novel in ("benchmark", "disparag", "critici", "acceptable use", "restriction"):
            assert novel not in words, (clause.id, novel)


def test_policy_coverage_severity_scale(library):
    assert [s.id for s in library.playbook.severity_scale] == ["info", "low", "medium", "high", "critical"]


def test_policy_coverage_routing_thresholds(library):
    assert library.playbook.routing.thresholds == {
        "senior_legal_value": 1_000_000,
        "legal_value": 100_000,
        "medium_legal_value": 1_000,
        "finance_cosign_above": 1_000_000,
    }
    assert library.playbook.routing.assignee_chain[-1] == "legal_queue"


@pytest.mark.parametrize(("value", "severity", "route", "approver", "cosign"), ROUTING)
def test_policy_coverage_routing(library, value, severity, route, approver, cosign):
    decision = library.playbook.routing.decide(value, severity)
    assert (decision.route, decision.approver, decision.co_signers) == (route, approver, cosign)
    assert decision.reasons[0] == decision.rule


def test_policy_coverage_routing_reason_codes(library):
    routing = library.playbook.routing
    assert routing.decide(2_000_000, "critical").reasons == [
        "senior_legal_review",
        "critical_deviation",
        "value_at_senior_legal_threshold",
        "finance_cosign_above_threshold",
    ]
    assert routing.decide(5_000, "medium").reasons == [
        "legal_review_medium",
        "medium_deviation",
        "value_at_medium_threshold",
    ]
    assert routing.decide(10, "low").reasons == ["self_serve", "within_self_serve_limits"]


def test_policy_coverage_version_changes(library):
    changes = library.playbook.version_changes
    assert (changes.minor.approver, changes.minor.review_again) == ("procurement", False)
    assert changes.substantive.review_again is True
