"""The review: a document's clauses matched to the library, their deviations from the playbook, the route.

``Reviewer.review(doc)`` runs the whole flow; ``Reviewer.assess(...)`` is the part after the model (matching
and assessment from clause vectors), which is what a re-scan runs from stored embeddings.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from review_service.ingest.document import Document
from review_service.ingest.segment import Clause, segment
from review_service.library import Library, load_library
from review_service.library.schema import (
    Allowed,
    Bound,
    ClauseType,
    Expected,
    Limit,
    RecognitionRule,
    RedFlag,
    Severity,
    severity_rank,
    worst,
)
from review_service.matching.embed import Embedder, get_embedder, text_key
from review_service.matching.index import ClauseIndex, load_or_build
from review_service.review import terms as t
from review_service.review.classify import HEADING_BONUS, TYPE_THRESHOLD, Classifier, ClauseMatch
from review_service.review.one_sided import one_sided_cue, tucked_in_term
from review_service.review.parameters import (
    CUSTOMER,
    FORCE_MAJEURE,
    MAY_REPRICE,
    STILL_CAPPED,
    VENDOR,
    Reading,
    customer_is_auditor,
    read_parameters,
    right_held_by,
)
from review_service.review.redline import redline

CONTRACT_TYPES = ("saas", "services", "nda", "dpa", "software", "goods", "consulting")
# Words that make a clause more than boilerplate whatever its heading says.
_SUBSTANTIVE_CUES = re.compile(
    r"liab|indemn|warrant|terminat|renew|fee|price|pay|discretion|exclusiv|data|confidential|assign|govern|"
    r"law|court|arbitrat|may (?:change|modify|amend|update)|without (?:notice|consent)|sole|irrevocabl|perpetual|"
    r"benchmark|disparag|publish|audit|insur|solicit|\$|%|days|months|years",
    re.IGNORECASE,
)
_FEES = re.compile(r"\bfees?\b|\bprices?\b|\bcharges?\b|\bsubscription\b", re.I)
_PERSONAL_DATA = re.compile(r"\bpersonal (?:data|information)\b|\bPII\b|\bdata subjects?\b", re.I)


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Deviation:
    clause_id: str | None
    clause_type: str | None
    rule: str
    kind: str  # parameter | red_flag | non_standard | missing | unrecognized
    severity: Severity
    message: str
    evidence: Evidence | None
    library_text: str | None
    fallback_text: str | None
    redline: list[dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "clause_id": self.clause_id, "clause_type": self.clause_type, "rule": self.rule, "kind": self.kind,
            "severity": self.severity, "message": self.message,
            "evidence": None if self.evidence is None else {"text": self.evidence.text, "start": self.evidence.start,
                                                            "end": self.evidence.end},
            "library_text": self.library_text, "fallback_text": self.fallback_text, "redline": self.redline,
        }


@dataclass(frozen=True, slots=True)
class Route:
    route: str
    approver: str
    reasons: list[str]
    co_signers: list[str]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"route": self.route, "approver": self.approver, "reasons": self.reasons,
                "co_signers": self.co_signers, "warnings": self.warnings}


@dataclass(frozen=True)
class Review:
    document: Document
    clauses: list[Clause]
    matches: list[ClauseMatch]
    terms: list[dict[str, Any]]
    deviations: list[Deviation]
    route: Route
    contract_type: str
    value: float | None
    library_version: str
    model: str
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def worst_severity(self) -> Severity | None:
        return worst(d.severity for d in self.deviations)

    def counts(self) -> dict[str, int]:
        found = {s: 0 for s in ("critical", "high", "medium", "low", "info")}
        for d in self.deviations:
            found[d.severity] += 1
        return found

    def to_dict(self) -> dict[str, Any]:
        clauses = []
        for c, m, terms in zip(self.clauses, self.matches, self.terms, strict=True):
            clauses.append({**c.to_dict(), "clause_type": m.clause_type, "position": m.position,
                            "similarity": round(m.similarity, 4), "confidence": round(m.confidence, 4),
                            "terms": terms})
        return {
            "document": self.document.summary(),
            "text": self.document.text,
            "contract": {"type": self.contract_type, "value": self.value},
            "clauses": clauses,
            "deviations": [d.to_dict() for d in self.deviations],
            "summary": {"worst_severity": self.worst_severity, "counts": self.counts()},
            "route": self.route.to_dict(),
            "library": {"version": self.library_version, "model": self.model},
            "warnings": list(self.document.warnings),
        }


# Vectors already computed for some texts, by the sha256 of the text (Reviewer.vectors).
KnownVectors = Callable[[list[str]], dict[str, np.ndarray]]


class Reviewer:
    """Holds the library, model and index, loaded once (``warm_up``), and reviews documents."""

    def __init__(self, library: Library | None = None, embedder: Embedder | None = None,
                 data_dir: Path | None = None, *, decide_by_heading: bool = True) -> None:
        self._library = library
        # False: every typed clause goes through the model and the classifier (to measure what the heading
        # shortcut changes; see heading_decides).
        self.decide_by_heading = decide_by_heading
        self._embedder = embedder
        self._data_dir = data_dir
        self.index: ClauseIndex | None = None
        self.classifier: Classifier | None = None

    def warm_up(self) -> None:
        from review_service.settings import get_settings

        if self.classifier is not None:
            return
        settings = get_settings()
        self.library = self._library or load_library(settings.library_dir)
        self.embedder = self._embedder or get_embedder()
        self.index = load_or_build(self.library, self.embedder, self._data_dir or settings.data_dir)
        self.classifier = Classifier(self.library, self.index)

    # -- the whole flow
    def review(self, doc: Document, *, contract_type: str = "saas", value: float | None = None,
               personal_data: bool | None = None) -> Review:
        self.warm_up()
        assert self.classifier is not None
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        clauses = segment(doc)
        timings["segment"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        vectors = self.embed(clauses)
        timings["embed"] = time.perf_counter() - t0
        review = self.assess(doc, clauses, vectors, contract_type=contract_type, value=value,
                             personal_data=personal_data)
        review.timings.update(timings)
        return review

    def heading_decides(self, clause: Clause) -> str | None:
        """The boilerplate type a clause's own heading names outright ("Severability", "Counterparts").

        Boilerplate passes whatever its wording, so such a clause needs no model time: the heading decides.
        """
        assert self.classifier is not None
        if not self.decide_by_heading:
            return None
        named = self.classifier.heading_types(clause.heading)
        exact = [ct for ct, bonus in named.items() if bonus >= HEADING_BONUS]
        if len(exact) != 1 or not self.library.clause_types[exact[0]].boilerplate:
            return None
        # Vendors hide terms under boilerplate headings: anything that reads like one gets the model.
        if _SUBSTANTIVE_CUES.search(clause.text):
            return None
        return exact[0]

    @property
    def dim(self) -> int:
        """The length of the index's (and the model's) vectors."""
        return int(self.index.vectors.shape[1]) if self.index is not None else 384

    def needs_model(self, clause: Clause) -> bool:
        """Whether a clause gets a vector from the model: titles, signatures, definitions and boilerplate named
        by its heading do not."""
        assert self.classifier is not None
        return bool(self.classifier.is_substantive(clause) and clause.kind != "definition"
                    and self.heading_decides(clause) is None)

    def embed(self, clauses: list[Clause], known: KnownVectors | None = None) -> np.ndarray:
        """One vector per clause that needs the model, zeros for the others (see :meth:`vectors`)."""
        return self.vectors(clauses, [i for i, c in enumerate(clauses) if self.needs_model(c)], known)

    def vectors(self, clauses: list[Clause], rows: list[int], known: KnownVectors | None = None) -> np.ndarray:
        """Vectors for the clauses at ``rows``, zeros elsewhere. ``known`` gives the vectors already computed for
        some texts (by the sha256 of the text: the repository's, for an upload or a re-scan); only the remaining
        texts go through the model."""
        dim = self.dim
        out = np.zeros((len(clauses), dim), dtype=np.float32)
        found = known([clauses[i].text for i in rows]) if known and rows else {}
        todo = []
        for i in rows:
            vector = found.get(text_key(clauses[i].text))
            if vector is not None and vector.shape == (dim,):
                out[i] = vector
            else:
                todo.append(i)
        if todo:
            out[todo] = self.embedder.encode([clauses[i].text for i in todo])
        return out

    # -- after the model: what a re-scan repeats from stored vectors
    def assess(self, doc: Document, clauses: list[Clause], vectors: np.ndarray, *, contract_type: str,
               value: float | None, personal_data: bool | None = None) -> Review:
        self.warm_up()
        assert self.classifier is not None
        t0 = time.perf_counter()
        matches = self.classifier.classify(clauses, vectors)
        for i, clause in enumerate(clauses):
            boilerplate = self.heading_decides(clause) if matches[i].substantive else None
            if boilerplate is not None:
                matches[i] = ClauseMatch(boilerplate, "standard", 1.0, 1.0, None, None, True)
        vendor = _vendor_short_name(clauses)
        matches = _follow_references(clauses, _inherit_from_parents(clauses, matches))
        matches = self._placed_by_their_words(clauses, matches, vendor)
        t1 = time.perf_counter()
        if personal_data is None:
            personal_data = bool(_PERSONAL_DATA.search(doc.text))
        matches = self._required_found_in_unplaced(clauses, vectors, matches, contract_type, personal_data)
        definitions = _quantity_definitions(clauses)
        forbidden = _items_the_vendor_forbids_itself(clauses)
        deviations: list[Deviation] = []
        clause_terms: list[dict[str, Any]] = []
        for clause, match in zip(clauses, matches, strict=True):
            found, terms = self._assess_clause(clause, match, value, vendor, definitions, clause.id in forbidden)
            deviations += found
            clause_terms.append(terms)
        if clauses and clauses[0].kind in ("title", "preamble"):
            front = "\n".join(c.text for c in clauses[:3] if c.kind in ("title", "preamble"))
            clause_terms[0] = {**clause_terms[0], **_preamble_terms(front)}
        deviations += self._missing(matches, contract_type, personal_data)
        deviations = _confidentiality_direction(doc, clauses, matches, clause_terms, deviations, self.library)
        deviations = _confidentiality_term_elsewhere(clauses, matches, clause_terms, deviations, self.library, value)
        deviations = _whole_draft_positions(clauses, matches, deviations, self.library, contract_type,
                                            personal_data, vendor)
        deviations = _limits_stated_elsewhere(doc, clauses, matches, clause_terms, deviations, self.library)
        deviations = _tucked_in_terms(clauses, matches, deviations, self.library, vendor)
        deviations = _with_redlines(_one_per_rule(_unrecognized_by_section(deviations, clauses, matches, doc)), clauses)
        deviations.sort(key=lambda d: (-severity_rank(d.severity), d.evidence.start if d.evidence else -1))
        money_types = {"payment_terms", "price_changes", "minimum_commitment"}
        fee_clauses = [c for c, m in zip(clauses, matches, strict=True) if m.clause_type in money_types
                       or (m.clause_type is None and _FEES.search(c.text))]
        route = self._route(doc, deviations, value, fee_clauses)
        timings = {"match": t1 - t0, "assess": time.perf_counter() - t1}
        return Review(doc, clauses, matches, clause_terms, deviations, route, contract_type, value,
                      self.library.version, self.embedder.model_id, timings)

    # Positions a clause's words state unmistakably, whatever its heading or wording style: a clause the library
    # cannot place that lets the vendor use the customer's name freely is a publicity clause, one that charges a
    # fee for hiring staff a non-solicitation clause, one that lets the vendor change the terms a unilateral
    # change, one that makes the customer pay liquidated damages a minimum-commitment clause. Only a reading that
    # breaks the playbook places a clause this way.
    # Each with the words (lower case) the clause must also hold, one of each group ("name an engagement lead" is
    # no use of the customer's name): a cheap first look too, as this runs over every unplaced or loosely placed
    # clause.
    _TELLING_READINGS: tuple[tuple[str, str, tuple[tuple[str, ...], ...]], ...] = (
        ("publicity", "vendor_may_use_customer_name", (("logo", "website", "marketing", "promotion", "customer list",
                                                        "case stud", "press", "publicity", "reference", "award"),)),
        ("non_solicitation", "hiring_fee", ((" fee",),)),
        ("unilateral_changes", "vendor_may_change_terms", (
            ("chang", "modif", "amend", "updat", "revis", "vary", "continued use"),
            ("terms", "agreement", "condition", "polic", "continued use"))),
        ("minimum_commitment", "customer_liquidated_damages", (("terminat", "cancel", " end", "expir"),)),
        ("minimum_commitment", "customer_volume_commitment", (("commit", "minimum", "at least", "not less than",
                                                               "shortfall", "take"),)),
        ("termination", "vendor_convenience_notice_days", (("convenience", "for any reason", "without cause",
                                                            "for no reason", "at will"),)),
        ("intellectual_property", "vendor_perpetual_data_licence", (("perpetual", "irrevocab"),
                                                                    ("data", "information", "content"))),
        ("price_changes", "increase_capped", (
            ("price", "fee", "charge", "rate", "pricing"),
            ("discretion", "then", "list", "standard", "published", "in effect", "in force", "prevailing", "limit",
             "any amount", "cpi", "index", "inflation", "rpi", "review", "revis", "adjust", "increase", "vary",
             "reset", "change"))),
    )

    def _placed_by_their_words(self, clauses: list[Clause], matches: list[ClauseMatch],
                               vendor: str | None = None) -> list[ClauseMatch]:
        """Also a clause placed only loosely (close to a red flag or to nothing approved) whose own type reads
        nothing in it: "4.5 Support Lifecycle. Licensor may, for any reason, terminate the Support Services on
        sixty days' notice" sits near the pricing red flags, but its words are a vendor's convenience right."""
        out = list(matches)
        for i, (clause, match) in enumerate(zip(clauses, matches, strict=True)):
            if not match.substantive or (match.clause_type is not None
                                         and not self._loosely_placed(clause, match, vendor)):
                continue
            low = clause.text.lower()
            for type_id, name, also in self._TELLING_READINGS:
                if not all(any(word in low for word in group) for group in also):
                    continue
                ct = self.library.clause_types.get(type_id)
                if ct is None or type_id == match.clause_type or not any(p.name == name for p in ct.parameters):
                    continue  # a library without this position
                param = ct.parameter(name)
                if any(param.check(r.value) for r in read_parameters([name], clause.text)):
                    out[i] = ClauseMatch(type_id, "non_standard", match.similarity, 0.0, None, None, True)
                    break
        return out

    def _loosely_placed(self, clause: Clause, match: ClauseMatch, vendor: str | None) -> bool:
        """Close to a red flag or to nothing approved, and nothing read in it as its own type (read as the
        assessment reads it, so that it finds these readings again in the cache)."""
        if match.position not in ("red_flag", "non_standard") or match.clause_type is None:
            return False
        own = self.library.clause_types.get(match.clause_type)
        text = _vendor_as_role(clause.text, vendor)[0]
        return own is not None and not read_parameters([p.name for p in own.parameters], text)

    def _assess_clause(self, clause: Clause, match: ClauseMatch, value: float | None, vendor: str | None = None,
                       definitions: tuple[Definition, ...] = (), forbidden: bool = False,
                       ) -> tuple[list[Deviation], dict[str, Any]]:
        """``forbidden``: the clause is an item of a list the vendor promises not to do ("Quillmate will not: (a)
        sell or share Customer Personal Data"): it takes no red flag and is no one-sided term."""
        if not match.substantive:
            return [], {}
        playbook = self.library.playbook
        if match.clause_type is None:
            return [_unrecognized(clause, playbook.unrecognized, vendor, forbidden)], {}
        if match.position is None:
            return [], {}  # part of its parent's clause, judged there
        ct = self.library.clause_type(match.clause_type)
        if ct.boilerplate or (ct.id == "audit_rights" and customer_is_auditor(clause.text)):
            return [], {}  # (POLICY.md's audit row is the vendor auditing the customer, not a DPA's audit right)
        if ct.policy_row is None and not ct.parameters and not ct.red_flags:
            outside = playbook.outside_policy
            return [Deviation(clause.id, ct.id, outside.reason, "outside_policy", outside.severity,
                              f"{ct.title}: a known clause type outside the playbook's table; shown for awareness.",
                              _evidence(clause), None, None, [])], {}
        readable = [p.name for p in ct.parameters]
        # The readers know the parties by their roles ("Supplier's total liability"); the vendor's own short name
        # ("Pelagic's total liability") is read as "Vendor", and the evidence is quoted from the clause as written.
        text, to_clause = _vendor_as_role(clause.text, vendor)
        readings = [Reading(r.name, r.value, a, b, clause.text[a:b])
                    for r in read_parameters(readable, text) for a, b in [to_clause(r.start, r.end)]]
        readings += _read_in_definitions(clause, text, [n for n in readable if all(r.name != n for r in readings)],
                                         definitions)
        terms = {r.name: r.value for r in readings}
        library_text = (match.nearest_approved.text if match.nearest_approved else ct.standard[0].text)
        found: list[Deviation] = []
        decided: set[str] = set()  # rules a parameter reading settled, for or against
        for reading in readings:
            param = ct.parameter(reading.name)
            decided |= {b.rule for _, b in param.bounds()}
            if reading.value is False:
                decided |= set(param.settled_when_false)
            for bound in param.check(reading.value, contract_value=value):
                if any(d.rule == f"{ct.id}.{bound.rule}" for d in found):
                    continue  # governing law and venue both in Texas: one deviation, the first evidence
                at = clause.start + reading.start
                defined = next((f' It is stated in the definition of "{d.term}", which this clause uses.'
                                for d in definitions if not clause.start <= at < clause.end
                                and d.start <= at < d.start + len(d.text)), "")
                found.append(Deviation(
                    clause.id, ct.id, f"{ct.id}.{bound.rule}", "parameter", bound.severity,
                    _parameter_message(ct, param.name, reading, bound) + defined,
                    Evidence(reading.text, at, clause.start + reading.end),
                    library_text, _fallback_text(ct, match, bound.rule), [],
                ))
        quantity: dict[str, bool] = {}  # whether the clause states a number of each kind, found when first needed
        for flag_text in () if forbidden else match.red_flags:
            if flag_text.position_id in decided:
                continue  # the parameter reading settles it, for or against
            flag = ct.red_flag(flag_text.position_id or "")
            if not flag.stated_in(clause.text) or (flag.holder and not right_held_by(text, flag.cues,
                                                                                      flag.holder)):
                # close in wording, but without the words that position needs (courts, not arbitration), or
                # giving the right to the other party ("You may terminate", not "We may terminate")
                continue
            kind = _needs_quantity(ct, flag)
            if kind:
                if kind not in quantity:
                    quantity[kind] = _states_quantity(clause.text, kind)
                if not quantity[kind]:
                    continue  # a limit is broken only by a number: "workmanlike manner" alone states no period
            found.append(Deviation(
                clause.id, ct.id, f"{ct.id}.{flag.id}", "red_flag", flag.severity,
                f"{ct.title}: {flag.description}", _evidence(clause), library_text,
                _fallback_text(ct, match, flag.id), [],
            ))
        if match.position == "non_standard" and not found:
            found.append(Deviation(
                clause.id, ct.id, f"{ct.id}.non_standard", "non_standard", "info",
                f"{ct.title}: worded unlike any approved or known position; compare it with the library text.",
                _evidence(clause), library_text, _fallback_text(ct, match), [],
            ))
        return found, terms

    def _required_found_in_unplaced(self, clauses: list[Clause], vectors: np.ndarray, matches: list[ClauseMatch],
                                    contract_type: str, personal_data: bool) -> list[ClauseMatch]:
        """A required clause type the classifier found nowhere, looked for among the clauses it could not place.

        "Required" means the draft almost surely has one: an IP indemnity under "Intellectual Property Rights of
        Third Parties" that the model would not place is likelier the indemnity than a missing one, and a false
        "missing indemnity" is a high flag. The unplaced clause nearest to the type's variants takes the type
        when its similarity clears the bar a type needs without heading support.
        """
        assert self.classifier is not None
        present = {m.clause_type for m in matches if m.clause_type}
        unplaced = [i for i, m in enumerate(matches) if m.substantive and m.clause_type is None]
        absent = [ct for ct in self.library.required_clause_types(contract_type, personal_data=personal_data)
                  if ct.id not in present]
        if not unplaced or not absent:
            return matches
        sims = self.classifier.similarities(vectors[unplaced])
        type_sims = self.classifier.type_similarities(sims)
        out = list(matches)
        for ct in absent:
            column = self.classifier.types.index(ct.id)
            best = int(np.argmax(type_sims[:, column]))
            i = unplaced[best]
            if out[i].clause_type is None and type_sims[best, column] >= TYPE_THRESHOLD:
                out[i] = self.classifier.position(sims[best], ct.id, float(type_sims[best, column]))
        return out

    def _missing(self, matches: list[ClauseMatch], contract_type: str, personal_data: bool) -> list[Deviation]:
        present = {m.clause_type for m in matches if m.clause_type}
        playbook = self.library.playbook
        out = []
        for ct in self.library.required_clause_types(contract_type, personal_data=personal_data):
            if ct.id in present:
                continue
            rule_severity = playbook.missing_clause.severity
            severity: Severity = (ct.missing_severity or "medium") if rule_severity == "worst_listed" else rule_severity
            out.append(Deviation(
                None, ct.id, f"{ct.id}.missing", "missing", severity,
                f"No {ct.title.lower()} clause found; the playbook requires one in a {contract_type} agreement.",
                None, ct.standard[0].text, _fallback_text(ct, None), [],
            ))
        return out

    def _route(self, doc: Document, deviations: list[Deviation], value: float | None,
               fee_clauses: list[Clause]) -> Route:
        routing = self.library.playbook.routing
        worst_found = worst(d.severity for d in deviations)
        decision = routing.decide(value or 0, worst_found)
        reasons = list(decision.reasons)
        top = [d for d in deviations if d.severity == worst_found]
        reasons += sorted({f"deviation:{d.rule}" for d in top})[:10]
        warnings = []
        if value is None:
            warnings.append("value_not_given: the contract value was not given; the route rests on the deviations "
                            "alone")
        else:
            amounts = [m.amount for c in fee_clauses for m in t.money(c.text) if m.currency == "USD"]
            if amounts and max(amounts) > Decimal(str(value)):
                warnings.append(f"stated_value_looks_low: the text names ${max(amounts):,.0f}, more than the stated "
                                f"value of ${value:,.0f}; check the value before relying on the route")
        return Route(decision.route, decision.approver, reasons, decision.co_signers, warnings)


_ONE_WAY_ROLES = {"recipient", "receiving party", "discloser", "disclosing party"}


def _confidentiality_direction(doc: Document, clauses: list[Clause], matches: list[ClauseMatch],
                               clause_terms: list[dict[str, Any]], deviations: list[Deviation],
                               library: Library) -> list[Deviation]:
    """Whether confidentiality runs both ways is a fact of the whole agreement, not of one clause.

    A party defined as "the Recipient" in the preamble, or a title saying one-way, makes it one-way; "mutual"
    in the title or "each party may disclose" makes it mutual. A clause alone cannot tell: a mutual NDA also
    speaks of "the Recipient" in each clause.
    """
    rule = "confidentiality.one_way_for_vendor"
    front = doc.text[:3000]
    aliases = {(p.get("alias") or "").casefold() for p in (clause_terms[0].get("parties", []) if clause_terms else [])}
    one_way = bool(aliases & _ONE_WAY_ROLES) or bool(re.search(r"\bone[- ]way\b|\bunilateral\b", front, re.I))
    mutual = bool(re.search(r"\bmutual\b|\b(?:each|either) party (?:may|will|might|wishes to) (?:disclose|share)|"
                            r"\bone party\b[^.]{0,80}\bthe other\b", front, re.I))
    # A buying agreement's confidentiality section says "each party" somewhere when it runs both ways.
    conf_text = " ".join(c.text for c, m in zip(clauses, matches, strict=True) if m.clause_type == "confidentiality")
    mutual = mutual or bool(re.search(r"\b(?:each|either|neither) (?:party|of us)\b|\bboth (?:parties|of us)\b|"
                                      r"\bmutual|\bone (?:party|of us)\b[^.]{0,80}\bthe other\b", conf_text, re.I))
    if mutual and not one_way:
        return [d for d in deviations if d.rule != rule]
    if one_way and not any(d.rule == rule for d in deviations):
        first = next((c for c, m in zip(clauses, matches, strict=True) if m.clause_type == "confidentiality"), None)
        if first is not None:
            ct = library.clause_type("confidentiality")
            flag = ct.red_flag("one_way_for_vendor")
            approved = ct.standard[0].text
            deviations.append(Deviation(
                first.id, ct.id, rule, "red_flag", flag.severity, f"{ct.title}: {flag.description}", _evidence(first),
                approved, _fallback_text(ct, None, flag.id), [],
            ))
    return deviations


# A sentence that says how long the confidentiality duties last, wherever it sits: "The obligations of Recipient
# hereunder shall survive for a period of one (1) year", "the obligations in clause 2 shall continue for eighteen
# months after the end of that period". The agreement's own term ("This Agreement shall continue in force for one
# year") is not one.
_DUTIES_LAST = re.compile(r"(?:obligations?|duties|confidential\w*|non-?disclosure)[^.;]{0,80}?"
                          r"\b(?:surviv\w*|continue|last|remain in (?:force|effect))\b", re.I)


def _confidentiality_term_elsewhere(clauses: list[Clause], matches: list[ClauseMatch],
                                    clause_terms: list[dict[str, Any]], deviations: list[Deviation],
                                    library: Library, value: float | None) -> list[Deviation]:
    """How long confidentiality lasts is often stated in the Term or Survival clause of an NDA, not in the
    confidentiality clause; when the confidentiality clauses state no duration, such a sentence elsewhere is
    judged as theirs (the durations after its verb: "continue for eighteen months")."""
    ct = library.clause_types.get("confidentiality")
    param = next((p for p in ct.parameters if p.name == "survival_years"), None) if ct else None
    if ct is None or param is None or not any(m.clause_type == "confidentiality" for m in matches):
        return deviations
    if any("survival_years" in terms for terms, m in zip(clause_terms, matches, strict=True)
           if m.clause_type == "confidentiality"):
        return deviations  # the confidentiality clause states it: judged there
    for clause, match in zip(clauses, matches, strict=True):
        if match.clause_type not in ("term_and_renewal", "survival") or not _DUTIES_LAST.search(clause.text):
            continue
        for a, b in t.sentence_spans(clause.text):
            verb = _DUTIES_LAST.search(clause.text, a, b)
            found = t.durations(clause.text[verb.end():b]) if verb else []
            if not verb or not found:
                continue
            d = found[0]
            at = verb.end() + d.start  # in the clause
            reading = Reading("survival_years", round(d.days / 365, 1), at, at + len(d.text), d.text)
            start = clause.start + at
            for bound in param.check(reading.value, contract_value=value):
                rule = f"{ct.id}.{bound.rule}"
                if not any(x.rule == rule for x in deviations):
                    deviations = [*deviations, Deviation(
                        clause.id, ct.id, rule, "parameter", bound.severity,
                        _parameter_message(ct, param.name, reading, bound),
                        Evidence(d.text, start, start + len(d.text)), ct.standard[0].text,
                        _fallback_text(ct, None, bound.rule), [],
                    )]
            return deviations
    return deviations


def _whole_draft_positions(clauses: list[Clause], matches: list[ClauseMatch], deviations: list[Deviation],
                           library: Library, contract_type: str, personal_data: bool = False,
                           vendor: str | None = None) -> list[Deviation]:
    """Positions that are facts of the whole agreement, not of one clause: a clause alone cannot tell that the
    draft has no convenience right, or no data-breach carve-out, because either may sit in another clause; and
    an early-exit sum may hide under a heading of another type ("Effect of Termination").

    - No convenience right: the termination clauses allow termination for breach only ("Either party may
      terminate if the other materially breaches" is approved wording on its own), and no clause anywhere gives
      the Customer (or either party) a convenience right.
    - No data-breach carve-out: the draft caps liability, and neither its liability clauses nor any sentence
      excluding something from a limit speaks of data breaches.
    - Liquidated damages on the customer: a clause of any type makes the Customer pay for the rest of the term
      when the agreement ends early.
    - The vendor's own use of the customer's data (training models, other customers) under any heading.
    - No way out of a long force majeure: the draft excuses performance for events beyond control, and neither
      its force majeure clauses nor any sentence about such events elsewhere (a termination clause) lets the
      Customer end the agreement.
    """
    typed: dict[str, list[Clause]] = {}
    for c, m in zip(clauses, matches, strict=True):
        if m.clause_type and m.substantive:
            typed.setdefault(m.clause_type, []).append(c)
    liability = "\n".join(c.text for t in ("limitation_of_liability", "consequential_damages")
                          for c in typed.get(t, []))
    required = {c.id for c in library.required_clause_types(contract_type, personal_data=False)}

    def first_of(type_id: str) -> Clause | None:
        return typed[type_id][0] if type_id in required and typed.get(type_id) else None

    def no_convenience_right() -> Clause | None:
        stated = any(read_parameters(["customer_convenience_termination"], c.text) for c in clauses)
        return None if stated else first_of("termination")

    def no_carve_out() -> Clause | None:
        if not read_parameters(["cap_months_of_fees", "cap_fixed_amount"], liability):
            return None  # no cap to carve data breaches out of
        if read_parameters(["data_breach_carve_out"], liability) or any(_excludes_data_breaches(c.text)
                                                                        for c in clauses) or carved_by_reference():
            return None
        return first_of("limitation_of_liability")

    def carved_by_reference() -> bool:
        # unless a clause about the cap says data breaches stay under it ("Notwithstanding 12.3(c), ...")
        limits = [c for t in ("limitation_of_liability", "consequential_damages") for c in typed.get(t, [])]
        return _carves_out_a_data_section(clauses, matches, limits) and not any(
            r.value is False for c in clauses if _ABOUT_THE_CAP.search(c.text)
            for r in read_parameters(["data_breach_carve_out"], c.text))

    def early_exit_sum() -> Clause | None:
        return next((c for c, m in zip(clauses, matches, strict=True) if m.substantive
                     and m.clause_type != "minimum_commitment"  # there the clause's own reading decides
                     and read_parameters(["customer_liquidated_damages"], c.text)), None)

    def own_use_of_data() -> Clause | None:
        # Every clause with text of its own, the items of an unrecognized section included (they are reported
        # with their parent, so their match is not "substantive").
        return next((c for c in clauses if c.kind not in ("title", "signature") and any(
            r.value is True for r in read_parameters(["vendor_own_use_of_data"], _vendor_as_role(c.text, vendor)[0]))),
            None)

    def no_force_majeure_exit() -> Clause | None:
        relief = typed.get("force_majeure", [])
        if not relief or any(read_parameters(["customer_fm_termination_right"], c.text) for c in relief):
            return None
        own = {c.id for c in relief}
        for c in clauses:
            if c.id in own or not FORCE_MAJEURE.search(c.text):
                continue
            about_events = [c.text[a:b] for a, b in t.sentence_spans(c.text) if FORCE_MAJEURE.search(c.text[a:b])]
            if any(read_parameters(["customer_fm_termination_right"], s) for s in about_events):
                return None
        return relief[0]

    def stated_anywhere(name: str, value: bool = True) -> bool:
        return any(r.value is value for c in clauses for r in read_parameters([name], c.text))

    def breach_notices() -> list[tuple[Clause, str]]:
        """The sentences of the draft that promise to report a breach of data or security, with their clauses."""
        return [(c, c.text[a:b]) for c in clauses if _BREACH_WORDS.search(c.text)
                for a, b in t.sentence_spans(c.text)
                if _BREACH_WORDS.search(c.text, a, b) and _NOTICE_WORDS.search(c.text, a, b)]

    # A position the draft holds somewhere overrules a clause that, read alone, lacks it: "12.3 Termination does
    # not affect accrued rights" reads like the red flag "no convenience right" while 12.2 gives that right.
    held_elsewhere: tuple[tuple[str, str, Callable[[], bool]], ...] = (
        ("termination", "customer_convenience_termination",
         lambda: stated_anywhere("customer_convenience_termination")),
        ("limitation_of_liability", "data_breach_carve_out",
         lambda: any(r.value is True for r in read_parameters(["data_breach_carve_out"], liability))
         or any(_excludes_data_breaches(c.text) for c in clauses) or carved_by_reference()),
        ("force_majeure", "customer_fm_termination_right",
         lambda: bool(typed.get("force_majeure")) and no_force_majeure_exit() is None),
        ("information_security", "security_commitment", lambda: stated_anywhere("security_commitment")),
        ("indemnification", "vendor_ip_indemnity", lambda: stated_anywhere("vendor_ip_indemnity")),
        ("service_levels", "service_credits", lambda: stated_anywhere("service_credits")),
        # the customer owns the deliverables (6.1), and nothing says the vendor does: "Consultant retains its own
        # materials" (6.2) reads like the red flag but is the standard position
        ("intellectual_property", "customer_owns_deliverables", lambda: stated_anywhere("customer_owns_deliverables")
         and not stated_anywhere("customer_owns_deliverables", False)),
        # a time to report a breach read anywhere, a defined "Notification Window" included, is a time stated
        ("data_protection", "breach_notice_time_stated", lambda: any(
            d.rule == _limit_rule(library, "data_protection", "breach_notice_hours") for d in deviations)
         or any(r.value is not None for _, s in breach_notices() for r in read_parameters(["breach_notice_hours"], s))),
        # a successor exception in another assignment clause
        ("assignment", "customer_consent_in_merger", lambda: stated_anywhere("customer_consent_in_merger", False)),
    )
    for type_id, name, held in held_elsewhere:
        rule = _expected_rule(library, type_id, name)
        if rule and any(d.rule == rule for d in deviations) and held():
            deviations = [d for d in deviations if d.rule != rule]

    def untimed_breach_notice() -> Clause | None:
        # The promise to report a breach may sit anywhere (a confidentiality clause's "If something goes wrong");
        # a time stated in any such sentence settles it.
        if not personal_data:
            return None
        untimed = None
        for c, sentence in breach_notices():
            if read_parameters(["breach_notice_hours"], sentence):
                return None
            if untimed is None and read_parameters(["breach_notice_time_stated"], sentence):
                untimed = c
        return untimed

    checks = (
        ("termination", "customer_convenience_termination", no_convenience_right,
         "no clause of this draft lets the Customer terminate for convenience; its termination clauses allow "
         "termination for breach only."),
        ("limitation_of_liability", "data_breach_carve_out", no_carve_out,
         "the cap on liability has no carve-out for data breaches anywhere in this draft, so losses from a breach "
         "of the Customer's data sit under it."),
        ("minimum_commitment", "customer_liquidated_damages", early_exit_sum,
         "the Customer pays for the rest of the term if the agreement ends early: an early-exit sum, whatever "
         "this clause's heading calls it."),
        ("data_protection", "vendor_own_use_of_data", own_use_of_data,
         "the vendor may use the Customer's data for its own ends (training models, its other customers, its own "
         "business), whatever this clause's heading calls it."),
        ("force_majeure", "customer_fm_termination_right", no_force_majeure_exit,
         "no clause of this draft lets the Customer end the agreement however long a force majeure event lasts; "
         "it can only wait for the event to end."),
        ("data_protection", "breach_notice_time_stated", untimed_breach_notice,
         "the vendor promises to report a breach of personal data only \"promptly\" or \"without undue delay\", "
         "with no time stated anywhere in this draft (the playbook wants 48 hours, at most 72)."),
    )
    for type_id, name, find, message in checks:
        rule = _expected_rule(library, type_id, name)
        if rule is None or any(d.rule == rule for d in deviations):
            continue
        clause = find()
        ct = library.clause_types[type_id]
        param = ct.parameter(name)
        if clause is not None and param.expected is not None:
            deviations = [*deviations, Deviation(
                clause.id, ct.id, rule, "parameter", param.expected.severity, f"{ct.title}: {message}",
                _evidence(clause), ct.standard[0].text, _fallback_text(ct, None, param.expected.rule), [],
            )]
    return deviations


def _limits_stated_elsewhere(doc: Document, clauses: list[Clause], matches: list[ClauseMatch],
                             clause_terms: list[dict[str, Any]], deviations: list[Deviation],
                             library: Library) -> list[Deviation]:
    """Money terms split over two places, as order forms and pricing sections split them:

    - "Vendor may adjust the Fees at each renewal" (5.7) with its limit in the next clause ("An adjustment under
      Section 5.7 will not exceed 8%"): a percentage stated in another price clause limits the right.
    - "Subscription Fees for the entire Initial Subscription Term are invoiced in a single installment", the term
      being 36 months: payment in advance for the whole term, its length stated elsewhere.
    """
    uncapped = _expected_rule(library, "price_changes", "increase_capped")
    if uncapped and any(d.rule == uncapped for d in deviations) and any(
            "renewal_increase_percent" in terms for terms, m in zip(clause_terms, matches, strict=True)
            if m.clause_type == "price_changes"):
        deviations = [d for d in deviations if not (d.rule == uncapped and d.kind == "parameter" and d.evidence
                                                    and MAY_REPRICE.fullmatch(d.evidence.text))]
    ct = library.clause_types.get("payment_terms")
    param = next((p for p in ct.parameters if p.name == "advance_payment_months"), None) if ct else None
    if ct is None or param is None or param.max is None or \
            any(d.rule == f"{ct.id}.{param.max.rule}" for d in deviations):
        return deviations
    for clause in clauses:
        low = clause.text.lower()  # a first look: this runs over every clause
        m = _WHOLE_TERM_UPFRONT.search(clause.text) if "term" in low and any(
            w in low for w in ("entire ", "whole ", "full ", "total ")) else None
        if m is None or not _BILLED.search(clause.text, max(0, m.start() - 120), m.end() + 120):
            continue
        term = t.initial_term(doc.text)
        if term is None or not param.check(months := round(term.days * 12 / 365, 1)):
            return deviations
        bound = param.max
        return [*deviations, Deviation(
            clause.id, ct.id, f"{ct.id}.{bound.rule}", "parameter", bound.severity,
            f"{ct.title}: the fees for the whole term are billed at its start, and the term is {months:g} months "
            f"(\"{term.text}\"); the playbook allows at most {bound.value:g} months of fees in advance.",
            Evidence(m.group(0), clause.start + m.start(), clause.start + m.end()), ct.standard[0].text,
            _fallback_text(ct, None, bound.rule), [],
        )]
    return deviations


_WHOLE_TERM = (r"\b(?:entire|whole|full|total)\s+(?:(?:initial|subscription|contract|committed|licen[cs]e|order)\s+)"
               r"{0,3}(?:term|period)\b")
_UPFRONT = r"\b(?:in advance|up-?front|(?:a )?single (?:instal?lment|invoice|payment)|in full|lump sum)\b"
_WHOLE_TERM_UPFRONT = re.compile(rf"{_WHOLE_TERM}[^.;]{{0,120}}?{_UPFRONT}|{_UPFRONT}[^.;]{{0,80}}?{_WHOLE_TERM}", re.I)
_BILLED = re.compile(r"invoic|bill|payabl|\bpa(?:y|id)\b|\bdue\b", re.I)


def _limit_rule(library: Library, type_id: str, name: str) -> str | None:
    """The rule a number of the library breaks ("data_protection.breach_notice_too_late"), or None."""
    ct = library.clause_types.get(type_id)
    param = next((p for p in ct.parameters if p.name == name), None) if ct else None
    bound = (param.max or param.min) if param is not None else None
    return f"{type_id}.{bound.rule}" if bound is not None else None


def _expected_rule(library: Library, type_id: str, name: str) -> str | None:
    """The rule a yes/no position of the library breaks ("termination.no_customer_convenience_termination"), or None
    when the library has no such position (a customer's own library may leave it out)."""
    ct = library.clause_types.get(type_id)
    param = next((p for p in ct.parameters if p.name == name), None) if ct else None
    return f"{type_id}.{param.expected.rule}" if param is not None and param.expected is not None else None


# A breach of data or security, not any breach of contract: "material breach" is in every termination clause.
_BREACH_WORDS = re.compile(r"(?:data|security|personal information)\s+(?:breach|incident)|breach of (?:security|data)|"
                           r"\bincident\b|unauthori[sz]ed", re.I)
_NOTICE_WORDS = re.compile(r"notif|inform|tell|report|let (?:you|the customer|customer|client) know|advise|alert",
                           re.I)


# A sentence anywhere that takes data breaches out of a limit: "Nothing in this clause limits ... for breach of the
# Data Protection clause", "Losses from a Security Incident are not subject to the cap". Found from each mention of
# data breaches, looking for the words of an exception in the same sentence (one pass, no backtracking search).
_DATA_BREACH = re.compile(r"data (?:breach|protection|security)|personal data|(?:security|privacy) (?:incident|breach)|"
                          r"unauthori[sz]ed (?:access|disclosure)", re.I)
_EXCEPTION = re.compile(r"not (?:apply|be subject|limit)|shall not limit|nothing in this [^.;]{0,40}limits?|unlimited|"
                        r"uncapped|excluded from|carve|not (?:be )?(?:subject to|limited by)", re.I)


# "The limits do not apply to ... a breach of Section 7", Section 7 being "Confidentiality and personal data": a
# carve-out by number of a section about personal data is a data-breach carve-out.
_SECTION_REF = re.compile(r"\b(?:sections?|clauses?|terms?|articles?|paragraphs?)\s+(\d+(?:\.\d+)*)"
                          r"((?:\s*(?:,|and|or)\s*(?:sections?|clauses?|terms?)?\s*\d+(?:\.\d+)*)*)", re.I)
_NOT_LIMITED = re.compile(r"(?:do|does|shall|will) not apply|(?:don|doesn|won)['’]t apply|neither limit applies|"
                          r"not (?:limit|be subject)|excluded from|except", re.I)
_ABOUT_THE_CAP = re.compile(r"\b(?:cap|limit|limitation)s?\b", re.I)
_ABOUT_DATA = re.compile(r"personal (?:data|information)|data (?:protection|security|privacy)|privacy|"
                         r"security (?:incident|breach)|information security|(?:customer|client) data|"
                         r"(?:erase|delete|wipe)\w* (?:any |the |all )?(?:\w+ )?data", re.I)


def _carves_out_a_data_section(clauses: list[Clause], matches: list[ClauseMatch], liability: list[Clause]) -> bool:
    by_number = {c.number.rstrip(".").lower(): c for c in clauses if c.number}
    kids: dict[str, list[Clause]] = {}
    for c in clauses:
        if c.parent:
            kids.setdefault(c.parent, []).append(c)
    type_of = {c.id: m.clause_type for c, m in zip(clauses, matches, strict=True)}

    def about_data(c: Clause, depth: int = 0) -> bool:
        if type_of.get(c.id) in ("data_protection", "information_security") or _ABOUT_DATA.search(
                f"{c.heading or ''} {c.text[:400]}"):
            return True
        return depth < 2 and any(about_data(k, depth + 1) for k in kids.get(c.id, []))

    for clause in liability:
        for a, b in t.sentence_spans(clause.text):
            sentence = clause.text[a:b]
            if not _NOT_LIMITED.search(sentence):
                continue
            for m in _SECTION_REF.finditer(sentence):
                numbers = [m.group(1), *re.findall(r"\d+(?:\.\d+)*", m.group(2) or "")]
                if any(n in by_number and by_number[n] is not clause and about_data(by_number[n]) for n in numbers):
                    return True
    return False


def _excludes_data_breaches(text: str) -> bool:
    low = text.lower()
    if "data" not in low and "security" not in low and "unauthori" not in low and "privacy" not in low:
        return False  # a cheap first look: this runs over every clause of a draft
    for m in _DATA_BREACH.finditer(text):
        start = max(text.rfind(".", 0, m.start()), text.rfind(";", 0, m.start())) + 1
        ends = [i for i in (text.find(".", m.end()), text.find(";", m.end())) if i >= 0]
        window = (max(start, m.start() - 200), min(ends, default=len(text)))
        if _EXCEPTION.search(text, *window) and not STILL_CAPPED.search(text, *window):
            return True  # not "shall count towards the cap and shall not be treated as excluded from it"
        # an item of a list whose lead-in is the exception: "do not apply to: (a) ...; (c) ... any Privacy Breach"
        sentence = text.rfind(". ", 0, m.start()) + 1
        colon = text.find(":", sentence, m.start())
        if colon > 0 and _EXCEPTION.search(text, sentence, colon) and not STILL_CAPPED.search(text, *window):
            return True
    return False


def _unrecognized(clause: Clause, rule: RecognitionRule, vendor: str | None = None,
                  forbidden: bool = False) -> Deviation:
    """A clause no type fits: flagged when its words carry a one-sided term, else shown as routine."""
    cue = None if forbidden else one_sided_cue(clause.text, vendor)
    if cue is not None or rule.routine_severity is None:
        why = f' Its words "{cue.group(0)}" mark a one-sided term.' if cue else ""
        return Deviation(clause.id, None, rule.reason, "unrecognized", rule.severity,
                         "This clause matches no clause type in the library: a term the playbook does not cover."
                         f"{why} Read it before accepting.", _evidence(clause), None, None, [])
    return Deviation(clause.id, None, rule.reason, "unrecognized", rule.routine_severity,
                     "This clause matches no clause type in the library, and none of its words marks a one-sided "
                     "term (a right without notice, a suspension, a waiver, a perpetual grant). Shown for "
                     "awareness: skim it.", _evidence(clause), None, None, [])


def _tucked_in_terms(clauses: list[Clause], matches: list[ClauseMatch], deviations: list[Deviation],
                     library: Library, vendor: str | None = None) -> list[Deviation]:
    """A novel term inside a clause whose type the playbook does not regulate (a benchmark ban ending the use
    restrictions, a perpetual licence to feedback inside the grant, a promise not to criticise the vendor in the
    general terms): the clause's type passes, so the term is flagged as the playbook's novel terms are. So is one
    inside a clause worded unlike any known position of its type (a ban on criticising the vendor placed near the
    publicity clauses)."""
    flagged = {d.clause_id for d in deviations if d.severity != "info"}
    rule = library.playbook.unrecognized
    out = list(deviations)
    for clause, match in zip(clauses, matches, strict=True):
        if clause.id in flagged or not match.substantive or match.clause_type is None:
            continue
        ct = library.clause_type(match.clause_type)
        loose = ct.policy_row is None or match.position == "non_standard"
        found = tucked_in_term(clause.text, vendor) if loose else None
        if found is None:
            continue
        a, b = next(((a, b) for a, b in t.sentence_spans(clause.text) if a <= found.start() < b),
                    (found.start(), found.end()))
        out.append(Deviation(
            clause.id, None, rule.reason, "unrecognized", rule.severity,
            f'Inside a clause of a known kind ({ct.title}), a term the playbook does not cover: "{found.group(0)}". '
            "Read it before accepting.",
            Evidence(clause.text[a:b], clause.start + a, clause.start + b), None, None, []))
    return out


def _unrecognized_by_section(deviations: list[Deviation], clauses: list[Clause], matches: list[ClauseMatch],
                             doc: Document) -> list[Deviation]:
    """Unrecognized items of one section, reported once for the section.

    A draft written one short sentence per numbered item ("3.4 Pelagic will not replace the lead consultant
    without ten days' notice.") gives each item too little text to place; under a heading-only section ("3.
    SERVICES AND PEOPLE") a flag per item buries the reviewer in flags for one part of the draft. Two or more
    unrecognized items of the same heading-only section become one flag that names them, with the section's
    span from the first to the last as evidence.
    """
    # An item a whole-draft check has already flagged (the vendor's own use of data under "Learning and insights")
    # is explained by that flag: no second one for matching no clause type.
    explained = {d.clause_id for d in deviations if d.kind != "unrecognized" and d.severity != "info" and d.clause_id}
    deviations = [d for d in deviations if d.kind != "unrecognized" or d.clause_id not in explained]
    by_id = {c.id: (c, m) for c, m in zip(clauses, matches, strict=True)}
    groups: dict[tuple[str, str], list[Deviation]] = {}  # by section and severity: a one-sided item stands out
    for d in deviations:
        clause, _ = by_id.get(d.clause_id or "", (None, None))
        if d.kind != "unrecognized" or clause is None or clause.parent is None:
            continue
        parent = by_id.get(clause.parent)
        if parent is not None and not parent[1].substantive:
            groups.setdefault((clause.parent, d.severity), []).append(d)
    grouped = {id(d) for members in groups.values() if len(members) > 1 for d in members}
    out = [d for d in deviations if id(d) not in grouped]
    for (parent_id, _), members in groups.items():
        if len(members) < 2:
            continue
        section = by_id[parent_id][0]
        items = [by_id[d.clause_id or ""][0] for d in members]
        start, end = min(c.start for c in items), max(c.end for c in items)
        name = " ".join(x for x in (section.number, section.heading) if x) or "this section"
        numbers = ", ".join(c.number or c.id for c in items)
        first = members[0]
        advice = ("None reads as a one-sided term; shown for awareness." if first.severity == "info"
                  else "Read them before accepting.")
        out.append(replace(first, message=(
            f"{len(items)} items of {name} ({numbers}) match no clause type in the library: terms the playbook does "
            f"not cover. {advice}"), evidence=Evidence(doc.text[start:end], start, end)))
    return out


def _one_per_rule(deviations: list[Deviation]) -> list[Deviation]:
    """One deviation per rule in a draft (the first, by severity then position): a lawyer fixes a rule once.

    Unrecognized and outside-policy clauses are each their own finding.
    """
    seen: set[str] = set()
    out = []
    for d in deviations:
        if d.kind in ("unrecognized", "outside_policy"):
            out.append(d)
        elif d.rule not in seen:
            seen.add(d.rule)
            out.append(d)
    return out


def _inherit_from_parents(clauses: list[Clause], matches: list[ClauseMatch]) -> list[ClauseMatch]:
    """A sub-clause the library cannot place on its own belongs to its parent's clause.

    "(b) is received lawfully from a third party" is part of a confidentiality clause, not a novel term; and
    the items of an unrecognized clause are reported once, with their parent.
    """
    index = {c.id: i for i, c in enumerate(clauses)}
    out = list(matches)
    for i, clause in enumerate(clauses):
        if not out[i].substantive or out[i].clause_type is not None or clause.parent is None:
            continue
        j = index.get(clause.parent)
        while j is not None and not out[j].substantive:
            parent = clauses[j].parent
            j = index.get(parent) if parent else None
        if j is None:
            continue
        parent_match = out[j]
        out[i] = ClauseMatch(parent_match.clause_type, None, out[i].similarity, parent_match.confidence, None,
                             None, parent_match.clause_type is not None)
    return out


def _follow_references(clauses: list[Clause], matches: list[ClauseMatch]) -> list[ClauseMatch]:
    """An item the library cannot place that names one clause of its own section is about that clause.

    "16.2 If either of us hires such a person in breach of 16.1, that party will pay a placement fee" is too short
    to place, but it completes 16.1 (non-solicitation): it takes 16.1's type and is assessed as a clause of that
    type, so its hiring fee is read. Only a single reference within the same top-level section counts ("Sections
    7, 8 and 11 survive termination" names no one clause). An item that names its own section ("11.5 How long.
    Each of us must comply with this Section 11 ... for one (1) year afterwards") takes the type most of its
    siblings share, when most of them share one.
    """
    by_number = {c.number.rstrip("."): i for i, c in enumerate(clauses) if c.number}
    siblings: dict[str, list[int]] = {}
    for i, c in enumerate(clauses):
        if c.parent:
            siblings.setdefault(c.parent, []).append(i)
    out = list(matches)
    for i, clause in enumerate(clauses):
        if not out[i].substantive or out[i].clause_type is not None or not clause.number:
            continue
        own = clause.number.rstrip(".")
        section = own.split(".")[0]
        named = {n for n in _CLAUSE_NUMBER.findall(clause.text[len(clause.number):])
                 if n != own and n.split(".")[0] == section and n in by_number}
        if not named and clause.parent and re.search(rf"\b(?:this|these)\s+(?:section|clause|article)\s+{section}\b",
                                                     clause.text, re.I):
            types = Counter(out[j].clause_type for j in siblings.get(clause.parent, [])
                            if j != i and out[j].substantive)
            common, count = types.most_common(1)[0] if types else (None, 0)
            if common is not None and count > sum(types.values()) / 2:
                out[i] = replace(out[i], clause_type=common, position="non_standard", nearest_approved=None)
            continue
        if len(named) != 1:
            continue
        j = by_number[named.pop()]
        target = out[j]
        if target.clause_type is None or not target.substantive:
            continue
        out[i] = ClauseMatch(target.clause_type, "non_standard", out[i].similarity, target.confidence, None,
                             target.nearest_approved, True)
    return out


_CLAUSE_NUMBER = re.compile(r"(?<![\d.$,])(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)(?![\d%]|\.\d)")


def _with_redlines(deviations: list[Deviation], clauses: list[Clause]) -> list[Deviation]:
    """Each deviation with its redline from the vendor clause to the library text it was compared with.

    Drawn only for the deviations a review keeps (a rule flagged twice is reported once), and once per clause
    and library text: the redlines were most of a re-assessment's time.
    """
    by_id = {c.id: c for c in clauses}
    drawn: dict[tuple[str, str], list[dict[str, str]]] = {}
    out = []
    for d in deviations:
        clause = by_id.get(d.clause_id) if d.clause_id else None
        if clause is None or d.library_text is None or d.kind not in _REDLINED_KINDS:
            out.append(d)
            continue
        key = (clause.id, d.library_text)
        if key not in drawn:
            drawn[key] = redline(_body(clause), d.library_text)
        out.append(replace(d, redline=[dict(run) for run in drawn[key]]))
    return out


_REDLINED_KINDS = frozenset({"parameter", "red_flag", "non_standard"})


@dataclass(frozen=True)
class Definition:
    """A defined term whose definition states a quantity: "Availability Target" means 99.25%."""

    term: str
    start: int  # of the definition, in the document
    text: str


# "X" means / shall mean ... up to the end of its sentence or of its item in a list of definitions
_DEFINES = re.compile(r"[\"“]([A-Z][^\"”\n]{1,50})[\"”]\s+(?:means|shall mean|will mean|is defined as|refers to)\b"
                      r"[^;\n]*?(?=;|\.(?:\s|$)|\n|$)")


def _quantity_definitions(clauses: list[Clause]) -> tuple[Definition, ...]:
    """The definitions of the draft that state a number or a period, wherever they sit (a definitions clause, an
    exhibit's own definitions): a clause that uses the term ("will be equal to or greater than the Availability
    Target", "until the end of the Confidentiality Period") is read with them."""
    found = []
    for c in clauses:
        if c.kind in ("title", "signature"):
            continue
        if "mean" in c.text:
            for m in _DEFINES.finditer(c.text):
                if _states_quantity(m.group(0)) or "anniversary" in m.group(0).lower():
                    found.append(Definition(m.group(1).strip(), c.start + m.start(), m.group(0)))
        if "Item" in c.text:  # a schedule of details: "Item 8. Liability Cap" over its value, used by either name
            for m in _DETAILS_ITEM.finditer(c.text):
                if _states_quantity(m.group("value")):
                    at, words = c.start + m.start("term"), m.group(0)[m.start("term") - m.start():]
                    found += [Definition(m.group("term").strip(), at, words), Definition(f"Item {m.group('n')}", at,
                                                                                           words)]
    return tuple(found)


_DETAILS_ITEM = re.compile(r"(?m)^Item\s+(?P<n>\d{1,2})\.?[ \t]+(?P<term>[A-Z][^\n]{1,50}?)(?:\n|\.[ \t]+)"
                           r"(?P<value>[^\n]+)")


def _read_in_definitions(clause: Clause, text: str, unread: list[str],
                         definitions: tuple[Definition, ...]) -> list[Reading]:
    """The parameters ``unread`` in the clause's own words, read in the definitions of the terms it uses; the
    offsets are relative to the clause (the evidence is the definition, wherever it sits)."""
    used = [d for d in definitions if d.term in text and not clause.start <= d.start < clause.end]
    if not used or not unread:
        return []
    joined, at = text, []
    for d in used:
        at.append((len(joined) + 1, d))
        joined += "\n" + d.text
    out = []
    for r in read_parameters(unread, joined):
        spans = [(base, d) for base, d in at if base <= r.start]
        if not spans:
            continue  # read in the clause's own words after all
        base, d = spans[-1]
        start = d.start - clause.start + r.start - base
        out.append(Reading(r.name, r.value, start, start + r.end - r.start, r.text))
    return out


# A list's lead-in that forbids what follows: "5.1 Quillmate will not:", "The Supplier shall not:".
_FORBIDS = re.compile(r"\b(?:shall|will|must|may|agrees? to)\s+not\b|\bwon['’]t\b|\bnever\b|\bnot to\b", re.I)


def _items_the_vendor_forbids_itself(clauses: list[Clause]) -> set[str]:
    """The items of each list whose lead-in has anyone but the customer promise not to do them."""
    by_id = {c.id: c for c in clauses}
    out = set()
    for c in clauses:
        parent = by_id.get(c.parent or "")
        lead = parent.text.rstrip() if parent is not None else ""
        if not lead.endswith(":"):
            continue
        last = lead.rsplit("\n", 1)[-1]
        m = _FORBIDS.search(last)
        if m and not CUSTOMER.search(re.sub(r"^[\d.()\s]+", "", last[:m.start()])):
            out.add(c.id)
    return out


def _needs_quantity(ct: ClauseType, flag: RedFlag) -> str | None:
    """The kind of number (percent, period, money, hours) a red flag needs, when it breaks a minimum or maximum
    of ``ct`` and every known wording of it states that number (a warranty period "for thirty (30) days", an
    increase of "eight percent (8%)"); None for a position some wording states without one ("insurance in
    amounts we consider reasonable")."""
    kinds = {_QUANTITY_OF.get(p.type, "any") for p in ct.parameters for bound_kind, b in p.bounds()
             if bound_kind in ("min", "max") and b.rule == flag.id}
    kind = kinds.pop() if len(kinds) == 1 else "any" if kinds else None
    return kind if kind and _all_state_quantities(tuple(v.text for v in flag.texts), kind) else None


_QUANTITY_OF = {"percent": "percent", "days": "period", "months": "period", "years": "period",
                "months_of_fees": "period", "money": "money", "hours": "hours"}


@lru_cache(maxsize=512)
def _all_state_quantities(texts: tuple[str, ...], kind: str) -> bool:
    return all(_states_quantity(text, kind) for text in texts)


def _states_quantity(text: str, kind: str = "any") -> bool:
    """Whether ``text`` states a number of that kind: a repricing clause with a notice period but no percentage
    states no increase to weigh against a cap."""
    found = {
        "percent": lambda: bool(t.percentages(text)),
        "period": lambda: bool(t.durations(text)),
        "money": lambda: bool(t.money(text)),
        "hours": lambda: bool(t.durations(text)) or any(h.value is not None for h in t.hours(text)),
    }
    if kind in found:
        return found[kind]()
    return any(test() for test in found.values())


def _body(clause: Clause) -> str:
    """The clause text without its number (the redline compares wording, not numbering)."""
    text = clause.text
    if clause.number and text.startswith(clause.number):
        text = text[len(clause.number):]
    return text.strip()


def _evidence(clause: Clause) -> Evidence:
    return Evidence(clause.text, clause.start, clause.end)


def _fallback_text(ct: ClauseType, match: ClauseMatch | None, rule: str | None = None) -> str | None:
    """The approved fallback that answers a deviation, in the drafting style of the nearest approved variant.

    For a rule that a parameter's bound judges (``payment_days_too_short``, or a red flag paired with a bound),
    only a fallback that sets that parameter answers it: none for a position no fallback softens (the vendor
    training models on customer data), where the standard language is the only answer. A rule with no
    parameter, or no rule (non-standard wording, a missing clause), takes the clause type's first fallback.
    """
    fallbacks = ct.fallbacks
    judged = {p.name for p in ct.parameters for _, b in p.bounds() if rule and b.rule == rule}
    if judged:
        fallbacks = [f for f in fallbacks if judged & set(f.values)]
    if not fallbacks:
        return None
    texts = fallbacks[0].texts
    style = match.nearest_approved.style if match and match.nearest_approved else None
    return next((v.text for v in texts if v.style == style), texts[0].text)


def _parameter_message(ct: ClauseType, name: str, reading: Reading, bound: Bound) -> str:
    param = ct.parameter(name)
    if isinstance(bound, Expected):
        said = "yes" if reading.value else "no"
        return (f"{ct.title}: {param.description} The draft reads as {said} (\"{reading.text}\"); the playbook "
                f"requires {'yes' if bound.value else 'no'}.")
    unit = f" {param.unit}" if param.unit else ""
    value = int(reading.value) if isinstance(reading.value, float) and reading.value.is_integer() else reading.value
    if isinstance(bound, Allowed):
        limit = "one of " + ", ".join(bound.values)
    else:
        figure = bound.value if isinstance(bound, Limit) and bound.value is not None else "the contract value"
        limit = f"at least {figure}" if bound is param.min else f"at most {figure}"
    preferred = f" (preferred: {param.preferred})" if isinstance(param.preferred, int | float) else ""
    return f"{ct.title}: {param.description} The draft says {value}{unit} (\"{reading.text}\"); the playbook " \
           f"requires {limit}{preferred}."


def _vendor_short_name(clauses: list[Clause]) -> str | None:
    """The vendor's defined short name ("Pelagic", "Tamarind Row") when the preamble gives it one and calls the
    other party by its role ("Customer", "Client", "you"); None when both are names or both are roles."""
    front = "\n".join(c.text for c in clauses[:3] if c.kind in ("title", "preamble"))
    if not front:
        return None
    aliases = [re.sub(r"^the\s+", "", p.alias, flags=re.I).strip() for p in t.parties(front) if p.alias]
    roles = [a for a in aliases if CUSTOMER.fullmatch(a)]
    names = [a for a in aliases if not CUSTOMER.fullmatch(a) and not VENDOR.fullmatch(a) and a[:1].isupper()
             and a.lower() not in _OTHER_ROLES]
    return names[0] if len(roles) == 1 and len(names) == 1 else None


_OTHER_ROLES = {"recipient", "discloser", "disclosing party", "receiving party", "agency", "company", "party"}


def _vendor_as_role(text: str, vendor: str | None) -> tuple[str, Callable[[int, int], tuple[int, int]]]:
    """``text`` with the vendor's short name written "Vendor", and a map from its offsets back to ``text``'s."""
    found = list(re.finditer(r"\b" + re.escape(vendor) + r"\b", text)) if vendor else []
    if not found:
        return text, lambda a, b: (a, b)
    pieces, old_at, pos = [], [], 0
    for m in found:
        pieces += [text[pos:m.start()], "Vendor"]
        old_at += list(range(pos, m.start()))
        old_at += [m.start() + k for k in range(5)] + [m.end() - 1]
        pos = m.end()
    pieces.append(text[pos:])
    old_at += list(range(pos, len(text)))
    old_at.append(len(text))  # the end of the text maps to the end

    def to_clause(a: int, b: int) -> tuple[int, int]:
        return old_at[a], (old_at[b - 1] + 1 if b > a else old_at[a])

    return "".join(pieces), to_clause


def _preamble_terms(text: str) -> dict[str, Any]:
    parties = [p.to_dict() for p in t.parties(text)]
    dates = [d.to_dict() for d in t.dates(text)]
    return {"parties": [{"name": p["name"], "alias": p["alias"]} for p in parties],
            "dates": [{"value": d["value"], "label": d["label"]} for d in dates]}
