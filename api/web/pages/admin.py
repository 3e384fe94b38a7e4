"""The admin pages: users and roles, legal partner assignments with availability and backups, the routing
thresholds, and the audit log with filters and CSV export.

Every change goes through the API's own handlers (``api.routes.users``, ``api.routes.assignments``), so the
checks (no self-lockout, legal-only partners, a backup other than the partner), the re-assignment of an
unavailable partner's open contracts and the audit records are the API's. A refused change re-renders the page
with the reason; a generated password is shown once, on the page that answers the form, never in a redirect.
The audit log is for admins and legal (as ``GET /api/audit``); the other pages for admins only.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from api import schemas
from api.deps import AUDIT_READERS, ClientIP, EngineDep, Pagination, SessionDep, SettingsDep
from api.routes import assignments as assignment_routes
from api.routes import audit as audit_routes
from api.routes import rescan as rescan_routes
from api.routes import routing as routing_routes
from api.routes import users as user_routes
from api.web import csrf
from api.web.pages.library import current_library
from api.web.render import CONTRACT_TYPE_NAMES, ROLE_NAMES, flash, render
from api.web.session import page_roles
from review_service.errors import VettedError
from review_service.repository.errors import InvalidRequestError
from review_service.repository.models import LegalAssignment, User

router = APIRouter(prefix="/admin")
AdminPage = Annotated[User, Depends(page_roles("admin"))]
AuditPage = Annotated[User, Depends(page_roles(*AUDIT_READERS))]
Posted = [Depends(csrf.check)]
TABS = (("Users", "/admin/users"), ("Legal assignments", "/admin/assignments"), ("Routing", "/admin/routing"),
        ("Audit log", "/admin/audit"))
AUDIT_PER_PAGE = 50


def _problem(exc: Exception) -> str:
    """A refused change in words: the service's message, or the first field pydantic refused."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        return f"{field}: {first.get('msg', 'invalid')}" if field else str(first.get("msg"))
    return exc.message if isinstance(exc, VettedError) else str(exc)


def _tabs(user: User) -> list[tuple[str, str]]:
    return list(TABS) if user.role == "admin" else [t for t in TABS if t[1] == "/admin/audit"]


@router.get("", include_in_schema=False)
def read_admin_home(user: AuditPage) -> RedirectResponse:
    return RedirectResponse("/admin/users" if user.role == "admin" else "/admin/audit", status_code=303)


# ------------------------------------------------------------------------------------------ users


USERS_PER_PAGE = 50


def _users(session: Session, q: str, page: int) -> tuple[list[User], int]:
    """One page of users (by role, then username) whose username, name or email holds ``q``, and how many match."""
    where = [or_(User.username.icontains(q, autoescape=True), User.display_name.icontains(q, autoescape=True),
                 User.email.icontains(q, autoescape=True))] if q else []
    total = session.scalar(select(func.count()).select_from(User).where(*where)) or 0
    users = session.scalars(select(User).where(*where).options(selectinload(User.team))
                            .order_by(User.role, User.username)
                            .offset((page - 1) * USERS_PER_PAGE).limit(USERS_PER_PAGE))
    return list(users), total


