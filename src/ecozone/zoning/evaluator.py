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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ecozone.zoning.catalog import DISTANCE_EPS_M, FeatureCatalog, MetricProbe, Selection, SpatialContext
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

    def measured(self, probe: MetricProbe, near: dict[int, float]) -> None:
        """Distances measured beforehand (with other projects' at once)."""
        self._probe, self._near = probe, near

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


def _not_applicable(rule: Rule, check: Check) -> NotApplicable:
    return NotApplicable(rule.id, rule.not_applies, "；".join(check.reasons))


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


def _measure_together(situations: Sequence[_Situation]) -> None:
    """Project every geometry and find its near features in one pass per catalog."""
    by_catalog: dict[int, list[_Situation]] = {}
    for situation in situations:
        by_catalog.setdefault(id(situation.context.catalog), []).append(situation)
    for group in by_catalog.values():
        catalog = group[0].context.catalog
        probes = catalog.measure_many([s.project.geometry for s in group])
        nears = catalog.near_many(probes, group[0]._limits)
        for situation, probe, near in zip(group, probes, nears, strict=True):
            situation.measured(probe, near)


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
        self._outside_checks: dict[int, tuple[Place, FeatureCatalog, Check]] = {}

    # Sent to Dask workers with the screener: the memo of rule checks stays behind (it is keyed
    # partly by object identity, and refills as the worker screens).
    def __getstate__(self) -> dict:
        return {**self.__dict__, "_memo": None if self._memo is None else {}, "_outside_checks": {}}

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

    def evaluate_many(self, projects: Sequence[Project], contexts: Sequence[SpatialContext], as_of: dt.date) -> list[Evaluation]:
        """``evaluate(…, questions=False)`` of each project, sharing work between them: each rule
        is assessed once per distinct place (units, regions) and once per distinct set of project
        fields; only rules on reference features are assessed project by project, with the
        distances of all projects measured at once."""
        situations = [_Situation(p, c, self._limits_for(c.catalog)) for p, c in zip(projects, contexts, strict=True)]
        _measure_together(situations)
        shared = _SharedAssessment(self, as_of)
        evaluations = []
        for situation in situations:
            findings, skipped = shared.run(situation)
            evaluations.append(Evaluation(combine_verdict(findings), tuple(findings), tuple(skipped), as_of, self.rulebook.summary()))
        return evaluations

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
                skipped.append(_not_applicable(rule, check))
                return
            checks.append((shown_at, check))
        checks.sort(key=lambda item: item[0])
        outcome = self._conclude(rule, rule_file, checks)
        (skipped if isinstance(outcome, NotApplicable) else findings).append(outcome)

    def _conclude(self, rule: Rule, rule_file: RuleFile, checks: Sequence[tuple[int, Check]]) -> Finding | NotApplicable:
        """A finding (applies, or review naming what is missing) from checks none of which failed,
        in the order they are shown; an encouragement that cannot be decided is not applied."""
        reasons = tuple(r for _, c in checks for r in c.reasons) or ("规则适用于其管辖范围内的全部项目",)
        missing = tuple(dict.fromkeys(m for _, c in checks for m in c.missing))
        if not missing:
            return Finding(rule, rule_file, Outcome.APPLIES, reasons, (), self._obligations[rule.id])
        if rule.effect is Effect.ENCOURAGE:
            return NotApplicable(rule.id, rule.not_applies, "信息不足，鼓励类规则不作判定")
        return Finding(rule, rule_file, Outcome.REVIEW, reasons, missing, self._obligations[rule.id])

    def _tests(self, rule: Rule, situation: _Situation) -> list[tuple[int, Callable[[], Check]]]:
        """The checks of a rule, cheapest first (spatial work last), each with its place in the reason."""
        attributes, location = situation.attribute_key, situation.location_key
        tests = [(shown_at, self._memoized((rule.id, shown_at), attributes, test)) for shown_at, test in self._attribute_tests(rule, situation)]
        return [*tests, (0, self._memoized((rule.id, 0), location, lambda: self._check_where(rule.where, situation)))]

    def _attribute_tests(self, rule: Rule, situation: _Situation) -> list[tuple[int, Callable[[], Check]]]:
        """The checks of a rule that read only the project's fields (nature, who, conditions)."""
        project = situation.project
        return [
            (3, lambda: situation.decide(check_nature(rule.natures, project))),
            (1, lambda: self._check_who(rule.who, situation)),
            (2, lambda: self._check_conditions(rule.conditions, situation)),
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
        certain, doubtful = [], []
        # Only features near the project can be within the band (``near`` holds every feature
        # within the widest band any rule draws around it, plus its accuracy).
        for i, distance in situation.near().items():
            if i not in selection.members:
                continue
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
        return self._outside(place, catalog, selection, limit)

    def _outside(self, place: Place, catalog: FeatureCatalog, selection: Selection, limit: float) -> Check:
        """The project is not within the band of any selected feature (the same words each time)."""
        known = self._outside_checks.get(id(place))
        if known is None or known[0] is not place or known[1] is not catalog:
            band = f"{limit:.0f}米范围内" if limit > 0 else "范围内"
            known = self._outside_checks[id(place)] = (place, catalog, Check(False, (f"项目不在{selection_names(catalog, selection)}{band}",)))
        return known[2]

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


# One rule's outcome as far as it is known before the project-by-project part: a rule that does
# not apply, its checks so far, or (None) a where-check on reference features still to run.
_Part = NotApplicable | Check | tuple[tuple[int, Check], ...] | None


class _SharedAssessment:
    """The rules of one evaluator on one day, assessed for many projects: the parts that read
    only the place (units, regions) once per place, the parts that read only the project's
    fields once per distinct set of fields, and the rest (reference features) per project —
    except where no feature a rule looks at is near the project, which is the same for all."""

    def __init__(self, evaluator: Evaluator, as_of: dt.date) -> None:
        self.evaluator = evaluator
        self.as_of = as_of
        self._order = [(rule_file, rule) for rule_file in evaluator.rulebook.files for rule in rule_file.rules]
        self._by_fields: dict[tuple, list[_Part]] = {}
        self._by_place: dict[tuple, list[tuple[int, RuleFile, Rule, _Part]]] = {}
        self._in_force: dict[frozenset[str], list[int]] = {}
        # Many rules draw the same place (most: anywhere); each distinct one is checked once per place.
        spelled = [repr(rule.where) for _, rule in self._order]
        self._where_of = [spelled.index(text) for text in spelled]
        self._anywhere = [all(place.anywhere for place in rule.where) for _, rule in self._order]
        self._on_features = [any(place.features is not None for place in rule.where) for _, rule in self._order]
        self._wheres: dict[tuple[int, int | None], NotApplicable | Check] = {}
        self._far: dict[int, NotApplicable | Check] = {}
        self._concluded: dict[tuple[int, int, int], Finding | NotApplicable] = {}

    def run(self, situation: _Situation) -> tuple[list[Finding], list[NotApplicable]]:
        """What ``Evaluator._run`` finds, from the shared parts and the project's own."""
        fields = self._fields(situation)
        findings: list[Finding] = []
        skipped: list[NotApplicable] = []
        for position, rule_file, rule, where in self._place(situation):
            part = fields[position]
            if part is None:
                part = fields[position] = self._fields_part(rule, situation)
            if isinstance(part, NotApplicable):
                skipped.append(part)
                continue
            if where is None:
                where = self._where_on_features(position, situation)
            if isinstance(where, NotApplicable):
                skipped.append(where)
                continue
            outcome = self._conclude(position, rule_file, rule, where, part)  # type: ignore[arg-type]
            (skipped if isinstance(outcome, NotApplicable) else findings).append(outcome)
        return findings, skipped

    def _conclude(self, position: int, rule_file: RuleFile, rule: Rule, where: Check, part: tuple) -> Finding | NotApplicable:
        """The rule's finding; shared between projects when its where-check and fields part are."""
        key = (position, id(where), id(part))
        known = self._concluded.get(key)
        if known is None:
            known = self.evaluator._conclude(rule, rule_file, ((0, where), *part))
            if not self._on_features[position] or where is self._far.get(position):
                self._concluded[key] = known  # both parts are kept (and so keep their ids) for the whole run
        return known

    def _where_on_features(self, position: int, situation: _Situation) -> NotApplicable | Check:
        """A where-check on reference features; the same for every project none of whose near
        features the rule selects."""
        rule = self._order[position][1]
        near = situation.near()
        far = all(place.features is not None for place in rule.where) and not any(
            i in members for members in self._members(rule, situation) for i in near
        )
        if far and position in self._far:
            return self._far[position]
        where = self.evaluator._check_where(rule.where, situation)
        where = _not_applicable(rule, where) if where.state is False else where
        if far:
            self._far[position] = where
        return where

    def _members(self, rule: Rule, situation: _Situation) -> list[frozenset[int]]:
        catalog = situation.context.catalog
        return [catalog.select(place.features).members for place in rule.where if place.features is not None]

    def _fields(self, situation: _Situation) -> list[_Part]:
        key = situation.attribute_key()
        found = self._by_fields.get(key)
        if found is None:
            found = self._by_fields[key] = [None] * len(self._order)
        return found

    def _fields_part(self, rule: Rule, situation: _Situation) -> NotApplicable | tuple[tuple[int, Check], ...]:
        checks = []
        for shown_at, test in self.evaluator._attribute_tests(rule, situation):
            check = test()
            if check.state is False:
                return _not_applicable(rule, check)
            checks.append((shown_at, check))
        return tuple(sorted(checks, key=lambda item: item[0]))

    def _place(self, situation: _Situation) -> list[tuple[int, RuleFile, Rule, _Part]]:
        context = situation.context
        key = (id(context.catalog), tuple(context.units), tuple(context.regions))
        plan = self._by_place.get(key)
        if plan is None:
            place = len(self._by_place)  # a small number for the place, cheaper to look up than its key
            plan = self._by_place[key] = [
                (position, *self._order[position], None if self._on_features[position] else self._where(position, place, situation))
                for position in self._rules_in_force(context.region_codes)
            ]
        return plan

    def _rules_in_force(self, region_codes: frozenset[str]) -> list[int]:
        """Positions of the rules in force in the jurisdictions the place lies in."""
        found = self._in_force.get(region_codes)
        if found is None:
            found = self._in_force[region_codes] = [
                position for position, (rule_file, rule) in enumerate(self._order)
                if rule_file.jurisdiction in region_codes and rule.in_force(self.as_of)
            ]
        return found

    def _where(self, position: int, place: int, situation: _Situation) -> NotApplicable | Check:
        """A where-check on units and regions only: the same for every project at this place."""
        rule = self._order[position][1]
        key = (self._where_of[position], None if self._anywhere[position] else place)
        where = self._wheres.get(key)
        if where is None:
            where = self._wheres[key] = self.evaluator._check_where(rule.where, situation)
        return _not_applicable(rule, where) if where.state is False else where
