"""The library file models: strict, frozen, and the small behaviours the engine relies on."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from review_service.library import load_library
from review_service.library.schema import (
    SEVERITIES,
    ClauseType,
    Limit,
    Parameter,
    RedFlag,
    Requirement,
    Variant,
    severity_rank,
    worst,
)

MINIMAL = {
    "id": "widget_terms",
    "title": "Widget terms",
    "glossary": "How widgets are handled.",
    "lane": "procurement",
    "required": "never",
    "policy_row": None,
    "boilerplate": False,
    "standard": [{"text": "Widgets are handled with care.", "style": "plain"}],
}


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_schema_minimal_clause_type_parses():
    clause = ClauseType.model_validate(MINIMAL)
    assert clause.id == "widget_terms"
    assert clause.required.never
    assert clause.missing_severity is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"colour": "blue"}, "extra_forbidden"),
        ({"lane": "sales"}, "literal_error"),
        ({"policy_row": "3"}, "int_type"),
        ({"id": "Widget-Terms"}, "string_pattern_mismatch"),
        ({"standard": []}, "too_short"),
        ({"required": "sometimes"}, "value_error"),
    ],
)
def test_schema_clause_type_is_strict(change, expected):
    with pytest.raises(ValidationError) as err:
        ClauseType.model_validate({**MINIMAL, **change})
    assert expected in {e["type"] for e in err.value.errors()}


def test_schema_missing_field_is_an_error():
    data = dict(MINIMAL)
    del data["glossary"]
    with pytest.raises(ValidationError) as err:
        ClauseType.model_validate(data)
    assert [e["loc"] for e in err.value.errors() if e["type"] == "missing"] == [("glossary",)]


def test_schema_models_are_frozen():
    variant = Variant(text="x", style="plain")
    with pytest.raises(ValidationError):
        variant.text = "y"  # type: ignore[misc]


def test_schema_variant_style_is_checked():
    with pytest.raises(ValidationError):
        Variant.model_validate({"text": "x", "style": "shouty"})


@pytest.mark.parametrize(
    ("raw", "always", "types", "personal_data"),
    [
        ("always", True, [], False),
        ("never", False, [], False),
        ("when_personal_data", False, [], True),
        (["saas"], False, ["saas"], False),
        ({"always": True, "contract_types": ["nda"]}, True, ["nda"], False),
    ],
)
def test_schema_requirement_shorthands(raw, always, types, personal_data):
    req = Requirement.model_validate(raw)
    assert (req.always, req.contract_types, req.when_personal_data) == (always, types, personal_data)


def test_schema_requirement_applies_per_contract_type(library):
    pb = library.playbook
    confidentiality = library.clause_type("confidentiality").required
    assert confidentiality.applies(pb.contract_type("saas"))
    assert confidentiality.applies(pb.contract_type("nda"))
    assert not confidentiality.applies(pb.contract_type("dpa"))
    data_protection = library.clause_type("data_protection").required
    assert not data_protection.applies(pb.contract_type("goods"))
    assert data_protection.applies(pb.contract_type("goods"), personal_data=True)
    assert data_protection.applies(pb.contract_type("dpa"))
    assert not data_protection.applies(pb.contract_type("nda"), personal_data=True)


def test_schema_parameter_bounds_must_fit_its_type():
    with pytest.raises(ValidationError, match="boolean parameter takes only expected"):
        Parameter.model_validate(
            {
                "name": "flag",
                "type": "boolean",
                "description": "d",
                "min": {"value": 1, "severity": "low", "rule": "r"},
            }
        )
    with pytest.raises(ValidationError, match="preferred value of a days parameter"):
        Parameter.model_validate({"name": "d", "type": "days", "description": "d", "preferred": "soon"})


def test_schema_red_flag_cues_must_appear_in_its_examples_and_gate_the_position():
    seat = {"id": "seat", "description": "d", "severity": "medium", "cues": ["arbitrat"], "texts": [
        {"style": "plain", "text": "Disputes go to arbitration in Zurich."},
        {"style": "legalese", "text": "The arbitrator shall sit in Hong Kong."}]}
    flag = RedFlag.model_validate(seat)
    assert flag.stated_in("ARBITRATION seated in Geneva") and not flag.stated_in("the courts of King County")
    assert RedFlag.model_validate({**seat, "cues": []}).stated_in("anything at all")
    with pytest.raises(ValidationError, match="none of the cues"):
        RedFlag.model_validate({**seat, "texts": [*seat["texts"], {"style": "uk", "text": "The courts of Kent."}]})


def test_schema_variants_are_offered_unless_marked_and_the_first_standard_must_be():
    assert Variant.model_validate({"text": "t", "style": "plain"}).offered is True
    hidden = {"text": "Recognition only.", "style": "uk", "offered": False}
    ClauseType.model_validate({**MINIMAL, "standard": [*MINIMAL["standard"], hidden]})
    with pytest.raises(ValidationError, match="must be offered"):
        ClauseType.model_validate({**MINIMAL, "standard": [hidden, *MINIMAL["standard"]]})


def test_schema_limit_needs_exactly_one_reference():
    with pytest.raises(ValidationError, match="exactly one"):
        Limit.model_validate({"severity": "low", "rule": "r"})
    with pytest.raises(ValidationError, match="exactly one"):
        Limit.model_validate({"value": 1, "relative_to": "contract_value", "severity": "low", "rule": "r"})


def test_schema_parameter_check(library):
    days = library.clause_type("payment_terms").parameter("payment_days")
    assert [b.rule for b in days.check(15)] == ["payment_days_too_short"]
    assert days.check(30) == []
    assert days.check(45) == []

    law = library.clause_type("governing_law").parameter("governing_law")
    assert law.check("new york") == []
    assert [b.rule for b in law.check("Texas")] == ["jurisdiction_not_allowed"]

    fixed = library.clause_type("limitation_of_liability").parameter("cap_fixed_amount")
    assert fixed.check(10_000) == []  # contract value unknown: not guessed
    assert [b.severity for b in fixed.check(10_000, contract_value=250_000)] == ["high"]
    assert fixed.check(500_000, contract_value=250_000) == []

    credits = library.clause_type("service_levels").parameter("service_credits")
    assert [b.severity for b in credits.check(False)] == ["medium"]


def test_schema_boilerplate_takes_no_positions():
    data = {
        **MINIMAL,
        "boilerplate": True,
        "red_flags": [
            {
                "id": "x",
                "description": "d",
                "severity": "low",
                "texts": [{"text": "a", "style": "plain"}, {"text": "b", "style": "uk"}],
            }
        ],
    }
    with pytest.raises(ValidationError, match="takes no red_flags"):
        ClauseType.model_validate(data)


def test_schema_severity_order():
    assert SEVERITIES == ("info", "low", "medium", "high", "critical")
    assert severity_rank("critical") > severity_rank("high") > severity_rank("info")
    assert worst(["low", "critical", "medium"]) == "critical"
    assert worst([]) is None


def test_schema_missing_severity_is_the_worst_listed(library):
    assert library.clause_type("limitation_of_liability").missing_severity == "critical"
    assert library.clause_type("payment_terms").missing_severity == "medium"
    assert library.clause_type("assignment").missing_severity == "medium"


def test_schema_variants_are_labelled(library):
    texts = list(library.texts())
    positions = {(t.clause_type, t.position, t.position_id) for t in texts}
    assert ("payment_terms", "standard", None) in positions
    assert ("payment_terms", "fallback", "net_30") in positions
    assert ("payment_terms", "red_flag", "late_fee_too_high") in positions
    assert all(t.text.strip() == t.text and t.text for t in texts)
