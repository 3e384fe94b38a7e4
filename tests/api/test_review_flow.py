"""The whole flow through the API with the real engine, on SQLite and PostgreSQL: procurement uploads the sample
draft, the worker reviews it, legal reads the deviations (in the `vetted review --json` shape) and decides,
the contract is approved, and the audit trail holds every step."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_world import build_world

from review_service.jobs.worker import Worker
from review_service.repository.db import session_scope
from review_service.repository.models import Job
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


def test_vetted_import_loads_a_folder_skips_duplicates_and_reports_failures(client, engine, store, reviewer,
                                                                           database_url, tmp_path, monkeypatch
                                                                           ) -> None:
    import json
    import shutil

    from typer.testing import CliRunner

    from review_service.cli import app
    from review_service.repository.db import dispose_all
    from review_service.settings import get_settings

    world = build_world(engine, store)
    drafts = ROOT / "corpora" / "drafts"
    folder = tmp_path / "repository"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "c").mkdir()
    (folder / ".trash").mkdir()
    shutil.copy(drafts / "kestrel_mutual_nda.txt", folder / "a" / "kestrel_mutual_nda.txt")
    shutil.copy(drafts / "cobaltline_mutual_nda.txt", folder / "a" / "b" / "cobaltline_mutual_nda.txt")
    shutil.copy(drafts / "kestrel_mutual_nda.txt", folder / "c" / "kestrel_copy.txt")
    shutil.copy(drafts / "fernhill_saas_terms.txt", folder / ".trash" / "old.txt")
    (folder / "broken.pdf").write_bytes((drafts / "kestrel_mutual_nda.pdf").read_bytes()[:2000])
    (folder / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    (folder / "notes.xlsx").write_bytes(b"not a contract")
    metadata = tmp_path / "metadata.csv"
    metadata.write_text("file,title,vendor,contract_type,value,state\n"
                        "a/kestrel_mutual_nda.txt,Kestrel NDA,Kestrel,nda,0,approved\n")
    monkeypatch.setenv("VETTED_DATABASE_URL", database_url)
    monkeypatch.setenv("VETTED_FILES_DIR", str(store.root))
    get_settings.cache_clear()
    monkeypatch.setattr("review_service.review.engine.Reviewer", lambda: reviewer)
    report = tmp_path / "report.json"
    args = ["import", str(folder), "--metadata", str(metadata), "--buyer", "pat", "--type", "nda", "--workers", "2",
            "--report", str(report)]
    try:
        first = CliRunner().invoke(app, args)
        assert first.exit_code == 1, first.output
        found = json.loads(report.read_text())
        again = CliRunner().invoke(app, args)
    finally:
        dispose_all()
    assert {f["file"] for f in found["imported"]} == {"a/kestrel_mutual_nda.txt", "a/b/cobaltline_mutual_nda.txt"}
    assert [s["file"] for s in found["skipped"]] == ["c/kestrel_copy.txt"]
    assert {(f["file"], f["code"]) for f in found["failed"]} == {("broken.pdf", "corrupt_file"),
                                                                 ("scan.pdf", "unsupported_type")}
    contracts = client.get("/api/contracts?per_page=10", headers=world.headers("legal")).json()["items"]
    by_title = {c["title"]: c for c in contracts}
    assert by_title["Kestrel NDA"]["state"] == "approved" and by_title["Kestrel NDA"]["vendor"] == "Kestrel"
    assert by_title["cobaltline_mutual_nda"]["state"] == "signature_ready"
    assert all(c["route"] is not None and c["assignee"] is None for c in contracts), "reviewed, not queued for legal"
    assert "imported 0, skipped 3 already stored, failed 2" in again.output
    imports = client.get("/api/audit?action=contract.import", headers=world.headers("admin")).json()
    assert imports["total"] == 2
    # The import also ran the search jobs its reviews queued: nothing is left waiting for a worker.
    with session_scope(engine, readonly=True) as s:
        search = s.query(Job).filter(Job.kind == "embed_for_search").all()
    assert len(search) == 2 and all(j.status == "done" for j in search)
