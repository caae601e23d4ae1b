"""Pages people read cite documents by title and 文号, and count what the plans really say."""

from __future__ import annotations

import re

SOURCE_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def test_plan_list_counts_indicators_the_plan_does_not_classify(client):
    html = client.get("/indicators").text
    assert "（约束性 0 项，预期性 0 项）" not in html
    assert "项（规划未标注约束性或预期性）" in html  # the province plan marks none of its indicators
    assert "种子" not in html and not SOURCE_FILE.search(html)


def test_indicator_cards_cite_the_document_title_not_the_source_file(client):
    html = client.get("/indicators/tunliu-2021-2025").text
    assert "《长治市屯留区“十四五”两山七河一流域生态保护和生态文明建设、生态经济发展规划》" in html
    assert not SOURCE_FILE.search(html) and "种子文本无标题行" not in html
    yangquan = client.get("/indicators/yangquan-2027").text
    assert "《关于全面推进美丽阳泉建设的实施方案》（阳政办发〔2025〕23号）" in yangquan


def test_the_indicator_report_cites_titles_and_names_settings_in_chinese(client):
    html = client.get("/api/v1/plans/tunliu-2021-2025/report", params={"year": 2024, "format": "html"}).text
    assert not SOURCE_FILE.search(html)
    assert "《长治市屯留区“十四五”两山七河一流域生态保护和生态文明建设、生态经济发展规划》 二、（三）总体目标" in html
    assert "ECOZONE_" not in html and "effectively_ensured_min_pct" not in html
    assert "“有效保障”的最低比例（%）" in html
