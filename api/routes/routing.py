"""Routing thresholds (admin): the contract values at which the playbook sends a contract to legal or senior
legal, or adds finance as a co-signer. Read them, or change them with validation and an audit record
(``review_service.workflow.thresholds``); the worker reviews with the new values from its next job, and a
re-scan (``POST /api/admin/rescan``) re-routes the stored contracts."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AdminUser, ClientIP, SessionDep, SettingsDep
from review_service.library import load_library
from review_service.workflow import thresholds as routing_thresholds

router = APIRouter(prefix="/admin/routing", tags=["routing"])


class ThresholdsPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "currency": "USD", "thresholds": {"senior_legal_value": 1000000, "legal_value": 100000,
                                          "medium_legal_value": 1000, "finance_cosign_above": 1000000},
        "library_version": "6cd69dc4a76e", "changes": {}}]})
    currency: str
    thresholds: dict[str, float]
    library_version: str
    changes: dict[str, dict[str, float]] = Field(default_factory=dict,
                                                 description="What this request changed: name → from, to.")


class ThresholdsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"thresholds": {"legal_value": 150000}}]})
    thresholds: dict[str, float] = Field(min_length=1, description="The thresholds to change, by name.")


def _public(settings_dir: Path | None, changes: dict[str, dict[str, float]] | None = None) -> ThresholdsPublic:
    library = load_library(routing_thresholds.library_folder(settings_dir))
    routing = library.playbook.routing
    return ThresholdsPublic(currency=routing.currency, thresholds=dict(routing.thresholds),
                            library_version=library.short_version, changes=changes or {})


@router.get("/thresholds", response_model=ThresholdsPublic, summary="Read the routing thresholds")
def read_thresholds(admin: AdminUser, settings: SettingsDep) -> ThresholdsPublic:
    return _public(settings.library_dir)


@router.put("/thresholds", response_model=ThresholdsPublic, summary="Change routing thresholds",
            responses={422: {"description": "Unknown threshold (unknown_threshold), a value out of range, or "
                                            "thresholds out of the rules' order (thresholds_out_of_order)."}})
def update_thresholds(body: ThresholdsUpdate, admin: AdminUser, session: SessionDep, settings: SettingsDep,
                      ip: ClientIP) -> ThresholdsPublic:
    """Writes the new values into the library's ``playbook.yaml`` (after validating the whole library with
    them); audited as ``playbook.thresholds``. Values equal to the current ones change nothing."""
    change = routing_thresholds.set_thresholds(session, values=body.thresholds, actor=admin.username, ip=ip,
                                               folder=settings.library_dir)
    session.commit()
    return _public(settings.library_dir, change.changes)
