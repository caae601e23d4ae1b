"""The JSON and OGC API on an application: its error mapping and one router per domain."""

from __future__ import annotations

from fastapi import FastAPI

from ecozone.api import auth
from ecozone.api.docs import install_docs
from ecozone.api.errors import install_error_handlers
from ecozone.api.routers import (
    health,
    indicators,
    layers,
    monitoring,
    ogc,
    public_tools,
    releases,
    screening,
    staff,
    staff_users,
    supervision,
    tiles,
    zoning,
)


def mount_api(app: FastAPI) -> None:
    """Add the error handlers, the offline /docs and the API routers to ``app``."""
    install_error_handlers(app)
    install_docs(app)
    for module in (health, zoning, screening, releases, layers, tiles, ogc, indicators, monitoring, supervision, auth, staff, staff_users, public_tools):
        app.include_router(module.router)
