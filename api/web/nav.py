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


# Pages under no link of their own, and the link they belong to: a contract's review and its comparison are
# reached from the queue (legal) or from "My requests" (procurement).
BELONGS_TO: dict[str, dict[str, str]] = {"/contracts": {"legal": "/queue", "senior_legal": "/queue",
                                                        "procurement": "/requests"}}


def active_link(path: str, role: str) -> str | None:
    """The path of the one navigation link to mark as the current page (the longest that ``path`` is under)."""
    under = [link.path for link in links_for(role) if path == link.path or path.startswith(link.path + "/")]
    if under:
        return max(under, key=len)
    for prefix, by_role in BELONGS_TO.items():
        if path == prefix or path.startswith(prefix + "/"):
            return by_role.get(role)
    return None


def home_for(role: str) -> str:
    return HOME.get(role, DEFAULT_HOME)
