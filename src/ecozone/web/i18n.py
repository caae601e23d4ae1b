"""Message catalogs (``web/messages/<lang>.yaml``) and the choice of language per request.

The language comes from ``?lang=`` (then remembered in a cookie), else the cookie, else the
``locale`` setting. Chinese is the reference catalog: a key missing in another language falls
back to it, so a page never shows a bare key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from fastapi import Request

from ecozone.errors import BadInput

MESSAGES_DIR = Path(__file__).with_name("messages")
LANGUAGES = ("zh", "en")
REFERENCE_LANGUAGE = "zh"
LANG_COOKIE = "lang"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> dict[str, str]:
    """The messages of ``lang`` (flat ``key: text``), read once from its YAML file."""
    if lang not in LANGUAGES:
        raise BadInput(f"lang {lang!r} is not one of {', '.join(LANGUAGES)}", field="lang", value=lang)
    with (MESSAGES_DIR / f"{lang}.yaml").open(encoding="utf-8") as fh:
        return {str(k): str(v) for k, v in (yaml.safe_load(fh) or {}).items()}


@dataclass(frozen=True)
class Translator:
    """Looks messages up in one language, falling back to the reference catalog."""

    lang: str

    def __call__(self, key: str, **values: object) -> str:
        text = catalog(self.lang).get(key) or catalog(REFERENCE_LANGUAGE).get(key, key)
        return text.format(**values) if values else text

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    def subset(self, prefix: str) -> dict[str, str]:
        """The messages whose key starts with ``prefix`` (e.g. ``js.`` for the map script)."""
        keys = [k for k in catalog(REFERENCE_LANGUAGE) if k.startswith(prefix)]
        return {k[len(prefix) :]: self(k) for k in keys}


def requested_language(request: Request, default: str) -> tuple[str, bool]:
    """The language for this request and whether it was asked for by ``?lang=`` (to remember)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked, True
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in LANGUAGES:
        return remembered, False
    return (default if default in LANGUAGES else REFERENCE_LANGUAGE), False
