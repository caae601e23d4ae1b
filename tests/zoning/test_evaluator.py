"""The evaluator on a small hand-built territory: exact distance bands, three-valued checks,
the verdict order, settings, validity dates and project input errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from ecozone.errors import BadInput
from ecozone.geo.regions import ReferenceFeature
from ecozone.zoning.catalog import FeatureCatalog, RegionHit, SpatialContext, UnitHit
from ecozone.zoning.evaluator import Evaluator
from ecozone.zoning.findings import Outcome, Verdict
from ecozone.zoning.project import Project, make_project
from ecozone.zoning.rule_loading import load_rulebook
from ecozone.zoning.settings import RuleSettings

GEOD = Geod(ellps="GRS80")
LAT = 36.5
MERIDIAN = 112.0
AS_OF = dt.date(2025, 6, 1)

HEADER = """\
jurisdiction: "{code}"
issuer: 测试
title: 测试
documents:
  - {{file: 003_1235a785acafef24.txt, title: 测试文件}}
rules:
"""


def _rule(rule_id: str, body: str, effect: str = "prohibit") -> str:
    obligation = "" if effect in ("prohibit", "encourage") else "    obligation: 按不低于{taiyuan_1plus30_offset_ratio}倍替代。\n"
    return (
        f"  - id: {rule_id}\n    title: {rule_id}\n    dimension: spatial_layout\n    effect: {effect}\n"
        f"{obligation}    applies: 适用。\n    not_applies: 不适用。\n"
        "    citation: {file: 003_1235a785acafef24.txt, section: 一, clause: 测试条款}\n" + body
    )


PROVINCE_RULES = (
    _rule("TT-003-BAND-1KM", '    where:\n      - features: {keys: ["river:testhe"]}\n        within_m: 1000\n')
    + _rule(
        "TT-003-BAND-SETTING",
        '    where:\n      - features: {keys: ["river:testhe"]}\n        within_m: {setting: seven_rivers_bank_m}\n    who: {industries: ["2521"]}\n',
    )
    + _rule(
        "TT-003-MISSING-FEATURE",
        '    where:\n      - features: {keys: ["zone:nowhere"]}\n    who: {industries: ["3011"]}\n',
    )
    + _rule(
        "TT-003-NEEDS-ATTRIBUTE",
        '    where: [{anywhere: true}]\n    who: {industries: ["4411"]}\n    conditions:\n      - {attribute: capacity_mw, op: "<", value: 300}\n',
        "restrict",
    )
    + _rule(
        "TT-003-NEEDS-NATURE",
        '    where: [{anywhere: true}]\n    who: {industries: ["4412"]}\n    natures: [new]\n',
        "require",
    )
    + _rule("TT-003-KIND", "    where: [{anywhere: true}]\n    who: {kinds: [standalone_coking]}\n")
    + _rule(
        "TT-003-CAPACITY",
        '    where: [{anywhere: true}]\n    who: {industries: ["3120"]}\n    conditions:\n      - {attribute: adds_capacity, op: "==", value: true}\n',
    )
    + _rule(
        "TT-003-PRIORITY-UNIT",
        '    where:\n      - unit_classes: [1]\n        elements: [生态]\n    who: {industries: ["39"]}\n',
        "restrict",
    )
    + _rule(
        "TT-003-ANY-ALL",
        '    where: [{anywhere: true}]\n    who: {industries: ["4790"]}\n    conditions:\n      - any_of:\n'
        '          - {attribute: government_invested, op: "==", value: true}\n          - all_of:\n'
        '              - {attribute: public_building, op: "==", value: true}\n'
        '              - {attribute: floor_area_m2, op: ">=", value: 20000}\n',
        "require",
    )
    + _rule(
        "TT-003-ENCOURAGE",
        '    where: [{anywhere: true}]\n    who: {industries: ["4416"]}\n    conditions:\n      - {attribute: in_park, op: "==", value: true}\n',
        "encourage",
    )
)
FUTURE_RULE = _rule(
    "TT-003-FUTURE", '    valid_from: 2030-01-01\n    where: [{anywhere: true}]\n    who: {industries: ["3011"]}\n'
)
COUNTY_RULE = _rule("TT-003-COUNTY-ONLY", '    where: [{anywhere: true}]\n    who: {industries: ["3011"]}\n', "restrict")


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("rules")
    (directory / "province.yaml").write_text(HEADER.format(code="140000") + PROVINCE_RULES + FUTURE_RULE, "utf-8")
    (directory / "county.yaml").write_text(HEADER.format(code="140405") + COUNTY_RULE, "utf-8")
    return directory


@pytest.fixture(scope="module")
def evaluator(rules_dir: Path) -> Evaluator:
    return Evaluator(load_rulebook(rules_dir), RuleSettings())


def _catalog(far_east: bool = True) -> FeatureCatalog:
    features = [
        ReferenceFeature("river:testhe", "river", "测试河", shapely.LineString([(MERIDIAN, 36.0), (MERIDIAN, 37.0)])),
    ]
    if far_east:
        # A second feature 4° east puts the catalog's central meridian at 114°, so the river lies
        # ~180 km off it where the projection stretches distances by 1 + x²/2R² ≈ 1.0004.
        features.append(ReferenceFeature("zone:east", "zone", "东区", shapely.box(115.9, 36.0, 116.0, 36.1)))
    return FeatureCatalog(features)


CATALOG = _catalog()
PROVINCE = RegionHit("140000", "山西省", "province")
TUNLIU = RegionHit("140405", "屯留区", "county")


def _east_of_river(metres: float) -> shapely.Point:
    lon, lat, _ = GEOD.fwd(MERIDIAN, LAT, 90.0, metres)
    return shapely.Point(lon, lat)


def _context(units=(), regions=(PROVINCE,), catalog: FeatureCatalog = CATALOG) -> SpatialContext:
    return SpatialContext(list(units), list(regions), catalog)


def _evaluate(evaluator: Evaluator, metres: float = 5000.0, context: SpatialContext | None = None, **project):
    geometry = project.pop("geometry", None) or _east_of_river(metres)
    return evaluator.evaluate(make_project(geometry, **project), context or _context(), as_of=AS_OF)


# --- distance bands --------------------------------------------------------------------------


def _approximate_catalog(accuracy_m: float) -> FeatureCatalog:
    line = shapely.LineString([(MERIDIAN, 36.0), (MERIDIAN, 37.0)])
    return FeatureCatalog([ReferenceFeature("river:testhe", "river", "测试河", line, attributes={"accuracy_m": accuracy_m})])


@pytest.mark.parametrize(
    ("metres", "outcome"),
    [(600.0, Outcome.APPLIES), (800.2, Outcome.REVIEW), (1000.0, Outcome.REVIEW), (1199.8, Outcome.REVIEW), (1200.2, None)],
)
def test_band_of_doubt_from_the_features_stated_accuracy(evaluator: Evaluator, metres: float, outcome) -> None:
    # The river is drawn to ±200 m: certainly within 1 km up to 800 m, certainly outside beyond 1200 m.
    context = _context(catalog=_approximate_catalog(200.0))
    evaluation = _evaluate(evaluator, metres, context=context, industry="3911", nature="new")
    finding = evaluation.finding("TT-003-BAND-1KM")
    assert (finding.outcome if finding else None) is outcome
    if outcome is Outcome.REVIEW:
        assert finding.missing[0].key == "location:river:testhe"
        assert "精度约±200米" in finding.reason  # the answer says why it cannot decide
        assert evaluation.verdict is Verdict.POSSIBLY_PROHIBITED
        question = next(q for q in evaluation.questions if q.key == "location:river:testhe")
        assert question.decides_prohibition
        assert {a.value: a.verdict for a in question.answers}[True] is Verdict.PROHIBITED


@pytest.mark.parametrize(("metres", "inside"), [(999.8, True), (1000.2, False), (0.0, True)])
def test_band_is_exact_to_a_fraction_of_a_metre(evaluator: Evaluator, metres: float, inside: bool) -> None:
    # The point lies `metres` east of the meridian along the geodesic perpendicular to it, so
    # its ground distance to the river is `metres` by construction (pyproj.Geod).
    finding = _evaluate(evaluator, metres, industry="3911", nature="new").finding("TT-003-BAND-1KM")
    assert (finding is not None) is inside
    if inside and metres > 0:
        assert "距测试河（river:testhe）约1000米（管控距离1000米）" in finding.reason


def test_scale_correction_matters_far_from_the_central_meridian() -> None:
    near_centre = _catalog(far_east=False)
    point = _east_of_river(999.8)
    for catalog in (near_centre, CATALOG):
        probe = catalog.measure(point)
        distance = catalog.near(probe, {0: 2000.0})[0]
        assert distance == pytest.approx(999.8, abs=0.05)
    assert CATALOG.measure(point).scale > 1.0003  # uncorrected, 999.8 m would read as 1000.2 m


def test_polygon_project_touching_the_river_is_at_zero(evaluator: Evaluator) -> None:
    lon, _, _ = GEOD.fwd(MERIDIAN, LAT, 90.0, 300.0)
    polygon = shapely.box(MERIDIAN - 0.001, LAT - 0.001, lon, LAT + 0.001)
    finding = _evaluate(evaluator, geometry=polygon, industry="3911", nature="new").finding("TT-003-BAND-1KM")
    assert finding is not None and "与测试河（river:testhe）相交" in finding.reason


def test_band_from_a_setting_follows_the_environment(rules_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = Evaluator(load_rulebook(rules_dir), RuleSettings())
    assert _evaluate(default, 700.0, industry="2521", nature="new").finding("TT-003-BAND-SETTING") is not None
    monkeypatch.setenv("ECOZONE_RULES_SEVEN_RIVERS_BANK_M", "500")
    narrowed = Evaluator(load_rulebook(rules_dir), RuleSettings())
    assert narrowed.settings.seven_rivers_bank_m == 500
    assert _evaluate(narrowed, 700.0, industry="2521", nature="new").finding("TT-003-BAND-SETTING") is None


def test_obligation_text_takes_the_setting(rules_dir: Path, monkeypatch: pytest.MonkeyPatch, evaluator: Evaluator) -> None:
    finding = _evaluate(evaluator, industry="4411", attributes={"capacity_mw": 200}).finding("TT-003-NEEDS-ATTRIBUTE")
    assert finding.obligation == "按不低于2倍替代。"
    monkeypatch.setenv("ECOZONE_RULES_TAIYUAN_1PLUS30_OFFSET_RATIO", "1.5")
    stricter = Evaluator(load_rulebook(rules_dir), RuleSettings())
    assert (
        _evaluate(stricter, industry="4411", attributes={"capacity_mw": 200}).finding("TT-003-NEEDS-ATTRIBUTE").obligation
        == "按不低于1.5倍替代。"
    )


# --- never a silent pass ---------------------------------------------------------------------


def test_missing_attribute_yields_review_naming_it(evaluator: Evaluator) -> None:
    evaluation = _evaluate(evaluator, industry="4411", nature="new")
    finding = evaluation.finding("TT-003-NEEDS-ATTRIBUTE")
    assert finding.outcome is Outcome.REVIEW
    assert [m.field for m in finding.missing] == ["attributes.capacity_mw"]
    assert evaluation.verdict is Verdict.REVIEW


def test_attribute_given_decides(evaluator: Evaluator) -> None:
    assert _evaluate(evaluator, industry="4411", attributes={"capacity_mw": 300}).finding("TT-003-NEEDS-ATTRIBUTE") is None
    finding = _evaluate(evaluator, industry="4411", attributes={"capacity_mw": 299}).finding("TT-003-NEEDS-ATTRIBUTE")
    assert finding.outcome is Outcome.APPLIES and "发电机组单机容量：299MW，满足“小于300MW”" in finding.reason


def test_missing_nature_yields_review(evaluator: Evaluator) -> None:
    finding = _evaluate(evaluator, industry="4412").finding("TT-003-NEEDS-NATURE")
    assert finding.outcome is Outcome.REVIEW and [m.field for m in finding.missing] == ["nature"]
    assert _evaluate(evaluator, industry="4412", nature="upgrade").finding("TT-003-NEEDS-NATURE") is None


def test_coarse_industry_yields_review(evaluator: Evaluator) -> None:
    finding = _evaluate(evaluator, industry="44", nature="new").finding("TT-003-NEEDS-NATURE")
    assert finding.outcome is Outcome.REVIEW
    assert finding.missing[0].field == "industry" and "4412" in finding.missing[0].label


def test_missing_industry_yields_review(evaluator: Evaluator) -> None:
    finding = _evaluate(evaluator, nature="new").finding("TT-003-CAPACITY")
    assert finding.outcome is Outcome.REVIEW and finding.missing[0].field == "industry"


def test_missing_reference_feature_yields_review(evaluator: Evaluator) -> None:
    finding = _evaluate(evaluator, industry="3011", nature="new").finding("TT-003-MISSING-FEATURE")
    assert finding.outcome is Outcome.REVIEW
    assert finding.missing[0].field == "reference_features" and finding.missing[0].value == "zone:nowhere"
    # …but only when the rest of the rule could apply: another industry is simply not concerned.
    assert _evaluate(evaluator, industry="3911", nature="new").finding("TT-003-MISSING-FEATURE") is None


def test_kinds_declared_implied_or_unknown(evaluator: Evaluator) -> None:
    unknown = _evaluate(evaluator, industry="2521", nature="new").finding("TT-003-KIND")
    assert unknown.outcome is Outcome.REVIEW and unknown.missing[0].field == "attributes.kinds"
    assert _evaluate(evaluator, industry="2521", attributes={"kinds": []}).finding("TT-003-KIND") is None
    declared = _evaluate(evaluator, industry="2521", attributes={"kinds": ["独立焦化"]}).finding("TT-003-KIND")
    assert declared.outcome is Outcome.APPLIES and "申报项目类型为独立焦化" in declared.reason
    # a steel plant cannot be a standalone coking plant, declared or not
    assert _evaluate(evaluator, industry="3120", nature="upgrade").finding("TT-003-KIND") is None


def test_attribute_defaults_by_nature(evaluator: Evaluator) -> None:
    new = _evaluate(evaluator, industry="3120", nature="new").finding("TT-003-CAPACITY")
    assert new.outcome is Outcome.APPLIES and "新建项目默认" in new.reason
    rebuild = _evaluate(evaluator, industry="3120", nature="rebuild").finding("TT-003-CAPACITY")
    assert rebuild.outcome is Outcome.REVIEW and rebuild.missing[0].field == "attributes.adds_capacity"
    assert (
        _evaluate(evaluator, industry="3120", nature="new", attributes={"adds_capacity": False}).finding("TT-003-CAPACITY")
        is None
    )


def test_units_missing_from_the_context_yield_review(evaluator: Evaluator) -> None:
    finding = _evaluate(evaluator, industry="3911", nature="new").finding("TT-003-PRIORITY-UNIT")
    assert finding.outcome is Outcome.REVIEW and finding.missing[0].field == "units"
    eco = UnitHit("ZH14040510001", "屯留区优先保护单元（绛河）", 1, ("水", "生态"), "140405", "140400")
    water = UnitHit("ZH14040510002", "屯留区优先保护单元（水源）", 1, ("水",), "140405", "140400")
    hit = _evaluate(evaluator, context=_context(units=[water, eco]), industry="3911", nature="new").finding(
        "TT-003-PRIORITY-UNIT"
    )
    assert hit.outcome is Outcome.APPLIES and "ZH14040510001" in hit.reason and "ZH14040510002" not in hit.reason
    assert (
        _evaluate(evaluator, context=_context(units=[water]), industry="3911", nature="new").finding("TT-003-PRIORITY-UNIT")
        is None
    )


def test_nested_any_of_all_of(evaluator: Evaluator) -> None:
    def outcome(**attributes):
        finding = _evaluate(evaluator, industry="4790", nature="new", attributes=attributes).finding("TT-003-ANY-ALL")
        return None if finding is None else finding.outcome

    assert outcome(government_invested=True) is Outcome.APPLIES
    assert outcome(government_invested=False, public_building=True, floor_area_m2=20000) is Outcome.APPLIES
    assert outcome(government_invested=False, public_building=True, floor_area_m2=19999) is None
    assert outcome(government_invested=False, public_building=False) is None
    assert outcome(public_building=True, floor_area_m2=25000) is Outcome.APPLIES  # one branch is enough
    assert outcome(public_building=False) is Outcome.REVIEW  # government_invested still unknown


def test_encourage_never_asks_for_review(evaluator: Evaluator) -> None:
    evaluation = _evaluate(evaluator, industry="4416", nature="new")
    assert evaluation.finding("TT-003-ENCOURAGE") is None
    assert "TT-003-ENCOURAGE" in [n.rule_id for n in evaluation.not_applicable]
    hit = _evaluate(evaluator, industry="4416", attributes={"in_park": True})
    assert hit.finding("TT-003-ENCOURAGE").outcome is Outcome.APPLIES and hit.verdict is Verdict.COMPLIANT


# --- verdict, jurisdiction, dates ------------------------------------------------------------


def test_verdict_order_prohibited_possibly_prohibited_restricted_review_compliant(evaluator: Evaluator) -> None:
    # prohibited (band) beats restricted (county rule) and an undecided prohibition (missing feature)
    both = _evaluate(evaluator, 500.0, context=_context(regions=[PROVINCE, TUNLIU]), industry="3011", nature="new")
    assert {f.rule.id for f in both.findings} >= {"TT-003-BAND-1KM", "TT-003-COUNTY-ONLY", "TT-003-MISSING-FEATURE"}
    assert both.verdict is Verdict.PROHIBITED
    # An undecided prohibition is never hidden behind an obligation that applies.
    undecided = _evaluate(evaluator, context=_context(regions=[PROVINCE, TUNLIU]), industry="3011", nature="new")
    assert undecided.finding("TT-003-COUNTY-ONLY").outcome is Outcome.APPLIES
    assert undecided.verdict is Verdict.POSSIBLY_PROHIBITED
    assert _evaluate(evaluator, industry="3011", nature="new").verdict is Verdict.POSSIBLY_PROHIBITED
    assert _evaluate(evaluator, industry="4411").verdict is Verdict.REVIEW  # an undecided restriction only
    assert _evaluate(evaluator, industry="4412", nature="new").verdict is Verdict.RESTRICTED  # require
    assert _evaluate(evaluator, industry="4610", nature="new").verdict is Verdict.COMPLIANT


def test_questions_deciding_a_prohibition_come_first_with_the_verdict_under_each_answer(evaluator: Evaluator) -> None:
    evaluation = _evaluate(evaluator, context=_context(regions=[PROVINCE, TUNLIU]), industry="3011", nature="new")
    first = evaluation.questions[0]
    assert first.decides_prohibition and first.key == "reference_features:zone:nowhere"
    assert {a.value: a.verdict for a in first.answers} == {True: Verdict.PROHIBITED, False: Verdict.RESTRICTED}
    # A restriction waiting for a number: the answers fall on either side of the rule's threshold.
    capacity = _evaluate(evaluator, industry="4411").questions
    question = next(q for q in capacity if q.field == "attributes.capacity_mw")
    assert not question.decides_prohibition
    by_label = {a.label: a.verdict for a in question.answers}
    assert by_label["小于300MW"] is Verdict.RESTRICTED and by_label["等于300MW"] is Verdict.COMPLIANT


def test_no_questions_when_everything_is_decided(evaluator: Evaluator) -> None:
    evaluation = _evaluate(evaluator, industry="4610", nature="new")
    assert evaluation.questions == ()


def test_rules_of_another_jurisdiction_are_not_considered(evaluator: Evaluator) -> None:
    evaluation = _evaluate(evaluator, industry="3011", nature="new")
    considered = {f.rule.id for f in evaluation.findings} | {n.rule_id for n in evaluation.not_applicable}
    assert "TT-003-COUNTY-ONLY" not in considered and "TT-003-BAND-1KM" in considered
    outside = _evaluate(evaluator, context=_context(regions=[]), industry="3011", nature="new")
    assert outside.findings == () and outside.not_applicable == ()


def test_rules_not_yet_in_force_are_skipped(evaluator: Evaluator) -> None:
    project = make_project(_east_of_river(5000.0), industry="3011", nature="new")
    assert evaluator.evaluate(project, _context(), as_of=AS_OF).finding("TT-003-FUTURE") is None
    assert evaluator.evaluate(project, _context(), as_of=dt.date(2030, 1, 1)).finding("TT-003-FUTURE") is not None


def test_answer_is_json_with_citations(evaluator: Evaluator) -> None:
    answer = _evaluate(evaluator, 500.0, industry="C2521", nature="new").to_dict()
    json.dumps(answer, ensure_ascii=False)
    finding = next(f for f in answer["findings"] if f["rule_id"] == "TT-003-BAND-1KM")
    assert finding["effect"] == "prohibit" and finding["dimension"] == "spatial_layout"
    assert finding["citation"] == {
        "file": "003_1235a785acafef24.txt",
        "document": "测试文件",
        "number": None,
        "section": "一",
        "clause": "测试条款",
    }
    assert answer["verdict"] == "prohibited" and answer["as_of"] == "2025-06-01"
    assert answer["rulebook"]["rules"] == 12 and len(answer["rulebook"]["digest"]) == 16


# --- project input ---------------------------------------------------------------------------


def _feature(**properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.5, 36.5]}, "properties": properties}


def test_project_from_a_geojson_feature() -> None:
    project = Project.from_feature(
        _feature(name="焦化项目", industry="C2521", nature="new", attributes={"kinds": ["独立焦化"], "capacity_mw": 350})
    )
    assert project.industry == "2521" and project.kinds == ("standalone_coking",)
    assert project.attributes["capacity_mw"] == 350.0 and project.name == "焦化项目"


@pytest.mark.parametrize(
    ("properties", "field_name"),
    [
        ({"industry": "9999"}, "industry"),
        ({"nature": "build"}, "nature"),
        ({"attributes": {"in_parc": True}}, "attributes.in_parc"),
        ({"attributes": {"in_park": "yes"}}, "attributes.in_park"),
        ({"attributes": {"capacity_mw": True}}, "attributes.capacity_mw"),
        ({"attributes": {"fuel": "wood"}}, "attributes.fuel"),
        ({"attributes": {"kinds": ["不存在的类型"]}}, "attributes.kinds"),
        ({"attributes": ["in_park"]}, "attributes"),
    ],
)
def test_bad_project_input_names_the_field(properties: dict, field_name: str) -> None:
    with pytest.raises(BadInput) as info:
        Project.from_feature(_feature(**properties))
    assert info.value.detail["field"] == field_name


def test_unknown_attribute_suggests_the_near_name() -> None:
    with pytest.raises(BadInput, match="did you mean in_park"):
        Project.from_feature(_feature(attributes={"in_parc": True}))


def test_bad_geometry_is_refused() -> None:
    with pytest.raises(BadInput) as info:
        Project.from_feature({"type": "Feature", "geometry": {"type": "Point", "coordinates": [212.5, 36.5]}, "properties": {}})
    assert info.value.detail["field"] == "lon"
    with pytest.raises(BadInput, match="geometry"):
        Project.from_feature({"type": "Feature", "geometry": {"type": "Polygon"}, "properties": {}})
    with pytest.raises(BadInput, match="GeoJSON Feature"):
        Project.from_feature({"type": "Point", "coordinates": [112.5, 36.5]})


# --- the verdict is never milder than what is still open (property) ---------------------------

_INDUSTRIES = ["3011", "3911", "2521", "4411", "4412", "3120", "3912", "4790", "4416", "4610", "25", "44", None]
_NATURES = ["new", "expand", "rebuild", "relocate", "upgrade", None]
_ATTRIBUTES = st.fixed_dictionaries(
    {},
    optional={
        "capacity_mw": st.floats(0, 1000),
        "adds_capacity": st.booleans(),
        "in_park": st.booleans(),
        "government_invested": st.booleans(),
        "public_building": st.booleans(),
        "kinds": st.lists(st.sampled_from(["standalone_coking", "electroplating", "soil_polluting"]), max_size=2),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    industry=st.sampled_from(_INDUSTRIES),
    nature=st.sampled_from(_NATURES),
    attributes=_ATTRIBUTES,
    metres=st.sampled_from([0.0, 500.0, 999.0, 1500.0, 5000.0]),
    county=st.booleans(),
)
def test_verdict_is_never_milder_than_any_findings_worst_open_outcome(
    evaluator: Evaluator, industry, nature, attributes, metres, county
) -> None:
    regions = [PROVINCE, TUNLIU] if county else [PROVINCE]
    evaluation = _evaluate(
        evaluator, metres, context=_context(regions=regions), industry=industry, nature=nature, attributes=attributes
    )
    for finding in evaluation.findings:
        assert evaluation.verdict.severity >= finding.worst_open.severity, finding.rule.id
    # Every question that decides a prohibition is asked before any that only refines obligations.
    flags = [q.decides_prohibition for q in evaluation.questions]
    assert flags == sorted(flags, reverse=True)
    undecided_bans = [f for f in evaluation.findings if f.worst_open is Verdict.POSSIBLY_PROHIBITED]
    if undecided_bans and evaluation.verdict is not Verdict.PROHIBITED:
        assert evaluation.verdict is Verdict.POSSIBLY_PROHIBITED
        assert any(q.decides_prohibition for q in evaluation.questions)
