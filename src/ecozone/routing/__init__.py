"""What the JSON API and the web pages share about HTTP, so neither imports the other: the status
of each domain error kind, the name of the session cookie, and (``error_text``) error messages in
the reader's language."""

from __future__ import annotations

HTTP_STATUS = {
    "bad_input": 422,
    "too_large": 413,
    "not_found": 404,
    "conflict": 409,
    "unauthenticated": 401,
    "forbidden": 403,
    "rate_limited": 429,
    "unavailable": 503,
    "failure": 500,
}

# Set by POST /api/v1/auth/login and /staff/login; read by both the API and the staff pages.
SESSION_COOKIE = "ecozone_session"
