"""The application: shared state (engine, snapshot cache, screening service), the API and the web
site side by side, request logging. The one place that knows both ``api`` and ``web``."""

from __future__ import annotations

import threading
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from sqlalchemy import Engine

from ecozone import __version__, clock
from ecozone.api.edge import install_edge
from ecozone.api.mount import mount_api
from ecozone.api.settings import EdgeSettings, get_edge_settings
from ecozone.ledgers.offsets import OffsetCheck
from ecozone.logging import get_logger
from ecozone.screening.service import ScreeningService
from ecozone.settings import Settings, get_settings
from ecozone.store.engine import make_engine
from ecozone.web.site import mount_web
from ecozone.zoning.industry_suggest import warm_up as warm_up_industry_suggest
from ecozone.zoning.inforce import SnapshotCache
from ecozone.zoning.unit_tiles import UnitTileCache

log = get_logger("api")


def _warm_unit_tiles(app: FastAPI) -> None:
    """Load the zoning in force and cut the map's first tiles, so the first visitor does not wait."""
    try:
        app.state.unit_tiles.warm_in_background(app.state.snapshots.get())
    except Exception:
        log.exception("unit tiles warm-up could not start")


@asynccontextmanager
async def _lifespan(app: FastAPI):
    threading.Thread(target=_warm_unit_tiles, args=(app,), name="unit-tiles-warm-up-start", daemon=True).start()
    yield


def create_app(settings: Settings | None = None, engine: Engine | None = None, edge: EdgeSettings | None = None) -> FastAPI:
    """Build the application on ``engine`` (default: the one ``settings.database_url`` names);
    ``edge`` holds the size, rate and worker limits (default: from the environment)."""
    settings = settings or get_settings()
    edge = edge or get_edge_settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="ecozone",
        version=__version__,
        description="生态环境分区管控 platform: zoning lookup, compliance screening, plan tracking.",
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.snapshots = SnapshotCache(engine, clock.today)
    app.state.unit_tiles = UnitTileCache()
    # Declared offsets are checked against the ledgers on every screening (the one post-step).
    app.state.screening = ScreeningService(engine, app.state.snapshots, clock.utc_now, post_steps=[OffsetCheck(engine)])
    mount_api(app)
    mount_web(app)
    # The industry suggester loads jieba's dictionary (seconds); do it now, not on the first keystroke.
    threading.Thread(target=warm_up_industry_suggest, name="industry-suggest-warm-up", daemon=True).start()

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

    install_edge(app, edge)
    return app
