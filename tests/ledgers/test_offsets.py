"""Offsets during screening and drawing: a project adding coal in 太原 is review without a ledger
source, restricted with a sufficient one (the draw shown), and a source is never drawn twice —
also when two approvals race for it (both backends)."""

from __future__ import annotations

import datetime as dt
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecozone.clock import today, utc_now
from ecozone.errors import BadInput, Conflict
from ecozone.ledgers import repository
from ecozone.zoning.inforce import SnapshotCache
from ecozone.ledgers.draws import add_source, draw_for_screening
from ecozone.ledgers.offsets import OffsetCheck
from ecozone.screening.report import render_report_html
from ecozone.screening.service import ScreeningService

AS_OF = dt.date(2025, 7, 1)
NOW = dt.datetime(2025, 7, 2, 9, 0, tzinfo=dt.UTC)
TAIYUAN_POINT = {"type": "Point", "coordinates": [112.48, 37.80]}  # 晋源区, inside the "1+30" zone


def heating_plant(name: str, offsets: dict | None = None, in_park: bool = False) -> dict:
    """A new coal-fired heating plant in 太原 (D4430) that adds coal consumption (outside a park
    unless ``in_park``: then the park's stormwater obligation applies as well)."""
    properties = {"name": name, "industry": "D4430", "nature": "new",
                  "attributes": {"adds_coal_consumption": True, "in_park": in_park, "kinds": []}}
    if offsets is not None:
        properties["offsets"] = offsets
    return {"type": "Feature", "properties": properties, "geometry": TAIYUAN_POINT}


@pytest.fixture
def service(shanxi_engine) -> ScreeningService:
    return ScreeningService(shanxi_engine, SnapshotCache(shanxi_engine, today), utc_now, post_steps=[OffsetCheck(shanxi_engine)])


def bank(engine, amount: float, region: str = "140110", resource: str = "coal", effective=dt.date(2024, 9, 1)) -> str:
    code = f"T-{uuid.uuid4().hex[:10]}"
    add_source(engine, code=code, region_code=region, resource=resource, kind="closure", amount=amount,
               effective_on=effective, document="燃煤锅炉关停验收意见（测试）", actor="ledger-keeper", now=NOW)
    return code


def coal_section(answer: dict) -> dict:
    return next(o for o in answer["offsets"] if o["resource"] == "coal")


def test_without_a_ledger_source_the_answer_is_review_naming_what_is_missing(service):
    result, _ = service.screen(heating_plant("无替代来源的供热站"), as_of=AS_OF, store=False)
    answer = result.to_dict()
    assert answer["verdict"] == "review"
    coal = next(f for f in answer["findings"] if f["rule_id"] == "SX-000-COAL-SUBSTITUTION")
    assert coal["outcome"] == "review" and coal["missing"][0]["field"] == "offsets.coal"
    assert answer["findings"][0]["outcome"] == "review"  # the deciding question first
    section = coal_section(answer)
    assert section["ratio"] == 1.2 and section["ratio_assumed"] and not section["sufficient"]
    assert {r["rule_id"] for r in section["rules"]} == {"SX-000-COAL-SUBSTITUTION", "SX-000-COAL-CAP-JJJ"}


def test_a_missing_source_never_softens_a_restriction_that_applies_anyway(service):
    result, _ = service.screen(heating_plant("园区内无替代来源的供热站", in_park=True), as_of=AS_OF, store=False)
    answer = result.to_dict()
    # The park's stormwater obligation applies whatever the offset: restricted, not review.
    assert answer["verdict"] == "restricted"
    assert any(f["rule_id"] == "SX-001-PARK-STORMWATER" and f["outcome"] == "applies" for f in answer["findings"])
    assert answer["findings"][0]["outcome"] == "review" and answer["findings"][0]["missing"][0]["field"] == "offsets.coal"


