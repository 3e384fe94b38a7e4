"""Version comparison: the redline between two reviewed versions of a contract, each change classified minor or
substantive as POLICY.md defines it.

A change is *substantive* when it moves a clause position, a parameter value, or adds or removes a clause;
otherwise (a contact name, an address, a delivery date, a typo) it is *minor*. Concretely, from the two stored
reviews:

- clauses are aligned by their normalised text (difflib over the clause sequence); an unchanged clause is no
  change at all; clauses inside a replaced run are paired by clause type and number, then by wording;
- a modified clause is substantive when its clause type, its position (standard / fallback / red flag /
  non-standard) or any parameter reading (``terms``: days, months, money, jurisdictions..., dates excepted)
  differs, or when the deviations found in it differ;
- an added or removed clause is substantive when it carries a clause type, a parameter reading or a deviation
  (a title line or a bare contact block does not);
- the whole comparison is substantive when any change is, or when the two reviews' deviation rules differ
  (a required clause that went missing has no clause to point at).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from typing import Any

from review_service.review.redline import redline

# Readings that are not clause positions: a delivery or effective date moving is a minor change (POLICY.md).
_NOT_PARAMETERS = frozenset({"dates"})


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _ref(clause: dict[str, Any] | None) -> dict[str, Any] | None:
    if clause is None:
        return None
    return {"id": clause["id"], "number": clause.get("number"), "heading": clause.get("heading"),
            "clause_type": clause.get("clause_type"), "position": clause.get("position")}


def _parameters(clause: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (clause.get("terms") or {}).items() if k not in _NOT_PARAMETERS}


def _rules_by_clause(result: dict[str, Any]) -> dict[str | None, set[str]]:
    found: dict[str | None, set[str]] = defaultdict(set)
    for d in result.get("deviations", []):
        found[d.get("clause_id")].add(f"{d['rule']}:{d['severity']}")
    return found


def _similarity(a: dict[str, Any], b: dict[str, Any]) -> float:
    return difflib.SequenceMatcher(a=_norm(a["text"]).split(), b=_norm(b["text"]).split(), autojunk=False).ratio()


def _pair(old: list[dict[str, Any]], new: list[dict[str, Any]]
          ) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """Pair the clauses of a replaced run: same clause type and number first, then the most similar wording
    (at least half the words alike); the rest are removed or added."""
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
    left = list(range(len(old)))
    right = list(range(len(new)))
    for i in list(left):
        for j in right:
            a, b = old[i], new[j]
            if a.get("clause_type") and a.get("clause_type") == b.get("clause_type") and \
                    a.get("number") == b.get("number"):
                pairs.append((a, b))
                left.remove(i)
                right.remove(j)
                break
    candidates = sorted(((_similarity(old[i], new[j]), i, j) for i in left for j in right), reverse=True)
    for score, i, j in candidates:
        if score < 0.5:
            break
        if i in left and j in right:
            pairs.append((old[i], new[j]))
            left.remove(i)
            right.remove(j)
    pairs += [(old[i], None) for i in left]
    pairs += [(None, new[j]) for j in right]
    return pairs


def _weighty(clause: dict[str, Any], rules: dict[str | None, set[str]]) -> bool:
    return bool(clause.get("clause_type") or _parameters(clause) or rules.get(clause["id"]))


def compare_results(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The changes from one review result (``Review.to_dict()`` shape) to another, classified."""
    old, new = before.get("clauses", []), after.get("clauses", [])
    old_rules, new_rules = _rules_by_clause(before), _rules_by_clause(after)
    matcher = difflib.SequenceMatcher(a=[_norm(c["text"]) for c in old], b=[_norm(c["text"]) for c in new],
                                      autojunk=False)
    pairs: list[tuple[dict[str, Any] | None, dict[str, Any] | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs += _pair(old[i1:i2], new[j1:j2])
    changes = []
    for a, b in pairs:
        reasons: list[str] = []
        if a is not None and b is not None:
            kind = "modified"
            if a.get("clause_type") != b.get("clause_type"):
                reasons.append("clause_type_changed")
            elif a.get("position") != b.get("position"):
                reasons.append("position_changed")
            pa, pb = _parameters(a), _parameters(b)
            reasons += [f"parameter_changed:{k}" for k in sorted(set(pa) | set(pb)) if pa.get(k) != pb.get(k)]
            if old_rules.get(a["id"], set()) != new_rules.get(b["id"], set()):
                reasons.append("deviations_changed")
            runs = redline(a["text"], b["text"])
            if all(r["op"] == "equal" for r in runs):
                continue  # only whitespace or line breaks moved
        elif b is not None:
            kind, runs = "added", [{"op": "insert", "text": " ".join(b["text"].split())}]
            if _weighty(b, new_rules):
                reasons.append("clause_added")
        else:
            assert a is not None
            kind, runs = "removed", [{"op": "delete", "text": " ".join(a["text"].split())}]
            if _weighty(a, old_rules):
                reasons.append("clause_removed")
        changes.append({"change": kind, "classification": "substantive" if reasons else "minor",
                        "reasons": reasons, "before": _ref(a), "after": _ref(b), "redline": runs})
    old_set = {f"{d['rule']}:{d['severity']}" for d in before.get("deviations", [])}
    new_set = {f"{d['rule']}:{d['severity']}" for d in after.get("deviations", [])}
    added, removed = sorted(new_set - old_set), sorted(old_set - new_set)
    if any(c["classification"] == "substantive" for c in changes) or added or removed:
        overall = "substantive"
    elif changes:
        overall = "minor"
    else:
        overall = "identical"
    return {"classification": overall, "changes": changes, "deviations_added": added,
            "deviations_removed": removed}
