"""The clause library browser, the dashboard, the version comparison page, the vendor-response button's route and
the admin pages, over HTTP with the session cookie (the browser tests in tests/web drive the same pages in
Chromium): what each shows, who may open it, and that the admin forms change what they say, through the API's
checks and audit records."""

from __future__ import annotations

import io
import re

import docx
import pytest
from api_world import PASSWORD, World, build_world
from sqlalchemy import select

from api.security import COOKIE_NAME
from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent, Contract, LegalAssignment, User

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def _as(client, world: World, who: str) -> None:
    client.cookies.clear()
    client.cookies.set(COOKIE_NAME, world.tokens[who])


def _post(client, path: str, data: dict[str, str], *, page: str):
    """A form post as the browser sends it: the CSRF token from the page the form is on."""
    token = CSRF.search(client.get(page).text).group(1)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def _events(engine, action: str) -> list[AuditEvent]:
    with session_scope(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


@pytest.fixture
def world(client, engine, store) -> World:
    return build_world(engine, store)


# ------------------------------------------------------------------------------------------ library


def test_library_glossary_lists_every_type_and_filters_by_lane_and_words(client, world) -> None:
    _as(client, world, "finance")
    page = client.get("/library")
    assert page.status_code == 200
    assert 'href="/library/payment_terms"' in page.text and 'id="term-limitation_of_liability"' in page.text
    assert re.search(r"(\d+) of \1 clause types", page.text)
    finance = client.get("/library?lane=finance").text
    assert 'href="/library/payment_terms"' in finance and 'href="/library/limitation_of_liability"' not in finance
    found = client.get("/library", params={"q": "net 45"}).text
    assert 'href="/library/payment_terms"' in found and "matching “net 45”" in found
    assert 'href="/library/governing_law"' not in found
    nothing = client.get("/library", params={"q": "zebra crossing"}).text
    assert "No clause type matches" in nothing


def test_library_type_page_shows_positions_bounds_and_links_back(client, world) -> None:
    _as(client, world, "owner")
    page = client.get("/library/payment_terms").text
    assert "Owning lane" in page and "Finance" in page and "Required in every buying agreement." in page
    assert "at least 30 days after receipt of a correct invoice" in page  # the playbook bound, in words
    assert "payment_terms.payment_days_too_short" in page and 'class="badge sev-medium"' in page
    assert "Fallbacks, in the order we offer them" in page and "Red flags" in page
    assert 'href="/library#term-payment_terms"' in page
    survival = client.get("/library/survival").text
    assert 'href="/library/confidentiality"' in survival  # a definition naming another type links to it
    missing = client.get("/library/no_such_type")
    assert missing.status_code == 404 and "no clause type called" in missing.text


# ------------------------------------------------------------------------------------------ dashboard


def test_dashboard_draws_the_measures_as_accessible_svg_with_tables(client, world, engine) -> None:
    signed = world.contract(route="self_serve", payment_days=45)
    with session_scope(engine) as s:
        contract = s.get(Contract, signed)
        contract.state = "approved"
        lee = s.scalars(select(User).where(User.username == "lee")).one()
        from review_service.workflow.transitions import apply_transition

        apply_transition(s, contract, lee, "signature_ready")
    world.contract()  # a legal-route contract still open
    _as(client, world, "legal")
    page = client.get("/dashboard")
    assert page.status_code == 200
    text = page.text
    assert text.count('role="img"') == 6 and text.count("<title id=") == 6 and text.count("<desc id=") == 6
    assert "over the 2 contracts you can see" in text
    assert re.search(r"<desc id=\"chart\d+d\">1 of 2 \(50%\) reviewed contracts went to legal", text)
    assert "SaaS subscription" in text and "<th scope=\"row\">Route: Self-serve</th>" in text
    assert "<script" not in text.split("<main", 1)[1]  # charts need no script
    assert _events(engine, "metrics.view")[-1].detail == {"contracts": 2, "page": "dashboard"}
    _as(client, world, "outsider")
    assert "over the 0 contracts you can see" in client.get("/dashboard").text


# ------------------------------------------------------------------------------------------ comparison


def test_compare_page_marks_each_change_minor_or_substantive(client, world, engine) -> None:
    cid = world.contract()
    world.version(cid, contact="A. Jones", payment_days=45)
    _as(client, world, "owner")
    page = client.get(f"/contracts/{cid}/compare")
    assert page.status_code == 200
    text = page.text
    assert 'data-classification="substantive"' in text and 'data-classification="minor"' in text
    assert "<del>J. Smith,</del>" in text and "<ins>A. Jones,</ins>" in text
    assert "payment days changed" in text  # the reason, in words
    assert 'Deviation gone: <code>payment_terms.payment_days_too_short</code> <span class="badge sev-medium">' in text
    assert _events(engine, "contract.compare")[-1].detail["from"] == 1
    _as(client, world, "finance")
    assert client.get(f"/contracts/{cid}/compare").status_code == 403
    _as(client, world, "outsider")
    assert client.get(f"/contracts/{cid}/compare").status_code == 404
    single = world.contract()
    _as(client, world, "owner")
    assert "upload a new version to compare" in client.get(f"/contracts/{single}/compare").text


def test_response_button_route_downloads_the_docx_and_shows_errors_as_pages(client, world) -> None:
    cid = world.contract()
    world.version(cid, contact="A. Jones")
    _as(client, world, "owner")
    contract_page = client.get(f"/contracts/{cid}").text
    assert f'href="/contracts/{cid}/response.docx"' in contract_page
    assert f'href="/contracts/{cid}/compare"' in contract_page
    got = client.get(f"/contracts/{cid}/response.docx")
    assert got.status_code == 200 and got.headers["content-disposition"].startswith("attachment;")
    assert docx.Document(io.BytesIO(got.content)).paragraphs[0].text == "Response to Acme Cloud"
    waiting = world.contract(reviewed=False)
    refused = client.get(f"/contracts/{waiting}/response.docx")
    assert refused.status_code == 409 and "text/html" in refused.headers["content-type"]
    assert "is not reviewed yet" in refused.text
    _as(client, world, "finance")
    assert "response.docx" not in client.get(f"/contracts/{cid}").text
    assert client.get(f"/contracts/{cid}/response.docx").status_code == 403


# ------------------------------------------------------------------------------------------ admin


@pytest.mark.parametrize("who", ["owner", "legal", "senior", "finance"])
def test_admin_pages_refuse_other_roles(client, world, who: str) -> None:
    _as(client, world, who)
    for path in ("/admin/users", "/admin/assignments", "/admin/routing"):
        page = client.get(path)
        assert page.status_code == 403 and "This page is for Admin" in page.text, path
    token = CSRF.search(client.get("/library").text).group(1)
    refused = client.post("/admin/users", data={"username": "x1", "role": "admin", "csrf_token": token})
    assert refused.status_code == 403
    audit = client.get("/admin/audit")
    assert audit.status_code == (200 if who in ("legal", "senior") else 403)


def test_admin_creates_users_changes_roles_deactivates_and_resets_passwords(client, world, engine) -> None:
    _as(client, world, "admin")
    created = _post(client, "/admin/users", {"username": "dana", "display_name": "Dana Q", "role": "procurement",
                                             "team": "ops", "email": ""}, page="/admin/users")
    assert created.status_code == 200 and "Created <strong>Dana Q</strong>" in created.text
    password = re.search(r'<span class="secret">([^<]+)</span>', created.text).group(1)
    assert client.post("/api/auth/token", data={"username": "dana", "password": password}).status_code == 200
    _as(client, world, "admin")
    taken = _post(client, "/admin/users", {"username": "dana", "role": "legal"}, page="/admin/users")
    assert taken.status_code == 422 and "is taken" in taken.text and 'value="dana"' in taken.text

    with session_scope(engine, readonly=True) as s:
        dana = s.scalars(select(User).where(User.username == "dana")).one().id
    moved = _post(client, f"/admin/users/{dana}/role", {"role": "finance"}, page="/admin/users")
    assert moved.status_code == 303
    assert "Dana Q is now Finance." in client.get("/admin/users").text
    assert _post(client, f"/admin/users/{dana}/active", {"active": "false"}, page="/admin/users").status_code == 303
    with session_scope(engine, readonly=True) as s:
        row = s.get(User, dana)
        assert row.role == "finance" and not row.active
    reset = _post(client, f"/admin/users/{world.user('owner').id}/password", {}, page="/admin/users")
    new = re.search(r'<span class="secret">([^<]+)</span>', reset.text).group(1)
    assert client.post("/api/auth/token", data={"username": "pat", "password": new}).status_code == 200
    assert client.post("/api/auth/token", data={"username": "pat", "password": PASSWORD}).status_code == 401

    _as(client, world, "admin")
    myself = _post(client, f"/admin/users/{world.user('admin').id}/active", {"active": "false"}, page="/admin/users")
    assert myself.status_code == 409 and "cannot deactivate yourself" in myself.text
    updates = [e.detail for e in _events(engine, "user.update")]
    assert {"role": {"from": "procurement", "to": "finance"}} in updates and {"password": "changed"} in updates


def test_admin_sets_assignments_and_availability_moves_open_work_to_the_backup(client, world, engine) -> None:
    cid = world.contract()  # saas, legal route: assigned to lee (partner), morgan is the backup
    _as(client, world, "admin")
    page = client.get("/admin/assignments")
    assert page.status_code == 200 and 'data-scope="type:saas"' in page.text
    lee, morgan, gc = (world.user(w).id for w in ("legal", "backup", "senior"))
    saved = _post(client, "/admin/assignments", {"scope": "type:nda", "partner_id": str(morgan),
                                                 "backup_id": str(gc)}, page="/admin/assignments")
    assert saved.status_code == 303
    assert "NDA: Morgan reviews, Gc is the backup." in client.get("/admin/assignments").text
    same = _post(client, "/admin/assignments", {"scope": "type:nda", "partner_id": str(gc), "backup_id": str(gc)},
                 page="/admin/assignments")
    assert same.status_code == 422 and "someone other than the legal partner" in same.text

    away = _post(client, f"/admin/users/{lee}/availability", {"out_of_office": "true"}, page="/admin/assignments")
    assert away.status_code == 303
    with session_scope(engine, readonly=True) as s:
        contract = s.get(Contract, cid)
        assert contract.assignee_id == morgan and contract.assigned_via == "backup"
        nda = s.scalars(select(LegalAssignment).where(LegalAssignment.contract_type == "nda")).one()
        assert (nda.partner_id, nda.backup_id) == (morgan, gc)
        rid = nda.id
    assert "out of office" in client.get("/admin/assignments").text
    assert _post(client, f"/admin/assignments/{rid}/delete", {}, page="/admin/assignments").status_code == 303
    with session_scope(engine, readonly=True) as s:
        assert s.get(LegalAssignment, rid) is None
    assert [e.target for e in _events(engine, "routing.assignment")][-2:] == ["contract_type:nda"] * 2


def test_admin_routing_and_audit_pages(client, world, engine) -> None:
    _as(client, world, "admin")
    routing = client.get("/admin/routing").text
    assert "Senior legal value" in routing
    assert 'value="1000000"' in routing and "legal_review_medium" in routing
    world.contract()
    page = client.get("/admin/audit", params={"action": "contract.", "since": "2000-01-01"})
    assert page.status_code == 200 and "contract.upload" in page.text and "user.create" not in page.text
    export = re.search(r'href="([^"]+)" download id="export-csv"', page.text).group(1).replace("&amp;", "&")
    assert export.startswith("/api/audit?") and "action=contract." in export and "format=csv" in export
    csv_text = client.get(export).text
    assert csv_text.startswith("seq,at,actor,action") and "contract.upload" in csv_text
    assert "user.create" not in csv_text
    searches = _events(engine, "audit.search")
    assert searches[-1].detail["filters"]["action"] == "contract."
    bad_day = client.get("/admin/audit", params={"since": "yesterday"})
    assert bad_day.status_code == 200  # an unreadable day is ignored, not an error


def test_admin_users_page_is_paged_and_searchable(client, world, engine) -> None:
    """An organisation's whole staff does not fit one page: 50 users a page, a search by name, username or email."""
    with session_scope(engine) as s:
        for n in range(60):
            s.add(User(username=f"buyer{n:02d}", display_name=f"Buyer Number {n:02d}", role="procurement",
                       email=f"b{n:02d}@purchasing.example", password_hash="x"))
    with session_scope(engine, readonly=True) as s:
        total = len(s.scalars(select(User)).all())
    _as(client, world, "admin")

    def listed(url: str) -> list[str]:
        return re.findall(r'<tr data-username="([^"]+)"', client.get(url).text)

    first = client.get("/admin/users")
    assert "Page 1 of 2" in first.text and 'href="?q=&page=2"' in first.text and f"{total} users" in first.text
    page_one, page_two = listed("/admin/users"), listed("/admin/users?page=2")
    assert len(page_one) == 50 and len(page_two) == total - 50
    assert sorted(page_one + page_two) == sorted(set(page_one + page_two))  # no user on both pages

    assert listed("/admin/users?q=number 07") == ["buyer07"]  # by name, whatever the case
    assert "1 user matching" in client.get("/admin/users?q=number 07").text
    assert set(listed("/admin/users?q=b1")) >= {f"buyer{n}" for n in range(10, 20)}  # by username or email
    by_email = client.get("/admin/users?q=@purchasing.example")
    assert "60 users matching" in by_email.text and "Page 1 of 2" in by_email.text  # the search is paged too
    both = listed("/admin/users?q=@purchasing.example") + listed("/admin/users?q=@purchasing.example&page=2")
    assert sorted(both) == [f"buyer{n:02d}" for n in range(60)]
    nobody = client.get("/admin/users?q=100%25_")  # % and _ are searched as themselves
    assert nobody.status_code == 200 and "0 users matching" in nobody.text and not listed("/admin/users?q=100%25_")
