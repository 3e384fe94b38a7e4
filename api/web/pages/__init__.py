"""The page routers, one module per area; ``api.web.install`` includes every router in ``ROUTERS``. A new area
adds its module here and its links to ``api.web.nav.NAV``."""

from __future__ import annotations

from fastapi import APIRouter

from api.web.pages import admin, auth, dashboard, legal, library, procurement, versions

ROUTERS: list[APIRouter] = [auth.router, procurement.router, legal.router, library.router, dashboard.router,
                            versions.router, admin.router]
