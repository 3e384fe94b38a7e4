"""Precedent search: rank clause texts for a clause, or for a short description of the position a lawyer wants.

A query such as "cap on liability excluding indemnification" is short and abstract; the clauses it should find
are long and concrete. Neither signal alone ranks them well (measured on ACORD, ``python -m eval.acord``): the
embedding model knows that "cap" means "shall not exceed" but blurs neighbouring clause types together, and
BM25 keeps the exact legal terms but misses paraphrase. :class:`ClauseSearch` adds five scores, each
standardised over the collection (z-scores) and weighted by the fusion weights in
``models/search/fusion.json``:

- ``dense``: cosine of the query and clause vectors (all-MiniLM-L6-v2 via :func:`get_embedder`);
- ``bm25``: Okapi BM25 over legal-aware tokens (:func:`tokenize`: Porter stems, function words dropped,
  negations and numbers kept, "thirty" read as "30");
- ``dense_feedback``: cosine with the query vector plus the mean vector of the first-pass top clauses
  (pseudo-relevance feedback: the collection teaches the short query what such clauses look like);
- ``bm25_feedback``: BM25 of the query plus the most distinctive terms of those same top clauses;
- ``library_terms``: BM25 of the headings, keywords and title of the clause types of the library closest to
  the query (:class:`LibraryVocabulary`): "indemnity of third-party claims" borrows "defend", "hold harmless";
  scaled down when no clause type of the library is close to the query.

The first pass (which clauses feed back) is ``dense`` plus ``bm25`` with fixed weights; feedback is skipped in
collections too small for it to mean anything. The fused score is a sum of weighted z-scores, comparable only
within one query and one collection.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from review_service.library import Library
    from review_service.matching.embed import Embedder
    from review_service.matching.index import ClauseIndex, Hit

WEIGHTS_FILE = Path(__file__).resolve().parents[2] / "models" / "search" / "fusion.json"

# ---------------------------------------------------------------------------------------------------------
# Tokens

# Function words and drafting filler. Negations and limiters ("not", "without", "except", "only") are kept:
# "cap on liability without carve-outs" and "notice only for assignment to affiliates" turn on them.
_STOPWORDS = """
a an the and or of to in on for by with from at as into onto upon about than then so such
is are be been being was were am do does did done has have had having it its this that these those
shall will may must would could should can might any all each every either other another same
which who whom whose what when where while there their them they he she his her him we our us you your
herein hereof hereunder hereto hereby hereinafter thereof therein thereunder thereto thereby whereas
agreement clause clauses section
i ii iii iv v vi vii viii ix x
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# Contracts write "thirty (30) days", but queries and some paper write only one of the two.
NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30",
    "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}

_WORD = re.compile(r"[a-z]+|\d+(?:[.,]\d+)*")


def tokenize(text: str) -> list[str]:
    """BM25 tokens: lower case, hyphenated words split, stopwords dropped, Porter-stemmed; numbers kept whole.

    ``"$1,000,000"`` gives ``"1000000"``; ``"thirty (30) days"`` gives ``["30", "30", "dai"]``.
    """
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word[0].isdigit():
            out.append(word.replace(",", "").removesuffix(".00"))
        elif word in NUMBER_WORDS:
            out.append(NUMBER_WORDS[word])
        elif word not in STOPWORDS:
            out.append(porter_stem(word))
    return out


