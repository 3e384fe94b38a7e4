"""Which clause type a vendor clause is, and which position it takes: the library match.

Evidence, in the order it is trusted:

1. the clause's heading, or its nearest ancestor's ("9.3 Limitation of Liability", "ARTICLE 7 FEES"),
   compared with each clause type's usual headings;
2. the nearest library variants in the FAISS index (cosine similarity of all-MiniLM-L6-v2 embeddings),
   aggregated per clause type;
3. for the position, the nearest variant of the chosen type: standard, fallback or red flag, or
   ``non_standard`` when no variant of that type is close.

A substantive clause that neither a heading nor a close variant places is ``unrecognized``: a novel term
is never silently passed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import numpy as np

from review_service.ingest.segment import Clause
from review_service.library import Library, LibraryText
from review_service.matching.index import ClauseIndex, Hit

MatchPosition = Literal["standard", "fallback", "red_flag", "non_standard"]

# Clause kinds that are structure, not terms: never typed, never unrecognized.
STRUCTURAL_KINDS = frozenset({"title", "preamble", "recital", "signature"})

# Thresholds on cosine similarity, measured on the corpus labels and CUAD (see eval/).
TYPE_THRESHOLD = 0.60  # the nearest variant of a type without heading support
HEADING_TYPE_THRESHOLD = 0.30  # the nearest variant of the type the heading names
POSITION_THRESHOLD = 0.55  # below this, the clause is of the type but in no known position
HEADING_BONUS = 0.15  # the heading is one of the type's usual headings
PARTIAL_HEADING_BONUS = 0.08  # the heading contains one ("Limitation of Liability and Indemnity")
RED_FLAG_BAND = 0.04  # red flags within this of the nearest variant count too
MIN_BODY_CHARS = 25


@dataclass(frozen=True, slots=True)
class ClauseMatch:
    clause_type: str | None  # None: unrecognized (or structural, see ``substantive``)
    position: MatchPosition | None
    similarity: float  # cosine to the nearest variant of the chosen type
    confidence: float  # 0..1
    nearest: LibraryText | None  # nearest variant of the chosen type
    nearest_approved: LibraryText | None  # nearest standard or fallback variant of the chosen type
    substantive: bool  # False for titles, recitals, signatures, headings alone
    # Every red flag of the chosen type the clause comes close to: one clause may take several positions
    # ("Vendor may assign freely; Customer needs consent even in a merger").
    red_flags: tuple[LibraryText, ...] = ()


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", " ", s.casefold()).split())


class Classifier:
    def __init__(self, library: Library, index: ClauseIndex) -> None:
        self.library = library
        self.index = index
        # Heading words → clause types. Exact normalised headings first, then contained phrases.
        self.headings: dict[str, set[str]] = defaultdict(set)
        for ct in library.clause_types.values():
            for h in [ct.title, *ct.headings]:
                self.headings[_norm(h)].add(ct.id)

    def heading_types(self, heading: str | None) -> dict[str, float]:
        """Clause types the heading names, with the bonus each gets."""
        if not heading:
            return {}
        h = _norm(heading)
        if not h:
            return {}
        if h in self.headings:
            return dict.fromkeys(self.headings[h], HEADING_BONUS)
        found: dict[str, float] = {}
        for known, types in self.headings.items():
            # "Limitation of Liability and Indemnity" names both; a one-word heading must match whole.
            if len(known) >= 5 and re.search(rf"\b{re.escape(known)}\b", h):
                found.update(dict.fromkeys(types, PARTIAL_HEADING_BONUS))
        return found

    @staticmethod
    def is_substantive(clause: Clause) -> bool:
        if clause.kind in STRUCTURAL_KINDS:
            return False
        body = clause.text
        if clause.number:
            body = body[len(clause.number):] if body.startswith(clause.number) else body
        if clause.heading:
            body = body.replace(clause.heading, "", 1)
        return len(body.strip(" .:-–—\n\t")) >= MIN_BODY_CHARS

    def classify(self, clauses: list[Clause], vectors: np.ndarray, *, k: int = 24) -> list[ClauseMatch]:
        """One match per clause; ``vectors`` has a row per clause (rows of non-substantive ones unused)."""
        by_id = {c.id: c for c in clauses}
        hits = self.index.search(vectors, k=k) if len(clauses) else []
        out = []
        for clause, clause_hits in zip(clauses, hits, strict=True):
            if not self.is_substantive(clause):
                out.append(ClauseMatch(None, None, 0.0, 0.0, None, None, False))
                continue
            if clause.kind == "definition":
                out.append(ClauseMatch("definitions", "standard", 1.0, 1.0, None, None, True))
                continue
            out.append(self._match(clause, clause_hits, self._context_heading_types(clause, by_id)))
        return out

    def _context_heading_types(self, clause: Clause, by_id: dict[str, Clause]) -> dict[str, float]:
        """Types named by the clause's heading, else by its nearest ancestor with a heading."""
        node: Clause | None = clause
        while node is not None:
            types = self.heading_types(node.heading)
            if types:
                return types
            node = by_id.get(node.parent) if node.parent else None
        return {}

    def _match(self, clause: Clause, hits: list[Hit], heading_types: dict[str, float]) -> ClauseMatch:
        best: dict[str, Hit] = {}
        for h in hits:
            if h.entry.clause_type not in best:
                best[h.entry.clause_type] = h
        scored = {ct: h.score + heading_types.get(ct, 0.0) for ct, h in best.items()}
        if not scored:
            return ClauseMatch(None, None, 0.0, 0.0, None, None, True)
        chosen = max(scored, key=lambda ct: scored[ct])
        top = best[chosen]
        threshold = HEADING_TYPE_THRESHOLD if chosen in heading_types else TYPE_THRESHOLD
        if top.score < threshold:
            return ClauseMatch(None, None, top.score, 0.0, top.entry, None, True)
        ranked = sorted(scored.values(), reverse=True)
        margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
        confidence = float(min(1.0, max(0.0, 0.5 * top.score + margin + (0.2 if chosen in heading_types else 0))))
        same_type = [h for h in hits if h.entry.clause_type == chosen]
        approved = next((h for h in same_type if h.entry.position != "red_flag"), None)
        position: MatchPosition = top.entry.position if top.score >= POSITION_THRESHOLD else "non_standard"
        flags: dict[str | None, LibraryText] = {}
        if position == "red_flag":
            band = max(POSITION_THRESHOLD, top.score - RED_FLAG_BAND)
            for h in same_type:
                if h.entry.position == "red_flag" and h.score >= band:
                    flags.setdefault(h.entry.position_id, h.entry)
        return ClauseMatch(chosen, position, top.score, confidence, top.entry,
                           approved.entry if approved else None, True, tuple(flags.values()))
