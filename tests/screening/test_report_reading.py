"""The screening report reads as an official can hand it out: page 1 states the verdict, the
clauses that decide it and what the applicant must do next; findings follow by weight; people
see document titles and 文号, never internal ids (those sit in the technical appendix)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import shapely
import shapely.geometry
from fastapi.testclient import TestClient

from ecozone.app import create_app
from ecozone.screening import presentation
from ecozone.settings import Settings

PROJECT = {
    "type": "Feature",
    "properties": {"name": "某焦化项目", "industry": "C2521", "nature": "new", "attributes": {"in_park": True, "capacity_mw": 0}},
    "geometry": shapely.geometry.mapping(shapely.box(112.50, 37.70, 112.52, 37.72)),
}
INTERNAL_IDS = [
    re.compile(r"\d{3}_[0-9a-f]{16}\.txt"),  # source text file names
    re.compile(r"\b[A-Z]{2}-\d{3}-[A-Z0-9-]+"),  # rule ids
    re.compile(r"\b(river|zone|lake|city_group|planning_area|water_source):[a-z0-9-]+"),  # feature keys
    re.compile(r"\b(in_park|capacity_mw)\s*="),  # attribute keys
]


@pytest.fixture
def client(shanxi_sqlite):
    return TestClient(create_app(Settings(), shanxi_sqlite))


def split_report(html: str) -> tuple[str, str, str]:
    """(page 1, the rest for people, the technical appendix)."""
    first_end = html.index("</section>")
    appendix_start = html.index('<details class="appendix">')
    return html[:first_end], html[first_end:appendix_start], html[appendix_start:]


def test_page_one_states_the_verdict_the_deciding_clauses_and_the_next_step(client):
    html = client.post("/api/v1/screenings", params={"format": "html"}, json=PROJECT).text
    first, _rest, _appendix = split_report(html)
    assert "禁止" in first and "条禁止性条款适用于本项目" in first
    deciding = first[first.index("决定结论的条款"):]
    # The first deciding clause is a prohibition with its document, 文号 and section, not a pending coal question.
    first_card = deciding[deciding.index('class="deciding'):deciding.index("</div>", deciding.index('class="deciding'))]
    assert "严禁" in first_card or "禁止" in first_card
    assert "《山西省“十四五”“两山七河一流域”生态保护和生态文明建设、生态经济发展规划》（晋政发〔2021〕34号）" in first
    assert "煤炭消费" not in first_card
    assert "申请人下一步应做什么" in first and "调整选址" in first


def test_people_see_no_internal_ids_outside_the_technical_appendix(client):
    html = client.post("/api/v1/screenings", params={"format": "html"}, json=PROJECT).text
    first, rest, appendix = split_report(html)
    for pattern in INTERNAL_IDS:
        assert not pattern.search(first + rest), pattern.pattern
    assert "位于开发区、工业园区或工业集聚区内（入园进区）：是" in rest
    assert "规则库版本" not in first + rest
    # The ids are still there for whoever verifies the report.
    assert re.search(r"SX-000-NO-NEW-CAPACITY", appendix) and "000_6f036d9dc4af6d6d.txt" in appendix
    assert "in_park = True" in appendix


def test_only_the_governing_releases_are_listed(client):
    html = client.post("/api/v1/screenings", params={"format": "html"}, json=PROJECT).text
    _first, rest, _appendix = split_report(html)
    releases = rest[rest.index("研判所依据的数据版本"):rest.index("引用文件")]
    assert "太原市" in releases and "山西省" in releases
    assert "大同市" not in releases and "运城市" not in releases


def test_the_map_names_the_units_and_explains_every_shape(client):
    html = client.post("/api/v1/screenings", params={"format": "html"}, json=PROJECT).text
    figure = html[html.index("<svg"):html.index("</svg>")]
    assert "汾河（河流，触发规则）" in figure  # legend entry for the river that triggered rules
    assert "本项目" in figure and "优先保护单元（项目涉及）" in figure
    # The units the project lies in are labelled on the map (by name, as the answer gives them).
    units = client.post("/api/v1/screenings", json=PROJECT).json()["units"]
    assert units and any(f">{u['name']}<" in figure for u in units)
    assert "相关要素" not in figure  # no unexplained catch-all layer


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
def test_the_pdf_first_page_carries_verdict_reasons_and_next_steps(client, tmp_path):
    pdf = client.post("/api/v1/screenings", params={"format": "pdf"}, json=PROJECT).content
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    compact = re.sub(r"\s+", "", page1)
    for text in ("研判结论", "禁止", "决定结论的条款", "晋政发〔2021〕34号", "申请人下一步应做什么"):
        assert text in compact, text


def test_findings_go_by_weight_and_a_possible_prohibition_ranks_second():
    findings = [
        {"effect": "require", "outcome": "review", "title": "coal"},
        {"effect": "encourage", "outcome": "applies", "title": "encouraged"},
        {"effect": "prohibit", "outcome": "review", "title": "maybe banned"},
        {"effect": "restrict", "outcome": "applies", "title": "restricted"},
        {"effect": "prohibit", "outcome": "applies", "title": "banned"},
    ]
    assert [f["title"] for f in presentation.by_weight(findings)] == ["banned", "maybe banned", "restricted", "coal", "encouraged"]
    assert [f["title"] for f in presentation.deciding(findings, "possibly_prohibited")] == ["maybe banned"]
    assert presentation.deciding(findings, "compliant") == []
    # A finding that states its own tier (as the rules engine now does) is taken at its word.
    assert presentation.finding_verdict({"effect": "require", "outcome": "review", "verdict": "possibly_prohibited"}) == "possibly_prohibited"


def test_plain_text_drops_ids_and_names_bare_keys():
    assert presentation.plain("与汾河（river:fenhe）相交；位于太原市（140100）") == "与汾河相交；位于太原市"
    names = {"city_group:jingjinji-surrounding": "京津冀及周边地区城市"}
    assert presentation.plain("按要素目录 city_group:jingjinji-surrounding 的成员取", names) == "按要素目录京津冀及周边地区城市的成员取"


def test_attributes_read_as_labels_and_chinese_values():
    lines = presentation.attribute_lines({"in_park": False, "capacity_mw": 300, "fuel": "coal"})
    assert lines == ["位于开发区、工业园区或工业集聚区内（入园进区）：否", "发电机组单机容量：300 MW", "主要燃料：煤炭"]