# The Porter (1980) stemmer, written out here because the project carries no NLP stemming package.
def _consonant(w: str, i: int) -> bool:
    c = w[i]
    if c in "aeiou":
        return False
    if c == "y":
        return i == 0 or not _consonant(w, i - 1)
    return True


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in ``stem``."""
    m, previous_vowel = 0, False
    for i in range(len(stem)):
        vowel = not _consonant(stem, i)
        if previous_vowel and not vowel:
            m += 1
        previous_vowel = vowel
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _consonant(stem, i) for i in range(len(stem)))


def _double_consonant(w: str) -> bool:
    return len(w) >= 2 and w[-1] == w[-2] and _consonant(w, len(w) - 1)


def _cvc(w: str) -> bool:
    return (len(w) >= 3 and _consonant(w, len(w) - 3) and not _consonant(w, len(w) - 2)
            and _consonant(w, len(w) - 1) and w[-1] not in "wxy")


_STEP2 = (("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
          ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"),
          ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"),
          ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("logi", "log"))
_STEP3 = (("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""),
          ("ness", ""))
_STEP4 = ("al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism",
          "ate", "iti", "ous", "ive", "ize")


@lru_cache(maxsize=65536)
def porter_stem(w: str) -> str:
    """The Porter stem of a lower-case word: "indemnities" -> "indemn", "warranties" -> "warranti"."""
    if len(w) <= 2:
        return w
    if w.endswith("sses") or w.endswith("ies"):  # step 1a
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if w.endswith("eed"):  # step 1b
        if _measure(w[:-3]) > 0:
            w = w[:-1]
    else:
        for suffix in ("ed", "ing"):
            if w.endswith(suffix) and _has_vowel(w[:-len(suffix)]):
                w = w[:-len(suffix)]
                if w.endswith(("at", "bl", "iz")):
                    w += "e"
                elif _double_consonant(w) and w[-1] not in "lsz":
                    w = w[:-1]
                elif _measure(w) == 1 and _cvc(w):
                    w += "e"
                break
    if w.endswith("y") and _has_vowel(w[:-1]):  # step 1c
        w = w[:-1] + "i"
    for table in (_STEP2, _STEP3):
        for suffix, replacement in table:
            if w.endswith(suffix):
                if _measure(w[:-len(suffix)]) > 0:
                    w = w[:-len(suffix)] + replacement
                break
    for suffix in _STEP4:
        if w.endswith(suffix):
            stem = w[:-len(suffix)]
            if _measure(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
                w = stem
            break
    if w.endswith("e"):  # step 5
        stem = w[:-1]
        m = _measure(stem)
        if m > 1 or (m == 1 and not _cvc(stem)):
            w = stem
    if _measure(w) > 1 and _double_consonant(w) and w.endswith("l"):
        w = w[:-1]
    return w


# ---------------------------------------------------------------------------------------------------------
# BM25


class BM25:
    """Okapi BM25 over token lists, with an inverted index so a query costs one numpy pass per query term."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(documents)
        lengths = np.array([len(d) for d in documents], dtype=np.float64)
        average = float(lengths.mean()) if self.size and lengths.mean() > 0 else 1.0
        self._norm = k1 * (1 - b + b * lengths / average)
        self._k1 = k1
        postings: dict[str, tuple[list[int], list[int]]] = {}
        for i, doc in enumerate(documents):
            for term, count in Counter(doc).items():
                ids, counts = postings.setdefault(term, ([], []))
                ids.append(i)
                counts.append(count)
        self._postings = {t: (np.array(ids), np.array(c, dtype=np.float64)) for t, (ids, c) in postings.items()}
        # The +1 inside the log (Lucene's form) keeps the idf of a term in most documents positive.
        self.idf = {t: math.log((self.size - len(ids) + 0.5) / (len(ids) + 0.5) + 1.0)
                    for t, (ids, _) in self._postings.items()}

    def scores(self, query: Counter[str] | dict[str, float]) -> np.ndarray:
        """One score per document for weighted query terms (a Counter of tokens for a plain query)."""
        out = np.zeros(self.size)
        for term, weight in query.items():
            posting = self._postings.get(term)
            if posting is None or weight == 0:
                continue
            ids, tf = posting
            out[ids] += weight * self.idf[term] * tf * (self._k1 + 1) / (tf + self._norm[ids])
        return out


# ---------------------------------------------------------------------------------------------------------
# The library's vocabulary


