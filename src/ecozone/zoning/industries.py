"""The industry taxonomy GB/T 4754-2017 (国民经济行业分类): lookup by code prefix and Chinese name.

The table (``data/gbt4754_2017.csv``) holds every 门类 (section, a letter), 大类 (division, two
digits), 中类 (group, three digits) and 小类 (class, four digits) with their parents, built by
``scripts/build_gbt4754_table.py`` from the npm package element-china-category-data (MIT; see
``data/LICENSE.gbt4754``). The package has no explanatory notes (说明), so entries carry names
only; ``data/industry_synonyms.yaml`` adds the plain words applicants use (养猪场 → 0313). A project
may still give a well-formed code under a known division that the table lacks: rules match by
code prefix, so the finer code still decides.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources

import yaml

from ecozone.errors import BadInput

_CODE_PATTERN = re.compile(r"^([A-T])?(\d{2,4})?$")
_MAX_SUGGESTIONS = 8


class IndustryLevel(StrEnum):
    SECTION = "section"  # 门类
    DIVISION = "division"  # 大类
    GROUP = "group"  # 中类
    CLASS = "class"  # 小类

    @property
    def name_zh(self) -> str:
        return {"section": "门类", "division": "大类", "group": "中类", "class": "小类"}[self.value]


_LEVEL_BY_DIGITS = {2: IndustryLevel.DIVISION, 3: IndustryLevel.GROUP, 4: IndustryLevel.CLASS}


@dataclass(frozen=True)
class Industry:
    """One entry of GB/T 4754-2017; ``code`` is the letter for a section, digits otherwise."""

    code: str
    level: IndustryLevel
    name: str
    parent: str | None
    section: str
    aliases: tuple[str, ...] = ()
    listed: bool = True

    @property
    def full_code(self) -> str:
        """The code with its section letter, e.g. ``C2521`` (a section is just its letter)."""
        return self.code if self.level is IndustryLevel.SECTION else f"{self.section}{self.code}"

    def label(self) -> str:
        return f"{self.full_code} {self.name}"

    def summary(self) -> dict:
        return {
            "code": self.code,
            "full_code": self.full_code,
            "level": self.level.value,
            "name": self.name,
            "parent": self.parent,
        }


class IndustryTable:
    """The loaded table: entries by code, and each division's section."""

    def __init__(self, entries: list[Industry]) -> None:
        self.by_code = {entry.code: entry for entry in entries}
        self.ordered = entries

    def children_of(self, code: str) -> list[Industry]:
        return [entry for entry in self.ordered if entry.parent == code]


@lru_cache(maxsize=1)
def industry_table() -> IndustryTable:
    """The GB/T 4754-2017 table shipped with the package, with its plain words (read once)."""
    data = resources.files("ecozone.zoning").joinpath("data")
    rows = list(csv.DictReader(data.joinpath("gbt4754_2017.csv").read_text("utf-8").splitlines()))
    synonyms = yaml.safe_load(data.joinpath("industry_synonyms.yaml").read_text("utf-8")) or {}
    sections: dict[str, str] = {}
    entries: list[Industry] = []
    for row in rows:
        code, parent = row["code"], row["parent"] or None
        level = IndustryLevel(row["level"])
        section = code if level is IndustryLevel.SECTION else sections[parent or ""]
        sections[code] = section
        aliases = tuple(str(word) for word in synonyms.get(code, ()))
        entries.append(Industry(code, level, row["name"], parent, section, aliases))
    return IndustryTable(entries)


def _split_code(raw: str) -> tuple[str | None, str | None]:
    """Split ``C2521`` into (``C``, ``2521``); raise ``BadInput`` when it is not a code."""
    text = str(raw or "").strip().upper()
    match = _CODE_PATTERN.match(text)
    if not text or match is None:
        raise BadInput(
            f"industry code {raw!r} is not a GB/T 4754-2017 code (a section letter A–T and/or 2–4 digits, e.g. C2521 or 2521)",
            key="industry.malformed",
            field="industry",
            value=raw,
        )
    return match.group(1), match.group(2)


