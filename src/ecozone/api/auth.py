"""Who is calling: the session (Bearer token or cookie) behind a request, role checks as
dependencies, and the login/logout/me routes."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Body, Depends, Request, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ecozone.api.ratelimit import client_ip
from ecozone.clock import utc_now
from ecozone.auth import accounts
from ecozone.auth.model import User
from ecozone.auth.roles import Role
from ecozone.auth.settings import get_auth_settings
from ecozone.errors import BadInput, Forbidden, RateLimited, Unauthenticated
from ecozone.routing import SESSION_COOKIE

bearer = HTTPBearer(auto_error=False, description="The token from POST /api/v1/auth/login")
router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def request_token(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str | None:
    """The session token of a request: the Bearer header first, else the session cookie."""
    if credentials is not None:
        return credentials.credentials
    return request.cookies.get(SESSION_COOKIE)


def optional_user(request: Request, token: str | None = Depends(request_token)) -> User | None:
    """The logged-in user, or None for the public."""
    if not token:
        return None
    user = accounts.user_for_token(request.app.state.engine, token, utc_now())
    request.state.user = user.username if user else None
    return user


def current_user(user: User | None = Depends(optional_user)) -> User:
    """The logged-in user; 401 for anonymous callers and expired or unknown tokens."""
    if user is None:
        raise Unauthenticated("log in first (POST /api/v1/auth/login)")
    return user


def require_role(*roles: Role | str) -> Callable[..., User]:
    """A dependency giving the current user if they hold one of ``roles``; else 403."""
    wanted = [Role(r) for r in roles]

    def check(user: User = Depends(current_user)) -> User:
        if not user.has_role(*wanted):
            raise Forbidden(
                f"user {user.username!r} needs the role {' or '.join(r.value for r in wanted)}",
                roles=[r.value for r in wanted],
            )
        return user

    check.__name__ = f"require_role_{'_'.join(r.value for r in wanted)}"
    return check


def limit_anonymous_writes(request: Request, user: User | None = Depends(optional_user)) -> User | None:
    """The caller (or None); an anonymous caller spends one token of its address's write bucket
    (429 when empty). Logged-in staff are not limited here."""
    if user is None and request.app.state.edge.rate_limits:
        request.app.state.anonymous_writes.take(client_ip(request), "anonymous writes from this address")
    return user


def _throttle_login(request: Request, username: str) -> None:
    """Per address: every attempt spends a token. Per account: only failures spend, but no
    attempt is checked while the account's bucket is empty, so guessing one account from many
    addresses stalls too."""
    if not request.app.state.edge.rate_limits:
        return
    request.app.state.login_ip.take(client_ip(request), "login attempts from this address")
    wait = request.app.state.login_account.retry_after(username.lower())
    if wait > 0:
        raise RateLimited(f"too many failed logins for this account; retry in {wait:.0f} s", limit="failed logins for this account", retry_after=round(wait, 1))


def set_session_cookie(response: Response, login: accounts.Login) -> None:
    settings = get_auth_settings()
    response.set_cookie(
        SESSION_COOKIE,
        login.token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure,
        path="/",
    )


@router.post("/login", summary="Log in with user name and password: a token, also set as an HttpOnly cookie")
def login(
    request: Request,
    response: Response,
    username: str = Body(..., embed=True),
    password: str = Body(..., embed=True),
) -> dict:
    _throttle_login(request, username)
    try:
        result = accounts.login(request.app.state.engine, username, password, utc_now())
    except BadInput:
        if request.app.state.edge.rate_limits:
            request.app.state.login_account.spend(username.lower())
        raise
    set_session_cookie(response, result)
    return {
        "token": result.token,
        "token_type": "bearer",
        "expires_at": result.expires_at.isoformat(),
        "user": result.user.to_dict(),
    }


@router.post("/logout", summary="End the current session", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, token: str | None = Depends(request_token)) -> Response:
    if token:
        accounts.logout(request.app.state.engine, token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", summary="The logged-in user")
def me(user: User = Depends(current_user)) -> dict:
    return user.to_dict()
