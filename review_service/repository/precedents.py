"""Precedent search over stored contract clauses: "where have we signed something like this before?".

The clauses searched are those the repository keeps a vector for (``ClauseEmbedding``: every clause of a
reviewed version the model read, and, once the search job that follows each review has run, the definitions
and boilerplate the review read without the model; titles and signature blocks are never searched). Each
distinct wording is searched once per contract, under the newest version that has it, so a clause carried
unchanged through five versions is one hit, not five.

The stored vectors, their clauses and their contracts are loaded once into a :class:`StoredClauses`
collection and kept until a review, re-scan or upload changes the stored embeddings (checked with one cheap
query per search). Visibility is applied per search, before ranking: only contracts the viewer may see
(:func:`service.visible_filter`), and for finance only the money clauses.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review_service.repository import service
from review_service.repository.errors import InvalidRequestError
from review_service.repository.models import ClauseEmbedding, Contract, ContractVersion, Review, User

if TYPE_CHECKING:
    from review_service.library import Library
    from review_service.matching.embed import Embedder

SNIPPET_CHARS = 280


@dataclass(frozen=True, slots=True)
class StoredClause:
    contract_id: int
    version_id: int
    version: int
    clause_id: str
    number: str | None
    heading: str | None
    clause_type: str | None
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class StoredClauses:
    """Every searchable stored clause, with its unit vector (rows line up)."""

    model_id: str
    fingerprint: tuple[Any, ...]
    clauses: list[StoredClause]
    vectors: np.ndarray
    contract_ids: np.ndarray
    texts: list[str]
    clause_types: np.ndarray

    def __len__(self) -> int:
        return len(self.clauses)


@dataclass(frozen=True, slots=True)
class Precedent:
    clause: StoredClause
    title: str
    vendor: str
    contract_type: str
    state: str
    cosine: float
    score: float

    def snippet(self, chars: int = SNIPPET_CHARS) -> str:
        text = " ".join(self.clause.text.split())
        return text if len(text) <= chars else text[: chars - 1].rsplit(" ", 1)[0] + "…"

    def to_dict(self) -> dict[str, Any]:
        c = self.clause
        return {"contract_id": c.contract_id, "title": self.title, "vendor": self.vendor,
                "contract_type": self.contract_type, "state": self.state, "version": c.version,
                "version_id": c.version_id, "clause_id": c.clause_id, "number": c.number, "heading": c.heading,
                "clause_type": c.clause_type, "similarity": round(self.cosine, 4), "start": c.start, "end": c.end,
                "snippet": self.snippet()}


def _fingerprint(session: Session, model_id: str) -> tuple[Any, ...]:
    # Reviews and re-scans replace a version's embeddings (new ids), so count and newest id tell a change; the
    # newest review's time tells a database emptied and filled again (ids restarted) from the one cached.
    count, newest = session.execute(select(func.count(ClauseEmbedding.id), func.max(ClauseEmbedding.id))
                                    .where(ClauseEmbedding.model_id == model_id)).one()
    review_id, reviewed_at = session.execute(select(func.max(Review.id), func.max(Review.created_at))).one()
    return int(count or 0), int(newest or 0), int(review_id or 0), str(reviewed_at)


def load_stored_clauses(session: Session, *, model_id: str) -> StoredClauses:
    """Read every stored vector of ``model_id`` with its clause (from the version's newest review), one row per
    distinct wording per contract (the newest version that has it)."""
    fingerprint = _fingerprint(session, model_id)
    newest_review = (select(Review.version_id, func.max(Review.id).label("review_id"))
                     .group_by(Review.version_id).subquery())
    reviews: dict[int, list[dict[str, Any]]] = {}
    for version_id, result in session.execute(
            select(Review.version_id, Review.result).join(newest_review, Review.id == newest_review.c.review_id)):
        reviews[version_id] = list((result or {}).get("clauses", []))
    rows = session.execute(
        select(ClauseEmbedding.version_id, ClauseEmbedding.clause_id, ClauseEmbedding.ordinal,
               ClauseEmbedding.text_sha256, ClauseEmbedding.vector, ContractVersion.contract_id,
               ContractVersion.number)
        .join(ContractVersion, ContractVersion.id == ClauseEmbedding.version_id)
        .where(ClauseEmbedding.model_id == model_id)
        .order_by(ContractVersion.contract_id, ContractVersion.number.desc(), ClauseEmbedding.ordinal))
    seen: set[tuple[int, str]] = set()
    clauses: list[StoredClause] = []
    vectors: list[np.ndarray] = []
    for version_id, clause_id, ordinal, text_sha, blob, contract_id, number in rows:
        if (contract_id, text_sha) in seen:
            continue  # the same wording in a newer version of this contract is already in
        found = reviews.get(version_id, [])
        clause = found[ordinal] if ordinal < len(found) and found[ordinal].get("id") == clause_id else next(
            (c for c in found if c.get("id") == clause_id), None)
        if clause is None or not clause.get("text"):
            continue  # a review whose clauses no longer line up with the vectors (should not happen)
        seen.add((contract_id, text_sha))
        clauses.append(StoredClause(contract_id, version_id, number, clause_id, clause.get("number"),
                                    clause.get("heading"), clause.get("clause_type"), int(clause.get("start", 0)),
                                    int(clause.get("end", 0)), clause["text"]))
        vectors.append(np.frombuffer(blob, dtype="<f4"))
    dims = {len(v) for v in vectors}
    if len(dims) > 1:
        raise InvalidRequestError(f"stored vectors of {model_id} have different sizes ({sorted(dims)}): run "
                                  "`vetted rescan`")
    matrix = np.ascontiguousarray(np.stack(vectors) if vectors else np.zeros((0, 1)), dtype=np.float32)
    return StoredClauses(model_id, fingerprint, clauses, matrix,
                         np.array([c.contract_id for c in clauses], dtype=np.int64), [c.text for c in clauses],
                         np.array([c.clause_type or "" for c in clauses], dtype=object))


_CACHE: dict[tuple[str, str], StoredClauses] = {}
_CACHE_LOCK = threading.Lock()


def stored_clauses(session: Session, *, model_id: str) -> StoredClauses:
    """:func:`load_stored_clauses`, kept per database and model until the stored embeddings change."""
    key = (str(session.get_bind().engine.url), model_id)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.fingerprint == _fingerprint(session, model_id):
            return cached
        fresh = load_stored_clauses(session, model_id=model_id)
        _CACHE[key] = fresh
        return fresh


def search_contracts(session: Session, *, query: str, embedder: Embedder, k: int = 10, viewer: User | None = None,
                     clause_types: frozenset[str] | None = None, library: Library | None = None,
                     library_vectors: np.ndarray | None = None,
                     query_vector: np.ndarray | None = None) -> list[Precedent]:
    """The ``k`` stored contract clauses closest in meaning to ``query`` (a clause, or a description of a
    position), best first. With ``viewer``, only the contracts that user may see (finance: money clauses
    only); ``clause_types`` narrows the clauses further. ``library`` (with ``library_vectors``) lends the
    ranking the library's vocabulary, as in the library search."""
    from review_service.matching.search import rank_stored

    query = query.strip()
    if not query:
        raise InvalidRequestError("give some text to search for: a clause, or the position you are looking for")
    collection = stored_clauses(session, model_id=embedder.model_id)
    if not len(collection):
        return []
    allowed = np.ones(len(collection), dtype=bool)
    if viewer is not None:
        visible = list(session.scalars(select(Contract.id).where(service.visible_filter(viewer))))
        allowed &= np.isin(collection.contract_ids, np.array(visible, dtype=np.int64))
        if viewer.role == "finance":
            clause_types = (clause_types & service.MONEY_CLAUSE_TYPES) if clause_types is not None \
                else service.MONEY_CLAUSE_TYPES
    if clause_types is not None:
        allowed &= np.isin(collection.clause_types, list(clause_types))
    if query_vector is None:
        query_vector = embedder.encode([query])[0]
    ranked = rank_stored(query, query_vector, collection.vectors, collection.texts, k,
                         allowed=None if allowed.all() else allowed, library=library, library_vectors=library_vectors)
    if not ranked:
        return []
    shown = {c.id: c for c in session.scalars(select(Contract).where(
        Contract.id.in_({collection.clauses[i].contract_id for i, _, _ in ranked})))}
    return [Precedent(collection.clauses[i], shown[cid].title, shown[cid].vendor, shown[cid].contract_type,
                      shown[cid].state, cosine, score)
            for i, cosine, score in ranked if (cid := collection.clauses[i].contract_id) in shown]
