"""Render reports: a domain's template (extending ``report_base.html``) to HTML, and HTML to PDF.

PDF goes through WeasyPrint, which finds fonts with fontconfig; the project's set-up installs
Debian's ``fonts-noto-cjk`` so Chinese text renders (scripts/setup_system.sh).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import jinja2

from ecozone import __version__
from ecozone.i18n import Translator, check_language

BASE_TEMPLATES = Path(__file__).with_name("templates")
MESSAGES = Path(__file__).with_name("messages")


@lru_cache(maxsize=16)
def environment(template_dir: Path) -> jinja2.Environment:
    """A Jinja2 environment over a domain's templates plus the shared base."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(template_dir)), jinja2.FileSystemLoader(str(BASE_TEMPLATES))]),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number"] = format_number
    return env


def format_number(value: float | None, digits: int = 0) -> str:
    """Thousands separators and fixed decimals; an em dash for a missing value."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def render_html(template_dir: Path, template: str, lang: str, messages_dir: Path, *, generated_at: dt.datetime, **context) -> str:
    """Render ``template`` with the domain's messages as ``t`` and the shared ones as ``base_t``.

    ``generated_at`` (the edge's clock) is printed on the page, in UTC.
    """
    check_language(lang)
    return environment(template_dir).get_template(template).render(
        t=Translator(lang, messages_dir),
        base_t=Translator(lang, MESSAGES),
        lang=lang,
        version=__version__,
        generated_at=generated_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        **context,
    )


def html_to_pdf(html: str) -> bytes:
    """A PDF of the HTML (A4, fonts from fontconfig)."""
    import weasyprint  # heavy import, only when a PDF is asked for

    return weasyprint.HTML(string=html, base_url=str(BASE_TEMPLATES)).write_pdf()
