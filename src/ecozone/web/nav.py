"""The navigation bar: one entry per public page, in order.

Pages that come later (自助研判, 选址, indicators, monitoring, staff login) are listed with
``href=None`` and shown as "coming soon"; a new page replaces ``None`` with its path. Labels
come from the message catalogs under ``nav.<key>``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavEntry:
    key: str
    href: str | None

    @property
    def available(self) -> bool:
        return self.href is not None


NAV_ENTRIES: list[NavEntry] = [
    NavEntry("map", "/"),
    NavEntry("releases", "/releases"),
    NavEntry("screening", "/screening"),
    NavEntry("siting", "/siting"),
    NavEntry("indicators", "/indicators"),
    NavEntry("monitoring", "/monitoring"),
    NavEntry("login", "/staff"),
]


def active_key(path: str) -> str | None:
    """The entry a page path belongs to (the longest matching prefix)."""
    matches = [e for e in NAV_ENTRIES if e.href and (path == e.href or (e.href != "/" and path.startswith(e.href)))]
    return max(matches, key=lambda e: len(e.href or ""), default=None).key if matches else None
