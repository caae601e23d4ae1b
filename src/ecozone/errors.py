"""The domain error hierarchy.

Every error ecozone raises on purpose is one of these. Each class states what kind of failure
it is; the HTTP status (``ecozone.routing``) and the CLI exit code (``ecozone.cli``) are
derived from that kind in one place each.
"""

from __future__ import annotations

from typing import Any


class EcozoneError(Exception):
    """Base of all domain errors; ``detail`` carries machine-readable context.

    ``message`` is the English text for developers and logs. ``key`` optionally names a message
    in the edges' catalogs (e.g. ``industry.unknown``) that is filled with ``detail`` to tell a
    person the same thing in their language; without one the edges fall back to a text per kind
    and field.
    """

    kind = "failure"

    def __init__(self, message: str, *, key: str | None = None, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.detail = detail


class BadInput(EcozoneError):
    """The caller gave a value that is malformed or out of range; the message names it."""

    kind = "bad_input"


class NotFound(EcozoneError):
    """A named thing (unit code, release id, indicator) does not exist."""

    kind = "not_found"


class Conflict(EcozoneError):
    """The request clashes with the stored state (stale version, duplicate, wrong status)."""

    kind = "conflict"


class Unauthenticated(EcozoneError):
    """The request needs a logged-in user and has none (or an expired session)."""

    kind = "unauthenticated"


class Forbidden(EcozoneError):
    """The user is known but their role does not allow this."""

    kind = "forbidden"


class Unavailable(EcozoneError):
    """A required service (the database) cannot be reached."""

    kind = "unavailable"


class TooLarge(BadInput):
    """The input is over a size limit (body, rows, vertices, uncompressed bytes); the message
    names the limit and its value."""

    kind = "too_large"


class RateLimited(EcozoneError):
    """The caller sent more requests than a rate limit allows; ``retry_after`` is in seconds."""

    kind = "rate_limited"
