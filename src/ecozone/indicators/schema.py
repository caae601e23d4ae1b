"""Pydantic models of the plan YAML files (the edge); registry.py turns them into dataclasses."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SEED_NAME = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt$")
REGION_CODE = re.compile(r"^\d{6}$")
YEAR = Field(ge=1990, le=2100)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegionIn(_Strict):
    code: str
    name: str
    level: Literal["province", "city", "county"]
    parent: str | None = None
    note: str | None = None

    @field_validator("code", "parent")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        if value is not None and not REGION_CODE.match(value):
            raise ValueError(f"region code must be 6 digits (GB/T 2260), got {value!r}")
        return value


class RegionsFile(_Strict):
    regions: list[RegionIn]


class CitationIn(_Strict):
    section: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    seed: str | None = None


class BaselineIn(_Strict):
    year: int = YEAR
    value: float | str | None = None
    section: str | None = None
    clause: str | None = None
    assumed: bool = False
    assumed_reason: str | None = None

    @model_validator(mode="after")
    def _assumption_explained(self) -> BaselineIn:
        if self.assumed and not self.assumed_reason:
            raise ValueError("assumed baseline needs assumed_reason")
        if not self.assumed and self.value is not None and not self.clause:
            raise ValueError("a baseline value from the seed needs its clause (or assumed: true)")
        return self


class TargetIn(_Strict):
    year: int = YEAR
    value: float | str | None = None
    qualitative: str | None = None
    change: str | None = None
    annual_change: str | None = None
    relative_to: int | list[int] | None = None
    annual: bool = False
    from_setting: str | None = None
    complement: bool = False
    label: str | None = None
    assigned_by: str | None = None
    parent: str | None = None
    reference_region: str | None = None
    assumed: bool = False
    assumed_reason: str | None = None
    basis: str | None = None
    section: str | None = None
    clause: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_statement(self) -> TargetIn:
        stated = [self.value is not None or self.from_setting is not None, self.qualitative is not None,
                  self.change is not None, self.annual_change is not None]
        if sum(stated) != 1:
            raise ValueError("a target states exactly one of value/from_setting, qualitative, change, annual_change")
        if (self.change or self.annual_change) and self.relative_to is None:
            raise ValueError("change and annual_change need relative_to (the reference year or years)")
        if self.assumed and not self.assumed_reason:
            raise ValueError("assumed target needs assumed_reason")
        if self.from_setting and not self.assumed:
            raise ValueError("a value taken from a setting is an assumption: set assumed: true")
        return self

    @property
    def reference_years(self) -> tuple[int, ...]:
        if self.relative_to is None:
            return ()
        if isinstance(self.relative_to, int):
            return (self.relative_to,)
        return tuple(self.relative_to)


class IndicatorIn(_Strict):
    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    number: int | None = None
    category: str
    name: str
    metric: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    unit: str
    direction: Literal["higher", "lower"]
    kind: Literal["number", "class"] = "number"
    bounds: tuple[float | None, float | None] | None = None
    plausible: tuple[float | None, float | None] | None = None
    binding: Literal["约束性", "预期性", "未注明"]
    region: str | None = None
    scope: str | None = None
    baseline: BaselineIn | None = None
    progress_start: BaselineIn | None = None
    targets: list[TargetIn] = Field(min_length=1)
    section: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    also: list[CitationIn] = []
    related: list[str] = []
    note: str | None = None


class OutlookIn(_Strict):
    year: int = YEAR
    text: str
    section: str
    clause: str


class PlanFile(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    name_en: str
    region: str
    seed: str
    document: str
    issued: str | None = None
    period: tuple[int, int]
    base_year: int | None = None
    parent: str | None = None
    upstream: list[str] = []
    categories: list[str] = Field(min_length=1)
    outlook: list[OutlookIn] = []
    note: str | None = None
    indicators: list[IndicatorIn] = Field(min_length=1)

    @field_validator("seed")
    @classmethod
    def _seed_name(cls, value: str) -> str:
        if not SEED_NAME.match(value):
            raise ValueError(f"seed must be a seed file name like 003_1235a785acafef24.txt, got {value!r}")
        return value

    @model_validator(mode="after")
    def _categories_and_keys(self) -> PlanFile:
        keys = [indicator.key for indicator in self.indicators]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"duplicate indicator keys: {', '.join(duplicates)}")
        unknown = sorted({i.category for i in self.indicators} - set(self.categories))
        if unknown:
            raise ValueError(f"indicator categories not listed in categories: {', '.join(unknown)}")
        return self
