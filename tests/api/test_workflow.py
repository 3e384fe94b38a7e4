"""The workflow over the API: legal's decisions, approval and signature, minor versions approved by procurement,
comments and mentions, availability and backups, renewals, re-scan progress, metrics and the audit trail."""

from __future__ import annotations

import csv
import io

import pytest
from api_world import build_world
from sqlalchemy import select

from review_service.repository.db import session_scope
from review_service.repository.models import Job, utcnow


@pytest.fixture
def world(engine, store):
    return build_world(engine, store)


def _move(client, world, who: str, cid: int, state: str, comment: str = ""):
    return client.post(f"/api/contracts/{cid}/state", headers=world.headers(who),
                       json={"state": state, "comment": comment})


def _decide(client, world, who: str, dev: int, decision: str, comment: str = ""):
    return client.post(f"/api/deviations/{dev}/decision", headers=world.headers(who),
                       json={"decision": decision, "comment": comment})


def test_legal_decides_approves_and_the_buyer_signs_off(client, world) -> None:
    cid = world.contract()
    dev = world.deviation_id(cid)
    contract = client.get(f"/api/contracts/{cid}", headers=world.headers("legal")).json()
    assert (contract["state"], contract["assignee"]["username"], contract["transitions"]) == (
        "in_review", "lee", ["changes_requested", "rejected"])
    early = _move(client, world, "legal", cid, "approved")
    assert (early.status_code, early.json()["error"]["code"]) == (409, "undecided_deviations")
    assert _decide(client, world, "legal", dev, "reject").json()["error"]["code"] == "invalid_request"
    decided = _decide(client, world, "legal", dev, "fallback", "Net 30 is our fallback")
    assert decided.status_code == 200, decided.text
    assert decided.json() | {"decided_at": None} == {
        "deviation_id": dev, "contract_id": cid, "rule": "payment_terms.payment_days_too_short",
        "severity": "medium", "decision": "fallback", "comment": "Net 30 is our fallback",
        "decided_by": {"id": world.user("legal").id, "username": "lee", "display_name": "Lee"}, "decided_at": None}
    approved = _move(client, world, "legal", cid, "approved", "all decided")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    assert approved.json()["transitions"] == ["signature_ready"]
    late = _decide(client, world, "legal", dev, "accept")
    assert (late.status_code, late.json()["error"]["code"]) == (409, "invalid_transition")
    assert _move(client, world, "owner", cid, "signature_ready").json()["state"] == "signature_ready"
    again = _move(client, world, "owner", cid, "approved")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")

    review = client.get(f"/api/contracts/{cid}", headers=world.headers("owner")).json()["review"]
    payment = next(d for d in review["deviations"] if d["id"] == dev)
    assert (payment["decision"], payment["comment"]) == ("fallback", "Net 30 is our fallback")
    notes = client.get("/api/notifications", headers=world.headers("owner")).json()["items"]
    assert {n["kind"] for n in notes} >= {"decided"}
    metrics = client.get("/api/metrics", headers=world.headers("admin")).json()
    assert metrics["cycle_time"]["by_contract_type"]["saas"]["contracts"] == 1
    assert metrics["cycle_time"]["by_route"]["legal"]["median_days"] >= 0
    assert metrics["template_adoption"] == {"rate": 1.0, "on_template": 1, "approved_or_signed": 1}
    assert metrics["fallback_acceptance"] == {"rate": 1.0, "fallback_used": 1, "fallback_offered": 1}
    assert metrics["redlines_per_contract_type"]["saas"]["changed"] == 1
    assert metrics["legal_involvement"] == {"rate": 1.0, "legal": 1, "reviewed": 1}

    trail = client.get(f"/api/audit?contract_id={cid}&per_page=100", headers=world.headers("admin")).json()["items"]
    actions = [(e["actor"], e["action"]) for e in reversed(trail)]
    assert ("pat", "contract.upload") in actions and ("lee", "contract.view") in actions
    assert actions.index(("lee", "deviation.decide")) < actions.index(("lee", "contract.state"))
    decide = next(e for e in trail if e["action"] == "deviation.decide")
    assert decide["detail"]["decision"] == "fallback" and decide["ip"] == "testclient"
    states = [e["detail"]["to"] for e in reversed(trail) if e["action"] == "contract.state"]
    assert states == ["approved", "signature_ready"]


