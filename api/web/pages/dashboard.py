"""The dashboard: the measures POLICY.md defines (``review_service.workflow.measures``), over the contracts the
viewer may see, as charts drawn on the server with the same numbers in tables."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ClientIP, SessionDep
from api.web import charts
from api.web.render import CONTRACT_TYPE_NAMES, ROUTE_NAMES, render
from api.web.session import PageUser
from review_service.repository import audit
from review_service.workflow import measures

router = APIRouter()


def _cycle_bars(rows: dict[str, dict[str, Any]], names: dict[str, str]) -> list[charts.Bar]:
    return [charts.bar(names.get(k, k.replace("_", " ")), v["median_days"], v["mean_days"], unit=" d")
            for k, v in rows.items()]


def dashboard_charts(m: dict[str, Any]) -> dict[str, Any]:
    """The charts of one ``measures.compute`` result."""
    cycle = m["cycle_time"]
    days = ("median", "mean")
    redlines = m["redlines_per_contract_type"]
    legal, adoption, fallback = m["legal_involvement"], m["template_adoption"], m["fallback_acceptance"]
    return {
        "cycle_by_type": charts.bar_chart("Cycle time per contract type, in days from upload to signature-ready",
                                          _cycle_bars(cycle["by_contract_type"], CONTRACT_TYPE_NAMES),
                                          series=days),
        "cycle_by_route": charts.bar_chart("Cycle time per route, in days from upload to signature-ready",
                                           _cycle_bars(cycle["by_route"], ROUTE_NAMES), series=days),
        "redlines": charts.bar_chart(
            "Redlines per contract, by contract type",
            [charts.bar(CONTRACT_TYPE_NAMES.get(k, k), v["flagged_per_contract"], v["changed_per_contract"])
             for k, v in redlines.items()], series=("flagged", "changed")),
        "legal": charts.share_chart("Legal involvement rate", legal["legal"], legal["reviewed"],
                                    part_label="reviewed contracts went to legal", rest_label="were self-serve"),
        "adoption": charts.share_chart("Template adoption", adoption["on_template"], adoption["approved_or_signed"],
                                       part_label="approved contracts on our own positions",
                                       rest_label="kept some vendor wording"),
        "fallback": charts.share_chart("Fallback acceptance", fallback["fallback_used"],
                                       fallback["fallback_offered"],
                                       part_label="decisions with a fallback on offer used it",
                                       rest_label="were accepted or rejected instead"),
    }


@router.get("/dashboard", response_class=HTMLResponse)
def read_dashboard(request: Request, user: PageUser, session: SessionDep, ip: ClientIP) -> HTMLResponse:
    m = measures.compute(session, viewer=user)
    audit.record(session, actor=user.username, action="metrics.view", ip=ip,
                 detail={"contracts": m["contracts"], "page": "dashboard"})
    session.commit()
    return render(request, "dashboard.html", user, m=m, charts=dashboard_charts(m))
