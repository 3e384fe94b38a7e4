"""The web pages in-process (no browser): signing in and out, CSRF protection of page forms, the role checks
and their friendly pages, the queue's order and filters, the contract page's audit record, decisions and
comments through forms, and uploads without scripts (the form comes back filled in with the API's message)."""

from __future__ import annotations

import re

import pytest
from api_world import PASSWORD, build_world, draft_text
from sqlalchemy import select

from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent, Contract, Deviation

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def world(engine, store):
    return build_world(engine, store)


def _token(client, path: str = "/login") -> str:
    found = TOKEN.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client, username: str) -> str:
    """Sign ``username`` in through the page; the CSRF token for the next forms."""
    token = _token(client)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return token


def _actions(engine, action: str) -> list[AuditEvent]:
    with session_scope(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_web_sign_in_lands_on_the_role_home_and_sign_out_ends_the_session(client, world, engine) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    token = _token(client)
    wrong = client.post("/login", data={"username": "lee", "password": "nope", "csrf_token": token})
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    right = client.post("/login", data={"username": "lee", "password": PASSWORD, "csrf_token": token},
                        follow_redirects=False)
    assert right.headers["location"] == "/queue"
    assert "vetted_session=" in right.headers["set-cookie"] and "HttpOnly" in right.headers["set-cookie"]
    assert [e.actor for e in _actions(engine, "auth.login")] == ["lee"]
    assert client.get("/queue").status_code == 200
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.headers["location"] == "/login"
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_web_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(client, world) -> None:
    asked = client.get("/queue?vendor=acme", follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"] == "/login?next=%2Fqueue%3Fvendor%3Dacme"
    token = _token(client)
    for target, landing in (("/queue?vendor=acme", "/queue?vendor=acme"), ("//evil.example/x", "/queue"),
                            ("https://evil.example/", "/queue")):
        response = client.post("/login", data={"username": "lee", "password": PASSWORD, "csrf_token": token,
                                               "next": target}, follow_redirects=False)
        assert response.headers["location"] == landing


def test_web_forms_refuse_a_missing_or_wrong_token_and_a_foreign_origin(client, world, engine) -> None:
    no_token = client.post("/login", data={"username": "lee", "password": PASSWORD})
    assert no_token.status_code == 403 and "security token" in no_token.text
    token = _token(client)
    forged = client.post("/login", data={"username": "lee", "password": PASSWORD, "csrf_token": "0" * 64})
    assert forged.status_code == 403
    foreign = client.post("/login", data={"username": "lee", "password": PASSWORD, "csrf_token": token},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "another site" in foreign.text
    assert _actions(engine, "auth.login") == []  # none of them reached the password check
    # The token is bound to this browser's cookie: another browser's token does not fit.
    sign_in(client, "lee")
    contract_id = world.contract()
    deviation_id = world.deviation_id(contract_id)
    session_cookie = client.cookies.get("vetted_session")
    client.cookies.clear()
    client.cookies.set("vetted_session", session_cookie)
    client.cookies.set("vetted_csrf", "another-browser")
    refused = client.post(f"/contracts/{contract_id}/deviations/{deviation_id}/decision",
                          data={"decision": "accept", "csrf_token": token})
    assert refused.status_code == 403 and "This form has expired" in refused.text


@pytest.mark.parametrize(("who", "path", "allowed"), [
    ("owner", "/queue", False), ("finance", "/queue", False), ("admin", "/queue", False), ("legal", "/queue", True),
    ("senior", "/queue", True), ("finance", "/upload", False), ("admin", "/upload", False),
    ("owner", "/upload", True), ("finance", "/requests", False), ("owner", "/requests", True),
])
def test_web_pages_refuse_the_wrong_role_with_a_page(client, world, who, path, allowed) -> None:
    sign_in(client, world.user(who).username)
    response = client.get(path)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403 and "text/html" in response.headers["content-type"]
        assert "Not for your role" in response.text and "This page is for" in response.text


def test_web_contract_pages_hide_what_the_user_may_not_see(client, world) -> None:
    contract_id = world.contract(buyer="owner")
    sign_in(client, "riley")  # procurement in another team
    for path in (f"/contracts/{contract_id}", f"/requests/{contract_id}"):
        response = client.get(path)
        assert response.status_code == 404 and "Not found" in response.text
    assert client.get("/api/nope").json()["error"]["code"] == "not_found"  # the API keeps its JSON body


def test_web_queue_puts_the_worst_first_then_the_oldest_and_filters(client, world) -> None:
    medium_old = world.contract(title="Medium old")
    high = world.contract(title="High one")
    medium_new = world.contract(title="Medium new")
    self_serve = world.contract(title="Self-serve one", route="self_serve")
    with session_scope(world.engine) as s:
        s.get(Contract, high).worst_severity = "high"
    sign_in(client, "lee")
    page = client.get("/queue").text
    order = re.findall(r'class="strong">([^<]+)</a>', page)
    assert order == ["High one", "Medium old", "Medium new"]
    assert "Self-serve one" not in page
    assert re.findall(r'class="strong">([^<]+)</a>', client.get("/queue?route=self_serve").text) == \
        ["Self-serve one"]
    assert "High one" not in client.get("/queue?assignee=morgan").text
    assert "High one" in client.get("/queue?assignee=me&vendor=acme&contract_type=saas").text
    assert "High one" not in client.get("/queue?contract_type=nda").text
    del medium_old, medium_new, self_serve


def test_web_contract_page_is_audited_and_decisions_go_through_the_api_rules(client, world, engine) -> None:
    contract_id = world.contract()
    deviation_id = world.deviation_id(contract_id)
    token = sign_in(client, "lee")
    page = client.get(f"/contracts/{contract_id}?d={deviation_id}")
    assert page.status_code == 200
    assert f'data-deviation="{deviation_id}"' in page.text and 'aria-current="true"' in page.text
    assert "Offer the fallback" in page.text and "Net 30." in page.text
    assert [e.target for e in _actions(engine, "contract.view")] == [f"contract:{contract_id}"]

    url = f"/contracts/{contract_id}/deviations/{deviation_id}/decision"
    reject = client.post(url, data={"decision": "reject", "csrf_token": token}, follow_redirects=False)
    assert reject.status_code == 303
    shown = client.get(reject.headers["location"])
    assert "a rejection needs a comment" in shown.text
    fallback = client.post(url, data={"decision": "fallback", "comment": "Net 30 it is", "csrf_token": token})
    assert "Recorded: fallback offered." in fallback.text
    with session_scope(engine, readonly=True) as s:
        row = s.get(Deviation, deviation_id)
        assert (row.decision, row.comment) == ("fallback", "Net 30 it is")
    assert len(_actions(engine, "deviation.decide")) == 1

    comment = client.post(f"/contracts/{contract_id}/comments",
                          data={"body": "@pat vendor agreed", "deviation_id": str(deviation_id), "csrf_token": token})
    assert "Comment added." in comment.text and "@pat vendor agreed" in comment.text


def test_web_deviation_without_a_fallback_says_to_hold_to_the_approved_text(client, world) -> None:
    contract_id = world.contract(reviewed=False)
    with session_scope(world.engine, readonly=True) as s:
        version = s.get(Contract, contract_id).versions[0]
        text = world.store.read(version.file_sha256).decode()
        version_id = version.id
    world.review(version_id, text, with_fallback=False)
    sign_in(client, "lee")
    page = client.get(f"/contracts/{contract_id}").text
    assert "No approved fallback" in page and "ask for the approved library text" in page
    assert "Offer the fallback" not in page


def test_web_procurement_cannot_decide_and_sees_the_decision(client, world) -> None:
    contract_id = world.contract()
    deviation_id = world.deviation_id(contract_id)
    token = sign_in(client, "pat")
    page = client.get(f"/contracts/{contract_id}")
    assert "Offer the fallback" not in page.text
    refused = client.post(f"/contracts/{contract_id}/deviations/{deviation_id}/decision",
                          data={"decision": "accept", "csrf_token": token})
    assert refused.status_code == 403
    request_page = client.get(f"/requests/{contract_id}").text
    assert "Sent to legal" in request_page and "Not decided yet" in request_page


def test_web_upload_without_scripts_keeps_the_form_on_a_bad_file(client, world, engine) -> None:
    token = sign_in(client, "pat")
    form = {"title": "Acme draft", "vendor": "Acme", "contract_type": "saas", "value": "48,000", "currency": "usd",
            "business_context": "Vendor needs Net 60.", "csrf_token": token}
    bad = client.post("/upload", data=form, files={"file": ("draft.pdf", b"%PDF-1.4 cut short", "application/pdf")})
    assert bad.status_code == 422 and "PDF" in bad.text
    assert 'value="Acme draft"' in bad.text and "Vendor needs Net 60." in bad.text
    missing = client.post("/upload", data={**form, "title": "", "contract_type": "lease"},
                          files={"file": ("draft.txt", b"x", "text/plain")})
    assert missing.status_code == 422 and "Give the contract a title." in missing.text
    assert "Choose the kind of contract." in missing.text
    assert 'name="title" aria-invalid="true" aria-describedby="title-error"' in missing.text
    with session_scope(engine, readonly=True) as s:
        assert s.scalars(select(Contract).where(Contract.title == "Acme draft")).first() is None

    good = client.post("/upload", data=form, files={"file": ("draft.txt", draft_text().encode(), "text/plain")},
                       follow_redirects=False)
    assert good.status_code == 303 and re.match(r"/requests/\d+\?job=\d+$", good.headers["location"])
    outcome = client.get(good.headers["location"]).text
    assert "Reviewing the draft" in outcome and "data-job-poll" in outcome
    scripted = client.post("/upload", data=form, headers={"Accept": "application/json"},
                           files={"file": ("draft.txt", draft_text().encode(), "text/plain")})
    assert scripted.status_code == 409 and scripted.json()["error"]["code"] == "duplicate_file"
    with session_scope(engine, readonly=True) as s:
        stored = s.scalars(select(Contract).where(Contract.title == "Acme draft")).one()
        assert (stored.value, stored.currency, stored.business_context) == (48000, "USD", "Vendor needs Net 60.")


def test_web_new_version_goes_back_to_review_and_finance_sees_money_terms_only(client, world, engine) -> None:
    contract_id = world.contract()
    token = sign_in(client, "pat")
    url = f"/requests/{contract_id}/versions"
    same = client.post(url, data={"csrf_token": token, "note": "again"},
                       files={"file": ("v2.txt", b"", "text/plain")}, follow_redirects=True)
    assert "empty" in same.text and same.url.path == f"/requests/{contract_id}"
    new = client.post(url, data={"csrf_token": token, "note": "vendor accepted Net 30"},
                      files={"file": ("v2.txt", draft_text(payment_days=30).encode(), "text/plain")},
                      follow_redirects=False)
    assert new.status_code == 303 and re.match(rf"/requests/{contract_id}\?job=\d+$", new.headers["location"])
    with session_scope(engine, readonly=True) as s:
        contract = s.get(Contract, contract_id)
        assert contract.state == "submitted" and [v.note for v in contract.versions][-1] == "vendor accepted Net 30"
    assert "Reviewing the draft" in client.get(new.headers["location"]).text

    other = world.contract()
    client.cookies.clear()
    sign_in(client, "fin")
    page = client.get(f"/contracts/{other}")
    assert page.status_code == 200 and "Finance sees the money terms" in page.text
    assert "Payment terms" in page.text and "The draft" not in page.text and "Discussion" not in page.text
    assert client.get(f"/requests/{other}").status_code == 403


def test_web_procurement_approves_a_self_serve_contract_from_its_request_page(client, world, engine) -> None:
    contract_id = world.contract(route="self_serve", payment_days=30)
    token = sign_in(client, "pat")
    page = client.get(f"/requests/{contract_id}").text
    assert "Self-serve: you can approve this yourself" in page and 'value="approved"' in page
    moved = client.post(f"/contracts/{contract_id}/state", data={"state": "approved", "csrf_token": token,
                                                                 "back": f"/requests/{contract_id}"})
    assert moved.url.path == f"/requests/{contract_id}" and "The contract is now approved." in moved.text
    again = client.post(f"/contracts/{contract_id}/state", data={"state": "approved", "csrf_token": token,
                                                                 "back": "https://evil.example/"})
    assert again.url.path == f"/contracts/{contract_id}" and 'role="alert"' in again.text  # not off site
    with session_scope(engine, readonly=True) as s:
        assert s.get(Contract, contract_id).state == "approved"


def _selects(engine, fetch) -> int:  # type: ignore[no-untyped-def]
    """How many SELECT statements ``fetch()`` sends to the database."""
    from sqlalchemy import event

    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        fetch()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def _give_reasons(engine, contract_id: int, *codes: str) -> None:
    """Set the route's reason codes of each review of the contract (the small world's reviews name none)."""
    from review_service.repository.models import ContractVersion, Review

    with session_scope(engine) as s:
        for review in s.scalars(select(Review).join(ContractVersion).where(ContractVersion.contract_id == contract_id)
                                .order_by(Review.id)):
            mine = codes[review.version.number - 1:review.version.number] or codes[-1:]
            review.result = {**review.result, "route": {**review.result["route"], "reasons": list(mine)}}


def test_web_my_requests_reads_every_row_s_reasons_at_once(client, world, engine) -> None:
    revised = world.contract(route="legal", payment_days=15)
    world.version(revised, payment_days=30, route="self_serve")
    _give_reasons(engine, revised, "value_at_legal_threshold", "within_self_serve_limits")
    world.contract(reviewed=False)
    sign_in(client, "pat")
    few = _selects(engine, lambda: client.get("/requests"))
    for _ in range(5):
        _give_reasons(engine, world.contract(), "medium_deviation")
    page = {}
    many = _selects(engine, lambda: page.setdefault("html", client.get("/requests").text))
    assert many == few, f"{few} queries for 2 rows, {many} for 7: the listing reads something per row"
    rows = re.findall(r'<tr data-contract-id="(\d+)">(.*?)</tr>', page["html"], re.S)
    assert len(rows) == 7
    by_id = {int(i): body for i, body in rows}
    assert "Being reviewed" in by_id[revised + 1]
    # The reasons are the latest version's (self-serve), not the first's (value at the legal threshold).
    assert "Nothing in it needs legal" in by_id[revised] and "Its value" not in by_id[revised]
    assert all("medium-severity deviation" in body for i, body in by_id.items() if i > revised + 1)


def test_web_error_pages_use_the_layout_and_say_what_to_do(app, world, monkeypatch) -> None:
    from fastapi.testclient import TestClient

    from api.web.pages import dashboard

    with TestClient(app, raise_server_exceptions=False) as client:
        sign_in(client, "lee")
        for path, status, title, steps in (
                ("/contracts/999999", 404, "Not found", "from your start page"),
                ("/contracts/abc", 404, "Not found", "Check the address"),
                ("/admin/users", 403, "Not for your role", "ask your administrator")):
            page = client.get(path)
            assert page.status_code == status, path
            assert f"<title>{title} · Vetted</title>" in page.text, path
            assert 'class="mainnav"' in page.text and "Sign out" in page.text, path  # the site's layout
            assert steps in page.text and 'href="/">Go to your start page' in page.text, path
            assert 'aria-current="page"' not in page.text, path  # no page of the menu is the current one
        assert client.get("/api/contracts/abc").json()["error"]["code"] == "invalid_request"  # the API keeps JSON

        def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("the dashboard's measures failed")

        monkeypatch.setattr(dashboard, "render", broken)
        failed = client.get("/dashboard")
        assert failed.status_code == 500 and "<title>Something went wrong · Vetted</title>" in failed.text
        assert "tell your administrator the time shown here" in failed.text and "Time of the error" in failed.text
        assert "RuntimeError" not in failed.text and "measures failed" not in failed.text  # no internals shown
        assert client.get("/dashboard", headers={"Accept": "application/json"}).json()["error"]["code"] == \
            "internal_error"


def test_web_each_page_has_its_own_title_and_marks_its_menu_link(client, world) -> None:
    contract_id = world.contract()
    world.version(contract_id, payment_days=30)
    cases = {
        "pat": [("/upload", "Upload a draft", "Upload"), ("/requests", "My requests", "My requests"),
                (f"/requests/{contract_id}", "Agreement", "My requests"),
                (f"/contracts/{contract_id}", "Agreement", "My requests"),
                ("/library", "Clause library", "Library"),
                ("/library/payment_terms", "Payment terms · Clause library", "Library"),
                ("/dashboard", "Dashboard", "Dashboard"), ("/account", "Your account", None)],
        "lee": [("/queue", "Legal queue", "Queue"), (f"/contracts/{contract_id}", "· Review", "Queue"),
                (f"/contracts/{contract_id}/compare", "Compare versions · Agreement", "Queue"),
                ("/admin/audit", "Audit log", "Audit log")],
        "root": [("/admin/users", "Users · Admin", "Admin"),
                 ("/admin/assignments", "Legal assignments · Admin", "Admin"),
                 ("/admin/routing", "Routing · Admin", "Admin"), ("/admin/audit", "Audit log", "Admin")],
    }
    titles: dict[str, str] = {}
    for who, pages in cases.items():
        client.cookies.clear()
        sign_in(client, who)
        for path, title, current in pages:
            page = client.get(path)
            assert page.status_code == 200, (who, path)
            found = re.search(r"<title>(.*?)</title>", page.text).group(1)  # type: ignore[union-attr]
            assert title in found and found.endswith(" · Vetted"), (path, found)
            titles[path] = found
            marked = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', page.text.split("</nav>")[0])
            assert [label for _, label in marked] == ([current] if current else []), (who, path, marked)
    assert len(set(titles.values())) == len(titles), f"two pages share a title: {sorted(titles.values())}"


def test_web_menu_marks_the_longest_link_a_page_is_under() -> None:
    from api.web.nav import active_link

    assert active_link("/admin/audit", "admin") == "/admin"
    assert active_link("/admin/audit", "legal") == "/admin/audit"
    assert active_link("/requests/7", "procurement") == "/requests"
    assert active_link("/contracts/7/compare", "senior_legal") == "/queue"
    assert active_link("/contracts/7", "finance") is None
    assert active_link("/requestsx", "procurement") is None
