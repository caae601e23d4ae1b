"""The project vocabulary: attributes and kinds rules may read (shipped as package data)."""

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
class Vocabulary:
    attributes: dict[str, AttributeSpec]
    kinds: dict[str, KindSpec]

    def kind_id(self, name_or_id: str) -> str | None:
        """The kind id for an id or its Chinese name; None when unknown."""
        if name_or_id in self.kinds:
            return name_or_id
        return next((k for k, spec in self.kinds.items() if spec.name == name_or_id), None)


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The attributes and kinds projects are described with (shipped with the package)."""
    text = resources.files("ecozone.zoning").joinpath("data/project_vocabulary.yaml").read_text("utf-8")
    vocabulary = TypeAdapter(Vocabulary).validate_python(yaml.safe_load(text))
    for kind in vocabulary.kinds.values():
        for code in (*kind.implied_by, *kind.possible_in):
            get_industry(code)
    return vocabulary
