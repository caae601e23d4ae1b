"""Error texts in the reader's language, for the JSON API and the web pages alike: which language a
request asks for, and a person's message for a domain error or a rejected parameter (from the
catalog in ``routing/messages`` by the error's key, else by its kind and field)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from ecozone.errors import EcozoneError
from ecozone.i18n import LANGUAGES, Translator, load_catalog

MESSAGES = Path(__file__).with_name("messages")
DEFAULT_API_LANGUAGE = "en"


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


def validation_field(exc: RequestValidationError) -> str | None:
    """The request parameter a validation error is about (``lon``, ``industry``…), if one."""
    for error in exc.errors():
        location = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "body", "header", "cookie")]
        if location:
            return location[-1]
    return None
