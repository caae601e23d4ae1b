"""Demonstration clues (示例数据) so the supervision page is not empty on a fresh install: read
from the shipped file, screened like any import, and some taken a step or more along the worklist."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine

from ecozone.screening.service import ScreeningService
from ecozone.supervision import worklist
from ecozone.supervision.clue_input import read_clue_file
from ecozone.supervision.clues import import_clues
from ecozone.supervision.settings import SupervisionSettings

ACTOR = "示例数据"
STEPS = ("assigned", "inspected", "closed")


def load_demo_clues(engine: Engine, service: ScreeningService, path: Path, now: dt.datetime) -> int:
    """Import the demonstration clues (one import per source) and advance them as the file says."""
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    items = read_clue_file(path)
    steps = {f["properties"]["id"]: f["properties"].get("demo_step") for f in features}
    sources = {f["properties"]["id"]: f["properties"]["source"] for f in features}
    stored = []
    for source in dict.fromkeys(sources.values()):
        chosen = [i for i in items if sources[i.ref] == source]
        stored += import_clues(engine, service, SupervisionSettings(), chosen, source, ACTOR, now, demo=True)
    for clue in stored:
        step = steps.get(clue["ref"])
        if step in STEPS:
            worklist.assign(engine, clue["id"], "示例检查员", ACTOR, now)
        if step in STEPS[1:]:
            worklist.record_inspection(engine, clue["id"], "confirmed", "示例数据：现场核实情况（演示）", ACTOR, now)
        if step == "closed":
            worklist.close(engine, clue["id"], ACTOR, "示例数据：办结（演示）", now)
    return len(stored)
