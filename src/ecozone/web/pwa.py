"""The installable web app: manifest and service worker.

``/manifest.webmanifest`` names the app and its icons; ``/sw.js`` is the service worker, served
from the site root so that it may control every page. The worker keeps the app shell (pages,
scripts, styles, Leaflet), answers from the network first and falls back to what it stored when
the connection is weak or lost, marking such answers with the time they were stored
(``X-Ecozone-Cached-At``) so the page can say the data may be stale. The pages themselves keep
the unit boundaries of the area last viewed and the applicant's recent screenings (``pwa.js``).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ecozone import __version__
from ecozone.web.deps import WEB_DIR, translator_for

router = APIRouter(include_in_schema=False)

STATIC = WEB_DIR / "static"
# The app shell: what a page needs to start with no connection (paths below the site root).
SHELL_PAGES = ("/", "/screening", "/siting")
SHELL_FILES = (
    "/static/app.css",
    "/static/tools.css",
    "/static/dom.js",
    "/static/nav.js",
    "/static/pwa.js",
    "/static/map.js",
    "/static/tools.js",
    "/static/screening.js",
    "/static/siting.js",
    "/static/vendor/leaflet-vectorgrid/Leaflet.VectorGrid.bundled.min.js",
    "/static/icons/icon-192.png",
    "/static/icons/icon-512.png",
    "/vendor/leaflet/leaflet.css",
    "/vendor/leaflet/leaflet.js",
    "/manifest.webmanifest",
)
THEME_COLOR = "#1565c0"


@lru_cache(maxsize=1)
def shell_version() -> str:
    """Changes whenever a shipped static file changes, so installed workers update their shell."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def manifest(root: str, lang: str, name: str, short_name: str, description: str) -> dict:
    """The web app manifest (W3C Web Application Manifest) for a site under ``root``."""
    icons = [
        {"src": f"{root}/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": f"{root}/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {"src": f"{root}/static/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
    ]
    return {
        "id": f"{root}/",
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": "zh-CN" if lang == "zh" else "en",
        "start_url": f"{root}/",
        "scope": f"{root}/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": icons,
        "shortcuts": [
            {"name": "自助研判" if lang == "zh" else "Self-screening", "url": f"{root}/screening"},
            {"name": "选址" if lang == "zh" else "Siting", "url": f"{root}/siting"},
        ],
    }


@router.get("/manifest.webmanifest")
def get_manifest(request: Request) -> Response:
    t, _ = translator_for(request)
    root = request.scope.get("root_path", "")
    body = manifest(root, t.lang, t("pwa.name"), t("pwa.short_name"), t("pwa.description"))
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/manifest+json")


@lru_cache(maxsize=1)
def _worker_source() -> str:
    return (STATIC / "sw.js").read_text(encoding="utf-8")


@router.get("/sw.js")
def get_service_worker(request: Request) -> Response:
    """The worker with its settings prepended; never cached by HTTP, so updates arrive."""
    root = request.scope.get("root_path", "")
    settings = {
        "root": root,
        "version": shell_version(),
        "shell": [root + p for p in (*SHELL_PAGES, *SHELL_FILES)],
    }
    source = f"self.ECOZONE = {json.dumps(settings)};\n" + _worker_source()
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": f"{root}/"}
    return Response(source, media_type="application/javascript", headers=headers)
