"""The OpenAPI document lists every status and content type the API answers with.

FastAPI documents the success answer and its own 422. The errors the domain raises (401, 403,
404, 409, 413, 429, 503) and the non-JSON bodies (HTML and PDF reports, vector tiles) are added
here by rules that follow from how the API is built, so each new route is documented the same way:

- every operation: 422 (bad input) and 503 (database unreachable);
- operations that take a token (``security``): 401 and 403;
- operations with parameters or a body: 404 (an id, code or name they give does not exist);
- writes (POST, PUT, PATCH, DELETE): 403 (foreign origin on a cookie-authenticated write),
  409 (stale lock_version, wrong status, duplicate), 413 (a size limit) and 429 (a rate limit);
- operations taking a multipart or form body: 400 (the body cannot be parsed);
- operations with a ``format`` parameter offering html or pdf: those media types on success.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "kind: bad_input, too_large, not_found, conflict, unauthenticated, forbidden, rate_limited, unavailable"},
        "message": {"type": "string", "description": "what went wrong, in the request's language"},
        "field": {"type": ["string", "null"], "description": "the parameter, field or file it is about"},
        "value": {"description": "the value or limit it is about"},
        "limit": {"type": "string", "description": "the name of the limit (413) or rate limit (429)"},
    },
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    "400": "The multipart or form body is malformed (it cannot be parsed into fields)",
    "401": "Not logged in, or the session expired",
    "403": "The user's role or jurisdiction does not allow this, or a cookie-authenticated write came from another origin",
    "404": "An id, code or name given in the path, query or body does not exist (or is not visible to the caller)",
    "409": "Conflicts with the stored state: stale lock_version, wrong status, duplicate, or a date that would rewrite history",
    "413": "Over a size limit (request body, upload, rows, vertices, uncompressed size); the answer names the limit",
    "422": "Bad input; ``field`` names it",
    "429": "Over a rate limit; ``Retry-After`` says when to retry",
    "503": "The database does not answer",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
REPORT_TYPES = {"html": "text/html", "pdf": "application/pdf"}


def _error_response(status: str) -> dict:
    return {"description": ERROR_DESCRIPTIONS[status], "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def error_statuses(method: str, operation: dict) -> list[str]:
    """The error statuses an operation can answer with, by the rules in the module docstring."""
    statuses = {"422", "503"}
    parameters = operation.get("parameters", [])
    if operation.get("security"):
        statuses |= {"401", "403"}
    if parameters or method in WRITE_METHODS:
        statuses.add("404")
    if method in WRITE_METHODS:
        statuses |= {"403", "409", "413", "429"}
    body_types = operation.get("requestBody", {}).get("content", {})
    if any(t in body_types for t in FORM_TYPES):
        statuses.add("400")
    return sorted(statuses)


def _report_media_types(operation: dict) -> list[str]:
    for parameter in operation.get("parameters", []):
        if parameter.get("name") != "format":
            continue
        schema = parameter.get("schema", {})
        choices = set(schema.get("enum", [])) | {c for ref in schema.get("anyOf", []) for c in ref.get("enum", [])}
        pattern = schema.get("pattern", "")
        choices |= {name for name in REPORT_TYPES if name in pattern}
        return [REPORT_TYPES[c] for c in sorted(choices) if c in REPORT_TYPES]
    return []


def complete_document(document: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses and report media types to every operation of ``document``."""
    document.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in WRITE_METHODS | {"get", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            for status in error_statuses(method, operation):
                responses.setdefault(status, _error_response(status))
            media = _report_media_types(operation)
            success = next((responses[s] for s in ("200", "201") if s in responses), None)
            if media and success is not None:
                content = success.setdefault("content", {})
                for media_type in media:
                    content.setdefault(media_type, {"schema": {"type": "string", "format": "binary" if media_type == "application/pdf" else "string"}})
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on first request)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_document(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
