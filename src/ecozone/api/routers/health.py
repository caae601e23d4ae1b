"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import Engine

from ecozone import __version__
from ecozone.api.deps import get_engine
from ecozone.errors import Unavailable
from ecozone.logging import get_logger
from ecozone.store.engine import check_connection

router = APIRouter(tags=["health"])
log = get_logger("api")


@router.get("/healthz", summary="Service and database health", responses={503: {"description": "The database does not answer"}})
def healthz(engine: Engine = Depends(get_engine)) -> dict:
    """Whether the database answers, and which kind it is. No path, URL or host is shown (the
    route is public, and those would map the server for an attacker); the log has them."""
    try:
        check_connection(engine)
    except Unavailable as exc:
        log.error("database unreachable", reason=exc.message)
        raise Unavailable("the database does not answer") from None
    return {"status": "ok", "version": __version__, "backend": engine.dialect.name}