def test_a_sufficient_source_gives_restricted_with_the_draw_then_refuses_a_second_draw(shanxi_engine, service):
    code = bank(shanxi_engine, 40000)
    result, screening_id = service.screen(heating_plant("供热站甲", {"coal": {"amount": 30000, "sources": [code]}}), as_of=AS_OF)
    answer = result.to_dict()
    assert answer["verdict"] == "restricted"
    section = coal_section(answer)
    assert section["sufficient"] and section["required"] == pytest.approx(36000) and section["draw"] == [code]
    coal = next(f for f in answer["findings"] if f["rule_id"] == "SX-000-COAL-SUBSTITUTION")
    assert coal["outcome"] == "applies" and code in coal["reason"] and coal["citation"]["clause"]

    report = render_report_html(result, generated_at=utc_now())
    assert "替代来源（台账核对）" in report and code in report and "批准后由台账划转" in report

    drawn = draw_for_screening(shanxi_engine, screening_id, "并审批〔2025〕1号", "approver", NOW)
    assert drawn["draws"] == [{"code": code, "resource": "coal", "amount": 40000.0}]
    with shanxi_engine.connect() as conn:
        assert repository.sources_by_code(conn, [code])[code].drawn_by == screening_id
        assert repository.draws_of(conn, screening_id)[0]["approval"] == "并审批〔2025〕1号"
    with pytest.raises(Conflict) as error:
        draw_for_screening(shanxi_engine, screening_id, "并审批〔2025〕1号", "approver", NOW)
    assert code in error.value.message

    # Another project declaring the same source: review, naming the draw that took it.
    other, _ = service.screen(heating_plant("供热站乙", {"coal": {"amount": 30000, "sources": [code]}}), as_of=AS_OF, store=False)
    assert other.verdict == "review"
    assert coal_section(other.to_dict())["sources"][0]["status"] == "drawn"
    # The approved project screened again still shows its own draw.
    again, _ = service.screen(heating_plant("供热站甲", {"coal": {"amount": 30000, "sources": [code]}}), as_of=AS_OF, store=False)
    assert again.verdict == "restricted"
    assert coal_section(again.to_dict())["sources"][0]["status"] == "drawn_for_this_project"


@pytest.mark.parametrize(
    ("amount", "region", "resource", "effective", "status"),
    [
        (20000, "140110", "coal", dt.date(2024, 9, 1), "available"),  # too little at 1:1.2
        (90000, "140403", "coal", dt.date(2024, 9, 1), "out_of_region"),  # 长治, another city
        (90000, "140110", "nox", dt.date(2024, 9, 1), "wrong_resource"),
        (90000, "140110", "coal", dt.date(2026, 1, 1), "not_yet_effective"),
    ],
)
def test_unusable_or_short_sources_are_review(shanxi_engine, service, amount, region, resource, effective, status):
    code = bank(shanxi_engine, amount, region, resource, effective)
    result, _ = service.screen(heating_plant("供热站丙", {"coal": {"amount": 30000, "sources": [code]}}), as_of=AS_OF, store=False)
    assert result.verdict == "review"
    section = coal_section(result.to_dict())
    assert section["sources"][0]["status"] == status and section["missing"]


def test_unknown_source_and_bad_declarations(service):
    result, _ = service.screen(heating_plant("供热站丁", {"coal": {"amount": 100, "sources": ["NO-SUCH"]}}), as_of=AS_OF, store=False)
    assert result.verdict == "review" and "NO-SUCH" in coal_section(result.to_dict())["missing"][0]["label"]
    for offsets, field in [({"coal": {"amount": -1}}, "offsets.coal.amount"), ({"gold": {"amount": 1}}, "offsets.gold"), ([], "offsets")]:
        with pytest.raises(BadInput) as error:
            service.screen(heating_plant("坏申报", offsets), as_of=AS_OF, store=False)
        assert error.value.detail["field"] == field


def test_a_review_answer_cannot_draw(shanxi_engine, service):
    _, screening_id = service.screen(heating_plant("未落实替代的供热站"), as_of=AS_OF)
    with pytest.raises(Conflict):
        draw_for_screening(shanxi_engine, screening_id, "批文", "approver", NOW)


def test_two_approvals_racing_for_one_source_draw_it_once(shanxi_engine, service):
    code = bank(shanxi_engine, 50000)
    ids = [
        service.screen(heating_plant(name, {"coal": {"amount": 30000, "sources": [code]}}), as_of=AS_OF)[1]
        for name in ("竞争项目一", "竞争项目二")
    ]

    def draw(screening_id):
        try:
            return draw_for_screening(shanxi_engine, screening_id, f"批文-{screening_id}", "approver", NOW)
        except Conflict as exc:
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(draw, ids))
    ok = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(ok) == 1 and len(refused) == 1
    with shanxi_engine.connect() as conn:
        draws = [d for d in repository.draws_of(conn) if d["code"] == code]
    assert len(draws) == 1 and draws[0]["screening_id"] == ok[0]["screening_id"]


def test_a_source_needs_a_document_and_a_known_region(shanxi_engine):
    with pytest.raises(BadInput) as error:
        add_source(shanxi_engine, code="X-1", region_code="999999", resource="coal", kind="closure", amount=1,
                   effective_on=AS_OF, document="文件", actor="a", now=NOW)
    assert error.value.detail["field"] == "region"
    code = bank(shanxi_engine, 10)
    with pytest.raises(Conflict):
        add_source(shanxi_engine, code=code, region_code="140110", resource="coal", kind="closure", amount=1,
                   effective_on=AS_OF, document="文件", actor="a", now=NOW)
