"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import Engine

from ecozone import __version__
from ecozone.api.deps import get_engine
from ecozone.store.engine import check_connection, redact_url

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Service and database health")
def healthz(engine: Engine = Depends(get_engine)) -> dict:
    check_connection(engine)
    return {"status": "ok", "version": __version__, "database": redact_url(str(engine.url)), "backend": engine.dialect.name}
