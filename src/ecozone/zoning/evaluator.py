"""Evaluate a project against the rulebook: which rules apply and why, obligations, the verdict.

The evaluator never touches the database. Its input is the project (geometry in EPSG:4490,
industry, nature, attributes) and a ``SpatialContext`` built from in-memory data: the units the
project hits, the regions it lies in, and a ``FeatureCatalog`` that measures distances to
reference features in a projected CRS. Each check is three-valued: a rule applies, does not
apply, or cannot be decided because the project left out an attribute (or the catalog lacks a
feature) — then it yields ``review`` naming what is missing, never a silent pass.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ecozone.zoning.catalog import DISTANCE_EPS_M, FeatureCatalog, MetricProbe, SpatialContext
from ecozone.zoning.checks import (
    MAX_NAMED_HITS,
    OPERATORS_ZH,
    Check,
    any_of,
    attribute_value,
    check_industries,
    check_nature,
    check_units,
    compare,
    describe_hit,
    industry_label,
    industry_state,
    plain_number,
    selection_names,
    show,
)
from ecozone.zoning.findings import Evaluation, Finding, Missing, NotApplicable, Outcome, Verdict, combine_verdict
from ecozone.zoning.project import Project
from ecozone.zoning.project_vocabulary import Vocabulary, load_vocabulary
from ecozone.zoning.questions import Question, ask
from ecozone.zoning.rules import Condition, Effect, Place, Rule, Rulebook, RuleFile, SettingRef, Who
from ecozone.zoning.settings import RuleSettings, get_rule_settings


class _Situation:
    """One evaluation's project and context, with the metric work done at most once.

    ``assume`` decides undecided checks by the key of what they miss (True: the check holds);
    it is how the questions are answered hypothetically. Variants share the distances.
    """

    def __init__(
        self, project: Project, context: SpatialContext, limits: Mapping[int, float], assume: Mapping[str, bool] | None = None
    ) -> None:
        self.project = project
        self.context = context
        self.assume = assume or {}
        self._limits = limits
        self._near: dict[int, float] | None = None
        self._probe: MetricProbe | None = None
        self._attribute_key: tuple | None = None
        self._location_key: tuple | None = None

    @property
    def probe(self) -> MetricProbe:
        if self._probe is None:
            self._probe = self.context.catalog.measure(self.project.geometry)
        return self._probe

    def near(self) -> dict[int, float]:
        """Distances to the features some rule looks at, within that rule's band (computed once)."""
        if self._near is None:
            self._near = self.context.catalog.near(self.probe, self._limits)
        return self._near

    def attribute_key(self) -> tuple:
        """Everything about the project but its place that who, nature and conditions read."""
        if self._attribute_key is None:
            project = self.project
            attributes = tuple(sorted((k, _hashable(v)) for k, v in project.attributes.items()))
            self._attribute_key = (project.industry, project.nature, attributes, _hashable(self.assume))
        return self._attribute_key

    def location_key(self) -> tuple:
        """Everything about the place that ``where`` reads: units, regions, the distances to the
        features within the rules' bands, and — where the project touches a feature, whose depth
        inside it may count — the geometry itself."""
        if self._location_key is None:
            context, near = self.context, self.near()
            inside = self.project.geometry.wkb if any(d == 0 for d in near.values()) else None
            self._location_key = (
                id(context.catalog), tuple(context.units), tuple(context.regions),
                tuple(sorted(near.items())), inside, _hashable(self.assume),
            )
        return self._location_key

    def variant(self, project: Project, assume: Mapping[str, bool]) -> _Situation:
        """The same place with other project fields or decided checks (distances reused)."""
        other = _Situation(project, self.context, self._limits, assume)
        other._near, other._probe = self.near(), self.probe
        return other

    def decide(self, check: Check) -> Check:
        """An undecided leaf check becomes decided when its missing items are assumed answered:
        true when any is assumed true (a leaf is an any-of), false when all are assumed false."""
        if check.state is not None or not check.missing:
            return check
        answers = [self.assume.get(m.key) for m in check.missing]
        if True in answers:
            return Check(True, (*check.reasons, "（假设是）"))
        if all(a is False for a in answers):
            return Check(False, (*check.reasons, "（假设否）"))
        return check


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, Mapping):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


