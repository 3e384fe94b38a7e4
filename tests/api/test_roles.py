"""Every endpoint against every role: a table of the status each one gets, on SQLite and PostgreSQL.

Columns: ``anonymous`` (no token), ``owner`` (the procurement buyer of the contract), ``teammate`` (procurement,
same team), ``outsider`` (procurement, another team), ``legal`` (the assigned legal partner), ``senior``
(senior legal), ``finance``, ``admin``. 404 is what a contract one may not see answers (no existence leak); 403
is a role that may see it but not do that. Writes get a fresh object per role, so one role's write never
decides the next role's answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from api_world import World, build_world, draft_text
from sqlalchemy import select

from review_service.library import load_library
from review_service.repository import audit, service
from review_service.repository.db import session_scope
from review_service.repository.models import Contract, Job, User

ROLES = ("anonymous", "owner", "teammate", "outsider", "legal", "senior", "finance", "admin")
_n = itertools.count(1)


def expect(default: int, **overrides: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    table["anonymous"] = 401
    table.update(overrides)
    return table


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    # A path with {names} from ``prepare``, or a function (world, names, role) -> (path, request kwargs) that
    # makes a fresh object for each role.
    target: str | Callable[[World, dict[str, Any], str], tuple[str, dict[str, Any]]]
    expected: dict[str, int]

    def __str__(self) -> str:
        return self.name


def prepare(world: World) -> dict[str, Any]:
    """The shared objects the read-only rows look at."""
    a = world.contract()
    world.version(a, contact="A. Jones")
    with session_scope(world.engine) as s:
        version = s.get(Contract, a).versions[-1]
        job = service.job_for_version(s, version_id=version.id)
        rescan = audit.record(s, actor="root", action="rescan.start", target="rescan", detail={"job_ids": []})
        return {"A": a, "job": job.id, "rescan": rescan.seq}


def _upload(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    text = draft_text(title=f"ORDER FORM {next(_n)} {role}")
    return "/api/contracts", {"data": {"title": "Order form", "vendor": "Acme", "contract_type": "saas",
                                       "value": "5000"},
                              "files": {"file": ("order.txt", text.encode(), "text/plain")}}


def _new_version(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    cid = world.contract()
    text = draft_text(title=f"REVISED {next(_n)}")
    return f"/api/contracts/{cid}/versions", {"files": {"file": ("v2.txt", text.encode(), "text/plain")}}


def _decision(route: str) -> Callable[[World, dict[str, Any], str], tuple[str, dict[str, Any]]]:
    def make(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
        dev = world.deviation_id(world.contract(route=route))
        return f"/api/deviations/{dev}/decision", {"json": {"decision": "accept", "comment": "fine"}}
    return make


def _state(to: str, **contract: Any) -> Callable[[World, dict[str, Any], str], tuple[str, dict[str, Any]]]:
    def make(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
        cid = world.contract(**contract)
        return f"/api/contracts/{cid}/state", {"json": {"state": to}}
    return make


def _sign_off(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    cid = world.contract(route="senior_legal", value=1_500_000, co_signers=("finance",))
    with session_scope(world.engine) as s:
        s.get(Contract, cid).state = "approved"
    return f"/api/contracts/{cid}/state", {"json": {"state": "signature_ready"}}


def _fresh_user(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    with session_scope(world.engine) as s:
        user = service.create_user(s, username=f"temp{next(_n)}", display_name="Temp", role="procurement",
                                   password="long enough password")
        uid = user.id
    return f"/api/admin/users/{uid}", {"json": {"display_name": "Renamed"}}


def _assignment_to_delete(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    with session_scope(world.engine) as s:
        buyer = service.create_user(s, username=f"buyer{next(_n)}", display_name="B", role="procurement",
                                    password="long enough password")
        row = service.set_legal_assignment(s, buyer_id=buyer.id, partner_id=world.user("legal").id,
                                           backup_id=world.user("backup").id, actor="root")
        rid = row.id
    return f"/api/admin/assignments/{rid}", {}


def _same_thresholds(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    # The values already set: the shipped library is never written (test_routing_thresholds changes a copy).
    current = load_library().playbook.routing.thresholds
    return "/api/admin/routing/thresholds", {"json": {"thresholds": {"legal_value": current["legal_value"]}}}


def _failed_job(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    with session_scope(world.engine) as s:
        job = Job(kind="review_version", payload={"version_id": 1}, status="failed", attempts=5, max_attempts=5,
                  last_error_code="internal_error")
        s.add(job)
        s.flush()
        jid = job.id
    return f"/api/admin/jobs/{jid}/retry", {}


def _new_username(world: World, names: dict[str, Any], role: str) -> tuple[str, dict[str, Any]]:
    return "/api/admin/users", {"json": {"username": f"new{next(_n)}", "role": "finance"}}


READS = [
    Case("list contracts", "GET", "/api/contracts", expect(200)),
    Case("read contract", "GET", "/api/contracts/{A}", expect(200, outsider=404)),
    Case("list versions", "GET", "/api/contracts/{A}/versions", expect(200, outsider=404, finance=403)),
    Case("download file", "GET", "/api/contracts/{A}/versions/1/file", expect(200, outsider=404, finance=403)),
    Case("response to the vendor", "GET", "/api/contracts/{A}/response.docx",
         expect(200, outsider=404, finance=403)),
    Case("compare versions", "GET", "/api/contracts/{A}/compare?from=1&to=2",
         expect(200, outsider=404, finance=403)),
    Case("read comments", "GET", "/api/contracts/{A}/comments", expect(200, outsider=404, finance=403)),
    Case("read job", "GET", "/api/jobs/{job}", expect(200, outsider=404)),
    Case("notifications", "GET", "/api/notifications", expect(200)),
    Case("renewals", "GET", "/api/renewals?within_days=365", expect(200)),
    Case("metrics", "GET", "/api/metrics", expect(200)),
    Case("user directory", "GET", "/api/users", expect(200)),
    # Everyone signed in may search; what each sees is tested in test_precedent_search.py.
    Case("search", "GET", "/api/search?q=liability%20cap&scope=all&k=3", expect(200)),
    Case("me", "GET", "/api/auth/me", expect(200)),
    Case("audit search", "GET", "/api/audit", expect(403, legal=200, senior=200, admin=200)),
    Case("audit export", "GET", "/api/audit?format=csv", expect(403, legal=200, senior=200, admin=200)),
    Case("audit verify", "GET", "/api/audit/verify", expect(403, legal=200, senior=200, admin=200)),
    Case("list users", "GET", "/api/admin/users", expect(403, admin=200)),
    Case("list assignments", "GET", "/api/admin/assignments", expect(403, admin=200)),
    Case("routing thresholds", "GET", "/api/admin/routing/thresholds", expect(403, admin=200)),
    Case("rescan progress", "GET", "/api/admin/rescan/{rescan}", expect(403, admin=200)),
]

WRITES = [
    Case("upload contract", "POST", _upload, expect(202, finance=403, admin=403)),
    Case("upload version", "POST", _new_version, expect(202, outsider=404, finance=403, admin=403)),
    Case("comment", "POST", lambda w, n, r: (f"/api/contracts/{n['A']}/comments", {"json": {"body": "ok"}}),
         expect(201, outsider=404, finance=403)),
    Case("decide (legal route)", "POST", _decision("legal"), expect(403, legal=200, senior=200)),
    Case("decide (senior legal route)", "POST", _decision("senior_legal"), expect(403, senior=200)),
    Case("request changes (legal route)", "POST", _state("changes_requested"),
         expect(403, outsider=404, legal=200, senior=200)),
    Case("approve (self-serve route)", "POST", _state("approved", route="self_serve", payment_days=45),
         expect(200, outsider=404, finance=403, admin=403)),
    Case("reject (senior legal route)", "POST", _state("rejected", route="senior_legal"),
         expect(403, outsider=404, senior=200)),
    Case("signature-ready (finance co-signs)", "POST", _sign_off, expect(403, outsider=404, finance=200)),
    Case("mark notifications read", "POST", lambda w, n, r: ("/api/notifications/read", {"json": {}}),
         expect(200)),
    Case("create user", "POST", _new_username, expect(403, admin=201)),
    Case("update user", "PATCH", _fresh_user, expect(403, admin=200)),
    Case("set assignment", "PUT", lambda w, n, r: ("/api/admin/assignments", {"json": {
        "contract_type": "nda", "partner_id": w.user("legal").id, "backup_id": w.user("backup").id}}),
         expect(403, admin=200)),
    Case("delete assignment", "DELETE", _assignment_to_delete, expect(403, admin=204)),
    Case("set routing thresholds", "PUT", _same_thresholds, expect(403, admin=200)),
    Case("start rescan", "POST", lambda w, n, r: ("/api/admin/rescan", {"json": {}}), expect(403, admin=202)),
    Case("retry job", "POST", _failed_job, expect(403, admin=200)),
    Case("logout", "POST", lambda w, n, r: ("/api/auth/logout", {}), expect(204)),
]


def _statuses(case: Case, client, world: World, names: dict[str, Any]) -> dict[str, int]:
    got: dict[str, int] = {}
    for role in ROLES:
        if callable(case.target):
            path, kwargs = case.target(world, names, role)
        else:
            path, kwargs = case.target.format(**names), {}
        response = client.request(case.method, path, headers=world.headers(None if role == "anonymous" else role),
                                  **kwargs)
        got[role] = response.status_code
        if response.status_code >= 400:
            body = response.json()
            assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
        client.cookies.clear()
    return got


def test_role_matrix_reads(client, engine, store) -> None:
    """The read-only rows share one world: reading changes nothing another row depends on."""
    world = build_world(engine, store)
    names = prepare(world)
    wrong = {}
    for case in READS:
        got = _statuses(case, client, world, names)
        if got != case.expected:
            wrong[case.name] = {role: f"{got[role]} (expected {case.expected[role]})" for role in ROLES
                                if got[role] != case.expected[role]}
    assert not wrong


@pytest.mark.parametrize("case", WRITES, ids=str)
def test_role_matrix_writes(case: Case, client, engine, store) -> None:
    world = build_world(engine, store)
    assert _statuses(case, client, world, prepare(world)) == case.expected


def test_confidential_contract_is_seen_by_named_users_only(client, engine, store) -> None:
    world = build_world(engine, store)
    secret = world.contract(confidential=True, allowed=("senior",), route="self_serve", payment_days=45)
    visible = {"owner": 200, "teammate": 404, "outsider": 404, "legal": 404, "senior": 200, "finance": 404,
               "admin": 404}
    for role, status in visible.items():
        assert client.get(f"/api/contracts/{secret}", headers=world.headers(role)).status_code == status, role
        listed = client.get("/api/contracts", headers=world.headers(role)).json()
        assert (secret in {c["id"] for c in listed["items"]}) == (status == 200), role
        metrics = client.get("/api/metrics", headers=world.headers(role)).json()
        assert metrics["contracts"] == (1 if status == 200 else 0), role


def test_finance_sees_money_terms_only(client, engine, store) -> None:
    world = build_world(engine, store)
    cid = world.contract()
    full = client.get(f"/api/contracts/{cid}?include_text=true", headers=world.headers("legal")).json()
    money = client.get(f"/api/contracts/{cid}?include_text=true", headers=world.headers("finance")).json()
    assert full["view"] == "full" and "text" in full["review"] and full["business_context"]
    assert money["view"] == "money_terms" and money["business_context"] is None and money["versions"] == []
    assert "text" not in money["review"] and {d["clause_type"] for d in money["review"]["deviations"]} == {
        "payment_terms"}
    assert {c["clause_type"] for c in money["review"]["clauses"]} == {"payment_terms"}
    assert set(money["key_terms"]) >= {"value", "payment_terms", "renewal_date", "notice_deadline"}
    assert "governing_law" not in money["key_terms"] and "parties" not in money["key_terms"]
    assert money["review"]["route"] == {"route": "legal", "approver": "assigned_legal_partner", "co_signers": []}


def test_inactive_user_token_stops_working(client, engine, store) -> None:
    world = build_world(engine, store)
    assert client.get("/api/auth/me", headers=world.headers("owner")).status_code == 200
    with session_scope(engine) as s:
        s.scalars(select(User).where(User.username == "pat")).one().active = False
    response = client.get("/api/auth/me", headers=world.headers("owner"))
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"
