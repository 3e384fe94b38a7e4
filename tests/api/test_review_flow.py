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


def test_vetted_rescan_reassesses_from_stored_embeddings(client, engine, store, reviewer, database_url,
                                                         monkeypatch) -> None:
    from typer.testing import CliRunner

    from review_service.cli import app
    from review_service.repository.db import dispose_all
    from review_service.settings import get_settings

    world = build_world(engine, store)
    upload = client.post("/api/contracts", headers=world.headers("owner"),
                         data={"title": "NimbusDesk", "vendor": "NimbusDesk", "contract_type": "saas"},
                         files={"file": (NIMBUS.name, NIMBUS.read_bytes(), "text/plain")})
    assert Worker(engine, store=store, reviewer_factory=lambda: reviewer).run_once()
    monkeypatch.setenv("VETTED_DATABASE_URL", database_url)
    monkeypatch.setenv("VETTED_FILES_DIR", str(store.root))
    get_settings.cache_clear()
    monkeypatch.setattr("review_service.review.engine.Reviewer", lambda: reviewer)
    # The stored vectors stand in for the model: calling it would be a failure.
    monkeypatch.setattr(reviewer.embedder, "encode", lambda texts: pytest.fail(f"model called for {len(texts)}"))
    try:
        result = CliRunner().invoke(app, ["rescan"])
    finally:
        dispose_all()  # the command's process-wide engine for the test database
    assert result.exit_code == 0, result.output
    assert "re-scan" in result.output and "0 changed, 0 failed" in result.output
    contract = client.get(f"/api/contracts/{upload.json()['contract_id']}", headers=world.headers("senior")).json()
    assert contract["review"]["review"]["trigger"] == "rescan"
    trail = client.get("/api/audit?action=rescan.", headers=world.headers("admin")).json()["items"]
    assert trail[0]["actor"].startswith("cli:") and len(trail[0]["detail"]["job_ids"]) == 1
    progress = client.get(f"/api/admin/rescan/{trail[0]['seq']}", headers=world.headers("admin")).json()
    assert (progress["done"], progress["finished"], progress["report"]["changed"]) == (1, True, [])
