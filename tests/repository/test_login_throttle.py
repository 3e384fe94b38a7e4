"""Sign-in throttling from the audit trail: a username (or an address) with too many failed sign-ins is locked
for a while that grows with further failures, is capped, and always ends; a success or an admin's change to
the account starts the count again. Every refused attempt is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from repo_builders import PASSWORD
from sqlalchemy import select

from review_service.repository import service
from review_service.repository.login_throttle import LoginPolicy, LoginThrottledError
from review_service.repository.models import AuditEvent

POLICY = LoginPolicy(max_failures=3, address_max_failures=5, window_seconds=600, lockout_seconds=60,
                     max_lockout_seconds=240)
T0 = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


def _try(session, username: str, password: str, *, at: float, ip: str = "10.0.0.9"):
    return service.authenticate(session, username=username, password=password, ip=ip, policy=POLICY,
                                now=T0 + dt.timedelta(seconds=at))


def test_login_throttle_locks_a_username_for_a_growing_capped_time_and_lets_it_go(session, people) -> None:
    for t in (0, 1, 2):
        assert _try(session, "pat", "wrong password", at=t) is None
    # Locked a minute after the third failure, even with the right password, which is not even checked.
    with pytest.raises(LoginThrottledError) as locked:
        _try(session, "PAT", PASSWORD, at=10)
    assert (locked.value.code, locked.value.scope, locked.value.retry_after) == ("too_many_attempts", "account", 52)
    assert "try again in 52 seconds" in locked.value.message
    # Refused attempts do not lengthen the lock.
    with pytest.raises(LoginThrottledError):
        _try(session, "pat", "wrong password", at=30)
    assert _try(session, "pat", "wrong again", at=63) is None  # the fourth failure: two minutes now
    with pytest.raises(LoginThrottledError) as longer:
        _try(session, "pat", PASSWORD, at=64)
    assert longer.value.retry_after == 119
    for t in (184, 425):  # the fifth (four minutes), the sixth (capped at four)
        assert _try(session, "pat", "wrong again", at=t) is None
    with pytest.raises(LoginThrottledError) as capped:
        _try(session, "pat", PASSWORD, at=426)
    assert capped.value.retry_after == 239
    # The lock ends by itself; a success clears the count.
    assert _try(session, "pat", PASSWORD, at=666).id == people.buyer.id
    assert _try(session, "pat", "wrong password", at=667) is None
    assert _try(session, "pat", PASSWORD, at=668) is not None
    actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.action.like("auth.%"))
                                                 .order_by(AuditEvent.seq))]
    assert actions.count("auth.login_throttled") == 4 and actions.count("auth.login_failed") == 7
    throttled = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_throttled")).first()
    assert (throttled.actor, throttled.ip, throttled.detail) == ("PAT", "10.0.0.9",
                                                                 {"scope": "account", "retry_after": 52})


def test_login_throttle_counts_only_the_window_and_one_username(session, people) -> None:
    for t in (0, 400, 800):  # never three within ten minutes
        assert _try(session, "pat", "wrong password", at=t) is None
    assert _try(session, "pat", PASSWORD, at=801) is not None
    for t in (900, 901, 902):
        _try(session, "quinn", "wrong password", at=t, ip="10.0.0.1")
    with pytest.raises(LoginThrottledError):
        _try(session, "quinn", PASSWORD, at=903, ip="10.0.0.1")
    assert _try(session, "pat", PASSWORD, at=903, ip="10.0.0.2") is not None, "another user is not locked"


def test_login_throttle_an_admin_password_change_ends_the_lock(session, people) -> None:
    # On the real clock: the admin's change is stamped with it.
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=20)

    def attempt(password: str, at: float):
        return service.authenticate(session, username="pat", password=password, ip="10.0.0.9", policy=POLICY,
                                    now=start + dt.timedelta(seconds=at))

    for t in (0, 1, 2):
        attempt("wrong password", t)
    with pytest.raises(LoginThrottledError):
        attempt(PASSWORD, 3)
    service.update_user(session, user_id=people.buyer.id, actor="root", password="a new long password")
    assert attempt("a new long password", 22) is not None, "without the change, locked until 62 s"


def test_login_throttle_locks_an_address_spraying_many_usernames(session, people) -> None:
    for t, name in enumerate(("pat", "quinn", "riley", "lee", "nobody")):
        _try(session, name, "wrong password", at=t, ip="203.0.113.5")
    with pytest.raises(LoginThrottledError) as locked:
        _try(session, "gc", PASSWORD, at=6, ip="203.0.113.5")
    assert locked.value.scope == "address" and "your address" in locked.value.message
    assert _try(session, "gc", PASSWORD, at=6, ip="198.51.100.1") is not None, "other addresses are not locked"
