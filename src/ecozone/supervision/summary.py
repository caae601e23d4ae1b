"""The yearly summary of supervision (成果应用评估, seed 001 (十二)): how many clues were observed,
how many the 现场检查 confirmed, by source, unit class and rule. It joins the yearly tracking report."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import Engine

from ecozone.supervision import repository as store
from ecozone.supervision.settings import SEED_BASIS

UNIT_CLASSES = ("1", "2", "3")


def yearly_summary(engine: Engine, year: int) -> dict:
    """Figures of the clues observed in ``year`` (whatever their status now)."""
    with engine.connect() as conn:
        rows = store.list_clues(conn, year=year, limit=1_000_000)
    confirmed = [r for r in rows if r["inspection_result"] == "confirmed"]
    by_class: dict[str, Counter] = {c: Counter() for c in UNIT_CLASSES}
    rules: dict[str, dict] = {}
    per_rule: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        is_confirmed = row["inspection_result"] == "confirmed"
        for unit_class in {str(c) for c in row["unit_classes"]}:
            by_class[unit_class]["clues"] += 1
            by_class[unit_class]["confirmed"] += is_confirmed
        for finding in row["findings"]:
            if finding["outcome"] != "applies":
                continue
            rules.setdefault(finding["rule_id"], {"title": finding["title"], "citation": finding["citation"]})
            per_rule[finding["rule_id"]]["clues"] += 1
            per_rule[finding["rule_id"]]["confirmed"] += is_confirmed
    return {
        "year": year,
        "clues": len(rows),
        "confirmed": len(confirmed),
        "by_source": dict(Counter(r["source"] for r in rows)),
        "by_verdict": dict(Counter(r["verdict"] for r in rows)),
        "by_status": dict(Counter(r["status"] for r in rows)),
        "by_result": dict(Counter(r["inspection_result"] for r in rows if r["inspection_result"])),
        "by_unit_class": {c: {"clues": v["clues"], "confirmed": v["confirmed"]} for c, v in by_class.items()},
        "by_rule": sorted(
            ({"rule_id": k, **rules[k], "clues": v["clues"], "confirmed": v["confirmed"]} for k, v in per_rule.items()),
            key=lambda r: (-r["clues"], r["rule_id"]),
        ),
        "demo": any(r["demo"] for r in rows),
        "basis": SEED_BASIS,
    }
