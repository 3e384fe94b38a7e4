"""The whole flow through the API with the real engine, on SQLite and PostgreSQL: procurement uploads the sample
draft, the worker reviews it, legal reads the deviations (in the `vetted review --json` shape) and decides,
the contract is approved, and the audit trail holds every step."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_world import build_world

from review_service.jobs.worker import Worker
from review_service.review.engine import Reviewer

ROOT = Path(__file__).resolve().parents[2]
NIMBUS = ROOT / "corpora" / "drafts" / "nimbusdesk_saas_subscription.txt"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reviewer(tmp_path_factory) -> Reviewer:
    r = Reviewer(data_dir=tmp_path_factory.mktemp("data"))
    r.warm_up()
    return r


def test_upload_review_decide_approve_and_audit(client, engine, store, reviewer) -> None:
    world = build_world(engine, store)
    pat, gc = world.headers("owner"), world.headers("senior")
    upload = client.post("/api/contracts", headers=pat,
                         data={"title": "NimbusDesk subscription", "vendor": "NimbusDesk Software",
                               "contract_type": "saas", "value": "54000",
                               "business_context": "vendor needs Net 60 because its cash-flow cycle changed"},
                         files={"file": (NIMBUS.name, NIMBUS.read_bytes(), "text/plain")})
    assert upload.status_code == 202, upload.text
    ids = upload.json()
    assert client.get(f"/api/jobs/{ids['job_id']}", headers=pat).json()["status"] == "queued"

    worker = Worker(engine, store=store, reviewer_factory=lambda: reviewer)
    assert worker.run_once()
    job = client.get(f"/api/jobs/{ids['job_id']}", headers=pat).json()
    assert job["status"] == "done", job["error"]

    contract = client.get(f"/api/contracts/{ids['contract_id']}?include_text=true", headers=gc).json()
    review = contract["review"]
    assert contract["state"] == "in_review" and contract["route"] == review["route"]["route"] == "senior_legal"
    assert contract["assignee"]["username"] == "gc" and contract["worst_severity"] == "critical"
    payment = next(d for d in review["deviations"] if d["rule"] == "payment_terms.payment_days_too_short")
    assert review["text"][payment["evidence"]["start"]:payment["evidence"]["end"]] == "fifteen (15) days"
    assert contract["key_terms"]["governing_law"] == "Texas"
    assert contract["transitions"] == ["changes_requested", "rejected"]

    for d in review["deviations"]:
        if d["severity"] == "info":
            continue
        decision = "fallback" if d["fallback_text"] else "accept"
        response = client.post(f"/api/deviations/{d['id']}/decision", headers=gc,
                               json={"decision": decision, "comment": "agreed with the vendor"})
        assert response.status_code == 200, response.text
    approved = client.post(f"/api/contracts/{ids['contract_id']}/state", headers=gc,
                           json={"state": "approved", "comment": "all deviations decided"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"

    trail = client.get(f"/api/audit?contract_id={ids['contract_id']}&per_page=200", headers=gc).json()["items"]
    actions = [(e["actor"], e["action"]) for e in reversed(trail)]
    assert actions[0] == ("pat", "contract.upload")
    assert ("gc", "contract.view") in actions and ("gc", "deviation.decide") in actions
    assert actions[-1] == ("gc", "contract.state")
    decided = sum(1 for a in actions if a == ("gc", "deviation.decide"))
    assert decided == sum(1 for d in review["deviations"] if d["severity"] != "info")
