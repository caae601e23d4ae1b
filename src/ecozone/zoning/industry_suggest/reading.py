"""What a plain-language project description says besides its industry.

Reads the construction nature (新建/扩建/迁建/技改), the project kinds of
``project_vocabulary.yaml`` (电镀, 独立焦化, …) and numbers with units (产能100万吨/年, 装机66万千瓦,
存栏5000头) with the words of ``data/project_text.yaml``. Each finding quotes the words it was read
from, so the form can show them; the applicant confirms every value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

_NUMBER = r"(\d+(?:\.\d+)?)"
# "2×66万千瓦", "2x35万千瓦", "两台66万千瓦": a count of identical units before the unit size.
_MULTIPLIER = re.compile(r"(\d+|[一二两三四五六七八九十])\s*(?:×|x|X|\*|台|套|座)\s*(?:单机)?$")
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# How far before a number its label word may stand ("产能为100万吨", "装机规模2×66万千瓦").
_LABEL_WINDOW = 8


@dataclass(frozen=True)
class Quantity:
    """A number read from the text: as written, and (when it fills an attribute) converted."""

    label: str
    value: float
    unit: str
    text: str
    attribute: str | None = None
    attribute_value: float | None = None

    def summary(self) -> dict:
        out: dict = {"label": self.label, "value": self.value, "unit": self.unit, "text": self.text}
        if self.attribute:
            out["attribute"] = self.attribute
            out["attribute_value"] = self.attribute_value
        return out


@dataclass
class Reading:
    """Everything read from one description besides the industry."""

    nature: str | None = None
    nature_words: list[str] = field(default_factory=list)
    kinds: list[dict] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)

    def attributes(self) -> dict[str, float]:
        """Numbers for ``properties.attributes`` of a screening input.

        Kinds are left out on purpose: a ``kinds`` list tells the rules the project is none of
        the kinds not listed, which a description that merely fails to mention one cannot say
        (the answer must not turn milder than what is ruled out). The form offers them to tick.
        """
        out: dict[str, float] = {}
        for quantity in self.quantities:
            if quantity.attribute and quantity.attribute_value is not None and quantity.attribute not in out:
                out[quantity.attribute] = quantity.attribute_value
        return out

    def summary(self) -> dict:
        return {
            "nature": self.nature,
            "nature_words": self.nature_words,
            "kinds": self.kinds,
            "quantities": [q.summary() for q in self.quantities],
            "attributes": self.attributes(),
        }


@dataclass(frozen=True)
class _QuantityRule:
    label: str
    words: tuple[str, ...]
    units: dict[str, float] | tuple[str, ...]
    attribute: str | None


@dataclass(frozen=True)
class _Vocabulary:
    natures: tuple[tuple[str, tuple[str, ...]], ...]
    kinds: tuple[tuple[str, str, tuple[str, ...]], ...]  # id, Chinese name, words
    quantities: tuple[_QuantityRule, ...]


@lru_cache(maxsize=1)
def _vocabulary() -> _Vocabulary:
    data = resources.files("ecozone.zoning").joinpath("data")
    text = yaml.safe_load(data.joinpath("project_text.yaml").read_text("utf-8"))
    project = yaml.safe_load(data.joinpath("project_vocabulary.yaml").read_text("utf-8"))
    natures = tuple((nature, tuple(words)) for nature, words in text["natures"].items())
    kinds = tuple(
        (kind_id, spec["name"], tuple(dict.fromkeys([spec["name"], *text["kind_words"].get(kind_id, [])])))
        for kind_id, spec in project["kinds"].items()
    )
    quantities = tuple(
        _QuantityRule(
            q["label"],
            tuple(q["words"]),
            dict(q["units"]) if isinstance(q["units"], dict) else tuple(q["units"]),
            q.get("attribute"),
        )
        for q in text["quantities"]
    )
    return _Vocabulary(natures, kinds, quantities)


def read_nature(text: str) -> tuple[str | None, list[str]]:
    """The construction nature the text names (first in the vocabulary's order) and its words."""
    for nature, words in _vocabulary().natures:
        found = [w for w in words if w in text]
        if found:
            return nature, found
    return None, []


def read_kinds(text: str) -> list[dict]:
    """Project kinds whose words occur in the text, with the words found."""
    kinds = []
    for kind_id, name, words in _vocabulary().kinds:
        found = [w for w in words if w in text]
        # "独立焦化厂" contains "独立焦化": keep the longest words only, to quote the text plainly.
        found = [w for w in found if not any(w != other and w in other for other in found)]
        if found:
            kinds.append({"id": kind_id, "name": name, "words": found})
    return kinds


def _unit_pattern(units: list[str]) -> str:
    return "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))


def _multiplier(before: str) -> int:
    match = _MULTIPLIER.search(before)
    if match is None:
        return 1
    token = match.group(1)
    return int(token) if token.isdigit() else _CHINESE_DIGITS[token]


def read_quantities(text: str) -> list[Quantity]:
    """Numbers with a unit of the vocabulary, labelled by the nearest label word before them."""
    found: list[Quantity] = []
    taken: set[int] = set()
    for rule in _vocabulary().quantities:
        units = list(rule.units)
        pattern = re.compile(_NUMBER + r"\s*(" + _unit_pattern(units) + r")")
        for match in pattern.finditer(text):
            if match.start() in taken:
                continue
            before = text[max(0, match.start() - _LABEL_WINDOW) : match.start()]
            # A label word must stand before the number, except for units only one reading has.
            if not any(w in before for w in rule.words) and not _unit_is_specific(match.group(2)):
                continue
            taken.add(match.start())
            found.extend(_quantities_from(rule, match, before))
    return found


def _unit_is_specific(unit: str) -> bool:
    """Whether the unit alone tells the reading (万千瓦 is power; 万吨 could be many things)."""
    owners = [rule for rule in _vocabulary().quantities if unit in rule.units]
    return len(owners) == 1


def _quantities_from(rule: _QuantityRule, match: re.Match[str], before: str) -> list[Quantity]:
    value, unit = float(match.group(1)), match.group(2)
    count = _multiplier(before)
    multiplier = _MULTIPLIER.search(before)
    quoted = match.group(0) if multiplier is None else before[multiplier.start() :] + match.group(0)
    if not isinstance(rule.units, dict) or rule.attribute is None:
        return [Quantity(rule.label, _plain(value), unit, quoted)]
    converted = round(value * rule.units[unit], 6)
    if rule.attribute != "capacity_mw":
        return [Quantity(rule.label, _plain(value), unit, quoted, rule.attribute, _plain(converted))]
    # Power: "2×66万千瓦" is two units of 660 MW (1320 MW in all); a single figure is read as one
    # unit of that size and the station's total alike — the applicant corrects either in the form.
    unit_q = Quantity("单机容量", _plain(value), unit, quoted, "capacity_mw", _plain(converted))
    total = Quantity("总装机容量", _plain(value * count), unit, quoted, "total_capacity_mw", _plain(converted * count))
    return [unit_q, total]


def _plain(number: float) -> float:
    """Whole numbers as int-valued floats print without noise (660.0 → 660)."""
    return int(number) if float(number).is_integer() else round(number, 6)  # type: ignore[return-value]


def read_project_text(text: str) -> Reading:
    """Nature, kinds and quantities read from a description (nothing read leaves them empty)."""
    nature, nature_words = read_nature(text)
    return Reading(nature, nature_words, read_kinds(text), read_quantities(text))