def _users_page(request: Request, admin: User, session: Session, *, status_code: int = 200, q: str = "",
                page: int = 1, **context: Any) -> HTMLResponse:
    context.setdefault("error", None)
    context.setdefault("created", None)
    context.setdefault("new_password", None)
    context.setdefault("form", {})
    q, page = q.strip(), max(page, 1)
    users, total = _users(session, q, page)
    return render(request, "admin_users.html", admin, status_code=status_code, tabs=_tabs(admin),
                  users=users, total=total, q=q, page=page, pages=max(1, -(-total // USERS_PER_PAGE)),
                  roles=ROLE_NAMES, **context)


@router.get("/users", response_class=HTMLResponse)
def read_users_page(request: Request, admin: AdminPage, session: SessionDep, q: str = "",
                    page: int = 1) -> HTMLResponse:
    return _users_page(request, admin, session, q=q, page=page)


@router.post("/users", response_class=HTMLResponse, dependencies=Posted)
def create_user_page(request: Request, admin: AdminPage, session: SessionDep, ip: ClientIP,
                     username: Annotated[str, Form()] = "", display_name: Annotated[str, Form()] = "",
                     role: Annotated[str, Form()] = "", team: Annotated[str, Form()] = "",
                     email: Annotated[str, Form()] = "") -> HTMLResponse:
    form = {"username": username, "display_name": display_name, "role": role, "team": team, "email": email}
    try:
        body = schemas.UserCreate(username=username.strip(), display_name=display_name.strip(), role=role,  # type: ignore[arg-type]
                                  team=team.strip() or None, email=email.strip() or None)
        created = user_routes.create_user(body, admin, session, ip)
    except (VettedError, ValidationError) as exc:
        session.rollback()
        return _users_page(request, admin, session, status_code=422, form=form,
                           error=f"The user was not created: {_problem(exc)}")
    return _users_page(request, admin, session, created=created)


def _change_user(request: Request, admin: User, session: Session, ip: str | None, user_id: int,
                 done: str, **changes: Any) -> Response:
    try:
        body = schemas.UserUpdate(**changes)
        changed = user_routes.update_user(user_id, body, admin, session, ip)
    except (VettedError, ValidationError) as exc:
        session.rollback()
        return _users_page(request, admin, session, status_code=409 if isinstance(exc, VettedError) else 422,
                           error=f"Nothing changed: {_problem(exc)}")
    return flash(RedirectResponse("/admin/users", status_code=303),
                 done.format(name=changed.display_name))


@router.post("/users/{user_id}/role", dependencies=Posted)
def update_user_role(user_id: int, request: Request, admin: AdminPage, session: SessionDep, ip: ClientIP,
                     role: Annotated[str, Form()] = "") -> Response:
    return _change_user(request, admin, session, ip, user_id, f"{{name}} is now {ROLE_NAMES.get(role, role)}.",
                        role=role)


@router.post("/users/{user_id}/active", dependencies=Posted)
def update_user_active(user_id: int, request: Request, admin: AdminPage, session: SessionDep, ip: ClientIP,
                       active: Annotated[bool, Form()] = False) -> Response:
    done = "{name} can sign in again." if active else "{name} is deactivated: their sessions have ended."
    return _change_user(request, admin, session, ip, user_id, done, active=active)


@router.post("/users/{user_id}/password", response_class=HTMLResponse, dependencies=Posted)
def reset_user_password(user_id: int, request: Request, admin: AdminPage, session: SessionDep,
                        ip: ClientIP) -> HTMLResponse:
    import secrets

    password = secrets.token_urlsafe(12)
    try:
        changed = user_routes.update_user(user_id, schemas.UserUpdate(password=password), admin, session, ip)
    except VettedError as exc:
        session.rollback()
        return _users_page(request, admin, session, status_code=409, error=f"Nothing changed: {_problem(exc)}")
    return _users_page(request, admin, session, new_password=(changed.display_name, changed.username, password))


# ------------------------------------------------------------------------------------------ assignments


def _assignments_page(request: Request, admin: User, session: Session, *, status_code: int = 200,
                      error: str | None = None) -> HTMLResponse:
    rows = list(session.scalars(select(LegalAssignment).options(
        selectinload(LegalAssignment.partner), selectinload(LegalAssignment.backup)).order_by(LegalAssignment.id)))
    people = list(session.scalars(select(User).options(selectinload(User.team)).order_by(User.role, User.username)))
    by_id = {u.id: u for u in people}
    legal = [u for u in people if u.role in ("legal", "senior_legal")]
    buyers = [u for u in people if u.role == "procurement" and u.active]
    return render(request, "admin_assignments.html", admin, status_code=status_code, tabs=_tabs(admin),
                  rows=[(r, by_id.get(r.buyer_id) if r.buyer_id else None) for r in rows], legal=legal,
                  buyers=buyers, contract_types=CONTRACT_TYPE_NAMES, error=error)


@router.get("/assignments", response_class=HTMLResponse)
def read_assignments_page(request: Request, admin: AdminPage, session: SessionDep) -> HTMLResponse:
    return _assignments_page(request, admin, session)


@router.post("/assignments", dependencies=Posted)
def set_assignment_page(request: Request, admin: AdminPage, session: SessionDep, ip: ClientIP,
                        partner_id: Annotated[int, Form()], backup_id: Annotated[int, Form()],
                        scope: Annotated[str, Form()] = "") -> Response:
    """``scope`` is ``buyer:<id>`` or ``type:<contract type>``."""
    kind, _, key = scope.partition(":")
    try:
        body = schemas.AssignmentSet(partner_id=partner_id, backup_id=backup_id,
                                     buyer_id=int(key) if kind == "buyer" and key.isdigit() else None,
                                     contract_type=key if kind == "type" else None)  # type: ignore[arg-type]
        row = assignment_routes.set_assignment(body, admin, session, ip)
    except (VettedError, ValidationError) as exc:
        session.rollback()
        return _assignments_page(request, admin, session, status_code=422,
                                 error=f"The assignment was not saved: {_problem(exc)}")
    what = row.buyer.display_name if row.buyer else CONTRACT_TYPE_NAMES.get(row.contract_type or "", "")
    return flash(RedirectResponse("/admin/assignments", status_code=303),
                 f"{what}: {row.partner.display_name} reviews, {row.backup.display_name} is the backup.")


@router.post("/assignments/{assignment_id}/delete", dependencies=Posted)
def delete_assignment_page(assignment_id: int, request: Request, admin: AdminPage, session: SessionDep,
                           ip: ClientIP) -> Response:
    try:
        assignment_routes.delete_assignment(assignment_id, admin, session, ip)
    except VettedError as exc:
        session.rollback()
        return _assignments_page(request, admin, session, status_code=404, error=_problem(exc))
    return flash(RedirectResponse("/admin/assignments", status_code=303), "The assignment is removed.")


@router.post("/users/{user_id}/availability", dependencies=Posted)
def update_availability(user_id: int, request: Request, admin: AdminPage, session: SessionDep, ip: ClientIP,
                        out_of_office: Annotated[bool, Form()] = False,
                        back: Annotated[str, Form()] = "/admin/assignments") -> Response:
    done = ("{name} is out of office: their open contracts went to their backup." if out_of_office
            else "{name} is available again.")
    try:
        changed = user_routes.update_user(user_id, schemas.UserUpdate(out_of_office=out_of_office), admin, session,
                                          ip)
    except VettedError as exc:
        session.rollback()
        return _assignments_page(request, admin, session, status_code=409, error=f"Nothing changed: {_problem(exc)}")
    target = back if back in ("/admin/assignments", "/admin/users") else "/admin/assignments"
    return flash(RedirectResponse(target, status_code=303), done.format(name=changed.display_name))


# ------------------------------------------------------------------------------------------ routing


def routing_view(settings: Any) -> dict[str, Any]:
    """The playbook's routing table and thresholds, with the rules that use each threshold."""
    library = current_library(settings)
    routing = library.playbook.routing
    used: dict[str, list[str]] = {name: [] for name in routing.thresholds}
    for rule in routing.rules:
        for c in rule.conditions:
            if c.value_at_least:
                used.setdefault(c.value_at_least, []).append(rule.id)
        for co in rule.co_signers:
            used.setdefault(co.value_above, []).append(f"{rule.id} (co-signer: {co.role})")
    return {"routing": routing, "used": used, "library": library}


@router.get("/routing", response_class=HTMLResponse)
def read_routing_page(request: Request, admin: AdminPage, settings: SettingsDep) -> HTMLResponse:
    return render(request, "admin_routing.html", admin, tabs=_tabs(admin), error=None, form={},
                  **routing_view(settings))


@router.post("/routing", response_class=HTMLResponse, dependencies=Posted)
async def update_routing_page(request: Request, admin: AdminPage, session: SessionDep, settings: SettingsDep,
                              ip: ClientIP) -> Response:
    """Every threshold field of the form (``threshold-<name>``) through ``PUT /api/admin/routing/thresholds``."""
    form = await request.form()
    raw = {str(k).removeprefix("threshold-"): str(v).replace(",", "").strip() for k, v in form.items()
           if str(k).startswith("threshold-")}
    try:
        values = {}
        for name, text in raw.items():
            try:
                values[name] = float(text)
            except ValueError:
                raise InvalidRequestError(f"{name.replace('_', ' ')}: {text!r} is not an amount") from None
        body = routing_routes.ThresholdsUpdate(thresholds=values)
        result = routing_routes.update_thresholds(body, admin, session, settings, ip)
    except (VettedError, ValidationError) as exc:
        session.rollback()
        return render(request, "admin_routing.html", admin, status_code=422, tabs=_tabs(admin), form=raw,
                      error=f"The thresholds were not changed: {_problem(exc)}", **routing_view(settings))
    if not result.changes:
        message = "Nothing changed: those are the thresholds already set."
    else:
        said = "; ".join(f"{k.replace('_', ' ')} {c['from']:,.0f} → {c['to']:,.0f}" for k, c in result.changes.items())
        message = (f"Routing thresholds changed ({said}). New reviews use them; start a re-scan to re-route the "
                   "contracts already stored.")
    return flash(RedirectResponse("/admin/routing", status_code=303), message)


@router.post("/routing/rescan", dependencies=Posted)
def start_rescan_page(admin: AdminPage, session: SessionDep, ip: ClientIP) -> Response:
    started = rescan_routes.create_rescan(schemas.RescanStart(), admin, session, ip)
    count = len(json.loads(bytes(started.body))["job_ids"])
    return flash(RedirectResponse("/admin/routing", status_code=303),
                 f"Re-scan started: {count} contract{'' if count == 1 else 's'} queued for re-assessment.")


# ------------------------------------------------------------------------------------------ audit


def _day(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


@router.get("/audit", response_class=HTMLResponse)
def read_audit_page(
    request: Request, user: AuditPage, session: SessionDep, engine: EngineDep, ip: ClientIP,
    actor: Annotated[str, Query(max_length=150)] = "", action: Annotated[str, Query(max_length=60)] = "",
    target: Annotated[str, Query(max_length=200)] = "", since: Annotated[str, Query(max_length=30)] = "",
    until: Annotated[str, Query(max_length=30)] = "", page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """The trail through the API's own search (which records the search); the export link is the API's CSV
    with the same filters. ``since`` and ``until`` are days (until: up to the end of that day)."""
    since_at, until_day = _day(since), _day(until)
    until_at = until_day + dt.timedelta(days=1) if until_day else None
    found = audit_routes.read_audit_events(
        user, session, engine, Pagination(page=page, per_page=AUDIT_PER_PAGE), ip, actor=actor.strip() or None,
        action=action.strip() or None, target=target.strip() or None, contract_id=None, since=since_at,
        until=until_at, format="json")
    filters = {k: v for k, v in {"actor": actor.strip(), "action": action.strip(), "target": target.strip()}.items()
               if v}
    api_filters = dict(filters)
    if since_at:
        api_filters["since"] = since_at.isoformat()
    if until_at:
        api_filters["until"] = until_at.isoformat()
    page_filters = {**filters, **({"since": since} if since_at else {}), **({"until": until} if until_at else {})}
    pages = max(1, -(-found.total // AUDIT_PER_PAGE))
    return render(request, "admin_audit.html", user, tabs=_tabs(user), events=found.items, total=found.total,
                  page=page, pages=pages, actor=actor, action=action, target=target, since=since, until=until,
                  csv_url="/api/audit?" + urlencode({**api_filters, "format": "csv"}),
                  page_url=lambda n: "/admin/audit?" + urlencode({**page_filters, "page": n}))
