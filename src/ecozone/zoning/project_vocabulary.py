"""The project vocabulary: attributes and kinds rules may read, and which kinds imply which
(shipped as package data beside the GB/T 4754-2017 table)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import ConfigDict, TypeAdapter, with_config

from ecozone.zoning.industries import get_industry
from ecozone.zoning.rules import Nature

_STRICT = ConfigDict(extra="forbid")

AttributeType = Literal["bool", "number", "choice", "codes", "kinds"]


@with_config(_STRICT)
@dataclass(frozen=True)
class AttributeSpec:
    """A project attribute rules may read (``src/ecozone/zoning/data/project_vocabulary.yaml``)."""

    type: AttributeType
    label: str
    unit: str | None = None
    hint: str | None = None
    choices: dict[str, str] = field(default_factory=dict)
    defaults: dict[Nature, bool | float | str] = field(default_factory=dict)
    assumption: str | None = None


@with_config(_STRICT)
@dataclass(frozen=True)
class KindSpec:
    """A project kind that industry codes cannot express."""

    name: str
    description: str
    implied_by: tuple[str, ...] = ()
    possible_in: tuple[str, ...] = ()
    assumption: str | None = None


@with_config(_STRICT)
@dataclass(frozen=True)
class KindImplication:
    """A project of ``kind`` is also of each kind in ``implies``; ``source``/``clause`` say who says so."""

    kind: str
    implies: tuple[str, ...]
    source: str
    clause: str


@with_config(_STRICT)
@dataclass(frozen=True)
class Vocabulary:
    attributes: dict[str, AttributeSpec]
    kinds: dict[str, KindSpec]
    implications: tuple[KindImplication, ...] = ()

    def sources_of(self, kind: str) -> tuple[str, ...]:
        """The kinds that make a project of ``kind`` (itself first, then what implies it, transitively)."""
        found = [kind]
        for current in found:
            for implication in self.implications:
                if current in implication.implies and implication.kind not in found:
                    found.append(implication.kind)
        return tuple(found)

    def implication(self, source: str, kind: str) -> KindImplication | None:
        """The first step of the chain by which ``source`` implies ``kind`` (None for itself)."""
        for implication in self.implications:
            if implication.kind == source and (
                kind in implication.implies or any(kind in self._closure(k) for k in implication.implies)
            ):
                return implication
        return None

    def _closure(self, kind: str) -> tuple[str, ...]:
        found = [kind]
        for current in found:
            for implication in self.implications:
                if implication.kind == current:
                    found += [k for k in implication.implies if k not in found]
        return tuple(found)

    def kind_id(self, name_or_id: str) -> str | None:
        """The kind id for an id or its Chinese name; None when unknown."""
        if name_or_id in self.kinds:
            return name_or_id
        return next((k for k, spec in self.kinds.items() if spec.name == name_or_id), None)


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The attributes and kinds projects are described with (shipped with the package)."""
    data = resources.files("ecozone.zoning").joinpath("data")
    raw = yaml.safe_load(data.joinpath("project_vocabulary.yaml").read_text("utf-8"))
    raw["implications"] = yaml.safe_load(data.joinpath("kind_implications.yaml").read_text("utf-8"))["implications"]
    vocabulary = TypeAdapter(Vocabulary).validate_python(raw)
    for kind in vocabulary.kinds.values():
        for code in (*kind.implied_by, *kind.possible_in):
            get_industry(code)
    for implication in vocabulary.implications:
        unknown = [k for k in (implication.kind, *implication.implies) if k not in vocabulary.kinds]
        if unknown:
            raise ValueError(f"kind_implications.yaml: unknown kind(s) {unknown}")
    return vocabulary
