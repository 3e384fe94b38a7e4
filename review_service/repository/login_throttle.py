"""Sign-in throttling: too many failed sign-ins lock a username (or an address) for a while, never for good.

The audit trail is the record: failed attempts are its ``auth.login_failed`` events, so the count is shared by
every process that signs people in (API tokens and the web app's login alike) and survives a restart, with
nothing else to store. The rules, with the defaults of :class:`LoginPolicy`:

- a username with 5 failed sign-ins in the last 15 minutes (since its last successful one, or an admin's
  change to the account such as a new password) is locked for one minute after the latest failure; each
  further failure doubles the lock, up to 15 minutes;
- an address with 20 failed sign-ins in the last 15 minutes (any usernames: password spraying) is locked the
  same way;
- while locked, an attempt is refused before the password is checked (so guessing stops) and audited as
  ``auth.login_throttled``; refused attempts do not lengthen the lock, so it always ends.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from review_service.errors import VettedError
from review_service.repository.models import AuditEvent, User

if TYPE_CHECKING:
    from review_service.settings import Settings


class LoginThrottledError(VettedError):
    """Too many failed sign-ins: wait ``retry_after`` seconds (HTTP 429 with a Retry-After header)."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int, scope: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.scope = scope


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int = 5
    address_max_failures: int = 20
    window_seconds: float = 15 * 60
    lockout_seconds: float = 60
    max_lockout_seconds: float = 15 * 60

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> LoginPolicy:
        from review_service.settings import get_settings

        s = settings or get_settings()
        return cls(s.login_max_failures, s.login_address_max_failures, s.login_window_seconds,
                   s.login_lockout_seconds, s.login_max_lockout_seconds)

    def lockout(self, failures: int, threshold: int) -> float:
        """How long ``failures`` (at least ``threshold``) lock for: doubling from the first lock, capped."""
        return min(self.max_lockout_seconds, self.lockout_seconds * 2.0 ** min(failures - threshold, 30))


def _locked_for(times: list[dt.datetime], threshold: int, policy: LoginPolicy, now: dt.datetime) -> float:
    if len(times) < threshold:
        return 0.0
    until = max(times) + dt.timedelta(seconds=policy.lockout(len(times), threshold))
    return max(0.0, (until - now).total_seconds())


def check_login(session: Session, *, username: str, ip: str | None, now: dt.datetime,
                policy: LoginPolicy | None = None) -> None:
    """Raise :class:`LoginThrottledError` when sign-ins for ``username`` or from ``ip`` are locked at ``now``."""
    policy = policy or LoginPolicy.from_settings()
    since = now - dt.timedelta(seconds=policy.window_seconds)
    name = username.strip().lower()[:150]
    # The count starts again after a successful sign-in of that user, or an admin's change to the account
    # (a new password, reactivation).
    user_id = session.scalar(select(User.id).where(func.lower(User.username) == name))
    reset = and_(AuditEvent.action == "auth.login", func.lower(AuditEvent.actor) == name)
    if user_id is not None:
        reset = or_(reset, and_(AuditEvent.action == "user.update", AuditEvent.target == f"user:{user_id}"))
    last_reset = session.scalar(select(func.max(AuditEvent.at)).where(reset, AuditEvent.at >= since))
    user_times = list(session.scalars(select(AuditEvent.at).where(
        AuditEvent.action == "auth.login_failed", func.lower(AuditEvent.actor) == name,
        AuditEvent.at > last_reset if last_reset else AuditEvent.at >= since)))
    wait = _locked_for(user_times, policy.max_failures, policy, now)
    if wait > 0:
        raise LoginThrottledError(
            f"too many failed sign-ins for {username.strip()!r}: try again in {_human(wait)} (the lock ends by "
            "itself, or when an admin sets a new password)", retry_after=math.ceil(wait), scope="account")
    if ip:
        address_times = list(session.scalars(select(AuditEvent.at).where(
            AuditEvent.action == "auth.login_failed", AuditEvent.ip == ip, AuditEvent.at >= since)))
        wait = _locked_for(address_times, policy.address_max_failures, policy, now)
        if wait > 0:
            raise LoginThrottledError(f"too many failed sign-ins from your address: try again in {_human(wait)}",
                                      retry_after=math.ceil(wait), scope="address")


def _human(seconds: float) -> str:
    seconds = math.ceil(seconds)
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"
