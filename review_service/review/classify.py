"""Which clause type a vendor clause is, and which position it takes: the library match.

The clause type comes from the rule, and where a trained clause model fits, from the model and the rule
together:

- the rule: the nearest library variant per type plus a bonus for a type the clause's heading or its nearest
  ancestor's heading names ("9.3 Limitation of Liability", "ARTICLE 7 FEES"), above a similarity threshold;
- the trained clause model (``models/clause_classifier/``, when the file is there and was trained for this
  library's clause types and this embedding model): a multinomial logistic regression over the clause's
  embedding, its similarity to each type's variants, the heading evidence, its kind and length, with a class
  for "none of the library's types", trained on the library variants and on CUAD contracts (see the model's
  README). It only has a say on the types CUAD teaches and where it beat the rule out of fold; a type the
  clause's own heading names outright stays with the rule (see :meth:`ClauseModel.decide`).

The position is then read from the nearest variant of the chosen type: standard, fallback or red flag, or
``non_standard`` when no variant of that type is close. A substantive clause that no type fits is
``unrecognized`` (``clause_type`` None): a novel term is never silently passed.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from review_service.ingest.segment import Clause
from review_service.library import Library, LibraryText
from review_service.matching.embed import base_model_id
from review_service.matching.index import ClauseIndex

MatchPosition = Literal["standard", "fallback", "red_flag", "non_standard"]

# Clause kinds that are structure, not terms: never typed, never unrecognized.
STRUCTURAL_KINDS = frozenset({"title", "preamble", "recital", "signature"})
# A line of a signature block: "By: ________", "Name:", "Title: Chief Executive", a rule to sign on.
_SIGNATURE_FIELD = re.compile(
    r"[ \t]*(?:(?:By|Name|Title|Date|Signature|Signed|Printed [Nn]ame|Print [Nn]ame|Position|Authori[sz]ed "
    r"[Ss]ignatory|Witness)[ \t]*:.*|_{3,}.*)$"
)

# The rule: thresholds on cosine similarity.
TYPE_THRESHOLD = 0.60  # the nearest variant of a type without heading support
HEADING_TYPE_THRESHOLD = 0.30  # the nearest variant of the type the heading names
HEADING_BONUS = 0.15  # the heading is one of the type's usual headings
PARTIAL_HEADING_BONUS = 0.08  # the heading contains one ("Limitation of Liability and Indemnity")
# Positions, whichever decided the type.
POSITION_THRESHOLD = 0.55  # below this, the clause is of the type but in no known position
RED_FLAG_BAND = 0.04  # red flags within this of the nearest variant count too
MIN_BODY_CHARS = 25

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "clause_classifier"
MODEL_FILE = MODEL_DIR / "clause_classifier.npz"
NONE = "(none)"  # the model's class for "none of the library's types"
KINDS = ("article", "section", "subclause", "paragraph", "exhibit")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ClauseMatch:
    clause_type: str | None  # None: unrecognized (or structural, see ``substantive``)
    position: MatchPosition | None
    similarity: float  # cosine to the nearest variant of the chosen type
    confidence: float  # 0..1 (the model's probability for the chosen type, when the model decided)
    nearest: LibraryText | None  # nearest variant of the chosen type
    nearest_approved: LibraryText | None  # nearest standard or fallback variant of the chosen type
    substantive: bool  # False for titles, recitals, signatures, headings alone
    # Every red flag of the chosen type the clause comes close to: one clause may take several positions
    # ("Vendor may assign freely; Customer needs consent even in a merger").
    red_flags: tuple[LibraryText, ...] = ()


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", " ", s.casefold()).split())


# ---------------------------------------------------------------------------------------------------------
# The trained model


class ClauseModel:
    """A multinomial logistic regression over clause features (see :meth:`Classifier.features`).

    ``classes`` are library clause type ids plus :data:`NONE`; ``threshold`` is the least probability the
    best type needs (below it, or when :data:`NONE` wins, the clause is unrecognized).
    """

    def __init__(self, classes: list[str], types: list[str], weights: np.ndarray, bias: np.ndarray,
                 mean: np.ndarray, scale: np.ndarray, *, threshold: float, meta: dict[str, object]) -> None:
        if weights.shape != (len(mean), len(classes)) or bias.shape != (len(classes),):
            raise ValueError("weights must be (features, classes) and bias (classes,)")
        self.classes = classes
        self.types = types  # the library's clause types, in the order of the type features
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.mean = mean.astype(np.float32)
        self.scale = scale.astype(np.float32)
        self.threshold = threshold
        self.meta = meta

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """One row of class probabilities per feature row."""
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def decide(self, probs: np.ndarray, rule: list[tuple[str | None, float]],
               named: list[bool] | None = None) -> list[tuple[str | None, float]]:
        """The clause type (or None) and its confidence per row, from the model and the rule's decisions.

        Where the clause's own heading names the rule's type outright (``named``: "Assignment" over an
        assignment clause), the rule's decision stands. Elsewhere the model decides the types its training
        data labels in full and where it beat the rule out of fold (``meta["decides"]``): it names them, and it
        overrules the rule's choice of one of them when it gives that type a probability below
        ``meta["veto_below"]``. It may add the types its data labels only in part (``meta["adds"]``: CUAD labels
        termination for convenience, not for cause, so the model cannot know that a clause is *not*
        termination), only where the rule found no type. Every other type stays with the rule: nothing in the
        model's data teaches payment terms or confidentiality. Between types its data does not tell apart
        (``meta["families"]``: CUAD's Cap On Liability covers both limitation_of_liability and
        consequential_damages), the rule chooses when it names one of them.
        """
        decides = set(self.meta.get("decides", self.types))  # type: ignore[call-overload]
        adds = set(self.meta.get("adds", ()))  # type: ignore[call-overload]
        family = {t: set(f) for f in self.meta.get("families", ()) for t in f}  # type: ignore[attr-defined]
        veto_below = float(self.meta.get("veto_below", 1.0))  # type: ignore[arg-type]
        none = self.classes.index(NONE)
        column = {c: i for i, c in enumerate(self.classes)}
        typed = probs.copy()
        typed[:, none] = -1.0
        best = typed.argmax(axis=1)
        out: list[tuple[str | None, float]] = []
        for row, b, (rule_type, rule_confidence), kept in zip(probs, best, rule, named or [False] * len(rule),
                                                              strict=True):
            p = float(row[b])
            model_type = self.classes[b] if p > row[none] and p >= self.threshold else None
            if kept:
                out.append((rule_type, rule_confidence))
            elif model_type in decides or (model_type in adds and rule_type is None):
                out.append((rule_type if rule_type in family.get(model_type, ()) else model_type, p))
            elif rule_type is not None and rule_type in decides and row[column[rule_type]] < veto_below:
                out.append((model_type, p if model_type else float(row[none])))
            else:
                out.append((rule_type, rule_confidence))
        return out

    def fits(self, library: Library, index: ClauseIndex) -> bool:
        """Whether the model was trained for this library's clause types and this embedding model. The same model
        run in bfloat16 counts as the same: its vectors agree with float32's to a cosine of 0.998 or better, and
        the CUAD and corpus figures are measured in both (eval/reports/)."""
        return (sorted(library.clause_types) == self.types
                and self.meta.get("embedding_model") == base_model_id(index.model_id))

    def save(self, path: Path) -> None:
        """An .npz file that is byte for byte the same for the same model (its checksum is recorded)."""
        # float16 weights keep the file small; the loss of precision is far below what changes a decision.
        arrays = {"weights": self.weights.astype(np.float16), "bias": self.bias, "mean": self.mean.astype(np.float16),
                  "scale": self.scale.astype(np.float16), "classes": np.array(self.classes),
                  "types": np.array(self.types), "threshold": np.float32(self.threshold),
                  "meta": np.array(json.dumps(self.meta, sort_keys=True))}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        # np.savez stamps each member with the current time; a fixed stamp keeps rebuilds identical.
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, array in arrays.items():
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
                zf.writestr(info, buffer.getvalue())
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ClauseModel | None:
        """The model saved at ``path``, or None when there is none."""
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as npz:
            return cls([str(c) for c in npz["classes"]], [str(t) for t in npz["types"]],
                       npz["weights"].astype(np.float32), npz["bias"].astype(np.float32),
                       npz["mean"].astype(np.float32), npz["scale"].astype(np.float32),
                       threshold=float(npz["threshold"]), meta=json.loads(str(npz["meta"])))


# ---------------------------------------------------------------------------------------------------------
# The classifier


class Classifier:
    """Types clauses against one library and its index; ``model``: the trained model, None for the rule."""

    def __init__(self, library: Library, index: ClauseIndex, *, model: ClauseModel | str | None = "default") -> None:
        self.library = library
        self.index = index
        # Heading words → clause types. Exact normalised headings first, then contained phrases.
        self.headings: dict[str, set[str]] = defaultdict(set)
        for ct in library.clause_types.values():
            for h in [ct.title, *ct.headings]:
                self.headings[_norm(h)].add(ct.id)
        # Contained headings are looked up by the heading's word runs (a dict lookup each) rather than one
        # regex search per known heading: ~250k searches made a re-assessment take most of a second.
        self._contained = {known: types for known, types in self.headings.items() if len(known) >= 5}
        self._contained_words = max((len(k.split()) for k in self._contained), default=0)
        self._heading_memo: dict[str, dict[str, float]] = {}
        self.types = sorted(library.clause_types)
        self._type_index = {t: i for i, t in enumerate(self.types)}
        self._entry_types = np.array([self._type_index.get(e.clause_type, -1) for e in index.entries], dtype=np.int64)
        # Each type's variants (rows of the index), for _position: ranking a clause against its own type only.
        self._type_rows = {t: np.flatnonzero(self._entry_types == i) for t, i in self._type_index.items()}
        loaded = ClauseModel.load() if model == "default" else model
        self.model = loaded if isinstance(loaded, ClauseModel) and loaded.fits(library, index) else None
        if isinstance(loaded, ClauseModel) and self.model is None:
            log.warning("the clause model %s was trained for other clause types or another embedding model; "
                        "typing clauses by the similarity rule instead (rebuild it with "
                        "`python -m eval.train_clause_classifier`)", loaded.meta.get("name", MODEL_FILE.name))

    def describe(self) -> dict[str, object]:
        """What decides the clause type, for reports."""
        if self.model is None:
            return {"summary": "nearest library variant per type + heading bonus (rule)",
                    "type_threshold": TYPE_THRESHOLD, "heading_type_threshold": HEADING_TYPE_THRESHOLD}
        return {"summary": f"trained clause model ({self.model.meta.get('name', MODEL_FILE.name)})",
                "threshold": self.model.threshold, **self.model.meta}

    def heading_types(self, heading: str | None) -> dict[str, float]:
        """Clause types the heading names, with the bonus each gets."""
        if not heading:
            return {}
        memo = self._heading_memo.get(heading)
        if memo is None:
            if len(self._heading_memo) > 100_000:  # a long-running service: bounded
                self._heading_memo.clear()
            memo = self._heading_memo[heading] = self._named_by(_norm(heading))
        return dict(memo)

    def _named_by(self, h: str) -> dict[str, float]:
        if not h:
            return {}
        if h in self.headings:
            return dict.fromkeys(self.headings[h], HEADING_BONUS)
        # "Limitation of Liability and Indemnity" names both; a known heading matches whole words only. The
        # normalised heading is single-spaced lowercase words, so whole-word containment is a run of its words.
        found: dict[str, float] = {}
        words = h.split()
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + self._contained_words) + 1):
                types = self._contained.get(" ".join(words[i:j]))
                if types:
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
        return len(body.strip(" .:-–—\n\t")) >= MIN_BODY_CHARS and not _signature_block(clause.text)

    # -- evidence

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Cosine similarity of each clause to each library variant (the index holds unit vectors)."""
        return np.asarray(vectors, dtype=np.float32) @ self.index.vectors.T

    def type_similarities(self, sims: np.ndarray) -> np.ndarray:
        """Per clause and clause type: the similarity of the nearest variant of that type."""
        out = np.full((len(sims), len(self.types)), -1.0, dtype=np.float32)
        for t in range(len(self.types)):
            cols = self._entry_types == t
            if cols.any():
                out[:, t] = sims[:, cols].max(axis=1)
        return out

    def heading_evidence(self, clauses: list[Clause]) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
        """Per clause: the types its own heading names, and those its nearest naming ancestor's heading names."""
        by_id = {c.id: c for c in clauses}
        own, ancestor = [], []
        for clause in clauses:
            own.append(self.heading_types(clause.heading))
            node = by_id.get(clause.parent) if clause.parent else None
            found: dict[str, float] = {}
            while node is not None and not found:
                found = self.heading_types(node.heading)
                node = by_id.get(node.parent) if node.parent else None
            ancestor.append(found)
        return own, ancestor

    def features(self, clauses: list[Clause], vectors: np.ndarray, sims: np.ndarray | None = None) -> np.ndarray:
        """The model's input, one row per clause (``sims``: precomputed :meth:`similarities`)."""
        sims = self.similarities(vectors) if sims is None else sims
        own, ancestor = self.heading_evidence(clauses)
        return self._features(clauses, vectors, self.type_similarities(sims), own, ancestor)

    def _features(self, clauses: list[Clause], vectors: np.ndarray, type_sims: np.ndarray,
                  own: list[dict[str, float]], ancestor: list[dict[str, float]]) -> np.ndarray:
        return build_features(np.asarray(vectors, dtype=np.float32), type_sims, own, ancestor,
                              [c.kind for c in clauses], [len(c.text) for c in clauses],
                              [bool(c.heading) for c in clauses], self._type_index)

    # -- decisions

    def named_outright(self, clauses: list[Clause], types: list[str | None]) -> list[bool]:
        """Per clause, whether its own heading is one of the usual headings of ``types[i]``."""
        return [t is not None and self.heading_types(c.heading).get(t, 0.0) >= HEADING_BONUS
                for c, t in zip(clauses, types, strict=True)]

    def rule_types(self, clauses: list[Clause], vectors: np.ndarray) -> list[str | None]:
        """What the similarity rule alone says of each clause (for training and comparison)."""
        type_sims = self.type_similarities(self.similarities(vectors))
        own, ancestor = self.heading_evidence(clauses)
        return [self._decide_by_rule(type_sims[i], own[i] or ancestor[i])[0] for i in range(len(clauses))]

    def classify(self, clauses: list[Clause], vectors: np.ndarray, *, k: int = 24) -> list[ClauseMatch]:
        """One match per clause; ``vectors`` has a row per clause (rows of non-substantive ones unused).

        ``k`` is kept for callers of the earlier FAISS-based version; every variant is compared now.
        """
        if not clauses:
            return []
        sims = self.similarities(vectors)
        type_sims = self.type_similarities(sims)
        own, ancestor = self.heading_evidence(clauses)
        # Only clauses that get a type are decided (titles, signatures and definitions are not: it is the
        # re-assessment's time that a re-scan pays per contract).
        substantive = [self.is_substantive(c) for c in clauses]
        typed = [sub and c.kind != "definition" for sub, c in zip(substantive, clauses, strict=True)]
        types = [self._decide_by_rule(type_sims[i], own[i] or ancestor[i]) if typed[i] else (None, 0.0)
                 for i in range(len(clauses))]
        if self.model is not None:
            probs = self.model.probabilities(self._features(clauses, vectors, type_sims, own, ancestor))
            types = self.model.decide(probs, types, self.named_outright(clauses, [t for t, _ in types]))
        out = []
        for i, clause in enumerate(clauses):
            if not substantive[i]:
                out.append(ClauseMatch(None, None, 0.0, 0.0, None, None, False))
            elif clause.kind == "definition":
                out.append(ClauseMatch("definitions", "standard", 1.0, 1.0, None, None, True))
            else:
                chosen, confidence = types[i]
                out.append(self.position(sims[i], chosen, confidence))
        return out

    def _decide_by_rule(self, tsims: np.ndarray, heading_types: dict[str, float]) -> tuple[str | None, float]:
        # Each type's nearest similarity plus its heading bonus; types with no variant (-1) take no part.
        scores = np.where(tsims > -1.0, tsims.astype(np.float64), -np.inf)
        for t, bonus in heading_types.items():
            scores[self._type_index[t]] += bonus
        valid = int(np.count_nonzero(np.isfinite(scores)))
        if not valid:
            return None, 0.0
        best = int(np.argmax(scores))  # the first of equals, in type order, as max() over the types was
        chosen = self.types[best]
        top = float(tsims[best])
        threshold = HEADING_TYPE_THRESHOLD if chosen in heading_types else TYPE_THRESHOLD
        if top < threshold:
            return None, 0.0
        first = scores[best]
        scores[best] = -np.inf
        margin = float(first - (scores.max() if valid > 1 else 0.0))
        return chosen, float(min(1.0, max(0.0, 0.5 * top + margin + (0.2 if chosen in heading_types else 0))))

    def position(self, sims: np.ndarray, chosen: str | None, confidence: float) -> ClauseMatch:
        """The match for a substantive clause of type ``chosen`` (None: unrecognized), from its similarities."""
        if chosen is None:
            top = int(np.argmax(sims)) if len(sims) else None
            similarity = float(sims[top]) if top is not None else 0.0
            return ClauseMatch(None, None, similarity, 0.0, self.index.entries[top] if top is not None else None,
                               None, True)
        rows = self._type_rows.get(chosen, np.zeros(0, dtype=np.int64))
        same = [int(j) for j in rows[np.argsort(-sims[rows], kind="stable")]]
        if not same:  # a type without variants (the library requires them; kept for safety)
            return ClauseMatch(chosen, "non_standard", 0.0, confidence, None, None, True)
        top_entry, top_score = self.index.entries[same[0]], float(sims[same[0]])
        approved = next((self.index.entries[j] for j in same if self.index.entries[j].position != "red_flag"
                         and self.index.entries[j].offered), None)
        position: MatchPosition = top_entry.position if top_score >= POSITION_THRESHOLD else "non_standard"
        flags: dict[str | None, LibraryText] = {}
        if position == "red_flag":
            band = max(POSITION_THRESHOLD, top_score - RED_FLAG_BAND)
            for j in same:
                entry = self.index.entries[j]
                if entry.position == "red_flag" and float(sims[j]) >= band:
                    flags.setdefault(entry.position_id, entry)
        return ClauseMatch(chosen, position, top_score, confidence, top_entry, approved, True, tuple(flags.values()))


