"""The ledger commands as a user runs them: bank a source, screen a 太原 coal project with it,
draw it once (a second draw fails), and print the balance as JSON and PDF."""

from __future__ import annotations

import json
import uuid

from tests.helpers.cli import run_ecozone


def ecozone(args: list[str], env: dict):
    return run_ecozone(args, **env)


def test_bank_screen_draw_once_and_balance(shanxi_sqlite, tmp_path):
    env = {"ECOZONE_DATABASE_URL": shanxi_sqlite.url.render_as_string(hide_password=False)}
    code = f"C-{uuid.uuid4().hex[:8]}"
    banked = ecozone(["ledgers", "add-source", "--code", code, "--region", "140110", "--resource", "coal", "--kind", "closure",
                      "--amount", "40000", "--effective", "2024-09-01", "--document", "燃煤锅炉关停验收意见", "--format", "json"], env)
    assert banked.returncode == 0, banked.stderr
    project = tmp_path / "plant.geojson"
    project.write_text(json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": [112.48, 37.80]},
                                   "properties": {"name": f"供热站{code}", "industry": "D4430", "nature": "new",
                                                  "attributes": {"adds_coal_consumption": True, "in_park": True, "kinds": []},
                                                  "offsets": {"coal": {"amount": 30000, "sources": [code]}}}}, ensure_ascii=False), encoding="utf-8")
    screened = ecozone(["screen", str(project), "--as-of", "2025-07-01", "--format", "json"], env)
    answer = json.loads(screened.stdout)
    assert answer["verdict"] == "restricted" and answer["offsets"][0]["draw"] == [code]
    first = ecozone(["ledgers", "draw", answer["screening_id"], "--approval", "并审批〔2025〕3号", "--format", "json"], env)
    assert first.returncode == 0, first.stderr
    second = ecozone(["ledgers", "draw", answer["screening_id"], "--approval", "并审批〔2025〕3号"], env)
    assert second.returncode == 1 and code in second.stderr
    listed = json.loads(ecozone(["ledgers", "list", "--region", "140100", "--format", "json"], env).stdout)
    assert next(s for s in listed["sources"] if s["code"] == code)["drawn_by"] == answer["screening_id"]
    balance = json.loads(ecozone(["ledgers", "balance", "--region", "140110", "--year", "2100", "--format", "json"], env).stdout)
    assert any(d["code"] == code for d in balance["draws"])
    pdf = tmp_path / "balance.pdf"
    made = ecozone(["ledgers", "balance", "--region", "140110", "--year", "2100", "--format", "pdf", "--out", str(pdf)], env)
    assert made.returncode == 0, made.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