def parse_industry_code(raw: str) -> str:
    """Normalize a project's industry code (``C2521`` → ``2521``); any code under a known division.

    Raises ``BadInput`` when the code is malformed, its division does not exist, or its letter
    contradicts the division's section.
    """
    letter, digits = _split_code(raw)
    table = industry_table()
    if digits is None:
        return letter  # type: ignore[return-value]
    division = table.by_code.get(digits[:2])
    if division is None:
        raise BadInput(
            f"industry code {raw!r}: division {digits[:2]} does not exist in GB/T 4754-2017",
            key="industry.unknown",
            field="industry",
            value=raw,
            suggestions=_suggest_codes(digits),
        )
    if letter is not None and letter != division.section:
        raise BadInput(
            f"industry code {raw!r}: division {digits[:2]} belongs to section {division.section}, not {letter}",
            key="industry.wrong_section",
            field="industry",
            value=raw,
            suggestions=[f"{division.section}{digits}"],
        )
    return digits


def get_industry(code: str) -> Industry:
    """The listed entry for ``code`` (``C2521`` or ``2521``); ``BadInput`` with near matches otherwise."""
    letter, digits = _split_code(code)
    key = digits or letter or ""
    entry = industry_table().by_code.get(key)
    if entry is None or (letter is not None and digits is not None and entry.section != letter):
        suggestions = _suggest_codes(key)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise BadInput(
            f"industry code {code!r} is not in the GB/T 4754-2017 table{hint}",
            key="industry.unknown",
            field="industry",
            value=code,
            suggestions=suggestions,
        )
    return entry


def describe_industry(code: str) -> Industry:
    """The entry for a normalized code, or an unlisted entry named after its nearest listed parent."""
    table = industry_table()
    if code in table.by_code:
        return table.by_code[code]
    for cut in range(len(code) - 1, 1, -1):
        parent = table.by_code.get(code[:cut])
        if parent is not None:
            name = f"{parent.name}（{code}，表中未列出的细分类）"
            level = _LEVEL_BY_DIGITS[len(code)]
            return Industry(code, level, name, parent.code, parent.section, (), listed=False)
    raise BadInput(f"industry code {code!r} is not in GB/T 4754-2017", field="industry", value=code)


def section_of(code: str) -> str:
    """The section letter of a normalized code (a letter is its own section)."""
    if code.isalpha():
        return code
    return industry_table().by_code[code[:2]].section


@lru_cache(maxsize=65536)
def industry_within(code: str, ancestor: str) -> bool | None:
    """Whether industry ``code`` lies within ``ancestor`` (both normalized).

    True when ``code`` is ``ancestor`` or finer inside it; None when ``code`` is coarser than
    ``ancestor`` but could contain it (the project must give a finer code); False otherwise.
    """
    if ancestor.isalpha():
        if code.isalpha():
            return code == ancestor
        return section_of(code) == ancestor
    if code.isalpha():
        return None if section_of(ancestor) == code else False
    if code.startswith(ancestor):
        return True
    if ancestor.startswith(code):
        return None
    return False


def search_industries(query: str) -> list[Industry]:
    """Listed industries whose code starts with ``query`` (``25``, ``C25``) or whose name or alias
    contains it (``焦化`` finds 2521 炼焦); sections and divisions first."""
    text = str(query or "").strip()
    if not text:
        raise BadInput("industry search needs a code prefix or a Chinese name", field="query", value=query)
    table = industry_table()
    if _CODE_PATTERN.match(text.upper()):
        prefix = text.upper()
        hits = [e for e in table.ordered if e.full_code.startswith(prefix) or e.code.startswith(prefix)]
    else:
        hits = [e for e in table.ordered if text in e.name or any(text in a for a in e.aliases)]
        hits.sort(key=lambda e: (text != e.name, text not in e.name))
    return hits


def _suggest_codes(code: str) -> list[str]:
    """Listed codes near ``code``: siblings under its longest listed prefix, else similar codes."""
    table = industry_table()
    for cut in range(len(code) - 1, 0, -1):
        if code[:cut] in table.by_code:
            near = [e.full_code for e in table.ordered if e.code.startswith(code[:cut]) and e.code != code]
            if near:
                return near[:_MAX_SUGGESTIONS]
    close = difflib.get_close_matches(code, list(table.by_code), n=_MAX_SUGGESTIONS)
    return [table.by_code[c].full_code for c in close]
