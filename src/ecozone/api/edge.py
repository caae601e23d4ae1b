"""ASGI middleware at the HTTP edge, before any route runs.

``BodyLimits`` refuses request bodies over the configured sizes (413 naming the limit) and JSON
bodies holding NaN, Infinity or numbers that overflow a float (1e309): Python's ``json`` accepts
those, and they would otherwise reach geometry code and the database. ``SecurityHeaders`` refuses
cookie-authenticated writes sent from a foreign origin (CSRF) and adds the browser security
headers to every answer.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.requests import Request

from ecozone.api.errors import error_body
from ecozone.api.heavy import heavy_limiter
from ecozone.api.openapi import install_openapi
from ecozone.api.ratelimit import TokenBucket
from ecozone.api.settings import EdgeSettings
from ecozone.errors import BadInput, EcozoneError, Forbidden, TooLarge
from ecozone.routing import SESSION_COOKIE
from ecozone.routing.error_text import request_language

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class _Refused(Exception):
    def __init__(self, status: int, error: EcozoneError) -> None:
        self.status, self.error = status, error


async def send_error(scope, send, status: int, error: EcozoneError, headers: dict | None = None) -> None:
    """An error answer shaped and translated like the routes' own (``api.errors``)."""
    await send_json(send, status, error_body(error, request_language(Request(scope))), headers)


async def send_json(send, status: int, body: dict, headers: dict | None = None) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw_headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def too_large(limit_name: str, limit: int, what: str) -> _Refused:
    message = f"{what} is larger than the limit {limit_name} = {limit} bytes"
    return _Refused(413, TooLarge(message, limit=limit_name, value=limit))


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of the range of a number")
    return value


def check_json_numbers(body: bytes) -> None:
    """Refuse NaN, Infinity and overflowing numbers anywhere in a JSON body (422).

    Malformed JSON is left to the route, which answers it with its own 422."""
    try:
        json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
    except json.JSONDecodeError:
        return
    except (ValueError, RecursionError) as exc:
        raise _Refused(422, BadInput(f"body: {exc}", field="body", value=str(exc))) from None


class BodyLimits:
    """Size limits on every request body and a finite-number check on JSON bodies."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            receive = await self._checked(scope, receive, scope["app"].state.edge)
        except _Refused as refused:
            await send_error(scope, send, refused.status, refused.error)
            return
        await self.app(scope, receive, send)

    async def _checked(self, scope, receive, settings: EdgeSettings):
        content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        is_json = content_type not in FORM_TYPES and not content_type.startswith("multipart/")
        limit, name = (
            (settings.max_json_bytes, "ECOZONE_EDGE_MAX_JSON_BYTES")
            if is_json
            else (settings.max_body_bytes, "ECOZONE_EDGE_MAX_BODY_BYTES")
        )
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise too_large(name, limit, "the request body")
        if not is_json and declared is not None:
            return receive  # streamed to the route; the declared length was checked
        body = await _read_body(receive, limit, name)
        if is_json and body:
            check_json_numbers(body)
        return _replay(body, receive)


async def _read_body(receive, limit: int, name: str) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(name, limit, "the request body")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive):
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _script_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


# The pages' scripts are files under /static; the one inline handler the pages use (submit a
# filter form when its select changes) is allowed by its hash, nothing else inline runs.
PAGE_CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'unsafe-hashes' {_script_hash('this.form.submit()')}",
        # Leaflet positions map panes with inline styles.
        "style-src 'self' 'unsafe-inline'",
        # Optional base-map tiles come from a tile service chosen by the operator.
        "img-src 'self' data: blob: https:",
        "connect-src 'self'",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# FastAPI's interactive API documentation loads Swagger UI / ReDoc from their CDN.
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {DOCS_CDN}",
        f"style-src 'self' 'unsafe-inline' {DOCS_CDN}",
        "img-src 'self' data: https:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)
BASE_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"strict-origin-when-cross-origin",
    b"cross-origin-opener-policy": b"same-origin",
}


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _is_cookie_only(scope) -> bool:
    """A write that authenticates by the session cookie alone, as a browser form or script would."""
    cookies = _header(scope, b"cookie") or ""
    has_session = any(part.strip().startswith(SESSION_COOKIE + "=") for part in cookies.split(";"))
    return has_session and not (_header(scope, b"authorization") or "").lower().startswith("bearer ")


def foreign_origin(scope, trusted: list[str]) -> str | None:
    """The Origin (or Referer) of a cookie-only write when it is not this server's; else None.

    Browsers send Origin with every cross-site POST; requests carrying neither header are not
    from a browser page and so cannot be forged by one."""
    sent = _header(scope, b"origin") or _header(scope, b"referer")
    if not sent:
        return None
    origin = _origin_of(sent) if sent != "null" else "null"
    host = (_header(scope, b"host") or "").lower()
    if origin and origin != "null" and urlsplit(origin).netloc == host:
        return None
    if origin in {t.rstrip("/").lower() for t in trusted}:
        return None
    return origin or sent


class SecurityHeaders:
    """CSRF check on cookie-authenticated writes, and security headers on every answer."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in WRITE_METHODS and _is_cookie_only(scope):
            origin = foreign_origin(scope, scope["app"].state.edge.trusted_origins)
            if origin is not None:
                error = Forbidden(f"a cookie-authenticated write from origin {origin!r} is refused (cross-site request)", field="Origin", value=origin)
                await send_error(scope, send, 403, error, {k.decode(): v.decode() for k, v in BASE_HEADERS.items()})
                return
        path = scope.get("path", "")
        csp = (DOCS_CSP if path in ("/docs", "/redoc") or path.startswith("/docs/") else PAGE_CSP).encode("latin-1")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in BASE_HEADERS.items() if k not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", csp))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def configure_edge(app: FastAPI, edge: EdgeSettings) -> None:
    """The edge's state: its settings, the heavy-work slots and the rate-limit buckets (called
    again with other settings, it replaces them: the middleware reads them per request)."""
    app.state.edge = edge
    app.state.heavy_limiter = heavy_limiter(edge.heavy_workers)
    app.state.login_ip = TokenBucket(edge.login_per_minute_ip, edge.login_burst)
    app.state.login_account = TokenBucket(edge.login_per_minute_account, edge.login_burst)
    app.state.anonymous_writes = TokenBucket(edge.anonymous_writes_per_minute, edge.anonymous_write_burst)


def install_edge(app: FastAPI, edge: EdgeSettings) -> None:
    """Edge state, middleware and the completed OpenAPI document; the middleware is added last
    so that it runs first, before any route or log line."""
    configure_edge(app, edge)
    install_openapi(app)
    app.add_middleware(BodyLimits)
    app.add_middleware(SecurityHeaders)
