"""`ecozone indicators …` as a user runs it: a subprocess with ECOZONE_* settings."""

from __future__ import annotations

import json
from pathlib import Path

from ecozone.store.engine import make_engine, migrate

from tests.helpers.cli import run_ecozone

from .conftest import SAMPLE

HEADER = "indicator,region,year,value,unit,source,kind,note\n"


def ecozone(args: list[str], **env: str):
    return run_ecozone(["indicators", *args], ECOZONE_LOG_LEVEL="WARNING", timeout=180, **env)


def test_import_evaluate_and_a_bad_file(tmp_path: Path) -> None:
    # SQLite only: the CLI is a thin layer over ecozone.indicators.stored, whose tests run on both backends.
    url = f"sqlite:///{tmp_path / 'ecozone.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    db = {"ECOZONE_DATABASE_URL": url}
    first = ecozone(["import", str(SAMPLE), "--by", "张三", "--format", "json"], **db)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"file": "sample_observations.csv", "rows": 188, "added": 188, "corrected": 0,
                                        "unchanged": 0, "recorded_by": "张三"}
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "tunliu-2021-2025.pm25,,2023,31,μg/m3,更正函,,\ntunliu-2021-2025.pm25,,2024,x,μg/m3,更正函,,\n",
                   encoding="utf-8")
    rejected = ecozone(["import", str(bad)], **db)
    assert rejected.returncode == 2 and "bad.csv:3: value 'x'" in rejected.stderr
    evaluated = ecozone(["evaluate", "--plan", "tunliu-2021-2025", "--year", "2024", "--format", "json"], **db)
    assert evaluated.returncode == 0, evaluated.stderr
    body = json.loads(evaluated.stdout)
    pm25 = next(i for i in body["indicators"] if i["indicator"] == "tunliu-2021-2025.pm25")
    assert pm25["current"]["value"] == 33 and pm25["current"]["revision"] == 1  # the 31 of bad.csv was not stored
    assert body["sample_data"] is True and body["observations"]["sample"] == body["observations"]["used"]


def test_list_evaluate_file_and_report_without_a_database(tmp_path: Path) -> None:
    nowhere = {"ECOZONE_DATABASE_URL": f"sqlite:///{tmp_path / 'absent.db'}"}
    listed = ecozone(["list", "--plan", "tunliu-2021-2025", "--format", "json"], **nowhere)
    rows = json.loads(listed.stdout)
    assert len(rows) == 33 and rows[0]["binding"] == "约束性" and rows[-1]["binding"] == "未注明"
    table = ecozone(["evaluate", "--plan", "jiaocheng-14th", "--year", "2024", "--observations", str(SAMPLE)], **nowhere)
    assert table.returncode == 0, table.stderr
    assert "示例数据" in table.stdout and "已实现" in table.stdout
    out = tmp_path / "report.html"
    report = ecozone(["report", "--plan", "jiaocheng-14th", "--year", "2024", "--kind", "annual", "--format", "html",
                      "--out", str(out), "--observations", str(SAMPLE)], **nowhere)
    assert report.returncode == 0, report.stderr
    assert "2024年度指标调度报告" in out.read_text(encoding="utf-8")
