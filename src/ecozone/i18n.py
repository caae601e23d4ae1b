"""Message catalogs per language (YAML files ``<lang>.yaml`` in a folder), shared by pages and reports.

Chinese is the reference catalog: a key missing in another language falls back to it, so
nothing ever shows a bare key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ecozone.errors import BadInput

LANGUAGES = ("zh", "en")
REFERENCE_LANGUAGE = "zh"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def check_language(lang: str) -> str:
    """``lang`` if supported, else ``BadInput`` naming it."""
    if lang not in LANGUAGES:
        raise BadInput(f"lang {lang!r} is not one of {', '.join(LANGUAGES)}", field="lang", value=lang)
    return lang


@lru_cache(maxsize=32)
def load_catalog(directory: Path, lang: str) -> dict[str, str]:
    """The flat ``key: text`` messages of ``lang`` in ``directory``, read once."""
    check_language(lang)
    with (Path(directory) / f"{lang}.yaml").open(encoding="utf-8") as handle:
        return {str(k): str(v) for k, v in (yaml.safe_load(handle) or {}).items()}


@dataclass(frozen=True)
class Translator:
    """Looks messages up in one language of one catalog folder, falling back to Chinese."""

    lang: str
    directory: Path

    def __call__(self, key: str, **values: object) -> str:
        text = load_catalog(self.directory, self.lang).get(key) or load_catalog(self.directory, REFERENCE_LANGUAGE).get(key, key)
        return text.format(**values) if values else text

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    def subset(self, prefix: str) -> dict[str, str]:
        """The messages whose key starts with ``prefix``, without it (e.g. ``js.`` for a script)."""
        keys = [k for k in load_catalog(self.directory, REFERENCE_LANGUAGE) if k.startswith(prefix)]
        return {k[len(prefix) :]: self(k) for k in keys}
