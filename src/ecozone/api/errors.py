"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ecozone.errors import EcozoneError

HTTP_STATUS = {
    "bad_input": 422,
    "not_found": 404,
    "conflict": 409,
    "unauthenticated": 401,
    "forbidden": 403,
    "unavailable": 503,
    "failure": 500,
}


def _json_safe(detail: dict) -> dict:
    return {k: v if isinstance(v, (str, int, float, bool, list, dict, type(None))) else str(v) for k, v in detail.items()}


async def handle_domain_error(_request: Request, exc: EcozoneError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.kind == "unauthenticated" else None
    return JSONResponse(
        status_code=HTTP_STATUS.get(exc.kind, 500),
        content={"error": exc.kind, "message": exc.message, **_json_safe(exc.detail)},
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EcozoneError, handle_domain_error)
