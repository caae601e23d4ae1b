"""Demonstration ledger sources (示例数据) so the balance report and the offset check have something
to show on a fresh install."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from ecozone.ledgers.draws import add_source


def load_demo_sources(engine: Engine, path: Path, now: dt.datetime) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        add_source(
            engine, code=row["code"], region_code=row["region_code"], resource=row["resource"], kind=row["kind"],
            amount=float(row["amount"]), effective_on=dt.date.fromisoformat(row["effective_on"]), document=row["document"],
            actor="示例数据", now=now, note=row["note"], demo=True,
        )
    return len(rows)