class LibraryVocabulary:
    """Maps a query to the closest clause types of the library and lends it their headings and keywords.

    A type's closeness is the best cosine of the query with any of its variants; the weights over types are a
    softmax of those cosines (``temperature``), and the ``top`` types lend their vocabulary in proportion.
    :meth:`confidence` says how much to trust the loan: a query the library has no clause type for ("covenant
    not to sue", "non-disparagement") is closest to some type only by accident, and its borrowed words would
    pull in the wrong clauses.
    """

    #: Best variant cosines at or below LOW give no confidence, at or above HIGH full confidence.
    LOW, HIGH = 0.3, 0.6

    def __init__(self, library: Library, variant_vectors: np.ndarray, *, temperature: float = 0.05,
                 top: int = 3) -> None:
        entries = list(library.texts())
        if len(entries) != len(variant_vectors):
            raise ValueError("one vector per library variant, in Library.texts() order")
        self.type_ids = list(library.clause_types)
        position = {t: i for i, t in enumerate(self.type_ids)}
        self._variant_type = np.array([position[e.clause_type] for e in entries])
        self._vectors = np.asarray(variant_vectors, dtype=np.float32)
        self.temperature = temperature
        self.top = top
        self.terms = []
        for type_id in self.type_ids:
            ct = library.clause_types[type_id]
            self.terms.append(Counter(tokenize(" ; ".join([ct.title, *ct.headings, *ct.keywords]))))

    def type_similarity(self, query_vector: np.ndarray) -> np.ndarray:
        """The best cosine of the query with each clause type's variants (library order)."""
        best = np.full(len(self.type_ids), -1.0)
        np.maximum.at(best, self._variant_type, self._vectors @ query_vector)
        return best

    def confidence(self, query_vector: np.ndarray) -> float:
        """0 to 1: how close the closest clause type is (see the class docstring)."""
        best = float(self.type_similarity(query_vector).max())
        return min(1.0, max(0.0, (best - self.LOW) / (self.HIGH - self.LOW)))

    def type_weights(self, query_vector: np.ndarray) -> np.ndarray:
        """A probability per clause type (library order) that the query asks for that type."""
        best = self.type_similarity(query_vector)
        logits = (best - best.max()) / self.temperature
        weights = np.exp(logits)
        return weights / weights.sum()

    def expansion(self, query_vector: np.ndarray, scale: float) -> Counter[str]:
        """The top types' vocabulary as weighted query terms; ``scale`` is their total weight."""
        weights = self.type_weights(query_vector)
        out: Counter[str] = Counter()
        for t in np.argsort(-weights)[: self.top]:
            vocabulary = self.terms[t]
            total = sum(vocabulary.values())
            for term, count in vocabulary.items():
                out[term] += scale * float(weights[t]) * count / total
        return out


# ---------------------------------------------------------------------------------------------------------
# Fusion


@dataclass(frozen=True, slots=True)
class FusionWeights:
    """The weight of each standardised score in the fused ranking (see the module docstring)."""

    dense: float = 1.0
    bm25: float = 1.0
    dense_feedback: float = 0.0
    bm25_feedback: float = 0.0
    library_terms: float = 0.0

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> FusionWeights:
        """The trained weights (``"weights"`` of the JSON record written by ``python -m eval.acord --fit``)."""
        record = json.loads(Path(path).read_text())
        return cls(**{k: float(v) for k, v in record["weights"].items()})

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@lru_cache(maxsize=1)
def default_weights() -> FusionWeights:
    return FusionWeights.load()