def test_senior_legal_contract_is_decided_by_general_counsel(client, world) -> None:
    cid = world.contract(route="senior_legal")
    dev = world.deviation_id(cid)
    assert _decide(client, world, "legal", dev, "accept").status_code == 403
    assert _decide(client, world, "senior", dev, "accept").status_code == 200
    assert _move(client, world, "legal", cid, "approved").status_code == 403
    assert _move(client, world, "senior", cid, "approved").status_code == 200


def test_stale_deviation_of_an_older_version_is_refused(client, world) -> None:
    cid = world.contract()
    old = world.deviation_id(cid)
    world.version(cid, payment_days=10)
    response = _decide(client, world, "legal", old, "accept")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "stale_review")


def test_minor_version_of_an_approved_contract_is_approved_by_procurement(client, world) -> None:
    cid = world.contract()
    _decide(client, world, "legal", world.deviation_id(cid), "accept", "ok for this vendor")
    assert _move(client, world, "legal", cid, "approved").status_code == 200
    # The vendor fixes a contact name: minor.
    world.version(cid, contact="A. Jones")
    compare = client.get(f"/api/contracts/{cid}/compare", headers=world.headers("owner")).json()
    assert (compare["from_version"]["number"], compare["to_version"]["number"]) == (1, 2)
    assert compare["classification"] == "minor" and compare["procurement_may_approve"] is True
    [change] = compare["changes"]
    assert (change["change"], change["classification"], change["reasons"]) == ("modified", "minor", [])
    assert {"op": "insert", "text": "A. Jones,"} in change["redline"]
    detail = client.get(f"/api/contracts/{cid}", headers=world.headers("owner")).json()
    assert detail["state"] == "in_review" and "approved" in detail["transitions"]
    moved = _move(client, world, "owner", cid, "approved", "contact name only")
    assert moved.status_code == 200
    trail = client.get(f"/api/audit?contract_id={cid}&action=contract.state", headers=world.headers("legal")).json()
    assert trail["items"][0]["detail"]["via"] == "minor_change"
    assert trail["items"][0]["detail"]["version_id"] == detail["versions"][-1]["id"]

    # Then the vendor shortens the payment term: substantive, back to legal.
    world.version(cid, payment_days=10, contact="A. Jones")
    compare = client.get(f"/api/contracts/{cid}/compare?from=2&to=3", headers=world.headers("owner")).json()
    assert compare["classification"] == "substantive" and not compare["procurement_may_approve"]
    [change] = compare["changes"]
    assert change["reasons"] == ["parameter_changed:payment_days"]
    assert {"op": "delete", "text": "fifteen (15)"} in change["redline"]
    assert {"op": "insert", "text": "ten (10)"} in change["redline"]
    assert compare["deviations_added"] == compare["deviations_removed"] == []  # the same rule, a new value
    refused = _move(client, world, "owner", cid, "approved")
    assert refused.status_code == 403


def test_compare_needs_two_reviewed_versions(client, world) -> None:
    cid = world.contract()
    headers = world.headers("legal")
    assert client.get(f"/api/contracts/{cid}/compare", headers=headers).json()["error"]["code"] == "invalid_request"
    world.version(cid, contact="A. Jones", reviewed=False)
    pending = client.get(f"/api/contracts/{cid}/compare", headers=headers)
    assert (pending.status_code, pending.json()["error"]["code"]) == (409, "not_reviewed")
    assert client.get(f"/api/contracts/{cid}/compare?from=1&to=7", headers=headers).status_code == 404
    assert client.get(f"/api/contracts/{cid}/compare?from=2&to=2", headers=headers).status_code == 422


