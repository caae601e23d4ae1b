"""The standard editions shipped as YAML in this package: found by file name pattern per family
(adding an edition is adding a file), read once, and their shared parts (edition, citation).
"""

from __future__ import annotations

import re
from fnmatch import fnmatch
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ecozone.errors import BadInput, EcozoneError
from ecozone.monitoring.standards.model import (
    Citation,
    Edition,
)

# One file per edition; the family is in the file name, the edition's code inside the file.
FAMILY_PATTERNS: Mapping[str, str] = {
    "aqi": "hj633_*.yaml",
    "air_limits": "gb3095_*.yaml",
    "water": "gb3838_*.yaml",
    "water_assessment": "surface_water_assessment_*.yaml",
}


class StandardDataError(EcozoneError):
    """A shipped standard file is malformed (a packaging bug, not bad user input)."""


def normalize_code(code: str) -> str:
    """Canonical edition code: ``hj633_2012``, ``HJ633—2012`` → ``HJ 633-2012``."""
    text = code.strip().upper().replace("—", "-").replace("–", "-").replace("_", "-")
    match = re.fullmatch(r"(HJ|GB)\s*(\d+)\s*-\s*(\d{4})", text)
    if match:
        return f"{match.group(1)} {match.group(2)}-{match.group(3)}"
    return code.strip()


@cache
def read_raw(file_name: str) -> dict[str, Any]:
    """The parsed YAML document ``file_name`` from this package."""
    text = resources.files("ecozone.monitoring.standards").joinpath(file_name).read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise StandardDataError(f"{file_name}: top level must be a mapping")
    return data



@cache
def _family_files() -> dict[str, tuple[tuple[str, str], ...]]:
    """Per family, its (code, file name) pairs ordered by the date each edition takes effect."""
    package = resources.files("ecozone.monitoring.standards")
    found = {}
    for family, pattern in FAMILY_PATTERNS.items():
        names = sorted(p.name for p in package.iterdir() if fnmatch(p.name, pattern))
        editions = sorted((read_raw(n)["effective_from"], normalize_code(str(read_raw(n)["code"])), n) for n in names)
        found[family] = tuple((code, name) for _day, code, name in editions)
    return found


def editions_of(family: str) -> tuple[str, ...]:
    """The codes of a family's shipped editions, oldest first."""
    return tuple(code for code, _name in _family_files()[family])


def edition_files() -> dict[str, str]:
    """Every shipped edition's code and file name, family by family."""
    return {code: name for pairs in _family_files().values() for code, name in pairs}


def raw_edition(code: str) -> dict[str, Any]:
    """The raw YAML of edition ``code``; BadInput naming the code when we ship no such edition."""
    canonical = normalize_code(code)
    files = edition_files()
    try:
        return read_raw(files[canonical])
    except KeyError:
        known = ", ".join(files)
        raise BadInput(
            f"unknown standard {code!r}; known standards: {known}", field="standard", value=code
        ) from None


def citation(data: Mapping[str, Any]) -> Citation:
    return Citation(document=str(data["document"]), section=str(data["section"]), clause=str(data["clause"]))



def edition_of(data: Mapping[str, Any]) -> Edition:
    effective = data["effective"]
    return Edition(
        code=str(data["code"]),
        title=str(data["title"]),
        title_en=str(data["title_en"]),
        effective_from=data["effective_from"],
        effective_to=data.get("effective_to"),
        effective_citation=citation(effective["citation"]),
        effective_verified=bool(effective["verified"]),
    )


@cache
def plan_indicator_figures() -> Mapping[str, Mapping[str, Any]]:
    """Derived figures and the seed plan indicators each one feeds (plan_indicators.yaml)."""
    figures: Mapping[str, Mapping[str, Any]] = read_raw("plan_indicators.yaml")["figures"]
    return figures


def edition_summaries() -> list[dict[str, Any]]:
    """Every shipped edition with its period of validity, for listings."""
    rows = []
    for file_name in edition_files().values():
        edition = edition_of(read_raw(file_name))
        rows.append(
            {
                "code": edition.code,
                "title": edition.title,
                "effective_from": edition.effective_from.isoformat(),
                "effective_to": None if edition.effective_to is None else edition.effective_to.isoformat(),
                "effective_verified": edition.effective_verified,
            }
        )
    return rows