def zscore(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-12 else np.zeros_like(x)


class ClauseSearch:
    """Ranks a fixed collection of clause texts for free-text queries.

    ``vectors`` are the texts' unit vectors from the same embedder (computed in :meth:`warm_up` when
    omitted); ``library`` (with its variants' vectors, or they are embedded) enables the library vocabulary.
    Building the BM25 index over 4,000 clauses takes about a second; a query then costs one query embedding
    plus a few milliseconds.
    """

    #: Fixed first-pass weights (dense, bm25) that pick the feedback clauses; not trained.
    FIRST_PASS = (0.7, 0.3)
    #: How many first-pass clauses feed back, and how many of their terms expand the BM25 query.
    FEEDBACK_DOCS = 10
    FEEDBACK_TERMS = 30
    #: Below this many texts, feedback would mostly echo the query (or one wrong clause): it is skipped.
    MIN_FEEDBACK_COLLECTION = 50

    def __init__(self, texts: Sequence[str], vectors: np.ndarray | None = None, *, embedder: Embedder | None = None,
                 library: Library | None = None, library_vectors: np.ndarray | None = None,
                 weights: FusionWeights | None = None, vocabulary: LibraryVocabulary | None = None) -> None:
        if vectors is not None and len(vectors) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors: pass one vector per text")
        if vectors is None and embedder is None and not texts:
            vectors = np.zeros((0, 1), dtype=np.float32)
        self.texts = list(texts)
        self._vectors = None if vectors is None else np.ascontiguousarray(vectors, dtype=np.float32)
        self._embedder = embedder
        self._library = library
        self._library_vectors = library_vectors
        self.weights = weights
        self._bm25: BM25 | None = None
        self._doc_terms: list[Counter[str]] = []
        # Given ready-made by a caller that ranks many collections against one library (rank_stored).
        self._vocabulary: LibraryVocabulary | None = vocabulary

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from review_service.matching.embed import get_embedder

            self._embedder = get_embedder()
        return self._embedder

    def warm_up(self) -> None:
        """Embed the texts if needed and build the BM25 index and the library vocabulary; idempotent."""
        if self._bm25 is not None:
            return
        if self.weights is None:
            self.weights = default_weights()
        if self._vectors is None:
            self._vectors = np.ascontiguousarray(self.embedder.encode(self.texts), dtype=np.float32)
        self._doc_terms = [Counter(tokenize(t)) for t in self.texts]
        if self._library is not None and self._vocabulary is None:
            vectors = self._library_vectors
            if vectors is None:
                vectors = self.embedder.encode([e.text for e in self._library.texts()])
            self._vocabulary = LibraryVocabulary(self._library, vectors)
        self._bm25 = BM25([list(c.elements()) for c in self._doc_terms])

    def features(self, query: str, query_vector: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Every standardised score of :class:`FusionWeights` for ``query``, one value per text."""
        self.warm_up()
        assert self._bm25 is not None and self._vectors is not None
        if query_vector is None:
            query_vector = self.embedder.encode([query])[0]
        n = len(self.texts)
        zeros = np.zeros(n)
        terms = Counter(tokenize(query))
        dense = self._vectors @ query_vector
        bm25 = self._bm25.scores(terms)
        out = {"dense": zscore(dense), "bm25": zscore(bm25), "dense_feedback": zeros, "bm25_feedback": zeros,
               "library_terms": zeros}
        if n >= self.MIN_FEEDBACK_COLLECTION:
            first = self.FIRST_PASS[0] * out["dense"] + self.FIRST_PASS[1] * out["bm25"]
            top = np.argpartition(-first, self.FEEDBACK_DOCS - 1)[: self.FEEDBACK_DOCS]
            out["dense_feedback"] = zscore(self._vectors @ (query_vector + self._vectors[top].mean(axis=0)))
            out["bm25_feedback"] = zscore(self._bm25.scores(self._feedback_terms(terms, top)))
        if self._vocabulary is not None:
            expansion = self._vocabulary.expansion(query_vector, scale=max(1, sum(terms.values())))
            confidence = self._vocabulary.confidence(query_vector)
            out["library_terms"] = confidence * zscore(self._bm25.scores(expansion))
        return out

    def _feedback_terms(self, terms: Counter[str], top: Iterable[int]) -> dict[str, float]:
        """The query's terms plus the top clauses' most distinctive ones (tf/length x idf), weighted as much."""
        assert self._bm25 is not None
        idf = self._bm25.idf
        mass: dict[str, float] = {}
        for i in top:
            doc = self._doc_terms[i]
            length = max(1, sum(doc.values()))
            for term, count in doc.items():
                mass[term] = mass.get(term, 0.0) + count / length * idf.get(term, 0.0)
        chosen = sorted(mass.items(), key=lambda kv: (-kv[1], kv[0]))[: self.FEEDBACK_TERMS]
        total = float(sum(v for _, v in chosen)) or 1.0
        scale = max(1, sum(terms.values()))
        out: dict[str, float] = {t: float(c) for t, c in terms.items()}
        for term, value in chosen:
            out[term] = out.get(term, 0.0) + scale * value / total
        return out

    def scores(self, query: str, query_vector: np.ndarray | None = None) -> np.ndarray:
        """The fused score of every text for ``query`` (higher is better; comparable within this query only)."""
        feats = self.features(query, query_vector)
        assert self.weights is not None
        total = np.zeros(len(self.texts))
        for name, weight in self.weights.as_dict().items():
            if weight:
                total += weight * feats[name]
        return total

    def search(self, query: str, k: int = 10, *, query_vector: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best texts for ``query`` as (index into ``texts``, fused score), best first."""
        if not self.texts or k <= 0:
            return []
        s = self.scores(query, query_vector)
        k = min(k, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.lexsort((top, -s[top]))]
        return [(int(i), float(s[i])) for i in top]


# ---------------------------------------------------------------------------------------------------------
# The library search behind ``vetted search``

_LIBRARY_SEARCH: dict[tuple[str, str, str], ClauseSearch] = {}


def search_library(library: Library, embedder: Embedder, index: ClauseIndex, query: str, k: int = 10) -> list[Hit]:
    """The ``k`` library variants best matching ``query``, ranked by :class:`ClauseSearch`.

    Each :class:`Hit` keeps its documented meaning, the cosine of the query and the variant, so the numbers
    shown stay comparable across queries; the order is the fused ranking, so they need not decrease.
    """
    from review_service.matching.index import Hit

    key = (index.library_version, index.model_id, library.version)
    searcher = _LIBRARY_SEARCH.get(key)
    if searcher is None:
        same_library = index.library_version == library.version
        searcher = ClauseSearch([e.text for e in index.entries], index.vectors, embedder=embedder,
                                library=library, library_vectors=index.vectors if same_library else None)
        _LIBRARY_SEARCH.clear()  # one library per process in practice; never hold on to stale ones
        _LIBRARY_SEARCH[key] = searcher
    query_vector = embedder.encode([query])[0]
    ranked = searcher.search(query, k, query_vector=query_vector)
    return [Hit(index.entries[i], float(index.vectors[i] @ query_vector)) for i, _ in ranked]


_TOOLS_LOCK = threading.Lock()


def search_tools(library_dir: Path | None, data_dir: Path) -> tuple[Library, Embedder, ClauseIndex]:
    """The library, the embedder and the library's index, loaded once per process and again when the library's
    files change (a long-running server answers every search with them, as the worker's reviewer does)."""
    from review_service.library.loader import library_stamp

    with _TOOLS_LOCK:
        # The stamp (newest file time) makes an edited library, e.g. a threshold changed by an admin, load again.
        return _load_tools(library_dir, data_dir, library_stamp(library_dir))


@lru_cache(maxsize=2)
def _load_tools(library_dir: Path | None, data_dir: Path, _stamp: int) -> tuple[Library, Embedder, ClauseIndex]:
    from review_service.library import load_library
    from review_service.matching.embed import get_embedder
    from review_service.matching.index import load_or_build

    library = load_library(library_dir)
    embedder = get_embedder()
    return library, embedder, load_or_build(library, embedder, data_dir)


# ---------------------------------------------------------------------------------------------------------
# Stored contract clauses (precedent from the repository)

#: How many clauses the exact dense pass hands to the fused ranking.
CANDIDATES = 300


def rank_stored(query: str, query_vector: np.ndarray, vectors: np.ndarray, texts: Sequence[str],
                k: int = 10, *, allowed: np.ndarray | None = None, library: Library | None = None,
                library_vectors: np.ndarray | None = None, weights: FusionWeights | None = None,
                candidates: int = CANDIDATES) -> list[tuple[int, float, float]]:
    """The ``k`` best stored clauses for ``query``, as (row, cosine, fused score), best first.

    Two passes: an exact cosine over every stored vector (``allowed``, a boolean mask, drops the rows the
    caller may not see before anything is ranked), then :class:`ClauseSearch` (dense, BM25, feedback, the
    library's vocabulary) over the ``candidates`` closest, whose texts alone are tokenized. Exact search,
    because it is the faster one at this size: 50,000 stored clauses x 384 dimensions take a median 12 ms per
    query with numpy here, against 38 ms for a FAISS IndexFlatIP (plus 110 ms to build it from the stored
    vectors each time they change); an approximate index only pays off far beyond a company's repository.
    """
    if k <= 0 or len(vectors) == 0:
        return []
    if library is not None and library_vectors is None:
        raise ValueError("pass the library's variant vectors with the library")
    cosine = vectors @ query_vector
    if allowed is not None:
        cosine = np.where(allowed, cosine, -np.inf)
    visible = int(np.isfinite(cosine).sum())
    if visible == 0:
        return []
    take = min(visible, max(candidates, k))
    chosen = np.argpartition(-cosine, take - 1)[:take]
    vocabulary = _vocabulary(library, library_vectors) if library is not None and library_vectors is not None \
        else None
    ranker = ClauseSearch([texts[i] for i in chosen], vectors[chosen], library=library,
                          library_vectors=library_vectors, weights=weights, vocabulary=vocabulary)
    ranked = ranker.search(query, k, query_vector=query_vector)
    return [(int(chosen[i]), float(cosine[chosen[i]]), score) for i, score in ranked]


_VOCABULARIES: dict[tuple[str, int], LibraryVocabulary] = {}


def _vocabulary(library: Library, library_vectors: np.ndarray) -> LibraryVocabulary:
    # Built once per library (about 40 ms of tokenizing), not once per search.
    key = (library.version, len(library_vectors))
    found = _VOCABULARIES.get(key)
    if found is None:
        found = LibraryVocabulary(library, library_vectors)
        _VOCABULARIES.clear()
        _VOCABULARIES[key] = found
    return found