def test_comments_thread_and_mentions_notify(client, world) -> None:
    cid = world.contract()
    first = client.post(f"/api/contracts/{cid}/comments", headers=world.headers("owner"),
                        json={"body": "@lee can we live with Net 15? The vendor's cash flow changed."})
    assert first.status_code == 201 and first.json()["mentions"] == ["lee"]
    reply = client.post(f"/api/contracts/{cid}/comments", headers=world.headers("legal"),
                        json={"body": "Only with the Net 30 fallback.", "parent_id": first.json()["id"],
                              "mentions": ["pat"]})
    assert reply.status_code == 201
    threads = client.get(f"/api/contracts/{cid}/comments", headers=world.headers("teammate")).json()
    assert threads["total"] == 1 and threads["items"][0]["replies"][0]["body"] == "Only with the Net 30 fallback."
    mentioned = client.get("/api/notifications?unread=true", headers=world.headers("legal")).json()["items"]
    assert any(n["kind"] == "mentioned" and n["contract_id"] == cid for n in mentioned)
    blocked = client.post(f"/api/contracts/{cid}/comments", headers=world.headers("owner"),
                          json={"body": "fyi", "mentions": ["riley"]})
    assert (blocked.status_code, blocked.json()["error"]["code"]) == (422, "mention_cannot_view")
    marked = client.post("/api/notifications/read", headers=world.headers("legal"), json={}).json()
    assert marked["marked"] >= 1
    assert client.get("/api/notifications?unread=true", headers=world.headers("legal")).json()["total"] == 0


def test_an_unavailable_partner_hands_open_contracts_to_the_backup(client, world) -> None:
    cid = world.contract()
    lee = world.user("legal")
    response = client.patch(f"/api/admin/users/{lee.id}", headers=world.headers("admin"),
                            json={"out_of_office": True})
    assert response.status_code == 200 and response.json()["out_of_office"] is True
    contract = client.get(f"/api/contracts/{cid}", headers=world.headers("admin")).json()
    assert (contract["assignee"]["username"], contract["assigned_via"]) == ("morgan", "backup")
    notes = client.get("/api/notifications", headers=world.headers("backup")).json()["items"]
    assert any(n["kind"] == "assigned" and n["contract_id"] == cid for n in notes)
    # Both away: the legal queue, where everyone available in legal hears of it.
    morgan = world.user("backup")
    client.patch(f"/api/admin/users/{morgan.id}", headers=world.headers("admin"), json={"out_of_office": True})
    contract = client.get(f"/api/contracts/{cid}", headers=world.headers("admin")).json()
    assert (contract["assignee"], contract["assigned_via"]) == (None, "legal_queue")
    assert any(n["contract_id"] == cid for n in client.get("/api/notifications",
                                                            headers=world.headers("senior")).json()["items"])
    lockout = client.patch(f"/api/admin/users/{world.user('admin').id}", headers=world.headers("admin"),
                           json={"active": False})
    assert (lockout.status_code, lockout.json()["error"]["code"]) == (409, "self_lockout")


def test_admin_creates_users_and_sets_assignments(client, world) -> None:
    admin = world.headers("admin")
    created = client.post("/api/admin/users", headers=admin,
                          json={"username": "dana", "display_name": "Dana", "role": "legal"}).json()
    assert created["role"] == "legal" and len(created["password"]) >= 12
    token = client.post("/api/auth/token", data={"username": "dana", "password": created["password"]})
    assert token.status_code == 200
    put = client.put("/api/admin/assignments", headers=admin,
                     json={"contract_type": "nda", "partner_id": created["id"], "backup_id": world.user("legal").id})
    assert put.status_code == 200 and put.json()["partner"]["username"] == "dana"
    listed = client.get("/api/admin/assignments", headers=admin).json()
    assert {a["contract_type"] for a in listed["items"]} == {"saas", "nda"} and listed["total"] == 2
    bad = client.put("/api/admin/assignments", headers=admin,
                     json={"contract_type": "nda", "partner_id": world.user("owner").id,
                           "backup_id": world.user("legal").id})
    assert bad.status_code == 422
    assert client.delete(f"/api/admin/assignments/{put.json()['id']}", headers=admin).status_code == 204
    trail = client.get("/api/audit?action=routing.", headers=admin).json()["items"]
    assert [e["detail"].get("removed", False) for e in trail][:2] == [True, False]
    users = client.get("/api/audit?action=user.create&actor=root", headers=admin).json()["items"]
    assert users[0]["detail"]["username"] == "dana"


