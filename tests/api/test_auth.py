"""Signing in: the OAuth2 password flow, the session cookie, token expiry and tampering, password changes, and
every attempt in the audit trail with the client's address. The app refuses to start with an unsafe key."""

from __future__ import annotations

import time

import pytest
from api_world import PASSWORD, SECRET, build_world
from pydantic import SecretStr
from sqlalchemy import select

from api.main import UnsafeSecretError, create_app
from api.security import create_token
from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent
from review_service.settings import Settings


@pytest.fixture
def world(engine, store):
    return build_world(engine, store)


def _events(engine, action: str) -> list[AuditEvent]:
    with session_scope(engine, readonly=True) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_login_gives_a_bearer_token_and_a_session_cookie_and_is_audited(client, world, engine) -> None:
    response = client.post("/api/auth/token", data={"username": "lee", "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 480 * 60 and body["access_token"].startswith("v1.")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("vetted_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert (me["username"], me["role"]) == ("lee", "legal")
    [login] = _events(engine, "auth.login")
    assert (login.actor, login.ip, login.target) == ("lee", "testclient", f"user:{me['id']}")


@pytest.mark.parametrize(("username", "reason"), [("lee", "wrong_password"), ("nobody", "unknown_user")])
def test_failed_login_is_401_and_audited_with_the_address(client, world, engine, username, reason) -> None:
    response = client.post("/api/auth/token", data={"username": username, "password": "not the password"})
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "invalid_credentials"
    [failed] = _events(engine, "auth.login_failed")
    assert (failed.actor, failed.ip, failed.detail) == (username, "testclient", {"reason": reason})
    assert "set-cookie" not in response.headers


def test_login_without_the_form_fields_is_422(client, world) -> None:
    response = client.post("/api/auth/token", data={"username": "lee"})
    assert response.status_code == 422 and response.json()["error"]["fields"][0]["field"] == "password"


def test_session_cookie_signs_in_the_web_app_and_logout_ends_it(client, world, engine) -> None:
    bearer = client.post("/api/auth/token", data={"username": "pat", "password": PASSWORD}).json()["access_token"]
    assert client.get("/api/auth/me").json()["username"] == "pat"
    # A write from another site's page may not ride on the cookie.
    foreign = client.post("/api/notifications/read", json={}, headers={"Origin": "https://evil.example"})
    assert (foreign.status_code, foreign.json()["error"]["code"]) == (403, "csrf_refused")
    same = client.post("/api/notifications/read", json={}, headers={"Origin": "http://testserver"})
    assert same.status_code == 200
    assert client.post("/api/auth/logout").status_code == 204
    assert client.get("/api/auth/me").status_code == 401
    assert [e.actor for e in _events(engine, "auth.logout")] == ["pat"]
    # Signing out ends the tokens issued before it, not only the cookie; a new sign-in works at once.
    ended = client.get("/api/auth/me", headers={"Authorization": f"Bearer {bearer}"})
    assert (ended.status_code, ended.json()["error"]["code"]) == (401, "invalid_token")
    fresh = client.post("/api/auth/token", data={"username": "pat", "password": PASSWORD}).json()["access_token"]
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    assert client.get("/api/auth/me", headers=world.headers("legal")).status_code == 200


def test_tampered_expired_and_foreign_tokens_are_refused(client, world) -> None:
    user = world.user("legal")
    good = world.tokens["legal"]
    head, payload, signature = good.split(".")
    cases = {
        "tampered": f"{head}.{payload[:-2]}AA.{signature}",
        "bad signature": f"{head}.{payload}.{signature[::-1]}",
        "other key": create_token(user_id=user.id, password_hash=user.password_hash, secret="x" * 40, minutes=5),
        "garbage": "not-a-token",
    }
    for name, token in cases.items():
        response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert (response.status_code, response.json()["error"]["code"]) == (401, "invalid_token"), name
    expired = create_token(user_id=user.id, password_hash=user.password_hash, secret=SECRET, minutes=1,
                           now=time.time() - 3600)
    response = client.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "token_expired")


def test_a_password_change_ends_the_tokens_issued_before(client, world) -> None:
    lee = world.user("legal")
    changed = client.patch(f"/api/admin/users/{lee.id}", headers=world.headers("admin"),
                           json={"password": "a brand new password"})
    assert changed.status_code == 200
    assert client.get("/api/auth/me", headers=world.headers("legal")).status_code == 401
    fresh = client.post("/api/auth/token", data={"username": "lee", "password": "a brand new password"})
    assert fresh.status_code == 200


@pytest.mark.parametrize("secret", [None, "", "changethis", "short-key"])
def test_the_app_refuses_an_unsafe_secret_key(tmp_path, secret) -> None:
    settings = Settings(secret_key=SecretStr(secret) if secret is not None else None, data_dir=tmp_path)
    with pytest.raises(UnsafeSecretError, match="VETTED_SECRET_KEY"):
        create_app(settings)


def test_repeated_failed_sign_ins_are_throttled_with_429_and_retry_after(client, world, engine) -> None:
    for _ in range(5):
        wrong = client.post("/api/auth/token", data={"username": "lee", "password": "not the password"})
        assert wrong.status_code == 401
    locked = client.post("/api/auth/token", data={"username": "Lee", "password": PASSWORD})
    assert locked.status_code == 429, "locked even with the right password"
    error = locked.json()["error"]
    assert error["code"] == "too_many_attempts" and "try again in" in error["message"]
    assert 55 <= int(locked.headers["Retry-After"]) <= 60 and error["retry_after"] == int(locked.headers["Retry-After"])
    [throttled] = _events(engine, "auth.login_throttled")
    assert (throttled.actor, throttled.ip, throttled.detail["scope"]) == ("Lee", "testclient", "account")
    assert client.post("/api/auth/token", data={"username": "gc", "password": PASSWORD}).status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "429" in schema["paths"]["/api/auth/token"]["post"]["responses"]


def test_throttling_is_shared_by_the_api_token_and_the_web_sign_in(client, world) -> None:
    import re

    def web_sign_in(password: str):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        return client.post("/login", data={"username": "lee", "password": password, "csrf_token": token},
                           follow_redirects=False)

    for _ in range(3):
        assert web_sign_in("not the password").status_code == 401
    for _ in range(2):
        assert client.post("/api/auth/token", data={"username": "lee", "password": "nope"}).status_code == 401
    assert client.post("/api/auth/token", data={"username": "lee", "password": PASSWORD}).status_code == 429
    page = web_sign_in(PASSWORD)
    assert page.status_code == 429 and "too many failed sign-ins for" in page.text.lower()
