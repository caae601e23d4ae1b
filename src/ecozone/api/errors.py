"""The one place where domain errors become JSON responses, in the reader's language.

An error response keeps its machine-readable parts (``error`` kind, ``field``, ``value``,
``message_key``) and carries ``message`` in the language the request asks for: ``?lang=``, else
the ``Accept-Language`` header (the pages send theirs), else English. In English the domain's own
message is used; in Chinese the message catalog (``routing/messages``) by the error's key, else by
its kind and field, so a page never shows a developer's English sentence. The texts themselves
are in ``ecozone.routing.error_text``, shared with the web pages.
"""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ecozone.errors import EcozoneError
from ecozone.routing import HTTP_STATUS
from ecozone.routing.error_text import localized_text, person_message, request_language, validation_field


def _json_value(value):
    # A refused NaN or infinity must not break the answer that refuses it.
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value if isinstance(value, (str, int, float, bool, list, dict, type(None))) else str(value)


def _json_safe(detail: dict) -> dict:
    return {k: _json_value(v) for k, v in detail.items()}


def error_body(exc: EcozoneError, lang: str) -> dict:
    """The JSON body of an error response."""
    body = {"error": exc.kind, "message": person_message(exc, lang), **_json_safe(exc.detail)}
    if exc.key:
        body["message_key"] = exc.key
    if lang != "en":
        body["message_en"] = exc.message
    return body


def error_headers(exc: EcozoneError) -> dict[str, str]:
    """Headers an error answer needs: the auth scheme for 401, when to retry for 429."""
    headers = {}
    if exc.kind == "unauthenticated":
        headers["WWW-Authenticate"] = "Bearer"
    if exc.kind == "rate_limited":
        headers["Retry-After"] = str(max(1, math.ceil(float(exc.detail.get("retry_after", 1)))))
    return headers


async def handle_domain_error(request: Request, exc: EcozoneError) -> JSONResponse:
    return JSONResponse(
        status_code=HTTP_STATUS.get(exc.kind, 500),
        content=error_body(exc, request_language(request)),
        headers=error_headers(exc) or None,
    )


async def handle_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's own parameter checks: its ``detail`` list, plus ``field`` and a person's message."""
    lang = request_language(request)
    field = validation_field(exc)
    message = localized_text(lang, "request.invalid" if field else "request.invalid.nofield", "bad_input", field, None)
    return JSONResponse(
        status_code=422,
        # A refused NaN stays in ``detail`` as text: JSON has no NaN.
        content={"error": "bad_input", "message": message, "field": field, "detail": jsonable_encoder(exc.errors(), custom_encoder={float: _json_value})},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EcozoneError, handle_domain_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