def test_list_filters(client, world) -> None:
    legal = world.contract()
    world.contract(route="self_serve", payment_days=45)
    world.contract(route="senior_legal")
    world.contract(reviewed=False)
    headers = world.headers("legal")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/contracts?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    assert len(ids("")) == 4
    assert len(ids("state=in_review")) == 3 and len(ids("state=submitted")) == 1
    assert ids("route=legal") == [legal]
    assert len(ids("worst_severity=medium")) == 2 and len(ids("worst_severity=info")) == 1
    assert len(ids("contract_type=saas")) == 4 and ids("contract_type=nda") == []
    assert len(ids("vendor=acme")) == 4 and ids("vendor=zeta") == []
    assert ids("assignee=me") == [legal] and ids("assignee=nobody") == []
    assert len(ids("buyer=pat")) == 4


def test_renewals_list_deadlines_coming_up(client, world) -> None:
    cid = world.contract()
    found = client.get("/api/renewals?within_days=400", headers=world.headers("owner")).json()
    [item] = found["items"]
    assert item["contract"]["id"] == cid and item["renewal_date"][5:] == "01-15"
    assert item["notice_deadline"][5:] == "12-16" and item["days_left"] >= 0
    assert client.get("/api/renewals?within_days=400", headers=world.headers("outsider")).json()["total"] == 0


def test_rescan_reports_progress_and_what_changed(client, world, engine) -> None:
    a, b = world.contract(), world.contract(route="self_serve", payment_days=45)
    world.contract(reviewed=False)
    started = client.post("/api/admin/rescan", headers=world.headers("admin"), json={})
    assert started.status_code == 202
    rescan = started.json()
    assert len(rescan["job_ids"]) == 2
    again = client.post("/api/admin/rescan", headers=world.headers("admin"), json={}).json()
    assert again["job_ids"] == []  # idempotent while the first is waiting
    progress = client.get(f"/api/admin/rescan/{rescan['rescan_id']}", headers=world.headers("admin")).json()
    assert (progress["total"], progress["queued"], progress["finished"]) == (2, 2, False)
    # Let the jobs finish as a worker would: one contract newly passes, one is unchanged.
    with session_scope(engine) as s:
        for job in s.scalars(select(Job).where(Job.id.in_(rescan["job_ids"]))):
            version = job.payload["version_id"]
            passes = job.id == min(rescan["job_ids"])
            job.status, job.finished_at = "done", utcnow()
            job.result = {"route": "self_serve", "worst_severity": "low" if passes else "info",
                          "before": {"route": "legal" if passes else "self_serve",
                                     "worst_severity": "medium" if passes else "info"}, "version_id": version}
    progress = client.get(f"/api/admin/rescan/{rescan['rescan_id']}", headers=world.headers("admin")).json()
    assert (progress["done"], progress["finished"], progress["started_by"]) == (2, True, "root")
    [changed] = progress["report"]["changed"]
    assert changed["contract_id"] == a and changed["change"] == "newly_passes"
    assert b not in {c["contract_id"] for c in progress["report"]["changed"]}


def test_audit_export_is_csv_with_the_hash_chain_and_verifies(client, world) -> None:
    world.contract()
    client.get("/api/contracts", headers=world.headers("owner"))
    response = client.get("/api/audit?format=csv&action=contract.", headers=world.headers("legal"))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["seq", "at", "actor", "action", "target", "ip", "detail", "prev_hash", "hash"]
    assert {r[3] for r in rows[1:]} == {"contract.upload", "contract.list"}
    verified = client.get("/api/audit/verify", headers=world.headers("admin")).json()
    assert verified["intact"] and verified["events"] > 10 and verified["broken_at"] is None
    exported = client.get("/api/audit?action=audit.export", headers=world.headers("admin")).json()["items"]
    assert exported[0]["actor"] == "lee"
