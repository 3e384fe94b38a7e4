"""The clause library's file formats: one clause type per YAML file, and the playbook.

The models are strict: an unknown key, a misspelt severity or a string where a number belongs is an error
that the validator reports with its file and line, never a silently applied default. Checks that need more
than one field or more than one file (a preferred value outside its bounds, a playbook naming an unknown
clause type) live in :mod:`review_service.library.validate`, which can point at the exact line.

Vocabulary (the words procurement and legal use):

- a *clause type* is a kind of clause ("limitation of liability"); each has *positions*: the
  *standard* (preferred) wording, ordered *fallbacks* (acceptable compromises) and *red flags*
  (unacceptable positions, each with a severity);
- a *variant* is one way of drafting a position; the matcher embeds every variant;
- a *parameter* is a typed value a clause carries (payment days, cap in months of fees); its *bounds* come
  from the playbook, and breaking one is a deviation with the bound's severity and rule id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Severity = Literal["info", "low", "medium", "high", "critical"]
#: The severity scale of POLICY.md, lowest first.
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")

Lane = Literal["legal", "procurement", "finance"]
#: Drafting styles, so that every position is written the several ways vendor paper arrives in.
Style = Literal["plain", "legalese", "order_form", "uk", "us_saas"]
ParameterType = Literal[
    "days",
    "hours",
    "months",
    "years",
    "percent",
    "money",
    "months_of_fees",
    "multiple_of_fees",
    "count",
    "boolean",
    "jurisdiction",
    "choice",
]
NUMERIC_TYPES: frozenset[str] = frozenset(
    {"days", "hours", "months", "years", "percent", "money", "months_of_fees", "multiple_of_fees", "count"}
)
CHOICE_TYPES: frozenset[str] = frozenset({"jurisdiction", "choice"})
Position = Literal["standard", "fallback", "red_flag"]

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Number = int | float
ParamValue = bool | int | float | str | list[str]


def severity_rank(severity: Severity) -> int:
    """0 for ``info`` up to 4 for ``critical``."""
    return SEVERITIES.index(severity)


def worst(severities: Iterable[Severity]) -> Severity | None:
    """The highest severity of ``severities``, or None when there are none."""
    found: list[Severity] = list(severities)
    if not found:
        return None
    return max(found, key=severity_rank)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# ---------------------------------------------------------------------------------------------------------
# Clause types


class Variant(_Model):
    """One drafting of a position; ``style`` says which kind of paper it imitates."""

    text: Text
    style: Style
    # False: a wording that helps recognise the clause type (a DPA's routine sections under data_protection) but
    # is not the language to put to the vendor; a deviation's approved text never comes from it.
    offered: bool = True


class Bound(_Model):
    """A playbook limit on a parameter; breaking it is a deviation with this severity and rule id.

    ``rule`` is local to the clause type (the engine reports ``<clause type>.<rule>``); a red flag with the
    same id describes the same deviation and must carry the same severity.
    """

    severity: Severity
    rule: Identifier


class Limit(Bound):
    """A numeric minimum or maximum: a fixed ``value``, or ``relative_to`` a figure of the contract."""

    value: Number | None = None
    relative_to: Literal["contract_value"] | None = None

    @model_validator(mode="after")
    def _one_reference(self) -> Limit:
        if (self.value is None) == (self.relative_to is None):
            raise ValueError("a limit needs exactly one of 'value' and 'relative_to'")
        return self

    def resolve(self, contract_value: Number | None) -> Number | None:
        """The limit as a number; None when it is relative and the contract value is unknown."""
        if self.value is not None:
            return self.value
        return contract_value


class Allowed(Bound):
    """The values a jurisdiction or choice parameter may take."""

    values: list[Text] = Field(min_length=1)


class Expected(Bound):
    """The value a yes/no parameter must have."""

    value: bool


class Parameter(_Model):
    """A typed value a clause carries, with the playbook's preferred value and bounds."""

    name: Identifier
    type: ParameterType
    unit: Text | None = None
    description: Text
    preferred: ParamValue | None = None
    min: Limit | None = None
    max: Limit | None = None
    allowed: Allowed | None = None
    expected: Expected | None = None
    # Boolean parameters: the rules a reading of false leaves nothing to judge (no automatic renewal: no
    # renewal term or non-renewal notice), so a red flag of theirs close in wording is not raised.
    settled_when_false: list[Identifier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bounds_fit_type(self) -> Parameter:
        kinds = {k for k in ("min", "max", "allowed", "expected") if getattr(self, k) is not None}
        if self.type in NUMERIC_TYPES:
            fits, shape = {"min", "max"}, "a number"
        elif self.type == "boolean":
            fits, shape = {"expected"}, "true or false"
        else:
            fits, shape = {"allowed"}, "a name or a list of names"
        if kinds - fits:
            wrong = sorted(kinds - fits)
            raise ValueError(
                f"{wrong[0]}: a {self.type} parameter takes only {' / '.join(sorted(fits))} bounds, not "
                f"{', '.join(wrong)}"
            )
        if self.preferred is not None and not value_fits_type(self.type, self.preferred):
            raise ValueError(f"preferred: the preferred value of a {self.type} parameter must be {shape}")
        return self

    def bounds(self) -> list[tuple[str, Bound]]:
        """The bounds that are set, as (kind, bound) pairs: kind is min, max, allowed or expected."""
        pairs: list[tuple[str, Bound | None]] = [
            ("min", self.min),
            ("max", self.max),
            ("allowed", self.allowed),
            ("expected", self.expected),
        ]
        return [(kind, bound) for kind, bound in pairs if bound is not None]

    def check(self, value: ParamValue, *, contract_value: Number | None = None) -> list[Bound]:
        """The bounds that ``value`` breaks (empty when it is acceptable).

        A relative limit whose reference is unknown is not checked: the caller reports the missing contract
        value instead of guessing it.
        """
        broken: list[Bound] = []
        if self.type in NUMERIC_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
            low = self.min.resolve(contract_value) if self.min else None
            high = self.max.resolve(contract_value) if self.max else None
            if self.min and low is not None and value < low:
                broken.append(self.min)
            if self.max and high is not None and value > high:
                broken.append(self.max)
        elif self.type == "boolean" and isinstance(value, bool):
            if self.expected and value != self.expected.value:
                broken.append(self.expected)
        elif self.type in CHOICE_TYPES and self.allowed:
            names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
            allowed = {v.casefold() for v in self.allowed.values}
            if any(str(n).casefold() not in allowed for n in names):
                broken.append(self.allowed)
        return broken


def value_fits_type(type_: str, value: Any) -> bool:
    """Whether ``value`` has the shape a parameter of ``type_`` takes."""
    if type_ in NUMERIC_TYPES:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_ == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


class Fallback(_Model):
    """An acceptable compromise; ``values`` are the parameter values it represents."""

    id: Identifier
    description: Text
    values: dict[Identifier, ParamValue] = Field(default_factory=dict)
    texts: list[Variant] = Field(min_length=2)


class RedFlag(_Model):
    """An unacceptable position, with example wordings as vendor paper puts it."""

    id: Identifier
    description: Text
    severity: Severity
    texts: list[Variant] = Field(min_length=2)
    # Words the position cannot be stated without (matched case-insensitively at the start of a word, so
    # "arbitrat" covers arbitration and arbitrator). A clause with none of them is not in this position however
    # close its wording: a plain choice of courts is not an arbitration seat. Empty: no such test.
    cues: list[Text] = Field(default_factory=list)
    # A second set of words, one of which must be there too: the deliverables (cues) and their owning (also).
    also: list[Text] = Field(default_factory=list)
    # The party the position gives a right to. A clause whose cued sentences all give it to the other party
    # alone ("You may terminate for convenience") is not in this position ("We may terminate for convenience").
    holder: Literal["vendor", "customer"] | None = None

    @model_validator(mode="after")
    def _examples_state_a_cue(self) -> RedFlag:
        if self.holder and not self.cues:
            raise ValueError("a red flag with a holder needs cues: the words of the right it holds")
        for variant in self.texts:
            if not self.stated_in(variant.text):
                raise ValueError(f"example text ({variant.style}) has none of the cues {self.cues} (or of "
                                 f"{self.also}): the red flag could never be found in its own example")
        return self

    def stated_in(self, text: str) -> bool:
        """Whether ``text`` has one of the cues and one of the ``also`` words (always, for a list left empty)."""
        return all(not words or any(re.search(r"\b" + re.escape(w), text, re.IGNORECASE) for w in words)
                   for words in (self.cues, self.also))


class Requirement(_Model):
    """Where a clause type must be present.

    YAML shorthands: ``always`` (every agreement that buys goods or services), ``never``,
    ``when_personal_data`` (buying agreements in which the vendor processes personal data), or a list of
    contract type ids; the full form combines them, e.g. ``{always: true, contract_types: [nda]}``.
    """

    always: bool = False
    contract_types: list[Identifier] = Field(default_factory=list)
    when_personal_data: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            forms: dict[str, dict[str, Any]] = {
                "always": {"always": True},
                "never": {},
                "when_personal_data": {"when_personal_data": True},
            }
            if data not in forms:
                raise ValueError(
                    f"unknown requirement {data!r}: use always, never, when_personal_data, a list of "
                    "contract types, or a mapping"
                )
            return forms[data]
        if isinstance(data, list):
            return {"contract_types": data}
        return data

    @property
    def never(self) -> bool:
        return not (self.always or self.contract_types or self.when_personal_data)

    def applies(self, contract_type: ContractType, *, personal_data: bool = False) -> bool:
        """Whether the clause type is required in a contract of ``contract_type``."""
        if contract_type.id in self.contract_types:
            return True
        if not contract_type.buying:
            return False
        return self.always or (self.when_personal_data and personal_data)


class ClauseType(_Model):
    """A kind of clause, with its positions and parameters; one YAML file in ``clauses/``."""

    id: Identifier
    title: Text
    glossary: Text
    lane: Lane
    required: Requirement
    policy_row: int | None = Field(default=None, ge=1)
    boilerplate: bool
    headings: list[Text] = Field(default_factory=list)
    keywords: list[Text] = Field(default_factory=list)
    parameters: list[Parameter] = Field(default_factory=list)
    standard: list[Variant] = Field(min_length=1)
    fallbacks: list[Fallback] = Field(default_factory=list)
    red_flags: list[RedFlag] = Field(default_factory=list)

    @model_validator(mode="after")
    def _first_standard_is_offered(self) -> ClauseType:
        if not self.standard[0].offered:
            raise ValueError("the first standard variant is the language proposed by default: it must be offered")
        return self

    @model_validator(mode="after")
    def _boilerplate_is_plain(self) -> ClauseType:
        if self.boilerplate:
            extras = [
                name
                for name, present in (
                    ("policy_row", self.policy_row is not None),
                    ("fallbacks", bool(self.fallbacks)),
                    ("red_flags", bool(self.red_flags)),
                    ("parameters", bool(self.parameters)),
                    ("required", not self.required.never),
                )
                if present
            ]
            if extras:
                raise ValueError(
                    f"{extras[0]}: boilerplate is recognized and passes: it takes no " + ", ".join(extras)
                )
        return self

    @model_validator(mode="after")
    def _settled_rules_exist(self) -> ClauseType:
        rules = {r.id for r in self.red_flags} | {b.rule for p in self.parameters for _, b in p.bounds()}
        for p in self.parameters:
            unknown = [r for r in p.settled_when_false if r not in rules]
            if unknown:
                raise ValueError(f"settled_when_false: {self.id} has no rule {unknown[0]!r}")
        return self

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(f"{self.id} has no parameter {name!r}")

    def red_flag(self, id_: str) -> RedFlag:
        for r in self.red_flags:
            if r.id == id_:
                return r
        raise KeyError(f"{self.id} has no red flag {id_!r}")

    def rules(self) -> dict[str, Severity]:
        """Every rule id of this clause type (red flags and parameter bounds) with its severity."""
        found: dict[str, Severity] = {r.id: r.severity for r in self.red_flags}
        for p in self.parameters:
            for _, bound in p.bounds():
                found.setdefault(bound.rule, bound.severity)
        return found

    @property
    def missing_severity(self) -> Severity | None:
        """The severity of this clause type being absent where required: its worst listed deviation."""
        return worst(list(self.rules().values()))

    def variants(self) -> Iterator[tuple[Position, str | None, Variant]]:
        """Every variant with its position: (``standard``, None), (``fallback``, id), (``red_flag``, id)."""
        for v in self.standard:
            yield "standard", None, v
        for f in self.fallbacks:
            for v in f.texts:
                yield "fallback", f.id, v
        for r in self.red_flags:
            for v in r.texts:
                yield "red_flag", r.id, v


# ---------------------------------------------------------------------------------------------------------
# The playbook


class SeverityLevel(_Model):
    id: Severity
    description: Text


class ContractType(_Model):
    """A kind of agreement and the clause types it must contain."""

    id: Identifier
    title: Text
    description: Text
    #: An agreement that buys goods or services ("required: always" applies to it).
    buying: bool
    requires: list[Identifier]
    #: Required in addition when the vendor processes personal data for the customer.
    requires_when_personal_data: list[Identifier] = Field(default_factory=list)

    def required_clause_types(self, *, personal_data: bool = False) -> list[str]:
        extra = self.requires_when_personal_data if personal_data else []
        return [*self.requires, *(c for c in extra if c not in self.requires)]


class PolicyRow(_Model):
    """A row of the policy table and the clause type that encodes it."""

    row: int = Field(ge=1)
    clause_type: Identifier
    #: The policy names an acceptable fallback for this row (so the clause type must offer one).
    has_fallback: bool


class Condition(_Model):
    """One test of a routing rule: the worst deviation, or the contract value against a threshold."""

    severity_at_least: Severity | None = None
    #: The name of an entry of ``routing.thresholds``.
    value_at_least: Identifier | None = None
    reason: Identifier

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        if (self.severity_at_least is None) == (self.value_at_least is None):
            raise ValueError("a condition needs exactly one of 'severity_at_least' and 'value_at_least'")
        return self


class CoSigner(_Model):
    """Someone who signs as well once the value is above a threshold (finance above $1,000,000)."""

    role: Identifier
    #: The name of an entry of ``routing.thresholds``; the value must be strictly above it.
    value_above: Identifier
    reason: Identifier


class RoutingRule(_Model):
    """One row of the routing table; ``id`` is the stable reason code reported when the rule fires."""

    id: Identifier
    description: Text
    route: Literal["senior_legal", "legal", "self_serve"]
    approver: Identifier
    match: Literal["any", "all", "always"]
    conditions: list[Condition] = Field(default_factory=list)
    co_signers: list[CoSigner] = Field(default_factory=list)
    #: The reason reported by a rule that matches ``always`` (the catch-all).
    reason: Identifier | None = None

    @model_validator(mode="after")
    def _conditions_fit_match(self) -> RoutingRule:
        if self.match == "always" and (self.conditions or self.reason is None):
            raise ValueError("match: an 'always' rule takes no conditions and needs a 'reason'")
        if self.match != "always" and not self.conditions:
            raise ValueError(f"match: a '{self.match}' rule needs at least one condition")
        return self


class RoutingDecision(_Model):
    rule: str
    route: str
    approver: str
    reasons: list[str]
    co_signers: list[str]


class Routing(_Model):
    """The routing table: ordered rules, first match wins; thresholds are named settings."""

    currency: Text
    thresholds: dict[Identifier, Number]
    rules: list[RoutingRule] = Field(min_length=1)
    #: Who gets a request, in order, when the one before is unavailable; never nobody.
    assignee_chain: list[Identifier] = Field(min_length=1)

    def decide(self, value: Number, worst_severity: Severity | None) -> RoutingDecision:
        """Apply the rules to a contract's value and its worst deviation (None when there is none)."""
        rank = severity_rank(worst_severity) if worst_severity is not None else -1
        for rule in self.rules:
            if rule.match == "always":
                fired = [rule.reason] if rule.reason else []
            else:
                results = []
                for c in rule.conditions:
                    if c.severity_at_least is not None:
                        ok = rank >= severity_rank(c.severity_at_least)
                    else:
                        ok = value >= self.thresholds[c.value_at_least or ""]
                    results.append((ok, c.reason))
                hit = any if rule.match == "any" else all
                if not hit(ok for ok, _ in results):
                    continue
                fired = [reason for ok, reason in results if ok]
            cosign = [c.role for c in rule.co_signers if value > self.thresholds[c.value_above]]
            reasons = [rule.id, *fired, *(c.reason for c in rule.co_signers if c.role in cosign)]
            return RoutingDecision(
                rule=rule.id, route=rule.route, approver=rule.approver, reasons=reasons, co_signers=cosign
            )
        raise LookupError("no routing rule matched: the last rule must match 'always'")


class MissingClauseRule(_Model):
    """A required clause type absent from the draft."""

    reason: Identifier
    #: ``worst_listed``: the severity of the clause type's worst listed deviation.
    severity: Literal["worst_listed"] | Severity
    description: Text


class RecognitionRule(_Model):
    severity: Severity
    reason: Identifier
    description: Text
    # Unrecognized clauses only: the severity of one that reads as routine (no one-sided term in its words;
    # see review/one_sided.py). None: the same as ``severity``.
    routine_severity: Severity | None = None


class ChangeClass(_Model):
    description: Text
    examples: list[Text] = Field(default_factory=list)
    approver: Identifier
    review_again: bool
    reason: Identifier


class VersionChanges(_Model):
    """How a new version of the same contract is classified."""

    minor: ChangeClass
    substantive: ChangeClass


class Playbook(_Model):
    """``playbook.yaml``: contract types, the policy table index, severities, routing and change rules."""

    name: Text
    severity_scale: list[SeverityLevel]
    contract_types: list[ContractType] = Field(min_length=1)
    policy_rows: list[PolicyRow] = Field(default_factory=list)
    missing_clause: MissingClauseRule
    unrecognized: RecognitionRule
    #: A recognized clause type that is neither boilerplate nor in the policy table.
    outside_policy: RecognitionRule
    routing: Routing
    version_changes: VersionChanges

    def contract_type(self, id_: str) -> ContractType:
        for c in self.contract_types:
            if c.id == id_:
                return c
        known = ", ".join(c.id for c in self.contract_types)
        raise KeyError(f"unknown contract type {id_!r} (known: {known})")
