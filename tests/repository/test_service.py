"""The services the API and the worker call: users and logins, reviews and their deviations, assignment to
legal, decisions, comments, notifications, listing with visibility, renewals."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from repo_builders import PASSWORD, fake_review
from sqlalchemy import select

from review_service.matching.embed import text_key
from review_service.repository import service
from review_service.repository.errors import ConflictError, InvalidRequestError, NotFoundError
from review_service.repository.models import AuditEvent, Contract, Deviation, Notification


def _contract(session, store, people, *, title: str = "Acme subscription", buyer=None, data: bytes | None = None,
              **kw) -> Contract:
    buyer = buyer or people.buyer
    data = data or f"{title}\n\n1. Payment. Net 45.\n".encode()
    up = service.upload_contract(session, store=store, data=data, filename=f"{title}.txt", title=title,
                                 vendor=kw.pop("vendor", "Acme Cloud"), contract_type=kw.pop("contract_type", "saas"),
                                 buyer=buyer, value=kw.pop("value", 48_000), **kw)
    return session.get(Contract, up.contract_id)


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


# -- users


def test_service_passwords_are_argon2_and_logins_are_audited(session, people) -> None:
    assert people.buyer.password_hash.startswith("$argon2id$")
    assert PASSWORD not in people.buyer.password_hash
    assert service.authenticate(session, username="pat", password=PASSWORD, ip="10.0.0.7").id == people.buyer.id
    assert service.authenticate(session, username="PAT", password=PASSWORD) is not None, "names ignore case"
    assert service.authenticate(session, username="pat", password="wrong password") is None
    assert service.authenticate(session, username="nobody", password=PASSWORD) is None
    service.update_user(session, user_id=people.buyer.id, actor="root", active=False)
    assert service.authenticate(session, username="pat", password=PASSWORD) is None
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("auth.%")).order_by(AuditEvent.seq)).all()
    assert [(e.action, e.actor, e.detail.get("reason")) for e in events] == [
        ("auth.login", "pat", None), ("auth.login", "pat", None), ("auth.login_failed", "pat", "wrong_password"),
        ("auth.login_failed", "nobody", "unknown_user"), ("auth.login_failed", "pat", "inactive")]
    assert events[0].ip == "10.0.0.7"


def test_service_users_are_unique_valid_and_their_changes_audited(session, people) -> None:
    with pytest.raises(ConflictError):
        service.create_user(session, username="Pat", display_name="x", role="legal", password=PASSWORD)
    with pytest.raises(InvalidRequestError):
        service.create_user(session, username="new", display_name="x", role="ceo", password=PASSWORD)
    with pytest.raises(InvalidRequestError):
        service.create_user(session, username="new", display_name="x", role="legal", password="short")
    service.update_user(session, user_id=people.partner.id, actor="root", ip="10.0.0.1", out_of_office=True,
                        team="legal-emea", password="a new long password")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.update")).one()
    assert event.detail["out_of_office"] == {"from": False, "to": True}
    assert event.detail["team"] == {"from": None, "to": "legal-emea"} and event.detail["password"] == "changed"
    assert "a new long password" not in str(event.detail)
    with pytest.raises(InvalidRequestError):
        service.update_user(session, user_id=people.partner.id, actor="root", password_hash="x")


# -- reviews, assignment, decisions


def test_service_record_review_stores_deviations_embeddings_key_terms_and_assigns(session, store, people) -> None:
    service.set_legal_assignment(session, contract_type="saas", partner_id=people.partner.id,
                                 backup_id=people.backup.id, actor="root")
    contract = _contract(session, store, people)
    review, vectors = fake_review()
    row = service.record_review(session, version_id=contract.versions[0].id, review=review, vectors=vectors)
    assert (row.route, row.worst_severity, row.library_version, row.model_id) == ("legal", "medium", "lib-test",
                                                                                  "test-model")
    assert [(d.rule, d.severity, d.decision) for d in row.deviations] == [
        ("payment_terms.payment_days_too_short", "medium", None)]
    assert "text" not in row.result and contract.versions[0].text == review.document.text
    assert row.key_terms["governing_law"] == "Texas" and row.key_terms["effective_date"] == "2026-01-15"
    assert row.key_terms["renewal_date"] == "2027-01-15" and row.key_terms["notice_deadline"] == "2026-12-16"
    assert row.key_terms["payment_terms"]["payment_days"] == 15.0
    assert (contract.state, contract.route, contract.assignee_id, contract.assigned_via) == (
        "in_review", "legal", people.partner.id, "partner")
    assert contract.notice_deadline == dt.date(2026, 12, 16)
    texts = [c.text for c in review.clauses]
    known = service.known_vectors(session, model_id="test-model", texts=texts, dim=8)
    assert len(known) == 3, "zero rows (no model time) are not stored"
    assert all(np.array_equal(known[text_key(c.text)], v) for c, v in zip(review.clauses, vectors, strict=True)
               if v.any())
    assert service.known_vectors(session, model_id="another-model", texts=texts, dim=8) == {}
    assert service.known_vectors(session, model_id="test-model", texts=texts, dim=16) == {}
    # Storing again: a clause given no vector keeps its stored one while its text is unchanged; a reworded
    # clause loses it; a clause given one gets it.
    title = np.zeros_like(vectors)
    title[0] = 1.0  # the title, embedded now (as the search job does)
    reworded = [dataclasses.replace(c, text=c.text + " (amended)") if i == 4 else c
                for i, c in enumerate(review.clauses)]
    assert service.store_embeddings(session, version_id=contract.versions[0].id, clauses=reworded, vectors=title,
                                    model_id="test-model") == 1
    kept = service.stored_clause_ids(session, version_id=contract.versions[0].id, model_id="test-model")
    assert kept == {(c.id, text_key(c.text)) for c in review.clauses[:4] if c.id != review.clauses[1].id}
    note = session.scalars(select(Notification).where(Notification.user_id == people.partner.id)).one()
    assert note.kind == "assigned"
    doc = service.review_document(service.latest_review(session, contract_id=contract.id))
    assert doc["text"] == review.document.text and doc["deviations"][0]["id"] == row.deviations[0].id
    assert doc["route"]["route"] == "legal" and doc["key_terms"]["governing_law"] == "Texas"


@pytest.mark.parametrize(
    ("partner_away", "backup_away", "via"),
    [(False, False, "partner"), (True, False, "backup"), (True, True, "legal_queue")],
)
def test_service_assignment_falls_back_to_backup_then_legal_queue(session, store, people, partner_away, backup_away,
                                                                  via) -> None:
    service.set_legal_assignment(session, buyer_id=people.buyer.id, partner_id=people.partner.id,
                                 backup_id=people.backup.id, actor="root")
    service.update_user(session, user_id=people.partner.id, actor="root", out_of_office=partner_away)
    service.update_user(session, user_id=people.backup.id, actor="root", out_of_office=backup_away)
    contract = _contract(session, store, people)
    service.record_review(session, version_id=contract.versions[0].id, review=fake_review()[0])
    assert contract.assigned_via == via
    expected = {"partner": people.partner.id, "backup": people.backup.id, "legal_queue": None}[via]
    assert contract.assignee_id == expected
    told = set(session.scalars(select(Notification.user_id).where(Notification.contract_id == contract.id)))
    assert told, "a request is never left with nobody: someone is told"
    if via == "legal_queue":
        assert people.senior.id in told


def test_service_routes_self_serve_to_the_buyer_and_senior_legal_to_general_counsel(session, store, people) -> None:
    small = _contract(session, store, people, title="Small")
    service.record_review(session, version_id=small.versions[0].id, review=fake_review(route="self_serve")[0])
    big = _contract(session, store, people, title="Big")
    service.record_review(session, version_id=big.versions[0].id, review=fake_review(route="senior_legal")[0])
    assert (small.assignee_id, small.assigned_via) == (people.buyer.id, "buyer")
    assert (big.assignee_id, big.assigned_via) == (people.senior.id, "senior_legal")


def test_service_decide_deviation_records_who_what_and_tells_the_buyer(session, store, people) -> None:
    contract = _contract(session, store, people)
    row = service.record_review(session, version_id=contract.versions[0].id, review=fake_review()[0])
    dev_id = row.deviations[0].id
    with pytest.raises(InvalidRequestError):
        service.decide_deviation(session, deviation_id=dev_id, decision="maybe", user=people.partner)
    with pytest.raises(InvalidRequestError):
        service.decide_deviation(session, deviation_id=dev_id, decision="reject", user=people.partner, comment=" ")
    with pytest.raises(NotFoundError):
        service.decide_deviation(session, deviation_id=99999, decision="accept", user=people.partner)
    dev = service.decide_deviation(session, deviation_id=dev_id, decision="fallback", user=people.partner,
                                   comment="Net 30 is acceptable", ip="10.0.0.9")
    assert (dev.decision, dev.decided_by, dev.comment) == ("fallback", people.partner.id, "Net 30 is acceptable")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "deviation.decide")).one()
    assert event.actor == "lee" and event.detail["decision"] == "fallback" and event.ip == "10.0.0.9"
    assert session.scalars(select(Notification.kind).where(Notification.user_id == people.buyer.id)).all() == [
        "decided"]
    doc = service.review_document(service.latest_review(session, contract_id=contract.id))
    assert doc["deviations"][0]["decision"] == "fallback"


def test_service_fallback_needs_fallback_language(session, store, people) -> None:
    contract = _contract(session, store, people)
    row = service.record_review(session, version_id=contract.versions[0].id,
                                review=fake_review(with_fallback=False)[0])
    with pytest.raises(InvalidRequestError):
        service.decide_deviation(session, deviation_id=row.deviations[0].id, decision="fallback",
                                 user=people.partner)


# -- comments and notifications


def test_service_comments_thread_and_mentions_notify(session, store, people) -> None:
    contract = _contract(session, store, people)
    top = service.add_comment(session, contract_id=contract.id, author=people.buyer,
                              body="@lee can we live with Net 15? cc @nobody and mail@example.com")
    reply = service.add_comment(session, contract_id=contract.id, author=people.partner, body="No: Net 30.",
                                parent_id=top.id, mentions=["pat"])
    assert [u.username for u in top.mentions] == ["lee"]
    threads = service.list_comments(session, contract_id=contract.id)
    assert [c.id for c in threads] == [top.id] and [r.id for r in threads[0].replies] == [reply.id]
    assert service.notifications(session, user_id=people.partner.id).items[0].kind == "mentioned"
    assert service.notifications(session, user_id=people.buyer.id, unread_only=True).total == 1
    assert service.mark_read(session, user_id=people.buyer.id) == 1
    assert service.notifications(session, user_id=people.buyer.id, unread_only=True).total == 0
    other = _contract(session, store, people, title="Other")
    with pytest.raises(InvalidRequestError):
        service.add_comment(session, contract_id=other.id, author=people.buyer, body="x", parent_id=top.id)
    with pytest.raises(InvalidRequestError):
        service.add_comment(session, contract_id=contract.id, author=people.buyer, body="x", mentions=["ghost"])


def test_service_renewal_reminders_once_per_deadline(session, store, people) -> None:
    contract = _contract(session, store, people)
    service.record_review(session, version_id=contract.versions[0].id, review=fake_review()[0])
    # First term ends 2027-01-15, notice by 2026-12-16; auto-renews for 12 months.
    assert service.renewals(session, today=dt.date(2026, 11, 1), within_days=30) == []
    due = service.renewals(session, today=dt.date(2026, 11, 20), within_days=30)
    assert [(c.id, r, d) for c, r, d in due] == [(contract.id, dt.date(2027, 1, 15), dt.date(2026, 12, 16))]
    rolled = service.renewals(session, today=dt.date(2027, 11, 20), within_days=30)
    assert [(r, d) for _, r, d in rolled] == [(dt.date(2028, 1, 15), dt.date(2027, 12, 16))]
    assert service.renewal_reminders(session, today=dt.date(2026, 11, 20)) == 1
    assert service.renewal_reminders(session, today=dt.date(2026, 11, 21)) == 0, "told once per deadline"


# -- listing and visibility


def test_service_list_contracts_filters_and_pages(session, store, people) -> None:
    for i in range(5):
        _contract(session, store, people, title=f"Deal {i}", vendor="Acme" if i % 2 else "Globex",
                  contract_type="saas" if i < 3 else "nda")
    page = service.list_contracts(session, per_page=2)
    assert page.total == 5 and len(page.items) == 2
    assert len(service.list_contracts(session, per_page=2, page=3).items) == 1
    assert service.list_contracts(session, vendor="acm").total == 2
    assert service.list_contracts(session, contract_type="nda").total == 2
    assert service.list_contracts(session, text="deal 4").total == 1
    assert service.list_contracts(session, state="submitted").total == 5
    with pytest.raises(InvalidRequestError):
        service.list_contracts(session, state="lost")
    with pytest.raises(InvalidRequestError):
        service.list_contracts(session, per_page=0)


def test_service_visibility_own_team_legal_and_confidential(session, store, people) -> None:
    mine = _contract(session, store, people, title="Mine")
    theirs = _contract(session, store, people, title="Marketing", buyer=people.outsider)
    secret = _contract(session, store, people, title="Secret", confidential=True,
                       allowed_user_ids=[people.partner.id])

    def visible(user) -> set[str]:
        listed = {c.title for c in service.list_contracts(session, viewer=user).items}
        assert listed == {c.title for c in (mine, theirs, secret) if service.can_view(user, c)}
        return listed

    assert visible(people.buyer) == {"Mine", "Secret"}, "own contracts, confidential ones too"
    assert visible(people.teammate) == {"Mine"}, "the team's contracts, not confidential ones"
    assert visible(people.outsider) == {"Marketing"}
    assert visible(people.partner) == {"Mine", "Marketing", "Secret"}, "named on the confidential one"
    assert visible(people.backup) == {"Mine", "Marketing"}
    assert visible(people.finance) == {"Mine", "Marketing"}
    assert visible(people.admin) == {"Mine", "Marketing"}
    with pytest.raises(NotFoundError):
        service.get_contract(session, contract_id=secret.id, viewer=people.backup)
    assert service.get_contract(session, contract_id=secret.id, viewer=people.partner).id == secret.id


def test_service_legal_assignment_checks_its_people(session, people) -> None:
    with pytest.raises(InvalidRequestError):
        service.set_legal_assignment(session, contract_type="saas", partner_id=people.buyer.id,
                                     backup_id=people.backup.id, actor="root")
    with pytest.raises(InvalidRequestError):
        service.set_legal_assignment(session, contract_type="saas", partner_id=people.partner.id,
                                     backup_id=people.partner.id, actor="root")
    with pytest.raises(InvalidRequestError):
        service.set_legal_assignment(session, buyer_id=people.buyer.id, contract_type="saas",
                                     partner_id=people.partner.id, backup_id=people.backup.id, actor="root")
    first = service.set_legal_assignment(session, contract_type="nda", partner_id=people.partner.id,
                                         backup_id=people.backup.id, actor="root")
    again = service.set_legal_assignment(session, contract_type="nda", partner_id=people.backup.id,
                                         backup_id=people.partner.id, actor="root")
    assert first.id == again.id and again.partner_id == people.backup.id
    assert _actions(session).count("routing.assignment") == 2
    assert session.get(Deviation, 1) is None


# -- re-scan bookkeeping


def test_service_enqueue_rescans_once_per_reviewed_contract_and_reports_changes(session, store, people) -> None:
    from review_service.repository.models import Job

    reviewed = _contract(session, store, people, title="Reviewed")
    first = service.record_review(session, version_id=reviewed.versions[0].id,
                                  review=fake_review(route="self_serve", severity="low")[0])
    _contract(session, store, people, title="Not reviewed yet")
    jobs = service.enqueue_rescans(session)
    assert len(jobs) == 1 and service.enqueue_rescans(session) == [], "a waiting re-scan is not queued twice"
    job = session.get(Job, jobs[0])
    assert job.payload == {"version_id": reviewed.versions[0].id}
    # The worker ran it: the new playbook sends the contract to legal, and the assignee follows.
    second = service.record_review(session, version_id=reviewed.versions[0].id,
                                   review=fake_review(route="legal", severity="high")[0], trigger="rescan")
    assert (reviewed.route, reviewed.assigned_via) == ("legal", "legal_queue")
    job.status, job.result = "done", {"review_id": second.id, "route": "legal", "worst_severity": "high",
                                      "before": {"review_id": first.id, "route": "self_serve",
                                                 "worst_severity": "low"}}
    report = service.rescan_report(session, job_ids=jobs)
    assert report["failed"] == [] and report["waiting"] == 0
    [rule] = {d.rule for d in second.deviations}
    assert report["changed"] == [{"contract_id": reviewed.id, "version_id": reviewed.versions[0].id,
                                  "before": {"route": "self_serve", "worst_severity": "low"},
                                  "after": {"route": "legal", "worst_severity": "high"}, "change": "newly_fails",
                                  "why": {"raised": [{"rule": rule, "severity": "high"}],
                                          "cleared": [{"rule": rule, "severity": "low"}],
                                          "reasons": second.result["route"]["reasons"]}}]


def test_service_a_new_clause_library_is_recorded_once(session) -> None:
    from types import SimpleNamespace

    from review_service.library import load_library

    library = load_library()
    assert service.note_library(session, library=library) is True
    assert service.note_library(session, library=library) is False, "the same library again: nothing new"
    edited = SimpleNamespace(version="f" * 64, short_version="ffffffffffff", clause_types={"a": 1})
    assert service.note_library(session, library=edited, actor="worker:w1") is True
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("library.%"))
                             .order_by(AuditEvent.seq)).all()
    assert [(e.action, e.actor, e.detail["previous"]) for e in events] == [
        ("library.load", "system", None), ("library.change", "worker:w1", library.version)]
    assert events[1].detail["version"] == "f" * 64 and events[1].target == "library:ffffffffffff"
