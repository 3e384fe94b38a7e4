"""Precedent search: the library variants and the clauses of stored contracts closest in meaning to a clause or
a description of a position (``vetted search`` over the API).

Contract clauses come only from contracts the caller may see (confidential ones only to the users named on
them; finance only the money clauses), filtered before ranking, so nothing hidden shapes what is shown.
Every search is in the audit trail with the query and the contracts shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query

from api import schemas
from api.deps import ClientIP, CurrentUser, SessionDep, SettingsDep
from review_service.matching.search import search_library, search_tools
from review_service.repository import audit
from review_service.repository.precedents import search_contracts

router = APIRouter(tags=["search"])


@router.get("/search", response_model=schemas.SearchResults, summary="Search for precedent")
def read_search(
    user: CurrentUser, session: SessionDep, settings: SettingsDep, ip: ClientIP,
    q: Annotated[str, Query(min_length=1, max_length=5000, description="A clause, or the position you look for.")],
    k: Annotated[int, Query(ge=1, le=200, description="How many results per scope.")] = 10,
    scope: Annotated[schemas.SearchScope, Query(description="library, contracts or all.")] = "all",
) -> schemas.SearchResults:
    """The ``k`` library variants and/or stored contract clauses closest to ``q``, best first. The first search
    after a start loads the model (some seconds); later ones take well under a second."""
    library, embedder, index = search_tools(settings.library_dir, Path(settings.data_dir))
    query_vector = embedder.encode([q])[0]
    library_hits = contract_hits = None
    if scope in ("library", "all"):
        library_hits = [schemas.LibraryHit(rank=i + 1, cosine=round(h.score, 4), clause_type=h.entry.clause_type,
                                           position=h.entry.position, position_id=h.entry.position_id,
                                           style=h.entry.style, text=h.entry.text)
                        for i, h in enumerate(search_library(library, embedder, index, q, k))]
    if scope in ("contracts", "all"):
        same = index.library_version == library.version
        found = search_contracts(session, query=q, embedder=embedder, k=k, viewer=user, library=library,
                                 library_vectors=index.vectors if same else None, query_vector=query_vector)
        contract_hits = [schemas.ContractClauseHit(rank=i + 1, **p.to_dict()) for i, p in enumerate(found)]
    audit.record(session, actor=user.username, action="search", target="search", ip=ip,
                 detail={"q": q[:500], "k": k, "scope": scope,
                         "shown": sorted({h.contract_id for h in contract_hits or []})})
    session.commit()
    return schemas.SearchResults(query=q, scope=scope, model=embedder.model_id, library=library_hits,
                                 contracts=contract_hits)
