"""What the pages make of a stored review (the ``vetted review --json`` shape): the route's reasons in plain
words, the document cut into clauses coloured by their worst deviation, and the deviations in reading order."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review_service.library.schema import worst
from review_service.repository.models import SEVERITIES

SEVERITY_ORDER = SEVERITIES  # least to most severe
RANK = {s: i for i, s in enumerate(SEVERITY_ORDER)}
DECISION_NAMES = {"accept": "Accepted", "reject": "Rejected", "fallback": "Fallback offered"}


@functools.lru_cache(maxsize=4)
def _load_thresholds(folder: str, stamp: int) -> dict[str, float]:
    from review_service.library import load_library

    try:
        return dict(load_library(Path(folder)).playbook.routing.thresholds)
    except Exception:  # the reasons still read without the amounts
        return {}


def _thresholds(library_dir: Path | None) -> dict[str, float]:
    """The playbook's routing thresholds, read again when the playbook file changes (admins edit them)."""
    from review_service.library.loader import default_library_dir

    folder = Path(library_dir) if library_dir else default_library_dir()
    try:
        stamp = (folder / "playbook.yaml").stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _load_thresholds(str(folder), stamp)


def _amount(thresholds: dict[str, float], name: str) -> str:
    value = thresholds.get(name)
    return f"${value:,.0f}" if value is not None else "the playbook's threshold"


def plain_reasons(route: dict[str, Any] | None, deviations: list[dict[str, Any]], *,
                  library_dir: Path | None = None, short: bool = False) -> list[str]:
    """The route's reason codes as sentences a buyer understands: which rule sent it where, and the deviations
    that decided it (their own messages; ``short``: only the clause each is about, in one line)."""
    if not route:
        return []
    t = _thresholds(library_dir)
    by_rule = {d.get("rule"): d for d in deviations}
    words = {
        "senior_legal_review": "Goes to the general counsel (senior legal review).",
        "legal_review": "Goes to your legal partner for review.",
        "legal_review_medium": "Goes to your legal partner for review.",
        "self_serve": "Self-serve: procurement may approve it without legal.",
        "critical_deviation": "It has a critical deviation from the playbook.",
        "high_deviation": "It has a high-severity deviation from the playbook.",
        "medium_deviation": "It has a medium-severity deviation from the playbook.",
        "value_at_senior_legal_threshold": f"Its value is at least {_amount(t, 'senior_legal_value')}.",
        "value_at_legal_threshold": f"Its value is at least {_amount(t, 'legal_value')}.",
        "value_at_medium_threshold": f"Its value is at least {_amount(t, 'medium_legal_value')} and it has a "
                                     "medium deviation.",
        "finance_cosign_above_threshold": f"Finance co-signs: the value is above "
                                          f"{_amount(t, 'finance_cosign_above')}.",
        "within_self_serve_limits": "Nothing in it needs legal: only low or informational deviations, or a small "
                                    "contract.",
    }
    out = []
    if short:
        codes = [c for c in route.get("reasons", []) if not c.startswith("deviation:") and c not in _RULES]
        out = [words.get(c, c.replace("_", " ").capitalize() + ".") for c in codes]
        about = [str(by_rule[c[10:]]["message"]).split(":", 1)[0] for c in route.get("reasons", [])
                 if c.startswith("deviation:") and c[10:] in by_rule]
        if about and route.get("route") != "self_serve":
            out.append("Deciding: " + ", ".join(dict.fromkeys(about)) + ".")
        return out
    for code in route.get("reasons", []):
        if code.startswith("deviation:"):
            found = by_rule.get(code.split(":", 1)[1])
            out.append(f"Deciding deviation: {found['message']}" if found else f"Deciding deviation: {code[10:]}")
        else:
            out.append(words.get(code, code.replace("_", " ").capitalize() + "."))
    for warning in route.get("warnings", []):
        out.append("Check: " + warning.split(": ", 1)[-1])
    return out


# Reason codes that only name the routing rule (the route badge says as much).
_RULES = frozenset({"senior_legal_review", "legal_review", "legal_review_medium", "self_serve"})


@dataclass
class Segment:
    """A run of the document: a clause (with its deviations) or the text between clauses."""

    text: str
    clause_id: str | None = None
    heading: str | None = None
    clause_type: str | None = None
    severity: str | None = None
    deviation_ids: list[int] = field(default_factory=list)
    # (before, marked, after) around the first deviation's evidence, when it lies inside the clause.
    parts: tuple[str, str, str] | None = None


def segments(text: str, clauses: list[dict[str, Any]], deviations: list[dict[str, Any]]) -> list[Segment]:
    """The document as clauses in reading order, each carrying its worst deviation's severity; the evidence of
    the worst deviation is marked inside its clause. A deviation belongs to its clause and to every clause its
    evidence covers: a value read in a definition marks the definition, a flag for a section's unplaced items
    colours each item."""
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for d in deviations:
        ids = [d["clause_id"]] if d.get("clause_id") else []
        evidence = d.get("evidence")
        if evidence:
            ids += [c["id"] for c in clauses if c["id"] not in ids
                    and int(c["start"]) < evidence["end"] and evidence["start"] < int(c["end"])]
        for clause_id in ids:
            by_clause.setdefault(clause_id, []).append(d)
    out: list[Segment] = []
    pos = 0
    for c in sorted(clauses, key=lambda c: c["start"]):
        start, end = int(c["start"]), int(c["end"])
        if start < pos:  # overlapping spans: show the text once
            continue
        if text[pos:start].strip():  # blank lines between clauses: the clauses are blocks already
            out.append(Segment(text[pos:start].strip("\n")))
        devs = sorted(by_clause.get(c["id"], []), key=lambda d: -RANK.get(d.get("severity", "info"), 0))
        severity = worst(d["severity"] for d in devs if d.get("severity") in RANK)
        seg = Segment(text[start:end], clause_id=c["id"], heading=c.get("heading"),
                      clause_type=c.get("clause_type"), severity=severity,
                      deviation_ids=[d["id"] for d in devs if d.get("id") is not None])
        inside = [d["evidence"] for d in devs if d.get("evidence")
                  and start <= d["evidence"]["start"] < d["evidence"]["end"] <= end]
        evidence = inside[0] if inside else None
        # Mark the words that broke the rule; not a whole clause (a red flag's evidence often is one).
        if evidence and evidence["end"] - evidence["start"] < 0.6 * (end - start):
            a, b = evidence["start"] - start, evidence["end"] - start
            seg.parts = (seg.text[:a], seg.text[a:b], seg.text[b:])
        out.append(seg)
        pos = end
    if text[pos:].strip():
        out.append(Segment(text[pos:].strip("\n")))
    return out


def ordered_deviations(deviations: list[dict[str, Any]], clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Worst first, then in reading order (missing clauses, which have no place, last within their severity)."""
    where = {c["id"]: int(c["start"]) for c in clauses}
    return sorted(deviations, key=lambda d: (-RANK.get(d.get("severity", "info"), 0),
                                             where.get(d.get("clause_id") or "", 10**9)))
