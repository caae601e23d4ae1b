"""The one place where domain errors become HTTP responses, in the reader's language.

An error response keeps its machine-readable parts (``error`` kind, ``field``, ``value``,
``message_key``) and carries ``message`` in the language the request asks for: ``?lang=``, else
the ``Accept-Language`` header (the pages send theirs), else English. In English the domain's own
message is used; in Chinese the message catalog (``api/messages``) by the error's key, else by
its kind and field, so a page never shows a developer's English sentence.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ecozone.errors import EcozoneError
from ecozone.i18n import LANGUAGES, Translator, load_catalog

MESSAGES = Path(__file__).with_name("messages")
DEFAULT_API_LANGUAGE = "en"

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


def accepted_language(header: str | None) -> str | None:
    """The first supported language of an ``Accept-Language`` header, by its q weights."""
    choices = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            choices.append((-weight, position, primary))
    return min(choices)[2] if choices else None


def request_language(request: Request, default: str = DEFAULT_API_LANGUAGE) -> str:
    """The language a request asks its messages in: ``?lang=``, ``Accept-Language``, else ``default``."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return accepted_language(request.headers.get("accept-language")) or default


def _value_text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "，".join(str(v) for v in value)
    return "" if value is None else str(value)


def field_label(lang: str, field: str | None) -> str:
    """The catalog's name for a field (``lon`` → 经度), else the field itself."""
    if not field:
        return ""
    return Translator(lang, MESSAGES)(f"field.{field}") if f"field.{field}" in load_catalog(MESSAGES, "zh") else field


def localized_text(lang: str, key: str | None, kind: str, field: str | None, value: object, **params: object) -> str:
    """The person's message: by ``key`` when the catalog has it, else by ``kind`` (and ``field``)."""
    t = Translator(lang, MESSAGES)
    catalog = load_catalog(MESSAGES, "zh")
    values = {**{k: _value_text(v) for k, v in params.items() if k != "field"}, "value": _value_text(value)}
    values["field"] = field_label(lang, field)
    if key and key in catalog:
        return t(key, **values)
    generic = f"kind.{kind}" if f"kind.{kind}" in catalog else "kind.failure"
    if not field and f"{generic}.nofield" in catalog:
        return t(f"{generic}.nofield", **values)
    return t(generic, **values)


def person_message(exc: EcozoneError, lang: str) -> str:
    """What a person reads for ``exc`` in ``lang`` (English: the domain's own message)."""
    if lang == "en":
        return exc.message
    params = {k: v for k, v in exc.detail.items() if k not in ("field", "value")}
    return localized_text(lang, exc.key, exc.kind, exc.detail.get("field"), exc.detail.get("value"), **params)


def error_body(exc: EcozoneError, lang: str) -> dict:
    """The JSON body of an error response."""
    body = {"error": exc.kind, "message": person_message(exc, lang), **_json_safe(exc.detail)}
    if exc.key:
        body["message_key"] = exc.key
    if lang != "en":
        body["message_en"] = exc.message
    return body


async def handle_domain_error(request: Request, exc: EcozoneError) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if exc.kind == "unauthenticated" else None
    return JSONResponse(
        status_code=HTTP_STATUS.get(exc.kind, 500),
        content=error_body(exc, request_language(request)),
        headers=headers,
    )


def validation_field(exc: RequestValidationError) -> str | None:
    """The request parameter a validation error is about (``lon``, ``industry``…), if one."""
    for error in exc.errors():
        location = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body", "header", "cookie")]
        if location:
            return location[-1]
    return None


async def handle_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's own parameter checks: its ``detail`` list, plus ``field`` and a person's message."""
    lang = request_language(request)
    field = validation_field(exc)
    message = localized_text(lang, "request.invalid" if field else "request.invalid.nofield", "bad_input", field, None)
    return JSONResponse(
        status_code=422,
        content={"error": "bad_input", "message": message, "field": field, "detail": jsonable_encoder(exc.errors())},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(EcozoneError, handle_domain_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
