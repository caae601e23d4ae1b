"""Core zoning records: control units, their access lists, releases."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

import shapely

from ecozone.errors import BadInput
from ecozone.vocabulary import Dimension, UnitClass

__all__ = ["Dimension", "UnitClass"]  # defined in ecozone.vocabulary; imported from here by many modules


class ReleaseStatus(StrEnum):
    """Lifecycle of a zoning release: draft → submitted → filed → published → superseded."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    FILED = "filed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class ReleaseKind(StrEnum):
    """Why a release was made (seed 001: 五年定期调整, 动态更新)."""

    INITIAL = "initial"
    PERIODIC = "periodic"  # 定期调整
    DYNAMIC = "dynamic"  # 动态更新


UNIT_CODE_PATTERN = re.compile(r"^ZH(\d{6})([123])(\d{4})$")


@dataclass(frozen=True)
class UnitCode:
    """A parsed unit code: ``ZH`` + GB/T 2260 code + class digit + 4-digit serial."""

    admin_code: str
    unit_class: UnitClass
    serial: str

    @classmethod
    def parse(cls, code: str) -> UnitCode:
        """Parse ``ZH14010520001``; raise ``BadInput`` naming the code when it does not fit."""
        match = UNIT_CODE_PATTERN.match(code or "")
        if match is None:
            raise BadInput(
                f"unit code {code!r} does not match ZH + 6-digit admin code + class digit (1-3) "
                "+ 4-digit serial, e.g. ZH14010520001",
                field="code",
                value=code,
            )
        return cls(match.group(1), UnitClass(int(match.group(2))), match.group(3))

    def __str__(self) -> str:
        return f"ZH{self.admin_code}{int(self.unit_class)}{self.serial}"


@dataclass
class AccessEntry:
    """One requirement of a unit's access list, as text in one dimension."""

    dimension: Dimension
    text: str


@dataclass
class ControlUnit:
    """A control unit (环境管控单元) of one release, geometry in EPSG:4490."""

    code: str
    name: str
    unit_class: UnitClass
    geometry: shapely.Geometry
    county_code: str
    city_code: str
    elements: list[str] = field(default_factory=list)
    access: list[AccessEntry] = field(default_factory=list)
    remark: str = ""
    area_m2: float | None = None
    release_id: int | None = None

    def access_by_dimension(self) -> dict[str, list[str]]:
        """Access list texts grouped by the four dimensions, in the canonical order."""
        grouped: dict[str, list[str]] = {d.value: [] for d in Dimension}
        for entry in self.access:
            grouped[entry.dimension.value].append(entry.text)
        return grouped


@dataclass
class Release:
    """A versioned zoning release of one jurisdiction (province or city)."""

    id: int | None
    jurisdiction_code: str
    version: str
    title: str
    kind: ReleaseKind
    status: ReleaseStatus
    effective_date: dt.date | None = None
    reason: str = ""
    issuer: str = ""
    notice: str = ""
    demo: bool = False
    lock_version: int = 1
    warnings: list[dict] = field(default_factory=list)
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    def summary(self) -> dict:
        """The ids and labels an answer cites to say which data it was computed on."""
        return {
            "id": self.id,
            "jurisdiction": self.jurisdiction_code,
            "version": self.version,
            "title": self.title,
            "status": self.status.value,
            "effective_date": self.effective_date.isoformat() if self.effective_date else None,
            "demo": self.demo,
        }

    def describe(self) -> dict:
        """The release as the API and the staff workspace show it: the summary, its kind, why, who
        issued it and the publication notice."""
        return {**self.summary(), "kind": self.kind.value, "reason": self.reason, "issuer": self.issuer, "notice": self.notice}
