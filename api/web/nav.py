"""The navigation bar: one list of links per role. A new page adds its link here (label, path, the roles that
see it); ``base.html`` renders the links the signed-in user's role sees, in this order."""

from __future__ import annotations

from dataclasses import dataclass

EVERYONE = ("procurement", "legal", "senior_legal", "finance", "admin")
LEGAL = ("legal", "senior_legal")


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    path: str
    roles: tuple[str, ...]


NAV: list[NavLink] = [
    NavLink("Upload", "/upload", ("procurement", "legal", "senior_legal")),
    NavLink("My requests", "/requests", ("procurement",)),
    NavLink("Queue", "/queue", LEGAL),
    NavLink("Library", "/library", EVERYONE),
    NavLink("Dashboard", "/dashboard", EVERYONE),
    NavLink("Admin", "/admin", ("admin",)),
    NavLink("Audit log", "/admin/audit", LEGAL),
]

# Where each role lands after signing in (and at /).
HOME: dict[str, str] = {"procurement": "/requests", "legal": "/queue", "senior_legal": "/queue",
                        "admin": "/admin/users", "finance": "/dashboard"}
DEFAULT_HOME = "/account"


def links_for(role: str) -> list[NavLink]:
    return [link for link in NAV if role in link.roles]


def home_for(role: str) -> str:
    return HOME.get(role, DEFAULT_HOME)
