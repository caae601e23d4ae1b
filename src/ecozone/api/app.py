"""The FastAPI application: routers per domain, error mapping, request logging."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from sqlalchemy import Engine

from ecozone import __version__
from ecozone.api import auth
from ecozone.api.errors import install_error_handlers
from ecozone.api.routers import health, indicators, layers, monitoring, ogc, releases, screening, staff, staff_users, tiles, zoning
from ecozone.logging import get_logger
from ecozone.settings import Settings, get_settings
from ecozone.store.engine import make_engine
from ecozone.web.routes import mount_web
from ecozone.web.staff import router as staff_pages
from ecozone.web.tools_pages import router as tool_pages
from ecozone.api.routers import public_tools
from ecozone.screening.service import ScreeningService
from ecozone.zoning.inforce import SnapshotCache

log = get_logger("api")


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the application on ``engine`` (default: the one ``settings.database_url`` names)."""
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="ecozone",
        version=__version__,
        description="生态环境分区管控 platform: zoning lookup, compliance screening, plan tracking.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.snapshots = SnapshotCache(engine)
    app.state.screening = ScreeningService(engine, app.state.snapshots)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(zoning.router)
    app.include_router(screening.router)
    app.include_router(releases.router)
    app.include_router(layers.router)
    app.include_router(tiles.router)
    app.include_router(ogc.router)
    app.include_router(indicators.router)
    app.include_router(monitoring.router)
    app.include_router(auth.router)
    app.include_router(staff.router)
    app.include_router(staff_users.router)
    app.include_router(staff_pages)
    app.include_router(public_tools.router)
    app.include_router(tool_pages)
    mount_web(app)

    @app.middleware("http")
    async def log_requests(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        log.info(
            "request",
            method=request.method,
            path=request.url.path,
            status=response.status_code,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response

    return app