# A rule's checks are pure functions of the rule and either the project's attributes or its
# place (the keys above), so each result is kept and reused for the next project with the same
# attributes or place: batch screening of many parcels in a few units with a few industries
# evaluates each distinct case once. Bounded; cleared when full (refilling is cheap).
MEMO_LIMIT = 200_000


# --- the evaluator ---------------------------------------------------------------------------


class Evaluator:
    """Evaluates projects against a rulebook; settings and obligations are resolved once."""

    def __init__(
        self,
        rulebook: Rulebook,
        settings: RuleSettings | None = None,
        vocabulary: Vocabulary | None = None,
        memoize: bool = True,
    ) -> None:
        self.rulebook = rulebook
        self._memo: dict[tuple, Check] | None = {} if memoize else None
        self.settings = settings or get_rule_settings()
        self.vocabulary = vocabulary or load_vocabulary()
        values = {k: plain_number(v) for k, v in self.settings.model_dump().items()}
        self._obligations = {r.id: r.obligation.format_map(values) if r.obligation else None for r in rulebook.rules}
        self._feature_places = [p for r in rulebook.rules for p in r.where if p.features is not None]
        self._limits: dict[int, tuple[FeatureCatalog, dict[int, float]]] = {}

    def _limits_for(self, catalog: FeatureCatalog) -> dict[int, float]:
        """For each feature some rule selects, the widest band any rule draws around it."""
        cached = self._limits.get(id(catalog))
        if cached is None or cached[0] is not catalog:
            limits: dict[int, float] = {}
            for place in self._feature_places:
                for index in catalog.select(place.features).indices:  # type: ignore[arg-type]
                    # Out to the band plus the feature's accuracy: beyond the band, within the doubt.
                    reach = self.distance_of(place) + catalog.accuracy(index)
                    limits[index] = max(limits.get(index, 0.0), reach)
            cached = self._limits[id(catalog)] = (catalog, limits)
        return cached[1]

    def distance_of(self, place: Place) -> float:
        """The band of a features place in metres (0: the project must touch the feature)."""
        if place.within_m is None:
            return 0.0
        return self._value(place.within_m)

    def _value(self, value: Any) -> Any:
        return getattr(self.settings, value.setting) if isinstance(value, SettingRef) else value

    def evaluate(self, project: Project, context: SpatialContext, as_of: dt.date, questions: bool = True) -> Evaluation:
        """Every rule in force on ``as_of`` that applies or needs review, the verdict, and (unless
        ``questions`` is False) what to ask and what the verdict becomes under each answer."""
        situation = _Situation(project, context, self._limits_for(context.catalog))
        findings, skipped = self._run(situation, as_of)
        asked: tuple[Question, ...] = ()
        if questions:

            def verdict_under(variant: Project, assume: Mapping[str, bool]) -> Verdict:
                return combine_verdict(self._run(situation.variant(variant, assume), as_of)[0])

            asked = ask(findings, project, self.vocabulary, self._value, verdict_under)
        verdict = combine_verdict(findings)
        return Evaluation(verdict, tuple(findings), tuple(skipped), as_of, self.rulebook.summary(), asked)

    def _run(self, situation: _Situation, as_of: dt.date) -> tuple[list[Finding], list[NotApplicable]]:
        findings: list[Finding] = []
        skipped: list[NotApplicable] = []
        for rule_file in self.rulebook.files:
            if rule_file.jurisdiction not in situation.context.region_codes:
                continue
            for rule in rule_file.rules:
                if rule.in_force(as_of):
                    self._assess(rule, rule_file, situation, findings, skipped)
        return findings, skipped

    def _assess(self, rule: Rule, rule_file: RuleFile, situation: _Situation, findings: list, skipped: list) -> None:
        checks: list[tuple[int, Check]] = []
        for shown_at, test in self._tests(rule, situation):
            check = test()
            if check.state is False:
                skipped.append(NotApplicable(rule.id, rule.not_applies, "；".join(check.reasons)))
                return
            checks.append((shown_at, check))
        checks.sort(key=lambda item: item[0])
        reasons = tuple(r for _, c in checks for r in c.reasons) or ("规则适用于其管辖范围内的全部项目",)
        missing = tuple(dict.fromkeys(m for _, c in checks for m in c.missing))
        if not missing:
            findings.append(Finding(rule, rule_file, Outcome.APPLIES, reasons, (), self._obligations[rule.id]))
        elif rule.effect is Effect.ENCOURAGE:
            skipped.append(NotApplicable(rule.id, rule.not_applies, "信息不足，鼓励类规则不作判定"))
        else:
            findings.append(Finding(rule, rule_file, Outcome.REVIEW, reasons, missing, self._obligations[rule.id]))

    def _tests(self, rule: Rule, situation: _Situation) -> list[tuple[int, Callable[[], Check]]]:
        """The checks of a rule, cheapest first (spatial work last), each with its place in the reason."""
        project = situation.project
        attributes, location = situation.attribute_key, situation.location_key
        return [
            (3, self._memoized((rule.id, 3), attributes, lambda: situation.decide(check_nature(rule.natures, project)))),
            (1, self._memoized((rule.id, 1), attributes, lambda: self._check_who(rule.who, situation))),
            (2, self._memoized((rule.id, 2), attributes, lambda: self._check_conditions(rule.conditions, situation))),
            (0, self._memoized((rule.id, 0), location, lambda: self._check_where(rule.where, situation))),
        ]

    def _memoized(self, part: tuple, key: Callable[[], tuple], check: Callable[[], Check]) -> Callable[[], Check]:
        """``check``, answered from the memo when the same rule part met the same key before."""
        memo = self._memo
        if memo is None:
            return check

        def run() -> Check:
            full = (part, key())
            found = memo.get(full)
            if found is None:
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                found = memo[full] = check()
            return found

        return run

    # -- who ----------------------------------------------------------------------------------

    def _check_who(self, who: Who, situation: _Situation) -> Check:
        if who.everyone:
            return Check(True)
        project = situation.project
        checks = []
        if who.industries:
            checks.append(situation.decide(check_industries(who.industries, project)))
        checks += [situation.decide(self._check_kind(kind, project)) for kind in who.kinds]
        return any_of(checks, "项目不属于规则所列行业或项目类型")

    def _check_kind(self, kind: str, project: Project) -> Check:
        """Declared, implied by the industry, or implied by another kind (kind_implications.yaml)."""
        vocabulary = self.vocabulary
        spec = vocabulary.kinds[kind]
        sources = vocabulary.sources_of(kind)
        declared = project.kinds
        for source in sources:
            if declared is not None and source in declared:
                return Check(True, (f"申报项目类型为{vocabulary.kinds[source].name}{self._via(source, kind)}",))
        for source in sources:
            codes = vocabulary.kinds[source].implied_by
            if any(industry_state(project.industry, code) is True for code in codes):
                industry = industry_label(project.industry)
                return Check(True, (f"行业{industry}属于{vocabulary.kinds[source].name}{self._via(source, kind)}",))
        if declared is not None:
            return Check(False, (f"申报的项目类型不含{spec.name}",))
        implied = [industry_state(project.industry, c) for s in sources for c in vocabulary.kinds[s].implied_by]
        possible = [industry_state(project.industry, c) for s in sources for c in vocabulary.kinds[s].possible_in]
        if None in implied or any(state is not False for state in possible):
            missing = Missing("attributes.kinds", f"项目类型：是否属于{spec.name}", kind)
            return Check(None, (f"未申报项目类型，无法判断是否属于{spec.name}",), (missing,))
        return Check(False, (f"项目不属于{spec.name}",))

    def _via(self, source: str, kind: str) -> str:
        """How one kind implies another, with its source ("" for the kind itself)."""
        implication = self.vocabulary.implication(source, kind)
        if implication is None:
            return ""
        return f"，{self.vocabulary.kinds[source].name}属于{self.vocabulary.kinds[kind].name}（依据{implication.source}）"

    # -- conditions ---------------------------------------------------------------------------

    def _check_conditions(self, conditions: Sequence[Condition], situation: _Situation) -> Check:
        reasons: list[str] = []
        missing: list[Missing] = []
        for condition in conditions:
            check = self._check_condition(condition, situation)
            if check.state is False:
                return check
            reasons += check.reasons
            missing += check.missing
        return Check(None if missing else True, tuple(reasons), tuple(missing))

    def _check_condition(self, condition: Condition, situation: _Situation) -> Check:
        if condition.any_of:
            return any_of((self._check_condition(c, situation) for c in condition.any_of), "条件均不满足")
        if condition.all_of:
            return self._check_conditions(condition.all_of, situation)
        project = situation.project
        name = condition.attribute or ""
        spec = self.vocabulary.attributes[name]
        value, defaulted = attribute_value(project, name, spec.defaults)
        if value is None:
            return Check(None, (f"未申报{spec.label}",), (Missing(f"attributes.{name}", spec.label),))
        expected = self._value(condition.value)
        holds = compare(condition.op or "", value, expected)
        shown = f"{spec.label}：{show(value, spec.choices)}{spec.unit or ''}"
        if defaulted and project.nature is not None:
            shown += f"（未申报，{project.nature.name_zh}项目默认）"
        test = f"{OPERATORS_ZH[condition.op or '']}{show(expected, spec.choices)}{spec.unit or ''}"
        if spec.type == "bool":
            return Check(holds, (shown if holds else f"{shown}，规则针对“{test}”",))
        return Check(holds, (f"{shown}，{'' if holds else '不'}满足“{test}”",))

    # -- where --------------------------------------------------------------------------------

    def _check_where(self, places: Sequence[Place], situation: _Situation) -> Check:
        return any_of((self._check_place(p, situation) for p in places), "项目不在规则适用范围内")

    def _check_place(self, place: Place, situation: _Situation) -> Check:
        context = situation.context
        if place.anywhere:
            return Check(True)
        if place.regions:
            hit = [r for r in context.regions if r.code in place.regions]
            if hit:
                return Check(True, ("位于" + "、".join(f"{r.name}（{r.code}）" for r in hit),))
            return Check(False, ("项目不在" + "、".join(place.regions) + "范围内",))
        if place.features is not None:
            return situation.decide(self._check_features(place, situation))
        return situation.decide(check_units(place, context.units))

    def _check_features(self, place: Place, situation: _Situation) -> Check:
        """Within the band of a selected feature: yes when certainly within even if the feature
        lies as far off as its stated accuracy; undecided (a question) inside the band of doubt."""
        catalog = situation.context.catalog
        selection = catalog.select(place.features)  # type: ignore[arg-type]
        limit = self.distance_of(place)
        near = situation.near()
        certain, doubtful = [], []
        for i in selection.indices:
            distance = near.get(i, math.inf)
            accuracy = catalog.accuracy(i)
            if distance > limit + accuracy + DISTANCE_EPS_M:
                continue
            if self._certainly_within(distance, accuracy, limit, lambda i=i: catalog.depth(i, situation.probe)):
                certain.append((distance, i))
            else:
                doubtful.append((distance, i))
        if certain:
            hits = sorted(certain)[:MAX_NAMED_HITS]
            return Check(True, tuple(describe_hit(catalog.feature(i), d, limit) for d, i in hits))
        if doubtful:
            return self._doubt(sorted(doubtful)[:MAX_NAMED_HITS], limit, catalog)
        if selection.missing:
            missing = tuple(Missing("reference_features", f"参考要素 {m} 不在要素目录中", m) for m in selection.missing)
            return Check(None, (f"缺少参考要素数据：{'、'.join(selection.missing)}",), missing)
        band = f"{limit:.0f}米范围内" if limit > 0 else "范围内"
        return Check(False, (f"项目不在{selection_names(catalog, selection)}{band}",))

    @staticmethod
    def _certainly_within(distance: float, accuracy: float, limit: float, depth: Callable[[], float]) -> bool:
        """Within ``limit`` even if the feature lies ``accuracy`` metres off where it is drawn."""
        if accuracy == 0:
            return True  # the caller keeps only features within the band
        if limit > 0:
            return distance + accuracy <= limit + DISTANCE_EPS_M
        return distance == 0 and depth() >= accuracy

    @staticmethod
    def _doubt(doubtful: Sequence[tuple[float, int]], limit: float, catalog: FeatureCatalog) -> Check:
        """Inside the band of doubt: the drawn feature is only accurate to ± its accuracy."""
        reasons, missing = [], []
        for distance, i in doubtful:
            feature = catalog.feature(i)
            accuracy = catalog.accuracy(i)
            where = f"管控距离{limit:.0f}米" if limit > 0 else "须位于其范围内"
            reasons.append(
                f"距{feature.name}（按要素目录的位置）约{distance:.0f}米，{where}；该要素位置精度约±{accuracy:.0f}米，"
                "无法确定是否在管控范围内"
            )
            label = f"项目是否位于{feature.name}的管控范围内（{where}，要素目录位置精度约±{accuracy:.0f}米，请以实测位置核实）"
            missing.append(Missing("location", label, feature.key))
        return Check(None, tuple(reasons), tuple(missing))