def build_features(vectors: np.ndarray, type_sims: np.ndarray, own: list[dict[str, float]],
                   ancestor: list[dict[str, float]], kinds: list[str], lengths: list[int], has_heading: list[bool],
                   type_index: dict[str, int]) -> np.ndarray:
    """The model's feature rows: embedding, per-type nearest similarity, heading evidence, kind and length.

    Heading evidence per type: 1 when the heading is one of the type's usual headings, 0.5 when it contains
    one; separately for the clause's own heading and for its nearest ancestor's.
    """
    n, t = len(vectors), len(type_index)
    heads = np.zeros((n, 2 * t), dtype=np.float32)
    for i, (o, a) in enumerate(zip(own, ancestor, strict=True)):
        for ct, bonus in o.items():
            heads[i, type_index[ct]] = 1.0 if bonus >= HEADING_BONUS else 0.5
        for ct, bonus in a.items():
            heads[i, t + type_index[ct]] = 1.0 if bonus >= HEADING_BONUS else 0.5
    kind = np.array([[k == x for x in KINDS] for k in kinds], dtype=np.float32).reshape(n, len(KINDS))
    extra = np.column_stack([np.log1p(np.asarray(lengths, dtype=np.float32)) / 8.0,
                             np.asarray(has_heading, dtype=np.float32)]).astype(np.float32)
    sims = np.where(type_sims > -1.0, type_sims, 0.0).astype(np.float32)
    return np.hstack([vectors, sims, heads, kind, extra]).astype(np.float32)


def _signature_block(text: str) -> bool:
    """A party's name over its signature fields, which the segmenter took for a clause (no "IN WITNESS" line)."""
    if "_" not in text and ":" not in text:
        return False  # no field to sign or fill in
    lines = [line for line in text.splitlines() if line.strip()]
    fields = sum(1 for line in lines if _SIGNATURE_FIELD.fullmatch(line))
    others = [line for line in lines if not _SIGNATURE_FIELD.fullmatch(line)]
    return fields >= 2 and len(others) <= 2 and all(len(line) <= 80 for line in others)
