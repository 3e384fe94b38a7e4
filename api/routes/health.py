"""Liveness and the database's reachability, for load balancers and monitoring (no sign-in needed)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api import schemas
from api.deps import EngineDep
from api.version import VERSION

router = APIRouter(tags=["health"])


@router.get("/health", response_model=schemas.Health, summary="Health check",
            responses={503: {"model": schemas.Health, "description": "The database does not answer."}})
def read_health(engine: EngineDep) -> JSONResponse:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        ok = True
    except Exception:
        ok = False
    body = schemas.Health(status="ok" if ok else "degraded", database="ok" if ok else "unreachable",
                          version=VERSION)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
