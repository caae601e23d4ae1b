"""The offset check: the screening post-step that asks for and checks a project's declared offsets.

When a finding of a rule in ``REQUIREMENTS`` applies (e.g. 新增煤炭消费 → 减量或等量替代), the project
must declare, under ``properties.offsets``, its new amount per resource and the ledger sources
that replace it: ``{"coal": {"amount": 30000, "sources": ["TY-2024-001"]}}``. Each source must
exist, be of that resource, lie in an allowed region, be in effect on the screening date and not
be drawn by another project; together they must cover the amount times the required ratio. Then
the finding stays (restricted, with the planned draw shown); otherwise it becomes ``review``
naming what is missing, and the answer is ``review``: an offset that is required but not shown
blocks approval, so the answer cannot be the conditional "restricted" until the ledger shows it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from ecozone.errors import BadInput
from ecozone.ledgers import repository as store
from ecozone.ledgers.model import REQUIREMENTS, RESOURCES, Requirement, Source
from ecozone.ledgers.settings import LedgerSettings, get_ledger_settings
from ecozone.store.engine import make_engine
from ecozone.zoning.repositories import regions as region_store
from ecozone.zoning.findings import Finding, Missing, Outcome, Verdict, combine_verdict, most_severe
from ecozone.zoning.settings import RuleSettings, get_rule_settings

if TYPE_CHECKING:
    from ecozone.screening.engine import ScreeningResult

def city_of(code: str) -> str:
    return code[:4] + "00"


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def declared_offsets(properties: Mapping[str, Any]) -> dict[str, dict]:
    """``properties.offsets`` checked: resource → {amount ≥ 0, sources: [codes]}; ``BadInput`` names the field."""
    raw = properties.get("offsets")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise BadInput("offsets must be an object of resource → {amount, sources}", field="offsets")
    out = {}
    for resource, item in raw.items():
        field = f"offsets.{resource}"
        if resource not in RESOURCES:
            raise BadInput(f"{field}: unknown resource; known: {', '.join(RESOURCES)}", field=field, value=resource)
        if not isinstance(item, Mapping):
            raise BadInput(f"{field} must be an object with amount and sources", field=field)
        amount = item.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
            raise BadInput(f"{field}.amount must be a number ≥ 0, got {amount!r}", field=f"{field}.amount", value=amount)
        sources = item.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise BadInput(f"{field}.sources must be a list of ledger source codes", field=f"{field}.sources")
        out[resource] = {"amount": float(amount), "sources": list(dict.fromkeys(s.strip() for s in sources))}
    return out


@dataclasses.dataclass
class ResourceCheck:
    """The offset of one resource: who asked, at what ratio, what was declared and what it covers."""

    resource: str
    rules: list[Requirement]
    ratio: float
    ratio_assumed: bool
    ratio_basis: str
    declared: dict | None
    sources: list[dict] = dataclasses.field(default_factory=list)
    missing: list[Missing] = dataclasses.field(default_factory=list)

    @property
    def required(self) -> float | None:
        return None if self.declared is None else self.declared["amount"] * self.ratio

    @property
    def available(self) -> float:
        return sum(s["amount"] for s in self.sources if s["usable"])

    @property
    def sufficient(self) -> bool:
        return not self.missing and self.required is not None and self.available >= self.required - 1e-9

    def to_dict(self) -> dict:
        name, unit = RESOURCES[self.resource]
        return {
            "resource": self.resource, "name": name, "unit": unit,
            "rules": [{"rule_id": r.rule_id, "label": r.label} for r in self.rules],
            "ratio": self.ratio, "ratio_assumed": self.ratio_assumed, "ratio_basis": self.ratio_basis,
            "declared": self.declared["amount"] if self.declared else None,
            "required": self.required, "available": self.available, "sufficient": self.sufficient,
            "sources": self.sources, "missing": [m.to_dict() for m in self.missing],
            "draw": [s["code"] for s in self.sources if s["usable"]] if self.sufficient else [],
        }

    def statement(self) -> str:
        name, unit = RESOURCES[self.resource]
        if self.sufficient:
            codes = "、".join(s["code"] for s in self.sources if s["usable"])
            return (f"{name}替代来源 {codes} 合计 {_fmt(self.available)} {unit}，按 1:{_fmt(self.ratio)} 需 "
                    f"{_fmt(self.required or 0)} {unit}，来源充足（批准时由台账划转）")
        return f"{name}替代未落实：" + "；".join(m.label for m in self.missing)


class OffsetCheck:
    """The screening post-step; reads sources from the ledger at each screening (they change)."""

    def __init__(self, engine: Engine, settings: LedgerSettings | None = None, rule_settings: RuleSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or get_ledger_settings()
        self.rule_settings = rule_settings or get_rule_settings()
        self._zones: dict[str, Any] | None = None
        self._lock = threading.Lock()

    # Sent to Dask workers with the screener (batch screening on a cluster): the engine and the
    # lock do not travel, the database URL does, and each worker connects on its own.
    def __getstate__(self) -> dict:
        state = {k: v for k, v in self.__dict__.items() if k not in ("engine", "_lock")}
        state["_url"] = self.engine.url.render_as_string(hide_password=False)
        return state

    def __setstate__(self, state: dict) -> None:
        url = state.pop("_url")
        self.__dict__.update(state)
        self.engine = make_engine(url)
        self._lock = threading.Lock()

    def _ratio(self, requirement: Requirement) -> tuple[float, bool, str]:
        """The ratio, whether it is assumed, and the clause its setting cites."""
        for settings in (self.settings, self.rule_settings):
            if requirement.ratio_setting in type(settings).model_fields:
                info = type(settings).model_fields[requirement.ratio_setting]
                assumed = requirement.ratio_setting != "coal_equal_ratio"
                return float(getattr(settings, requirement.ratio_setting)), assumed, info.description or ""
        raise KeyError(requirement.ratio_setting)

    def _zone(self, key: str):
        with self._lock:
            if self._zones is None:
                with self.engine.connect() as conn:
                    self._zones = {f.key: f.geometry for f in region_store.load_features(conn) if f.key.startswith("zone:")}
            return self._zones.get(key)

    def _region_allowed(self, requirement: Requirement, source: Source, result: ScreeningResult) -> str | None:
        """None when the source's region is allowed, else why not (in Chinese)."""
        scope = self.settings.coal_source_scope if requirement.scope == "setting" else requirement.scope
        if scope == "province":
            return None
        if scope == "city":
            cities = {r.code for r in result.overlay.regions if r.level.value == "city"}
            return None if city_of(source.region_code) in cities else "不在项目所在市"
        zone = self._zone(scope.removeprefix("zone:"))
        region = result.snapshot.regions.by_code.get(source.region_code)
        if zone is None or region is None:
            return "无法确认来源是否位于规定区域"
        return None if zone.covers(region.geometry.representative_point()) else "来源位于区域外，不得跨区域转入"

    def _check_source(self, check: ResourceCheck, code: str, found: Source | None, result: ScreeningResult) -> dict:
        entry = {"code": code, "usable": False, "status": "missing", "amount": 0.0}
        if found is None:
            check.missing.append(Missing(f"offsets.{check.resource}.sources", f"台账中没有替代来源 {code}", code))
            return entry
        entry.update(found.summary())
        entry["amount"] = found.amount
        problem = None
        if found.resource != check.resource:
            problem, entry["status"] = f"来源 {code} 是{RESOURCES[found.resource][0]}，不是{RESOURCES[check.resource][0]}", "wrong_resource"
        elif found.effective_on > result.snapshot.as_of:
            problem, entry["status"] = f"来源 {code} 自 {found.effective_on} 起生效，晚于研判日期", "not_yet_effective"
        elif found.drawn_by and not _own_draw(found, result):
            problem, entry["status"] = f"来源 {code} 已被其他项目划转（研判编号 {found.drawn_by}）", "drawn"
        else:
            for requirement in check.rules:
                why = self._region_allowed(requirement, found, result)
                if why:
                    problem, entry["status"] = f"来源 {code} {why}", "out_of_region"
                    break
        if problem:
            check.missing.append(Missing(f"offsets.{check.resource}.sources", problem, code))
            return entry
        entry["usable"] = True
        entry["status"] = "drawn_for_this_project" if found.drawn_by else "available"
        return entry

    def _checks(self, result: ScreeningResult, applying: set[str]) -> list[ResourceCheck]:
        declared = declared_offsets(result.project.feature.get("properties") or {})
        by_resource: dict[str, list[Requirement]] = {}
        for requirement in REQUIREMENTS:
            if requirement.rule_id in applying:
                for resource in requirement.resources:
                    by_resource.setdefault(resource, []).append(requirement)
        codes = [c for item in declared.values() for c in item["sources"]]
        with self.engine.connect() as conn:
            found = store.sources_by_code(conn, codes)
        checks = []
        for resource, rules in by_resource.items():
            ratio, assumed, basis = max(self._ratio(r) for r in rules)
            check = ResourceCheck(resource, rules, ratio, assumed, basis, declared.get(resource))
            name, unit = RESOURCES[resource]
            if check.declared is None:
                check.missing.append(Missing(f"offsets.{resource}", f"申报新增{name}（{unit}）及其替代来源"))
            else:
                check.sources = [self._check_source(check, c, found.get(c), result) for c in check.declared["sources"]]
                if check.declared["amount"] > 0 and not check.missing and check.available < (check.required or 0) - 1e-9:
                    check.missing.append(Missing(
                        f"offsets.{resource}.amount",
                        f"替代量不足：按 1:{_fmt(ratio)} 需 {_fmt(check.required or 0)} {unit}，可用 {_fmt(check.available)} {unit}",
                    ))
            checks.append(check)
        return checks

    def __call__(self, result: ScreeningResult) -> ScreeningResult:
        applying = {f.rule.id for f in result.evaluation.findings if f.outcome is Outcome.APPLIES}
        if not applying & {r.rule_id for r in REQUIREMENTS}:
            return result
        checks = self._checks(result, applying)
        findings = [_refine(f, [c for c in checks if f.rule.id in {r.rule_id for r in c.rules}]) for f in result.evaluation.findings]
        # The deciding questions first: offsets still open lead the findings.
        findings.sort(key=lambda f: 0 if f.outcome is Outcome.REVIEW and any(m.field.startswith("offsets") for m in f.missing) else 1)
        # An offset not shown turns its own finding into a question (review), and never softens
        # what the other findings establish: a ban, or a restriction that applies anyway.
        verdict = combine_verdict(findings)
        if any(not c.sufficient for c in checks):
            verdict = most_severe([verdict, Verdict.REVIEW])
        evaluation = dataclasses.replace(result.evaluation, verdict=verdict, findings=tuple(findings))
        extra = {**result.extra, "offsets": [c.to_dict() for c in checks]}
        return dataclasses.replace(result, evaluation=evaluation, extra=extra)


def _own_draw(source: Source, result: ScreeningResult) -> bool:
    """Drawn for this very question (same answer id and project name): a re-run, not a second project."""
    return source.drawn_result_id == result.result_id and source.drawn_project == result.project.project.name


def _refine(finding: Finding, checks: list[ResourceCheck]) -> Finding:
    """The finding with its offset's state: reasons extended; ``review`` with what is missing if short."""
    if not checks or finding.outcome is not Outcome.APPLIES:
        return finding
    reasons = finding.reasons + tuple(c.statement() for c in checks)
    missing = tuple(m for c in checks for m in c.missing)
    if missing:
        return dataclasses.replace(finding, outcome=Outcome.REVIEW, reasons=reasons, missing=finding.missing + missing)
    return dataclasses.replace(finding, reasons=reasons)
