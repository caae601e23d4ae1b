"""What every page module shares: the templates, the user's language, ``render`` with the shared
context, the route class that turns domain errors into an HTML error page, and who is logged in.

Page modules import this, never each other, so the web package has no cycles.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from ecozone import clock
from ecozone.auth import accounts
from ecozone.auth.model import User
from ecozone.errors import EcozoneError
from ecozone.routing import HTTP_STATUS, SESSION_COOKIE
from ecozone.routing.error_route import ErrorFormatRoute
from ecozone.routing.error_text import localized_text, person_message, validation_field
from ecozone.web.i18n import LANG_COOKIE, Translator, requested_language
from ecozone.web.nav import NAV_ENTRIES, active_key

WEB_DIR = Path(__file__).parent
templates = Jinja2Templates(directory=WEB_DIR / "templates")
LANG_COOKIE_SECONDS = 365 * 24 * 3600


def translator_for(request: Request) -> tuple[Translator, bool]:
    lang, asked = requested_language(request, request.app.state.settings.locale)
    return Translator(lang), asked


def switch_language_url(request: Request, lang: str) -> str:
    """This page's path and query with ``lang`` replaced."""
    return f"{request.url.path}?{request.url.include_query_params(lang=lang).query}"


def render(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """Render a page with the shared context (language, navigation) and remember ``?lang=``."""
    t, asked = translator_for(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "lang": t.lang,
            "other_lang": "en" if t.lang == "zh" else "zh",
            "nav": NAV_ENTRIES,
            "active": active_key(request.url.path),
            "root": request.scope.get("root_path", ""),
            "lang_url": switch_language_url(request, "en" if t.lang == "zh" else "zh"),
            **context,
        },
        status_code=status_code,
    )
    if asked:
        response.set_cookie(LANG_COOKIE, t.lang, max_age=LANG_COOKIE_SECONDS, samesite="lax", httponly=True)
    return response


class WebRoute(ErrorFormatRoute):
    """A page route whose domain errors become an HTML error page in the user's language."""

    def domain_error(self, request: Request, exc: EcozoneError) -> Response:
        status = HTTP_STATUS.get(exc.kind, 500)
        t, _ = translator_for(request)
        return render(request, "error.html", {"status": status, "message": person_message(exc, t.lang)}, status)

    def validation_error(self, request: Request, exc: RequestValidationError) -> Response:
        t, _ = translator_for(request)
        field = validation_field(exc)
        message = localized_text(t.lang, "request.invalid" if field else "request.invalid.nofield", "bad_input", field, None)
        return render(request, "error.html", {"status": 422, "message": message}, 422)


def page_user(request: Request) -> User | None:
    """The user whose session cookie came with the request, if it is still valid."""
    token = request.cookies.get(SESSION_COOKIE)
    return accounts.user_for_token(request.app.state.engine, token, clock.utc_now()) if token else None


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{request.scope.get('root_path', '')}/staff/login?next={quote(target)}", status_code=303)
