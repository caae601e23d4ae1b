"""Plan reports on the shipped plans and sample data: rows checked by hand, the three kinds,
the 示例数据 label, charts, English, and a PDF that holds Chinese text and renders."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ecozone.errors import BadInput
from ecozone.i18n import Translator
from ecozone.indicators import ObservationLedger, evaluate_plan, parse_rows
from ecozone.indicators.report import MESSAGES, ReportKind, render_report, report_context, report_kind
from ecozone.indicators.report.charts import indicator_chart
from ecozone.indicators.report.content import chart_labels

GENERATED = dt.datetime(2026, 6, 1, 4, 0, tzinfo=dt.UTC)


def context(registry, ledger, plan: str, year: int, kind: ReportKind, lang: str = "zh", charts: bool = False):
    evaluation = evaluate_plan(registry.plan(plan), ledger, year, registry=registry)
    return report_context(evaluation, ledger, registry, kind, lang, charts=charts)


def row(ctx, name: str):
    return next(r for group in ctx["groups"] for r in group.rows if r.item.indicator.key == name)


@pytest.mark.parametrize(
    ("plan", "year", "kind", "span"),
    [("tunliu-2021-2025", 2024, ReportKind.FINAL, "2025"), ("tunliu-2021-2025", 2025, ReportKind.MIDTERM, "2021–2024"),
     ("tunliu-2021-2025", 2020, ReportKind.ANNUAL, "2021–2025"), ("yangquan-2027", 2027, ReportKind.FINAL, "2035")],
)
def test_report_year_must_suit_the_kind(registry, sample_ledger, plan, year, kind, span) -> None:
    with pytest.raises(BadInput, match=f"needs a year in {span}") as error:
        context(registry, sample_ledger, plan, year, kind)
    assert error.value.detail["field"] == "year"


def test_unknown_kind_format_and_language_are_named(registry, sample_ledger) -> None:
    with pytest.raises(BadInput, match="kind 'yearly'"):
        report_kind("yearly")
    evaluation = evaluate_plan(registry.plan("jiaocheng-14th"), sample_ledger, 2024, registry=registry)
    with pytest.raises(BadInput, match="format 'docx'"):
        render_report(evaluation, sample_ledger, registry, ReportKind.ANNUAL, "docx", generated_at=GENERATED)
    with pytest.raises(BadInput, match="lang 'fr'"):
        render_report(evaluation, sample_ledger, registry, ReportKind.ANNUAL, "html", "fr", generated_at=GENERATED)


def test_annual_rows_by_category_binding_first(registry, sample_ledger) -> None:
    ctx = context(registry, sample_ledger, "tunliu-2021-2025", 2024, ReportKind.ANNUAL)
    assert ctx["title"] == "《长治市屯留区“十四五”生态保护和生态文明建设、生态经济发展规划》2024年度指标调度报告"
    assert [g.category for g in ctx["groups"]] == ["生态保护", "环境质量", "生态经济"]
    for group in ctx["groups"]:
        ranks = [r.item.indicator.binding.rank for r in group.rows]
        assert ranks == sorted(ranks)
    # 18.65 (2020) → ≥30 (2025), 21.6 in 2024: R = 0.37493 (docs/indicator-methods.md §6)
    forest = row(ctx, "forest-coverage")
    assert (forest.name, forest.binding, forest.baseline, forest.target, forest.current, forest.ratio, forest.status) == (
        "森林覆盖率（%）", "约束性", "18.65（2020）", "≥30（2025）", "21.6（2024）", "0.37", "进展有限")
    # An assigned target shows the value handed down next to the seed's wording.
    assert row(ctx, "good-days-ratio").target == "完成市下达目标（2025） → ≥78"
    attention = [r.item.indicator.key for r in ctx["attention"]]
    assert "forest-coverage" in attention and "good-days-ratio" in attention
    ranks = [r.item.indicator.binding.rank for r in ctx["attention"]]
    assert ranks == sorted(ranks)
    assert ctx["total"] == 33 and ctx["binding_total"] == 19
    assert ctx["basis"][0].own and "年度调度、中期评估和末期考核" in ctx["basis"][0].citation.clause


def test_midterm_projection_and_gap(registry, sample_ledger) -> None:
    ctx = context(registry, sample_ledger, "tunliu-2021-2025", 2024, ReportKind.MIDTERM)
    forest = row(ctx, "forest-coverage")
    # trend 2021→2024: (21.6/19.4)^(1/3) − 1 = 3.646 %/yr → 22.39 in 2025, 7.61 points short
    assert (forest.projection, forest.gap, forest.projected_met) == ("22.39（2025）", "7.61", "否")
    # a class indicator projects to the nearest class
    groundwater = row(ctx, "groundwater-class")
    assert groundwater.projection.startswith("≈") and groundwater.current == "Ⅱ（2024）"


def test_final_completion_counts(registry, sample_ledger) -> None:
    ctx = context(registry, sample_ledger, "tunliu-2021-2025", 2025, ReportKind.FINAL)
    evaluation = evaluate_plan(registry.plan("tunliu-2021-2025"), sample_ledger, 2025, registry=registry)
    achieved = [i for i in evaluation.items if i.status.value == "achieved"]
    assert ctx["completion"]["achieved"] == len(achieved) and ctx["completion"]["all"] == 33
    assert ctx["completion"]["binding_all"] == 19
    assert row(ctx, "forest-coverage").completion == "未完成"
    assert row(ctx, "redline-share").completion == "完成"
    html = render_report(evaluation, sample_ledger, registry, ReportKind.FINAL, "html", charts=False, generated_at=GENERATED).decode()
    assert "终期考核报告（2025年）" in html and "完成情况" in html and "进展比R" not in html


def test_sample_label_only_for_sample_data(registry, sample_ledger) -> None:
    ctx = context(registry, sample_ledger, "jiaocheng-14th", 2024, ReportKind.ANNUAL)
    assert ctx["sample"] and ctx["sample_count"] == ctx["observation_count"] > 0
    header = ["indicator", "year", "value", "unit", "source"]
    rows = [(1, header), (2, ["jiaocheng-14th.forest-coverage", 2023, 32.1, "%", "交城县林业局"])]
    official = ObservationLedger()
    official.add(parse_rows(rows, registry, "official.csv", dt.date(2026, 1, 1)), GENERATED)
    evaluation = evaluate_plan(registry.plan("jiaocheng-14th"), official, 2024, registry=registry)
    html = render_report(evaluation, official, registry, ReportKind.ANNUAL, "html", generated_at=GENERATED).decode()
    assert "示例数据" not in html and "交城县林业局" in html
    sample_html = render_report(evaluate_plan(registry.plan("jiaocheng-14th"), sample_ledger, 2024, registry=registry),
                                sample_ledger, registry, ReportKind.ANNUAL, "html", generated_at=GENERATED).decode()
    assert 'class="demo"' in sample_html and "示例数据" in sample_html


def test_charts_draw_paths_targets_and_class_axis(registry, sample_ledger) -> None:
    evaluation = evaluate_plan(registry.plan("jiaocheng-14th"), sample_ledger, 2024, registry=registry)
    labels = chart_labels(Translator("zh", MESSAGES), sample=True)
    by_key = {i.indicator.key: i for i in evaluation.items}
    forest = indicator_chart(by_key["forest-coverage"], 2024, labels)
    assert forest.startswith("<svg") and "达标所需路径" in forest and "观测值" in forest and "示例数据" in forest
    assert "Noto Sans CJK SC" in forest
    water = indicator_chart(by_key["control-unit-water-class"], 2024, labels)
    assert "劣Ⅴ" in water and "Ⅳ" in water  # class ticks instead of numbers
    annual = indicator_chart(by_key["annual-afforestation"], 2024, labels)
    assert "逐年目标" in annual and "达标所需路径" not in annual
    no_data = [i for i in evaluation.items if not i.observed_path and i.progress.start is None]
    assert no_data and indicator_chart(no_data[0], 2024, labels) is None
    # the same data gives the same SVG (stable ids, no timestamp)
    assert indicator_chart(by_key["forest-coverage"], 2024, labels) == forest


def test_english_report_keeps_chinese_data(registry, sample_ledger) -> None:
    evaluation = evaluate_plan(registry.plan("jiaocheng-14th"), sample_ledger, 2024, registry=registry)
    html = render_report(evaluation, sample_ledger, registry, ReportKind.ANNUAL, "html", "en", generated_at=GENERATED).decode()
    assert '<html lang="en">' in html
    assert "annual tracking of plan indicators, 2024" in html and "SAMPLE DATA" in html
    assert "森林覆盖率" in html and "moderate progress" in html  # 0.859 for 森林覆盖率 (test_evaluation)
    assert "Progress ratio R" in html and "进展比R" not in html


@pytest.fixture(scope="module")
def annual_pdf(registry, sample_ledger, tmp_path_factory) -> Path:
    evaluation = evaluate_plan(registry.plan("jiaocheng-14th"), sample_ledger, 2024, registry=registry)
    path = tmp_path_factory.mktemp("report") / "jiaocheng-2024-annual.pdf"
    path.write_bytes(render_report(evaluation, sample_ledger, registry, ReportKind.ANNUAL, "pdf", generated_at=GENERATED))
    return path


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (scripts/setup_system.sh)")
def test_pdf_holds_chinese_text(annual_pdf: Path) -> None:
    assert annual_pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(annual_pdf), "-"], capture_output=True, text=True, check=True).stdout
    for phrase in ("2024年度指标调度报告", "示例数据", "森林覆盖率", "进展一般", "年度调度、中期评估和末期考核",
                   "达标所需路径", "docs/indicator-methods.md"):
        assert phrase in text, phrase


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (scripts/setup_system.sh)")
def test_pdf_first_page_renders_with_the_sample_banner(annual_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(annual_pdf), str(tmp_path / "page")],
                   check=True)
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")
    assert image.size[0] < image.size[1]  # A4 portrait
    # the 示例数据 banner is drawn in red (#c0392b) near the top of the page
    top = np.asarray(image.crop((0, 0, image.size[0], image.size[1] // 8))).astype(int)
    reds = (top[..., 0] > 150) & (top[..., 1] < 100) & (top[..., 2] < 100)
    assert reds.sum() > 50
